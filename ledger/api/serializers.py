"""Serializers of the ledger API: input shapes of assets, and the contract's asset and journal-entry resources."""

from __future__ import annotations

from django.core.validators import RegexValidator
from rest_framework import serializers

from ledger.models import Account, JournalEntry, JournalLine
from loyalty.api.fields import StrictCharField, StrictInputSerializer, StrictIntegerField, StrictUUIDField
from loyalty.api.serializers import FilterSerializer, ScaledAmountField

ASSET_CODE_PATTERN = r"^[A-Z0-9_]{1,32}$"

# --- assets ---------------------------------------------------------------------


class AssetSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    program_id = serializers.UUIDField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    scale = serializers.IntegerField(read_only=True, min_value=0, max_value=4)
    pending_days = serializers.IntegerField(
        read_only=True, min_value=0, max_value=3650, help_text="Days a new accrual waits before it may be spent."
    )
    validity_days = serializers.IntegerField(
        read_only=True, allow_null=True, min_value=1, max_value=36500, help_text="Days a new accrual lives; null: never expires."
    )
    created_at = serializers.DateTimeField(read_only=True)


def pending_days_field(**kwargs) -> StrictIntegerField:
    return StrictIntegerField(min_value=0, max_value=3650, help_text="Days a new accrual waits (0-3650).", **kwargs)


def validity_days_field(**kwargs) -> StrictIntegerField:
    return StrictIntegerField(
        min_value=1, max_value=36500, allow_null=True, help_text="Days a new accrual lives (1-36500); null: never.",
        **kwargs,
    )


class AssetCreateSerializer(StrictInputSerializer):
    read_only_fields = ("id", "created_at")

    program_id = StrictUUIDField()
    code = StrictCharField(
        max_length=32,
        trim_whitespace=False,
        validators=[RegexValidator(ASSET_CODE_PATTERN, "Must be 1-32 characters of A-Z, 0-9 and _.")],
        help_text="Unique in the program; upper-case letters, digits and underscores, 1-32 characters.",
    )
    name = StrictCharField(min_length=1, max_length=200)
    scale = StrictIntegerField(min_value=0, max_value=4, default=2, help_text="Decimal places (0-4).")
    pending_days = pending_days_field(default=0)
    validity_days = validity_days_field(default=None)


class AssetUpdateSerializer(StrictInputSerializer):
    """``PATCH /assets/{id}``: only ``name`` and the lifecycle policy change (for accruals made after it)."""

    unknown_field_message = "This field cannot be changed."
    read_only_fields = ("id", "program_id", "code", "scale", "created_at")

    name = StrictCharField(min_length=1, max_length=200, required=False)
    pending_days = pending_days_field(required=False)
    validity_days = validity_days_field(required=False)


class AssetFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False, help_text="Only the assets of this program.")


# --- journal entries ------------------------------------------------------------------


class JournalLineSerializer(serializers.Serializer):
    account_id = serializers.UUIDField(read_only=True)
    account_type = serializers.ChoiceField(choices=Account.Type.choices, source="account.type", read_only=True)
    participant_id = serializers.UUIDField(
        source="account.participant_id", read_only=True, allow_null=True, help_text="Null on program accounts."
    )
    asset_id = serializers.UUIDField(read_only=True)
    direction = serializers.ChoiceField(choices=JournalLine.Direction.choices, read_only=True)
    amount = ScaledAmountField()


class JournalEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    program_id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, read_only=True)
    description = serializers.CharField(read_only=True)
    reverses_entry_id = serializers.UUIDField(source="reverses_id", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    lines = JournalLineSerializer(many=True, read_only=True)


class JournalEntryFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False)
    participant_id = StrictUUIDField(required=False, help_text="Entries that move this participant's wallets.")
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, required=False)
