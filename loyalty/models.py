"""Core models every app may use: programs and the API keys that reach them."""

import uuid

from django.db import models


class Program(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        INACTIVE = "INACTIVE"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="program_newest_idx")]
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

    id = models.BigAutoField(primary_key=True)
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
