"""Serializers of the events API: events, webhook endpoints, deliveries."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Delivery
from events.types import ALL, EVENT_TYPE_CHOICES, EVENT_TYPES, SUBSCRIBABLE_CHOICES
from loyalty.api.fields import StrictBooleanField, StrictCharField, StrictInputSerializer, StrictUUIDField
from loyalty.api.serializers import FilterSerializer


class EventSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    type = serializers.CharField(read_only=True, help_text=f"One of: {', '.join(EVENT_TYPES)}.")
    program_id = serializers.UUIDField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    data = serializers.JSONField(
        read_only=True, help_text="The object as its GET answered an all-programs key when the event was recorded."
    )


class EventFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False)
    type = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES, required=False)
    after = StrictUUIDField(
        required=False, help_text="The last event id seen: the list continues strictly after it (400 if it names "
        "no event the key may see)."
    )


class EventTypesField(serializers.ListField):
    child = serializers.ChoiceField(choices=SUBSCRIBABLE_CHOICES)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


@extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
class ProgramIdsField(serializers.ListField):
    child = StrictUUIDField()

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


TYPES_HELP = f'A non-empty list of event types ({", ".join(EVENT_TYPES)}) or ["{ALL}"] for every type.'
PROGRAMS_HELP = (
    "The programs whose events it receives; default (or null) every program the key may see (for an "
    "all-programs key: every program of the tenant, now and future)."
)


class WebhookEndpointCreateSerializer(StrictInputSerializer):
    read_only_fields = ("id", "secret", "enabled", "disabled_reason", "created_at", "updated_at", "all_programs")

    url = StrictCharField(max_length=2000, help_text="https only; no loopback, private or link-local host.")
    event_types = EventTypesField(help_text=TYPES_HELP)
    program_ids = ProgramIdsField(required=False, allow_null=True, help_text=PROGRAMS_HELP)
    description = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class WebhookEndpointUpdateSerializer(StrictInputSerializer):
    read_only_fields = ("id", "secret", "disabled_reason", "created_at", "updated_at", "all_programs")

    url = StrictCharField(max_length=2000, required=False)
    event_types = EventTypesField(required=False, help_text=TYPES_HELP)
    program_ids = ProgramIdsField(required=False, allow_null=True, help_text=PROGRAMS_HELP)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    enabled = StrictBooleanField(required=False, help_text="true re-enables a disabled endpoint.")


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    url = serializers.CharField(read_only=True)
    event_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    program_ids = serializers.SerializerMethodField(
        help_text="The programs it receives events of (for an all-programs endpoint: the tenant's programs now)."
    )
    all_programs = serializers.BooleanField(read_only=True, help_text="Every program of the tenant, now and future.")
    description = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField(read_only=True)
    disabled_reason = serializers.CharField(read_only=True, help_text='Why it was disabled; "" when enabled.')
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_program_ids(self, endpoint) -> list[str]:
        if endpoint.all_programs:
            return [str(p) for p in self.context.get("tenant_program_ids", ())]
        return list(endpoint.program_ids)


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="`whsec_` and the base64 of 32 random bytes: shown in this answer only."
    )


class DeliveryFilterSerializer(FilterSerializer):
    status = serializers.ChoiceField(choices=Delivery.Status.choices, required=False)


class DeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    event_id = serializers.UUIDField(read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    status = serializers.ChoiceField(choices=Delivery.Status.choices, read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    last_attempt_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_status_code = serializers.IntegerField(read_only=True, allow_null=True)
    last_error = serializers.CharField(read_only=True)
    next_attempt_at = serializers.DateTimeField(read_only=True, allow_null=True)
    delivered_at = serializers.DateTimeField(read_only=True, allow_null=True)
