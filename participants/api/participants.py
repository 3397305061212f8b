"""``/api/v1/participants`` (list, enrol, retrieve) and a participant's balances."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from loyalty.api.base import ApiView, ApiViewSet
from loyalty.api.schema import BODY_ERRORS, error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.selectors import program_get_visible
from participants import selectors
from participants.api.serializers import (
    BalanceFilterSerializer,
    BalanceSerializer,
    ParticipantCreateSerializer,
    ParticipantFilterSerializer,
    ParticipantSerializer,
)
from participants.services import participant_enrol

PARTICIPANT_ID = path_uuid("participant_id", "The participant's id.")


class ParticipantViewSet(ApiViewSet):
    @extend_schema(
        operation_id="participants_list",
        summary="List participants enrolled in the key's programs",
        description="Newest first; `program_ids` lists only the programs the key may see.",
        parameters=[ParticipantFilterSerializer],
        responses={
            HTTPStatus.OK: ParticipantSerializer(many=True),
            **list_error_responses(),
        },
    )
    def list(self, request):
        filters = self.parse_query(ParticipantFilterSerializer)
        return self.paginated(selectors.participant_list(scope=self.scope, **filters), ParticipantSerializer)

    @extend_schema(
        operation_id="participants_enrol",
        summary="Create a participant and enrol it in a program",
        description="201 with a new participant. If `external_id` exists, that participant is enrolled in the "
        "program (if not yet) and returned with 200; `display_name` and `email` are then ignored.",
        request=ParticipantCreateSerializer,
        responses={
            HTTPStatus.CREATED: OpenApiResponse(ParticipantSerializer, description="Created and enrolled."),
            HTTPStatus.OK: OpenApiResponse(ParticipantSerializer, description="Existing participant, now enrolled."),
            **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND),
        },
    )
    def create(self, request):
        data = self.parse_body(ParticipantCreateSerializer)
        program = program_get_visible(scope=self.scope, program_id=data["program_id"])
        result = participant_enrol(
            program=program,
            external_id=data["external_id"],
            display_name=data["display_name"],
            email=data["email"],
        )
        participant = selectors.participant_detail_get(scope=self.scope, participant_id=result.record.id)
        return Response(
            ParticipantSerializer(participant).data, status=HTTPStatus.CREATED if result.created else HTTPStatus.OK
        )

    @extend_schema(
        operation_id="participants_retrieve",
        summary="Get a participant",
        description="A participant enrolled in no program the key may see is 404.",
        parameters=[PARTICIPANT_ID],
        responses={HTTPStatus.OK: ParticipantSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def retrieve(self, request, participant_id):
        participant = selectors.participant_detail_get(scope=self.scope, participant_id=parse_path_uuid(participant_id))
        return Response(ParticipantSerializer(participant).data)


class ParticipantBalancesView(ApiView):
    @extend_schema(
        operation_id="participants_balances_list",
        summary="A participant's balances",
        description="Every asset of every program the participant is enrolled in (that the key may see); "
        'zero (`"0.00"`) with `updated_at` null where it has had no movement. `balance` counts released points '
        "only; `pending_balance` the points not yet released; `expiring` the soonest expiries.",
        parameters=[PARTICIPANT_ID, BalanceFilterSerializer],
        responses={
            HTTPStatus.OK: BalanceSerializer(many=True),
            **list_error_responses(path_ids=True),
        },
    )
    def get(self, request, participant_id):
        participant_id = parse_path_uuid(participant_id)
        participant = selectors.participant_get_visible(scope=self.scope, participant_id=participant_id)
        filters = self.parse_query(BalanceFilterSerializer)
        balances = selectors.participant_balances_list(scope=self.scope, participant_id=participant.id, **filters)
        page = self.paginate_queryset(balances)
        expiring = selectors.participant_expiring(
            tenant_id=self.scope.tenant_id, participant_id=participant.id, asset_ids=[asset.id for asset in page]
        )
        for asset in page:
            asset.expiring = expiring.get(asset.id, [])
        return self.get_paginated_response(BalanceSerializer(page, many=True).data)
