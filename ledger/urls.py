"""API v1 routes of the ledger app (mounted under /api/v1/)."""

urlpatterns: list = []
