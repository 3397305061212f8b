"""
Events (insert-only: one per change, written in the change's transaction),
the webhook endpoints that subscribe to them, and one delivery per event and
matching endpoint (fixed when the event is recorded).
"""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from loyalty.models import tenant_field


class Event(models.Model):
    """
    ``txid``: the id of the transaction that recorded the event
    (``txid_current()``, the column's default on PostgreSQL, set by migration
    0002's SQL; null on SQLite). The feed lists an event once every
    transaction with a smaller id has finished, ordered by (txid, created_at,
    id): see ``events.selectors.event_feed``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("+")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    txid = models.BigIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["txid", "created_at", "id"]
        indexes = [
            models.Index(fields=["tenant", "txid", "created_at", "id"], name="event_tenant_feed_idx"),
            models.Index(fields=["created_at"], name="event_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class WebhookEndpoint(models.Model):
    """
    A tenant's subscriber. ``secret`` signs every delivery; the secrets it
    replaced less than 24 hours ago sign too (``previous_secrets``: a list of
    ``{"secret", "replaced_at"}``). Secrets are stored so that they can sign;
    they never appear in the admin, in logs, or in any answer but the one
    that created or rotated them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("+")
    url = models.URLField(max_length=2000)
    event_types = models.JSONField(default=list)
    all_programs = models.BooleanField(default=False)
    program_ids = models.JSONField(default=list, blank=True)  # uuid strings, when not all_programs
    description = models.CharField(max_length=500, blank=True, default="")
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=500, blank=True, default="")
    secret = models.CharField(max_length=100, editable=False)
    previous_secrets = models.JSONField(default=list, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="endpoint_tenant_newest_idx")]

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:  # never the secret
        return f"<WebhookEndpoint {self.id} {self.url}>"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING"
        DELIVERED = "DELIVERED"
        FAILED = "FAILED"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("+")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_by = models.CharField(max_length=100, blank=True, default="")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.IntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="delivery_endpoint_newest_idx"),
            models.Index(
                fields=["next_attempt_at"], name="delivery_due_idx", condition=models.Q(status="PENDING")
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="delivery_endpoint_event_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["PENDING", "DELIVERED", "FAILED"]), name="delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"delivery {self.id}"
