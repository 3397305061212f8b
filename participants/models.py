"""Participants, their enrolment in programs, and accruals (earning)."""

import uuid

from django.db import models
from django.db.models.functions import Round
from django.utils import timezone

from loyalty.models import tenant_field


class Participant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("participants", editable=True)
    # The integrator's handle on the participant, unique in its tenant (two brands may both have "cust-42").
    external_id = models.CharField(max_length=255)
    display_name = models.CharField(max_length=200, blank=True, default="")
    email = models.EmailField(max_length=254, blank=True, default="")
    programs = models.ManyToManyField(
        "loyalty.Program", through="Enrollment", related_name="participants"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="participant_tenant_newest_idx")]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "external_id"], name="participant_external_id_unique_in_tenant"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.external_id


class Enrollment(models.Model):
    tenant = tenant_field("enrollments")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="enrollments")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="enrollments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "program"], name="enrollment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} in {self.program_id}"


class Accrual(models.Model):
    """
    An accrual, and the **lot** of points it created (contract: "Points lifecycle").

    Always ``amount = remaining + spent_amount + expired_amount + reversed_amount``
    (a CHECK constraint). A lot is pending until ``released``; its ``remaining`` is
    then in the participant's PENDING account, afterwards in the wallet. Lot
    columns move only under the participant's PENDING account and wallet locks
    (``rewards/locks.py``, steps 2-4).
    """

    class Status(models.TextChoices):
        PENDING = "PENDING"
        AVAILABLE = "AVAILABLE"
        CLOSED = "CLOSED"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("accruals")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="accruals")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="accruals")
    # No index of its own: the periodic run's queries by asset use the partial indexes below, which start
    # with it, and other reads go by participant or program; each index is one more insert per lot changed
    # (docs/benchmarks.md, "Expiring lots").
    asset = models.ForeignKey("ledger.Asset", on_delete=models.PROTECT, related_name="accruals", db_index=False)
    amount = models.DecimalField(max_digits=16, decimal_places=4)
    description = models.CharField(max_length=500)
    journal_entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="accrual"
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    available_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    released = models.BooleanField(default=True)
    remaining = models.DecimalField(max_digits=16, decimal_places=4)
    spent_amount = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    expired_amount = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    reversed_amount = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    # Set by the service to the moment the lot's default dates are computed from (contract: available_at
    # defaults to created_at + pending_days); timezone.now for any other writer.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The spending order of a wallet's released lots (redemptions), and the due lots of a run.
            models.Index(
                fields=["participant", "asset", "expires_at", "created_at", "id"],
                condition=models.Q(released=True, remaining__gt=0),
                name="accrual_lot_spend_idx",
            ),
            # The periodic run walks a due step's lots by (participant, id), so that a batch's lots are whole
            # wallets' (one entry per wallet) and the next batch starts where it ended (keyset).
            models.Index(
                fields=["asset", "participant", "id"], condition=models.Q(remaining__gt=0), name="accrual_lot_expiry_idx"
            ),
            models.Index(
                fields=["asset", "available_at"], condition=models.Q(released=False), name="accrual_lot_release_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="accrual_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(remaining__gte=0, spent_amount__gte=0, expired_amount__gte=0, reversed_amount__gte=0),
                name="accrual_lot_parts_non_negative",
            ),
            models.CheckConstraint(
                # ROUND: a no-op on PostgreSQL (NUMERIC); the embedded SQLite sums decimals as floats.
                condition=models.Q(
                    amount=Round(
                        models.F("remaining") + models.F("spent_amount") + models.F("expired_amount")
                        + models.F("reversed_amount"),
                        4,
                    )
                ),
                name="accrual_lot_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"Accrual {self.amount} to {self.participant_id}"

    @property
    def status(self) -> str:
        if self.remaining <= 0:
            return self.Status.CLOSED
        return self.Status.AVAILABLE if self.released else self.Status.PENDING


class AccrualReversal(models.Model):
    """A clawback: points taken back from one lot (an ``ACCRUAL_REVERSAL`` entry)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("accrual_reversals")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="accrual_reversals")
    accrual = models.ForeignKey(Accrual, on_delete=models.PROTECT, related_name="reversals")
    amount = models.DecimalField(max_digits=16, decimal_places=4)
    reason = models.CharField(max_length=500, blank=True, default="")
    journal_entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="accrual_reversal"
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="accrual_reversal_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Clawback {self.amount} of {self.accrual_id}"
