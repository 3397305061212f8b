"""API v1 routes of the rewards app (mounted under /api/v1/).

Ids are matched as ``<str:...>`` and parsed in the view, so that the key is
checked (401) before a malformed id is answered 404.
"""

from django.urls import path

from rewards.api.catalog import RewardViewSet
from rewards.api.codes import RewardCodeViewSet
from rewards.api.redemptions import ParticipantRedemptionViewSet, RedemptionViewSet
from rewards.api.reversals import ReversalViewSet

urlpatterns = [
    path("rewards", RewardViewSet.as_view({"get": "list", "post": "create"}), name="reward-list"),
    path(
        "rewards/<str:reward_id>",
        RewardViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="reward-detail",
    ),
    path(
        "rewards/<str:reward_id>/codes",
        RewardCodeViewSet.as_view({"get": "counts", "post": "create"}),
        name="reward-code-list",
    ),
    path(
        "participants/<str:participant_id>/redemptions",
        ParticipantRedemptionViewSet.as_view({"get": "list", "post": "create"}),
        name="participant-redemption-list",
    ),
    path(
        "participants/<str:participant_id>/redemptions/catalog",
        ParticipantRedemptionViewSet.as_view({"post": "catalog"}),
        name="participant-redemption-catalog",
    ),
    path("redemptions", RedemptionViewSet.as_view({"get": "list"}), name="redemption-list"),
    path("redemptions/<str:redemption_id>", RedemptionViewSet.as_view({"get": "retrieve"}), name="redemption-detail"),
    path(
        "redemptions/<str:redemption_id>/reversals",
        ReversalViewSet.as_view({"get": "list", "post": "create"}),
        name="redemption-reversal-list",
    ),
]
