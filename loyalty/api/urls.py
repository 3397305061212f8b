"""API v1 routes of the core (mounted under /api/v1/)."""

from django.urls import path

from loyalty.api.audit_events import AuditEventViewSet
from loyalty.api.me import MeView
from loyalty.api.programs import ProgramViewSet

urlpatterns: list = [
    path("me", MeView.as_view(), name="me"),
    path("audit-events", AuditEventViewSet.as_view({"get": "list"}), name="audit-event-list"),
    path(
        "programs",
        ProgramViewSet.as_view({"get": "list", "post": "create"}),
        name="program-list",
    ),
    path(
        "programs/<str:program_id>",
        ProgramViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="program-detail",
    ),
]
