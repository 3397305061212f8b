"""
Serializers of the rewards API.

Input serializers check the shape of a request only (types, presence,
lengths, ranges); every rule that depends on the objects a request names
(pricing by type, scale of the asset, status, stock, ...) lives in
``rewards.services``. Output serializers render the contract's resources:
money-like values as decimal strings with exactly the asset's scale.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from loyalty.api.fields import (
    DecimalStringField,
    StrictBooleanField,
    StrictCharField,
    StrictInputSerializer,
    StrictIntegerField,
    StrictUUIDField,
    idempotency_key_field,
)
from loyalty.api.serializers import FilterSerializer, NullField, ScaledAmountField
from loyalty.money import format_amount
from rewards.allocations import allocations_of
from rewards.models import Redemption, Reward
from rewards.selectors import redemption_codes, redemptions_codes_load
from rewards.services.codes import MAX_CODE_LENGTH, MAX_CODES, code_problem

MAX_COUNT = 2_147_483_647  # the database's integer column
MAX_QUANTITY = 10_000
MAX_TEXT = 500

@extend_schema_field(
    {"type": "string", "enum": [Reward.Status.ACTIVE.value, Reward.Status.INACTIVE.value]},
    component_name="RewardSettableStatusEnum",
)
class SettableStatusField(serializers.ChoiceField):
    """
    A reward's status in a write body. The schema offers ACTIVE and INACTIVE;
    OUT_OF_STOCK passes the shape check so that the service refuses it with
    its own message (400 on ``status``).
    """

    def __init__(self, **kwargs):
        super().__init__(choices=Reward.Status.choices, **kwargs)


# --- reward catalog ----------------------------------------------------------------------


class RewardCreateSerializer(StrictInputSerializer):
    read_only_fields = ("id", "redeemed_count", "created_at", "updated_at")

    program_id = StrictUUIDField()
    asset_id = StrictUUIDField(help_text="The asset the reward costs; it must belong to the program.")
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=Reward.Type.choices, help_text="Fixed after creation.")
    unit_cost = DecimalStringField(
        required=False, allow_null=True, help_text="UNIT_BASED: required, > 0. AMOUNT_BASED: must be null."
    )
    min_amount = DecimalStringField(required=False, allow_null=True, help_text="AMOUNT_BASED only.")
    max_amount = DecimalStringField(required=False, allow_null=True, help_text="AMOUNT_BASED only; >= min_amount.")
    status = SettableStatusField(
        required=False,
        default=Reward.Status.ACTIVE,
        help_text="ACTIVE or INACTIVE; OUT_OF_STOCK is set by the system only (400).",
    )
    max_total = StrictIntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_COUNT)
    max_per_participant = StrictIntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_COUNT)
    available_from = serializers.DateTimeField(required=False, allow_null=True)
    available_until = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Exclusive; must be after available_from."
    )
    fulfilment = serializers.ChoiceField(
        choices=Reward.Fulfilment.choices,
        required=False,
        default=Reward.Fulfilment.NONE,
        help_text="NONE, or CODES: one code per unit redeemed (UNIT_BASED only, else 400). Fixed after creation.",
    )


class RewardUpdateSerializer(StrictInputSerializer):
    """PATCH body: every field optional; ``type`` may be sent but not changed."""

    read_only_fields = ("id", "program_id", "asset_id", "redeemed_count", "created_at", "updated_at")

    name = StrictCharField(required=False, max_length=200)
    description = StrictCharField(required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=Reward.Type.choices, required=False, help_text="Cannot change (400).")
    unit_cost = DecimalStringField(required=False, allow_null=True)
    min_amount = DecimalStringField(required=False, allow_null=True)
    max_amount = DecimalStringField(required=False, allow_null=True)
    status = SettableStatusField(
        required=False,
        help_text="ACTIVE or INACTIVE. Asking for ACTIVE with no stock left keeps OUT_OF_STOCK.",
    )
    max_total = StrictIntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_COUNT)
    max_per_participant = StrictIntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_COUNT)
    available_from = serializers.DateTimeField(required=False, allow_null=True)
    available_until = serializers.DateTimeField(required=False, allow_null=True)
    fulfilment = serializers.ChoiceField(
        choices=Reward.Fulfilment.choices, required=False, help_text="May be sent but not changed (400)."
    )


class RewardFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False)
    status = serializers.ChoiceField(choices=Reward.Status.choices, required=False)
    type = serializers.ChoiceField(choices=Reward.Type.choices, required=False)


class RewardSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    program_id = serializers.UUIDField(read_only=True)
    asset_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    type = serializers.ChoiceField(choices=Reward.Type.choices, read_only=True)
    unit_cost = ScaledAmountField(allow_null=True)
    min_amount = ScaledAmountField(allow_null=True)
    max_amount = ScaledAmountField(allow_null=True)
    status = serializers.ChoiceField(choices=Reward.Status.choices, read_only=True)
    max_total = serializers.IntegerField(read_only=True, allow_null=True)
    redeemed_count = serializers.IntegerField(
        read_only=True, help_text="Units (UNIT_BASED) or redemptions (AMOUNT_BASED) taken from stock."
    )
    max_per_participant = serializers.IntegerField(read_only=True, allow_null=True)
    available_from = serializers.DateTimeField(read_only=True, allow_null=True)
    available_until = serializers.DateTimeField(read_only=True, allow_null=True)
    fulfilment = serializers.ChoiceField(
        choices=Reward.Fulfilment.choices, read_only=True, help_text="CODES: one code per unit redeemed."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


# --- reward codes ------------------------------------------------------------------------


class CodeField(StrictCharField):
    """One code: 1-100 printable characters without leading or trailing whitespace (kept as sent)."""

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, max_length=MAX_CODE_LENGTH, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        problem = code_problem(value)
        if problem is not None:
            raise serializers.ValidationError(problem)
        return value


class RewardCodesCreateSerializer(StrictInputSerializer):
    codes = serializers.ListField(
        child=CodeField(),
        min_length=1,
        max_length=MAX_CODES,
        help_text="1-10,000 codes, each 1-100 printable characters without leading or trailing whitespace.",
    )


class RewardCodesAddedSerializer(serializers.Serializer):
    added = serializers.IntegerField(read_only=True, help_text="Codes added now.")
    duplicates = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Codes not added: already in this reward or repeated in the body; each once.",
    )
    available = serializers.IntegerField(read_only=True, help_text="The reward's available codes afterwards.")


class RewardCodeCountsSerializer(serializers.Serializer):
    available = serializers.IntegerField(read_only=True)
    issued = serializers.IntegerField(read_only=True)
    voided = serializers.IntegerField(read_only=True, help_text="Counted only here, not as issued.")


# --- redemptions -------------------------------------------------------------------------


class CatalogRedemptionCreateSerializer(StrictInputSerializer):
    program_id = StrictUUIDField()
    reward_id = StrictUUIDField(help_text="A reward of that program.")
    quantity = StrictIntegerField(
        required=False,
        min_value=1,
        max_value=MAX_QUANTITY,
        help_text="UNIT_BASED only (400 for AMOUNT_BASED); default 1.",
    )
    amount = DecimalStringField(required=False, help_text="AMOUNT_BASED only, required there (400 for UNIT_BASED).")
    description = StrictCharField(
        required=False, max_length=MAX_TEXT, help_text='Default "Redeemed: <reward name>".'
    )
    idempotency_key = idempotency_key_field()


class DirectRedemptionCreateSerializer(StrictInputSerializer):
    program_id = StrictUUIDField()
    asset_id = StrictUUIDField(help_text="An asset of that program.")
    amount = DecimalStringField()
    description = StrictCharField(required=False, max_length=MAX_TEXT, help_text='Default "Redemption".')
    idempotency_key = idempotency_key_field()


class RedemptionFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False)
    participant_id = StrictUUIDField(required=False)
    reward_id = StrictUUIDField(required=False)
    status = serializers.ChoiceField(choices=Redemption.Status.choices, required=False)


class ParticipantRedemptionFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False)
    reward_id = StrictUUIDField(required=False)
    status = serializers.ChoiceField(choices=Redemption.Status.choices, required=False)


class AllocationSerializer(serializers.Serializer):
    accrual_id = serializers.UUIDField(read_only=True)
    amount = serializers.CharField(read_only=True, help_text="Decimal string at the asset's scale.")


CODES_SCHEMA = {"type": "array", "items": {"type": "string"}, "nullable": True}


@extend_schema_field(CODES_SCHEMA)
class RedemptionCodesField(serializers.Field):
    """``codes`` (``voided=False``) or ``voided_codes`` of a redemption; null unless its reward is CODES."""

    def __init__(self, *, voided: bool, **kwargs):
        kwargs["read_only"] = True
        self.voided = voided
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        codes, voided = redemption_codes(instance)
        return voided if self.voided else codes

    def to_representation(self, value):
        return list(value)


class RedemptionListSerializer(serializers.ListSerializer):
    """A page of redemptions: the codes of its CODES redemptions load in one query."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        redemptions_codes_load(items)
        return super().to_representation(items)


class RedemptionSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = RedemptionListSerializer

    id = serializers.UUIDField(read_only=True)
    program_id = serializers.UUIDField(read_only=True)
    participant_id = serializers.UUIDField(read_only=True)
    asset_id = serializers.UUIDField(read_only=True)
    reward_id = serializers.UUIDField(read_only=True, allow_null=True, help_text="Catalog redemptions only.")
    amount = ScaledAmountField(help_text="Total debited from the participant's balance.")
    quantity = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="UNIT_BASED catalog redemptions only."
    )
    unit_cost = ScaledAmountField(allow_null=True, help_text="Cost per unit at redemption time; UNIT_BASED only.")
    description = serializers.CharField(read_only=True)
    journal_entry_id = serializers.UUIDField(read_only=True, help_text="The entry this redemption created.")
    status = serializers.ChoiceField(choices=Redemption.Status.choices, read_only=True)
    reversed_amount = ScaledAmountField()
    reversed_quantity = serializers.IntegerField(read_only=True, allow_null=True, help_text="UNIT_BASED only.")
    codes = RedemptionCodesField(
        voided=False,
        allow_null=True,
        help_text="CODES rewards: the codes issued to this redemption, one per unit, in issue order; else null.",
    )
    voided_codes = RedemptionCodesField(
        voided=True,
        allow_null=True,
        help_text="CODES rewards: the codes its reversals voided, the last issued first; else null.",
    )
    idempotency_key = serializers.CharField(
        read_only=True, allow_null=True, help_text="From the body or the header, or null."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Moves on each reversal.")
    allocations = serializers.SerializerMethodField(
        help_text="What the redemption holds of each lot (accrual) it took from, net of points its reversals put "
        "back, in the order taken (empty on a dry run and for redemptions made before the points lifecycle)."
    )

    @extend_schema_field(AllocationSerializer(many=True))
    def get_allocations(self, redemption) -> list[dict]:
        scale = redemption.asset.scale
        return [
            {"accrual_id": str(accrual_id), "amount": format_amount(amount, scale)}
            for accrual_id, amount in allocations_of(redemption)
        ]


NOT_CREATED = "Always null: a dry run creates nothing."


class RedemptionPreviewSerializer(RedemptionSerializer):
    """
    What a dry run (`?dry_run=true`) answers: the redemption that would be created, in the redemption's shape
    (the contract's), with `id`, `journal_entry_id`, `idempotency_key`, `created_at` and `updated_at` always
    null, `reversed_amount` zero and `reversed_quantity` 0 (UNIT_BASED) or null.
    """

    id = NullField(help_text=NOT_CREATED)
    journal_entry_id = NullField(help_text=NOT_CREATED)
    status = serializers.ChoiceField(
        choices=Redemption.Status.choices,
        read_only=True,
        help_text="The status the redemption would have once made (`COMPLETED`).",
    )
    codes = NullField(help_text="Always null: a dry run reserves no code.")
    voided_codes = NullField(help_text=NOT_CREATED)
    idempotency_key = NullField(help_text="Always null: a dry run does not claim its idempotency key.")
    created_at = NullField(help_text=NOT_CREATED)
    updated_at = NullField(help_text=NOT_CREATED)

    def get_fields(self):
        """The redemption's field order (a subclass's own fields would come last)."""
        fields = super().get_fields()
        return {name: fields[name] for name in RedemptionSerializer._declared_fields}


# --- reversals ---------------------------------------------------------------------------


class ReversalCreateSerializer(StrictInputSerializer):
    quantity = StrictIntegerField(
        required=False, min_value=1, max_value=MAX_QUANTITY, help_text="UNIT_BASED redemptions only."
    )
    amount = DecimalStringField(required=False, help_text="AMOUNT_BASED and direct redemptions only.")
    reason = StrictCharField(required=False, allow_blank=True, max_length=MAX_TEXT, default="")
    restock = StrictBooleanField(
        required=False,
        help_text="Catalog redemptions only; default true (false for CODES rewards, where true is 400). False "
        "refunds the participant but returns no stock.",
    )
    idempotency_key = idempotency_key_field()


class ReversalSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    redemption_id = serializers.UUIDField(read_only=True)
    amount = ScaledAmountField(scale_source="redemption.asset.scale")
    quantity = serializers.IntegerField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True)
    restock = serializers.BooleanField(read_only=True, allow_null=True)
    journal_entry_id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    redemption = RedemptionSerializer(read_only=True, help_text="The redemption as it is after the reversal.")
