"""
Core models every app may use: tenants and their operators, programs, and
the API keys that reach them.

A tenant is one brand, one customer of the platform. Every row of the hot
path carries its ``tenant`` (copied from the program it belongs to, never
looked up): it is what every query filters on first, and the column a
future scale-out distributes the tables by (docs/tenancy.md).
"""

import uuid

from django.conf import settings
from django.db import models


def tenant_field(related_name: str, *, db_index: bool = False, editable: bool = False) -> models.ForeignKey:
    """
    The ``tenant`` column of a tenant-owned table. Not indexed on its own by
    default: each table indexes it where its tenant-scoped queries need it
    (composite indexes that lead with it), and the tables that are only
    reached through a parent row (lines, counters, idempotency records) do
    not pay for one more index on every insert. ``editable``: chosen in a
    form (programs, participants, API keys); elsewhere it is copied from the
    row's program by the services.
    """
    return models.ForeignKey(
        "loyalty.Tenant", on_delete=models.PROTECT, related_name=related_name, db_index=db_index, editable=editable
    )


class Tenant(models.Model):
    """A brand: it owns its programs, participants, API keys and operators, and sees nothing of another."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name"], name="tenant_name_unique")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A staff user operates a tenant: in the admin they see and change only their tenants' objects."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tenant_memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tenant"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.tenant}"


class Program(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        INACTIVE = "INACTIVE"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("programs", editable=True)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="program_tenant_newest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["ACTIVE", "INACTIVE"]), name="program_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class ApiKey(models.Model):
    """
    A credential for the REST API.

    The plain key (``lk_<prefix>_<secret>``) is shown once at creation and never
    stored: only the 8-character ``prefix`` (to identify the key in the admin,
    in logs and to ``revoke_api_key``) and the SHA-256 of the whole key. The
    secret carries about 238 bits of entropy, so a fast hash is enough (there is
    nothing to brute-force) and it keeps authentication cheap.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("api_keys", db_index=True, editable=True)
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=8, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    all_programs = models.BooleanField(default=False)
    programs = models.ManyToManyField(Program, blank=True, related_name="api_keys")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} (lk_{self.prefix}_…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotencyRecord(models.Model):
    """
    Binds an idempotency key (unique per program) to the first request that
    succeeded with it and to the record that request created.

    The row is inserted in the same transaction as the movement, before any
    business lock is taken: a concurrent duplicate blocks on the unique index
    until the first commits (then it reads the record) or rolls back (then it
    proceeds afresh). A failed request rolls its row back with everything
    else, so it does not consume the key.
    """

    class Kind(models.TextChoices):
        ACCRUAL = "ACCRUAL"
        REDEMPTION = "REDEMPTION"
        REVERSAL = "REVERSAL"
        ACCRUAL_REVERSAL = "ACCRUAL_REVERSAL"

    id = models.BigAutoField(primary_key=True)
    tenant = tenant_field("idempotency_records")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    resource_id = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="idempotency_key_unique_in_program"),
        ]

    def __str__(self) -> str:
        return f"{self.key} -> {self.kind} {self.resource_id}"


class AuditEvent(models.Model):
    """
    Who changed what, written by the service that makes the change, in its
    transaction (``loyalty.audit.audit_record``): a rolled-back change leaves
    no record. Insert-only; ``changes`` holds API field names and rendered
    values (``{field: [old, new]}``), never a secret, hash or code. The tenant
    is not a database foreign key, so that the trail outlives what it tells
    about (a deleted tenant's records stay).
    """

    class ActorType(models.TextChoices):
        API_KEY = "api_key"
        USER = "user"
        COMMAND = "command"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.DO_NOTHING, db_constraint=False, related_name="audit_events", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(max_length=150)
    action = models.CharField(max_length=32)
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    program_id = models.UUIDField(null=True, blank=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="audit_tenant_newest_idx"),
            models.Index(fields=["tenant", "object_type", "object_id"], name="audit_tenant_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_type}:{self.actor_id} {self.action} {self.object_type} {self.object_id}"
