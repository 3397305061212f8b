"""
Accruals (lots): ``/api/v1/participants/{participant_id}/accruals`` (earn,
list), ``/api/v1/accruals/{id}`` (get), ``.../release`` and ``.../reversals``
(clawback).
"""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from ledger.selectors import asset_get_visible
from loyalty.api.base import ApiView
from loyalty.api.bound import represented
from loyalty.api.pagination import LedgerCursorPagination
from loyalty.api.schema import (
    BODY_ERRORS,
    IDEMPOTENCY_KEY_HEADER,
    BusinessRules,
    error_responses,
    list_error_responses,
    path_uuid,
)
from loyalty.api.scoping import parse_path_uuid
from loyalty.audit import Actor
from loyalty.errors import ErrorCode
from loyalty.selectors import program_get_visible
from participants.api.serializers import (
    AccrualCreateSerializer,
    AccrualFilterSerializer,
    AccrualReversalCreateSerializer,
    AccrualReversalSerializer,
    AccrualSerializer,
)
from participants.models import Accrual, AccrualReversal
from participants.selectors import accrual_get_visible, accrual_list, accrual_reversal_list, participant_get_visible
from participants.services import UNSET, accrual_create, accrual_release, accrual_reversal_create

ACCRUAL_ID = path_uuid("accrual_id", "The accrual's id.")
CLAWBACK_RULES = BusinessRules(
    ErrorCode.ACCRUAL_REVERSAL_EXCEEDS_REMAINING,
    example=(ErrorCode.ACCRUAL_REVERSAL_EXCEEDS_REMAINING, "10.00 asked, the lot holds 5.00."),
)

ACCRUAL_RULES = BusinessRules(
    ErrorCode.PROGRAM_NOT_ACTIVE,
    ErrorCode.PARTICIPANT_NOT_ENROLLED,
    example=(ErrorCode.PROGRAM_NOT_ACTIVE, "The program is not active."),
)


class ParticipantAccrualsView(ApiView):
    queryset = Accrual.objects.none()  # for schema introspection; reads go through participants.selectors
    pagination_class = LedgerCursorPagination

    @extend_schema(
        operation_id="participants_accruals_list",
        summary="List a participant's accruals (lots)",
        description="Newest first, cursor-paginated; `?status=` PENDING, AVAILABLE or CLOSED.",
        parameters=[path_uuid("participant_id", "The participant's id."), AccrualFilterSerializer],
        responses={HTTPStatus.OK: AccrualSerializer(many=True), **list_error_responses(path_ids=True)},
    )
    def get(self, request, participant_id):
        participant = participant_get_visible(scope=self.scope, participant_id=parse_path_uuid(participant_id))
        filters = self.parse_query(AccrualFilterSerializer)
        return self.paginated(accrual_list(scope=self.scope, participant_id=participant.id, **filters), AccrualSerializer)

    @extend_schema(
        operation_id="participants_accruals_create",
        summary="Credit a participant's wallet (earn)",
        description="Credits the wallet (or, for a lot not yet available, the participant's PENDING account) "
        "from the program's issuance account in one balanced journal entry, as a new lot. `available_at` and "
        "`expires_at` take part in the idempotency fingerprint as sent (omitted, null and a timestamp differ). "
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
            available_at=data.get("available_at", UNSET),
            expires_at=data.get("expires_at", UNSET),
        )
        return Response(
            represented(AccrualSerializer, result.record), status=HTTPStatus.CREATED if result.created else HTTPStatus.OK
        )


class AccrualDetailView(ApiView):
    @extend_schema(
        operation_id="accruals_retrieve",
        summary="Get an accrual (lot)",
        description="The accrual and its lot: `available_at`, `expires_at`, `status`, `remaining` and where the "
        "rest went (`spent_amount`, `expired_amount`, `reversed_amount`).",
        parameters=[ACCRUAL_ID],
        responses={HTTPStatus.OK: AccrualSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def get(self, request, accrual_id):
        accrual = accrual_get_visible(scope=self.scope, accrual_id=parse_path_uuid(accrual_id))
        return Response(AccrualSerializer(accrual).data)


class AccrualReleaseView(ApiView):
    @extend_schema(
        operation_id="accruals_release",
        summary="Release a pending lot now",
        description="Moves what the lot holds from the PENDING account to the wallet (a RELEASE entry). A lot "
        "already released, or empty, answers 200 unchanged. No body.",
        parameters=[ACCRUAL_ID],
        request=None,
        responses={HTTPStatus.OK: AccrualSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def post(self, request, accrual_id):
        accrual = accrual_get_visible(scope=self.scope, accrual_id=parse_path_uuid(accrual_id))
        return Response(AccrualSerializer(accrual_release(accrual=accrual, actor=Actor.of_api_key(self.scope.api_key))).data)


class AccrualReversalsView(ApiView):
    queryset = AccrualReversal.objects.none()  # for schema introspection
    pagination_class = LedgerCursorPagination

    @extend_schema(
        operation_id="accruals_reversals_create",
        summary="Claw back points from a lot",
        description="Takes points back from this lot only (pending or released) in an ACCRUAL_REVERSAL entry; "
        "an empty body takes all that `remaining` holds. Allowed while the program is INACTIVE. `201`, or "
        "`200` on an idempotent repeat.",
        parameters=[ACCRUAL_ID, IDEMPOTENCY_KEY_HEADER],
        request=AccrualReversalCreateSerializer,
        responses={
            HTTPStatus.CREATED: OpenApiResponse(AccrualReversalSerializer, description="Clawed back."),
            HTTPStatus.OK: OpenApiResponse(
                AccrualReversalSerializer, description="Idempotent repeat: the original clawback."
            ),
            **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, rules=CLAWBACK_RULES),
        },
    )
    def post(self, request, accrual_id):
        accrual = accrual_get_visible(scope=self.scope, accrual_id=parse_path_uuid(accrual_id))
        data = self.parse_body(AccrualReversalCreateSerializer)
        key = self.pop_idempotency_key(data)
        result = accrual_reversal_create(
            accrual=accrual, amount=data.get("amount"), reason=data.get("reason", ""), idempotency_key=key,
            actor=Actor.of_api_key(self.scope.api_key),
        )
        return Response(
            represented(AccrualReversalSerializer, result.record),
            status=HTTPStatus.CREATED if result.created else HTTPStatus.OK,
        )

    @extend_schema(
        operation_id="accruals_reversals_list",
        summary="List a lot's clawbacks",
        description="Newest first, cursor-paginated.",
        parameters=[ACCRUAL_ID],
        responses={HTTPStatus.OK: AccrualReversalSerializer(many=True), **list_error_responses(path_ids=True)},
    )
    def get(self, request, accrual_id):
        accrual = accrual_get_visible(scope=self.scope, accrual_id=parse_path_uuid(accrual_id))
        return self.paginated(accrual_reversal_list(accrual=accrual), AccrualReversalSerializer)
