"""API v1 routes of the ledger app (mounted under /api/v1/)."""

from django.urls import path

from ledger.api.assets import AssetViewSet
from ledger.api.journal_entries import JournalEntryViewSet

urlpatterns: list = [
    path("assets", AssetViewSet.as_view({"get": "list", "post": "create"}), name="asset-list"),
    path("assets/<str:asset_id>", AssetViewSet.as_view({"get": "retrieve", "patch": "partial_update"}), name="asset-detail"),
    path("journal-entries", JournalEntryViewSet.as_view({"get": "list"}), name="journal-entry-list"),
    path("journal-entries/<str:entry_id>", JournalEntryViewSet.as_view({"get": "retrieve"}), name="journal-entry-detail"),
]
