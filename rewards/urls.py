"""API v1 routes of the rewards app (mounted under /api/v1/)."""

urlpatterns: list = []
