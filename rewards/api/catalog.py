"""``/api/v1/rewards``: the reward catalog (list, create, retrieve, partial update)."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ledger.selectors import asset_get_visible
from loyalty.api.base import ApiViewSet
from loyalty.api.schema import BODY_ERRORS, error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.audit import Actor
from loyalty.selectors import program_get_visible
from rewards.api import schema
from rewards.api.serializers import (
    RewardCreateSerializer,
    RewardFilterSerializer,
    RewardSerializer,
    RewardUpdateSerializer,
)
from rewards.models import Reward
from rewards.selectors import reward_get_visible, reward_list
from rewards.services import reward_create, reward_update

REWARD_ID = path_uuid("reward_id", "The reward's id.")


@extend_schema(tags=["rewards"])
class RewardViewSet(ApiViewSet):
    queryset = Reward.objects.none()  # for schema introspection; reads go through rewards.selectors

    def get_object(self) -> Reward:
        return reward_get_visible(scope=self.scope, reward_id=parse_path_uuid(self.kwargs["reward_id"]))

    @extend_schema(
        operation_id="rewards_list",
        summary="List the catalog of the key's programs",
        description="Newest first.",
        parameters=[RewardFilterSerializer],
        responses={HTTPStatus.OK: RewardSerializer(many=True), **list_error_responses()},
    )
    def list(self, request):
        filters = self.parse_query(RewardFilterSerializer)
        return self.paginated(reward_list(scope=self.scope, **filters), RewardSerializer)

    @extend_schema(
        operation_id="rewards_create",
        summary="Create a reward",
        description=(
            "UNIT_BASED needs `unit_cost`; AMOUNT_BASED has no `unit_cost` and optional `min_amount` <= "
            "`max_amount`. Amounts have at most the asset's scale places and `available_from` < "
            "`available_until`: any violation is 400 on its field. The asset must belong to the program (else 404)."
        ),
        request=RewardCreateSerializer,
        responses={
            HTTPStatus.CREATED: RewardSerializer,
            **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND),
        },
        examples=[schema.REWARD_EXAMPLE],
    )
    def create(self, request):
        data = self.parse_body(RewardCreateSerializer)
        program = program_get_visible(scope=self.scope, program_id=data.pop("program_id"))
        asset = asset_get_visible(scope=self.scope, asset_id=data.pop("asset_id"))
        reward = reward_create(program=program, asset=asset, actor=Actor.of_api_key(self.scope.api_key), **data)
        return Response(RewardSerializer(reward).data, status=HTTPStatus.CREATED)

    @extend_schema(
        operation_id="rewards_retrieve",
        summary="Get a reward",
        description="A reward of a program the key may not see is 404.",
        parameters=[REWARD_ID],
        responses={HTTPStatus.OK: RewardSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
        examples=[schema.REWARD_EXAMPLE],
    )
    def retrieve(self, request, reward_id):
        return Response(RewardSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="rewards_partial_update",
        summary="Change a reward",
        description=(
            "Operators switch `status` between ACTIVE and INACTIVE; OUT_OF_STOCK is the system's "
            "(asking for ACTIVE with no stock left answers 200 and keeps OUT_OF_STOCK). Raising "
            "`max_total` above `redeemed_count` reactivates an OUT_OF_STOCK reward; lowering it to "
            "`redeemed_count` or below makes it OUT_OF_STOCK. `type` cannot change; `program_id` and "
            "`asset_id` are fixed."
        ),
        parameters=[REWARD_ID],
        request=RewardUpdateSerializer,
        responses={HTTPStatus.OK: RewardSerializer, **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND)},
        examples=[schema.REWARD_EXAMPLE],
    )
    def partial_update(self, request, reward_id):
        reward = self.get_object()
        changes = self.parse_body(RewardUpdateSerializer, partial=True)
        reward = reward_update(reward=reward, actor=Actor.of_api_key(self.scope.api_key), **changes)
        return Response(RewardSerializer(reward).data)
