"""``POST /api/v1/participants/{participant_id}/accruals``: credit a participant's wallet."""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from ledger.selectors import asset_get_visible
from loyalty.api.base import ApiView
from loyalty.api.schema import BODY_ERRORS, IDEMPOTENCY_KEY_HEADER, BusinessRules, error_responses, path_uuid
from loyalty.api.scoping import parse_path_uuid
from loyalty.errors import ErrorCode
from loyalty.selectors import program_get_visible
from participants.api.serializers import AccrualCreateSerializer, AccrualSerializer
from participants.selectors import participant_get_visible
from participants.services import accrual_create

ACCRUAL_RULES = BusinessRules(
    ErrorCode.PROGRAM_NOT_ACTIVE,
    ErrorCode.PARTICIPANT_NOT_ENROLLED,
    example=(ErrorCode.PROGRAM_NOT_ACTIVE, "The program is not active."),
)


class ParticipantAccrualsView(ApiView):
    @extend_schema(
        operation_id="participants_accruals_create",
        summary="Credit a participant's wallet (earn)",
        description="Credits the wallet from the program's issuance account in one balanced journal entry. "
        "201 new, or 200 with the original accrual on an idempotent repeat.",
        parameters=[path_uuid("participant_id", "The participant's id."), IDEMPOTENCY_KEY_HEADER],
        request=AccrualCreateSerializer,
        responses={
            HTTPStatus.CREATED: OpenApiResponse(AccrualSerializer, description="Accrued."),
            HTTPStatus.OK: OpenApiResponse(AccrualSerializer, description="Idempotent repeat: the original accrual."),
            **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, rules=ACCRUAL_RULES),
        },
    )
    def post(self, request, participant_id):
        participant = participant_get_visible(scope=self.scope, participant_id=parse_path_uuid(participant_id))
        data = self.parse_body(AccrualCreateSerializer)
        idempotency_key = self.pop_idempotency_key(data)
        program = program_get_visible(scope=self.scope, program_id=data["program_id"])
        asset = asset_get_visible(scope=self.scope, asset_id=data["asset_id"])
        result = accrual_create(
            program=program,
            participant=participant,
            asset=asset,
            amount=data["amount"],
            description=data.get("description"),
            idempotency_key=idempotency_key,
        )
        return Response(
            AccrualSerializer(result.record).data, status=HTTPStatus.CREATED if result.created else HTTPStatus.OK
        )
