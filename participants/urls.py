"""API v1 routes of the participants app (mounted under /api/v1/)."""

urlpatterns: list = []
