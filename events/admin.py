"""
The admin: events, webhook endpoints (never their secrets) and deliveries,
view-only and scoped to the operator's tenants; deliveries have a retry
action (the same service as ``POST /webhook-deliveries/{id}/retry``).
Endpoints are registered and changed through the API, which checks their URLs.
"""

from __future__ import annotations

from django.contrib import admin, messages

from events.models import Delivery, Event, WebhookEndpoint
from events.services import delivery_retry
from loyalty.admin_base import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "type", "program", "tenant", "id")
    list_filter = ("type", "tenant")
    list_select_related = ("program", "tenant")
    search_fields = ("id",)
    fields = ("id", "tenant", "program", "type", "created_at", "txid", "data")
    readonly_fields = fields


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("url", "tenant", "enabled", "disabled_reason", "created_at")
    list_filter = ("enabled", "tenant")
    list_select_related = ("tenant",)
    search_fields = ("url", "description")
    # Never the secret, nor the secrets it replaced.
    fields = (
        "id", "tenant", "url", "event_types", "all_programs", "program_ids", "description", "enabled",
        "disabled_reason", "failing_since", "created_at", "updated_at",
    )
    readonly_fields = fields


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event_type", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at")
    list_filter = ("status", "tenant")
    list_select_related = ("event", "endpoint")
    fields = (
        "id", "tenant", "endpoint", "event", "status", "attempts", "next_attempt_at", "last_attempt_at",
        "last_status_code", "last_error", "delivered_at", "locked_until", "created_at", "updated_at",
    )
    readonly_fields = fields
    actions = ("retry",)

    @admin.display(description="event type")
    def event_type(self, obj: Delivery) -> str:
        return obj.event.type

    @admin.action(description="Retry selected deliveries now", permissions=["view"])
    def retry(self, request, queryset):
        count = 0
        for delivery in queryset:
            delivery_retry(delivery=delivery)
            count += 1
        self.message_user(request, f"{count} deliver{'y' if count == 1 else 'ies'} due now.", messages.SUCCESS)
