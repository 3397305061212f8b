"""``/api/v1/rewards/{reward_id}/codes``: add codes to a CODES reward, count them (never list them)."""

from __future__ import annotations

from dataclasses import asdict
from http import HTTPStatus

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from loyalty.api.base import ApiViewSet
from loyalty.api.schema import BODY_ERRORS, error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.audit import Actor
from rewards.api import schema
from rewards.api.serializers import RewardCodeCountsSerializer, RewardCodesAddedSerializer, RewardCodesCreateSerializer
from rewards.models import RewardCode
from rewards.selectors import reward_code_counts, reward_get_visible
from rewards.services import reward_codes_add

REWARD_ID = path_uuid("reward_id", "The reward's id.")


@extend_schema(tags=["rewards"])
class RewardCodeViewSet(ApiViewSet):
    queryset = RewardCode.objects.none()  # for schema introspection; reads go through rewards.selectors

    def get_reward(self):
        return reward_get_visible(scope=self.scope, reward_id=parse_path_uuid(self.kwargs["reward_id"]))

    @extend_schema(
        operation_id="rewards_codes_create",
        summary="Add codes to a CODES reward",
        description=(
            "1-10,000 codes, each 1-100 printable characters without leading or trailing whitespace. Codes "
            "already in the reward or repeated in the body are not added and are listed once each in "
            "`duplicates`. A reward whose `fulfilment` is NONE: 400 on `codes`. An OUT_OF_STOCK reward with "
            "codes again becomes ACTIVE (an INACTIVE one stays INACTIVE). This route's body limit is 5 MiB "
            "(10,000 codes of 100 characters), not 64 KiB."
        ),
        parameters=[REWARD_ID],
        request=RewardCodesCreateSerializer,
        responses={
            HTTPStatus.CREATED: RewardCodesAddedSerializer,
            **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND),
        },
        examples=[schema.CODES_REQUEST_EXAMPLE, schema.CODES_ADDED_EXAMPLE],
    )
    def create(self, request, reward_id):
        reward = self.get_reward()
        data = self.parse_body(RewardCodesCreateSerializer)
        added = reward_codes_add(reward=reward, codes=data["codes"], actor=Actor.of_api_key(self.scope.api_key))
        return Response(RewardCodesAddedSerializer(asdict(added)).data, status=HTTPStatus.CREATED)

    @extend_schema(
        operation_id="rewards_codes_counts",
        summary="Count a reward's codes",
        description=(
            "Each code once, by its state: `available + issued + voided` is the number of codes added. "
            "The codes themselves are never listed."
        ),
        parameters=[REWARD_ID],
        responses={HTTPStatus.OK: RewardCodeCountsSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
        examples=[schema.CODE_COUNTS_EXAMPLE],
    )
    def counts(self, request, reward_id):
        return Response(RewardCodeCountsSerializer(reward_code_counts(reward=self.get_reward())).data)
