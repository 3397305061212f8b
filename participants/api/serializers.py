"""Serializers of the participants API: participants, balances, accruals."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from loyalty.api.fields import (
    DecimalStringField,
    StrictCharField,
    StrictInputSerializer,
    StrictUUIDField,
    idempotency_key_field,
)
from loyalty.api.serializers import FilterSerializer, ScaledAmountField
from loyalty.money import format_amount
from participants.models import Accrual
from participants.services import DEFAULT_ACCRUAL_DESCRIPTION


@extend_schema_field(
    {
        "anyOf": [
            {"type": "string", "format": "email", "maxLength": 254},
            {"type": "string", "maxLength": 0},  # not enum [""]: a generator would make an enum class of it
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


# --- balances -----------------------------------------------------------------------


class ExpiringSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField(read_only=True)
    amount = serializers.CharField(read_only=True, help_text="Decimal string at the asset's scale.")


class BalanceSerializer(serializers.Serializer):
    program_id = serializers.UUIDField(read_only=True)
    asset_id = serializers.UUIDField(source="id", read_only=True)
    asset_code = serializers.CharField(source="code", read_only=True)
    balance = ScaledAmountField(source="wallet_balance", scale_source="scale")
    updated_at = serializers.DateTimeField(
        source="wallet_updated_at", read_only=True, allow_null=True, help_text="Null until the first movement."
    )
    pending_balance = ScaledAmountField(
        scale_source="scale", help_text="Points of lots not yet released: they cannot be spent yet."
    )
    expiring = serializers.SerializerMethodField(
        help_text="Up to 10 entries: the released lots' `remaining` grouped by `expires_at`, soonest first "
        "(lots that never expire are not listed)."
    )

    @extend_schema_field(ExpiringSerializer(many=True))
    def get_expiring(self, asset) -> list[dict]:
        return [
            {"expires_at": serializers.DateTimeField().to_representation(at), "amount": format_amount(amount, asset.scale)}
            for at, amount in getattr(asset, "expiring", [])
        ]


class BalanceFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False, help_text="Only the assets of this program.")


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
    available_at = serializers.DateTimeField(read_only=True, help_text="From when the lot may be spent.")
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Null: never expires.")
    status = serializers.ChoiceField(
        choices=Accrual.Status.choices, read_only=True, help_text="CLOSED: nothing remains in the lot."
    )
    remaining = ScaledAmountField(help_text="Points still in the lot, pending or available.")
    spent_amount = ScaledAmountField(help_text="Taken by redemptions, net of points their reversals put back.")
    expired_amount = ScaledAmountField()
    reversed_amount = ScaledAmountField(help_text="Clawed back.")


@extend_schema_field({"type": "string", "format": "date-time", "example": "2024-01-15T10:30:00Z"})
class PastExampleDateTimeField(serializers.DateTimeField):
    """A timestamp documented with an example in the past (available at once)."""


@extend_schema_field({"type": "string", "format": "date-time", "nullable": True, "example": "2099-12-31T00:00:00Z"})
class FutureExampleDateTimeField(serializers.DateTimeField):
    """A timestamp documented with an example in the future (an expiry)."""


class AccrualCreateSerializer(StrictInputSerializer):
    read_only_fields = (
        "id", "participant_id", "journal_entry_id", "created_at", "status", "remaining", "spent_amount",
        "expired_amount", "reversed_amount",
    )

    program_id = StrictUUIDField()
    asset_id = StrictUUIDField(help_text="An asset of the program.")
    amount = DecimalStringField(help_text="Positive decimal string with at most the asset's scale places.")
    description = StrictCharField(
        max_length=500, required=False, help_text=f'Default "{DEFAULT_ACCRUAL_DESCRIPTION}".'
    )
    available_at = PastExampleDateTimeField(
        required=False,
        help_text="Default: now + the asset's `pending_days`. A moment at or before now: available at once.",
    )
    expires_at = FutureExampleDateTimeField(
        required=False,
        allow_null=True,
        help_text="Default: now + the asset's `validity_days` (never when null); null: never. Must be in the "
        "future and after `available_at`.",
    )
    idempotency_key = idempotency_key_field()


class AccrualFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False)
    asset_id = StrictUUIDField(required=False)
    status = serializers.ChoiceField(choices=Accrual.Status.choices, required=False)


class AccrualReversalCreateSerializer(StrictInputSerializer):
    read_only_fields = ("id", "accrual_id", "journal_entry_id", "created_at", "accrual")

    amount = DecimalStringField(
        required=False, help_text="Default: all that the lot's `remaining` holds. At most `remaining`."
    )
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    idempotency_key = idempotency_key_field()


class AccrualReversalSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    accrual_id = serializers.UUIDField(read_only=True)
    amount = ScaledAmountField(scale_source="accrual.asset.scale")
    reason = serializers.CharField(read_only=True)
    journal_entry_id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    accrual = AccrualSerializer(read_only=True, help_text="The updated accrual.")
