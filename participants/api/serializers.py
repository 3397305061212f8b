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
    idempotency_key = idempotency_key_field()
