"""API v1 routes of the participants app (mounted under /api/v1/)."""

from django.urls import path

from participants.api.accruals import (
    AccrualDetailView,
    AccrualReleaseView,
    AccrualReversalsView,
    ParticipantAccrualsView,
)
from participants.api.participants import ParticipantBalancesView, ParticipantViewSet

urlpatterns: list = [
    path(
        "participants",
        ParticipantViewSet.as_view({"get": "list", "post": "create"}),
        name="participant-list",
    ),
    path(
        "participants/<str:participant_id>",
        ParticipantViewSet.as_view({"get": "retrieve"}),
        name="participant-detail",
    ),
    path(
        "participants/<str:participant_id>/balances",
        ParticipantBalancesView.as_view(),
        name="participant-balances",
    ),
    path(
        "participants/<str:participant_id>/accruals",
        ParticipantAccrualsView.as_view(),
        name="participant-accruals",
    ),
    path("accruals/<str:accrual_id>", AccrualDetailView.as_view(), name="accrual-detail"),
    path("accruals/<str:accrual_id>/release", AccrualReleaseView.as_view(), name="accrual-release"),
    path("accruals/<str:accrual_id>/reversals", AccrualReversalsView.as_view(), name="accrual-reversals"),
]
