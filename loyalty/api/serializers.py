"""Serializers of the core's API (programs), and the output fields every app's serializers share."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_attribute

from loyalty.api.fields import StrictCharField, StrictInputSerializer, StrictUUIDField
from loyalty.models import AuditEvent, Program
from loyalty.money import format_amount

AMOUNT_SCHEMA = {
    "type": "string",
    "pattern": r"^[0-9]+(\.[0-9]+)?$",
    "example": "50.00",
    "description": "Decimal string with exactly the asset's scale decimal places.",
}


@extend_schema_field(AMOUNT_SCHEMA)
class ScaledAmountField(serializers.Field):
    """
    A read-only money-like value rendered with exactly its asset's ``scale``
    places (``"50.00"``). ``scale_source`` is the dotted path from the
    instance to the scale (default ``asset.scale``). None renders as null.
    """

    def __init__(self, *, scale_source: str = "asset.scale", **kwargs):
        kwargs["read_only"] = True
        self.scale_source = scale_source.split(".")
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return super().get_attribute(instance), get_attribute(instance, self.scale_source)

    def to_representation(self, value):
        amount, scale = value
        return format_amount(amount, scale)


@extend_schema_field({"x-null-only": True})  # {enum: [null], nullable: true}, by loyalty.api.schema_hook
class NullField(serializers.Field):
    """
    A read-only field that is always null: a field of the contract that a
    shape carries without a value (the dry run's ``id``). A generated client
    types it ``None``, so nobody mistakes it for a value.
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return None

    def to_representation(self, value):  # pragma: no cover - DRF renders a None attribute as null itself
        return None


class FilterSerializer(serializers.Serializer):
    """Query-string filters of a list: malformed values are 400; an empty value means no filter."""


# --- programs ---------------------------------------------------------------------------

PROGRAM_READ_ONLY = ("id", "created_at", "updated_at")


class ProgramSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Program.Status.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ProgramCreateSerializer(StrictInputSerializer):
    read_only_fields = PROGRAM_READ_ONLY

    name = StrictCharField(min_length=1, max_length=200)
    status = serializers.ChoiceField(choices=Program.Status.choices, default=Program.Status.ACTIVE)


class ProgramUpdateSerializer(StrictInputSerializer):
    read_only_fields = PROGRAM_READ_ONLY

    name = StrictCharField(min_length=1, max_length=200, required=False)
    status = serializers.ChoiceField(choices=Program.Status.choices, required=False)


# --- me -----------------------------------------------------------------------------------


class TenantSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class KeySummarySerializer(serializers.Serializer):
    prefix = serializers.CharField(read_only=True, help_text="The 8 characters after `lk_`.")
    name = serializers.CharField(read_only=True)
    all_programs = serializers.BooleanField(read_only=True, help_text="Every program of the tenant, now and future.")
    program_ids = serializers.ListField(
        child=serializers.UUIDField(), read_only=True, help_text="The programs the key may see now, newest first."
    )


class MeSerializer(serializers.Serializer):
    """The tenant the key belongs to, and the key itself."""

    tenant = TenantSummarySerializer(read_only=True)
    key = serializers.SerializerMethodField()

    @extend_schema_field(KeySummarySerializer)
    def get_key(self, me) -> dict:
        key = me["key"]
        return KeySummarySerializer(
            {"prefix": key.prefix, "name": key.name, "all_programs": key.all_programs, "program_ids": me["program_ids"]}
        ).data


# --- audit trail ------------------------------------------------------------------------

class AuditActorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=AuditEvent.ActorType.choices, read_only=True, source="actor_type")
    id = serializers.CharField(
        read_only=True, source="actor_id", help_text="The key's prefix, the operator's username or the command's name."
    )


class AuditEventSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    actor = AuditActorSerializer(source="*", read_only=True)
    action = serializers.CharField(
        read_only=True, help_text="create, update, delete, revoke, reverse, release, clawback, add_codes, ..."
    )
    object_type = serializers.CharField(read_only=True, help_text="The resource's singular snake_case name.")
    object_id = serializers.CharField(read_only=True)
    program_id = serializers.UUIDField(read_only=True, allow_null=True)
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField(allow_null=True), min_length=2, max_length=2),
        read_only=True,
        help_text="{field: [old, new]} with the API's field names and renderings (decimal strings for money); "
        "[null, value] on create, [value, null] on delete; never a secret, key hash or code.",
    )


class AuditEventFilterSerializer(FilterSerializer):
    object_type = serializers.CharField(required=False, max_length=32)
    object_id = serializers.CharField(required=False, max_length=64)
    program_id = StrictUUIDField(required=False)
    actor_type = serializers.ChoiceField(choices=AuditEvent.ActorType.choices, required=False)
