"""API v1 routes of the core (mounted under /api/v1/)."""

urlpatterns: list = []
