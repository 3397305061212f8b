"""
``/api/v1/participants`` (list, enrol, retrieve), a participant's balances,
and accruals (``POST /api/v1/participants/{participant_id}/accruals``).
"""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from ledger.models import Asset
from loyalty.api.base import ApiView, ApiViewSet
from loyalty.api.fields import DecimalStringField, StrictCharField, StrictInputSerializer, StrictUUIDField
from loyalty.api.schema import (
    BODY_ERRORS,
    IDEMPOTENCY_KEY_HEADER,
    BusinessRules,
    error_responses,
    list_error_responses,
    path_uuid,
)
from loyalty.api.scoping import get_visible, parse_path_uuid, program_get_visible
from loyalty.api.serializers import FilterSerializer, ScaledAmountField
from loyalty.errors import ErrorCode, NotFound
from loyalty.idempotency import MAX_KEY_LENGTH, resolve_idempotency_key
from participants import selectors
from participants.services import DEFAULT_ACCRUAL_DESCRIPTION, accrual_create, participant_enrol

PARTICIPANT_ID = path_uuid("participant_id", "The participant's id.")
ACCRUAL_RULES = BusinessRules(
    "AccrualRuleError",
    ErrorCode.PROGRAM_NOT_ACTIVE,
    ErrorCode.PARTICIPANT_NOT_ENROLLED,
    example=(ErrorCode.PROGRAM_NOT_ACTIVE, "The program is not active."),
)


@extend_schema_field(
    {
        "anyOf": [
            {"type": "string", "format": "email", "maxLength": 254},
            {"type": "string", "enum": [""]},
        ],
        "description": 'An e-mail address, or "" for none.',
    }
)
class StrictEmailField(StrictCharField, serializers.EmailField):
    pass


# --- participants -----------------------------------------------------------------


class ParticipantSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    external_id = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    program_ids = serializers.SerializerMethodField(
        help_text="The programs the participant is enrolled in that the key may see."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_program_ids(self, participant) -> list[str]:
        return [str(enrollment.program_id) for enrollment in participant.visible_enrollments]


class ParticipantCreateSerializer(StrictInputSerializer):
    read_only_fields = ("id", "program_ids", "created_at", "updated_at")

    program_id = StrictUUIDField(help_text="The program to enrol the participant in.")
    external_id = StrictCharField(min_length=1, max_length=255, trim_whitespace=False)
    display_name = StrictCharField(max_length=200, allow_blank=True, default="")
    email = StrictEmailField(max_length=254, allow_blank=True, default="")


class ParticipantFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False, help_text="Only participants enrolled in this program.")
    external_id = serializers.CharField(required=False, trim_whitespace=False, max_length=255)


class ParticipantViewSet(ApiViewSet):
    def get_object(self):
        participant = selectors.participant_get(
            participant_id=parse_path_uuid(self.kwargs["participant_id"]),
            visible_program_ids=self.visible_program_ids,
        )
        if participant is None:
            raise NotFound("Unknown participant.")
        return participant

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
        queryset = selectors.participant_list(visible_program_ids=self.visible_program_ids, **filters)
        return self.paginated(queryset, ParticipantSerializer)

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
        program = program_get_visible(self.scope, data["program_id"])
        result = participant_enrol(
            program=program,
            external_id=data["external_id"],
            display_name=data["display_name"],
            email=data["email"],
        )
        participant = selectors.participant_get(
            participant_id=result.record.id, visible_program_ids=self.visible_program_ids
        )
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
        return Response(ParticipantSerializer(self.get_object()).data)


# --- balances -----------------------------------------------------------------------


class BalanceSerializer(serializers.Serializer):
    program_id = serializers.UUIDField(read_only=True)
    asset_id = serializers.UUIDField(source="id", read_only=True)
    asset_code = serializers.CharField(source="code", read_only=True)
    balance = ScaledAmountField(source="wallet_balance", scale_source="scale")
    updated_at = serializers.DateTimeField(
        source="wallet_updated_at", read_only=True, allow_null=True, help_text="Null until the first movement."
    )


class BalanceFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False, help_text="Only the assets of this program.")


class ParticipantBalancesView(ApiView):
    @extend_schema(
        operation_id="participants_balances_list",
        summary="A participant's balances",
        description="Every asset of every program the participant is enrolled in (that the key may see); "
        'zero (`"0.00"`) with `updated_at` null where it has had no movement.',
        parameters=[PARTICIPANT_ID, BalanceFilterSerializer],
        responses={
            HTTPStatus.OK: BalanceSerializer(many=True),
            **list_error_responses(path_ids=True),
        },
    )
    def get(self, request, participant_id):
        participant = selectors.participant_get_visible(self.scope, parse_path_uuid(participant_id))
        filters = self.parse_query(BalanceFilterSerializer)
        queryset = selectors.participant_balances_list(
            participant_id=participant.id, visible_program_ids=self.visible_program_ids, **filters
        )
        return self.paginated(queryset, BalanceSerializer)


# --- accruals -----------------------------------------------------------------------


class AccrualSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    program_id = serializers.UUIDField(read_only=True)
    participant_id = serializers.UUIDField(read_only=True)
    asset_id = serializers.UUIDField(read_only=True)
    amount = ScaledAmountField()
    description = serializers.CharField(read_only=True)
    journal_entry_id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class AccrualCreateSerializer(StrictInputSerializer):
    read_only_fields = ("id", "participant_id", "journal_entry_id", "created_at")

    program_id = StrictUUIDField()
    asset_id = StrictUUIDField(help_text="An asset of the program.")
    amount = DecimalStringField(help_text="Positive decimal string with at most the asset's scale places.")
    description = StrictCharField(
        max_length=500, required=False, help_text=f'Default "{DEFAULT_ACCRUAL_DESCRIPTION}".'
    )
    idempotency_key = StrictCharField(
        min_length=1, max_length=MAX_KEY_LENGTH, trim_whitespace=False, required=False
    )


class ParticipantAccrualsView(ApiView):
    @extend_schema(
        operation_id="participants_accruals_create",
        summary="Credit a participant's wallet (earn)",
        description="Credits the wallet from the program's issuance account in one balanced journal entry. "
        "201 new, or 200 with the original accrual on an idempotent repeat.",
        parameters=[PARTICIPANT_ID, IDEMPOTENCY_KEY_HEADER],
        request=AccrualCreateSerializer,
        responses={
            HTTPStatus.CREATED: OpenApiResponse(AccrualSerializer, description="Accrued."),
            HTTPStatus.OK: OpenApiResponse(AccrualSerializer, description="Idempotent repeat: the original accrual."),
            **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, rules=ACCRUAL_RULES),
        },
    )
    def post(self, request, participant_id):
        participant = selectors.participant_get_visible(self.scope, parse_path_uuid(participant_id))
        data = self.parse_body(AccrualCreateSerializer)
        idempotency_key = resolve_idempotency_key(
            body_key=data.get("idempotency_key"), header_key=request.headers.get("Idempotency-Key")
        )
        program = program_get_visible(self.scope, data["program_id"])
        asset = get_visible(Asset.objects.filter(program_id=program.id), self.scope, what="asset", id=data["asset_id"])
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
