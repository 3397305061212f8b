"""Participants, their enrolment in programs, and accruals (earning)."""

import uuid

from django.db import models


class Participant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    external_id = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(max_length=200, blank=True, default="")
    email = models.EmailField(max_length=254, blank=True, default="")
    programs = models.ManyToManyField(
        "loyalty.Program", through="Enrollment", related_name="participants"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.display_name or self.external_id


class Enrollment(models.Model):
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
