"""Participants, their enrolment in programs, and accruals (earning)."""

import uuid

from django.db import models

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
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("accruals")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="accruals")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="accruals")
    asset = models.ForeignKey("ledger.Asset", on_delete=models.PROTECT, related_name="accruals")
    amount = models.DecimalField(max_digits=16, decimal_places=4)
    description = models.CharField(max_length=500)
    journal_entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="accrual"
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="accrual_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Accrual {self.amount} to {self.participant_id}"
