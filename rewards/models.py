"""Reward catalog, redemptions and reversals."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from loyalty.models import tenant_field


class Reward(models.Model):
    class Type(models.TextChoices):
        UNIT_BASED = "UNIT_BASED"
        AMOUNT_BASED = "AMOUNT_BASED"

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        INACTIVE = "INACTIVE"
        OUT_OF_STOCK = "OUT_OF_STOCK"

    class Fulfilment(models.TextChoices):
        NONE = "NONE"
        CODES = "CODES"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("rewards")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="rewards")
    asset = models.ForeignKey("ledger.Asset", on_delete=models.PROTECT, related_name="rewards")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    type = models.CharField(max_length=16, choices=Type.choices)
    unit_cost = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    min_amount = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    max_amount = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    max_total = models.PositiveIntegerField(null=True, blank=True)
    redeemed_count = models.PositiveIntegerField(default=0, editable=False)
    max_per_participant = models.PositiveIntegerField(null=True, blank=True)
    available_from = models.DateTimeField(null=True, blank=True)
    available_until = models.DateTimeField(null=True, blank=True)
    # NONE, or CODES: one code (RewardCode) handed out per unit redeemed. Fixed after creation.
    fulfilment = models.CharField(
        max_length=8, choices=Fulfilment.choices, default=Fulfilment.NONE, db_default=Fulfilment.NONE
    )
    # CODES only (null for NONE): how many of its codes are AVAILABLE, moved with its row lock
    # (rewards.locks) so that the stock rule (rewards.stock) stays one rule over the reward's row.
    codes_available = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="reward_tenant_newest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(type="UNIT_BASED", unit_cost__gt=0, min_amount__isnull=True, max_amount__isnull=True)
                | Q(type="AMOUNT_BASED", unit_cost__isnull=True),
                name="reward_pricing_by_type",
            ),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True) | Q(max_amount__isnull=True) | Q(min_amount__lte=F("max_amount")),
                name="reward_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_from__lt=F("available_until")),
                name="reward_window_ordered",
            ),
            models.CheckConstraint(condition=Q(max_total__isnull=True) | Q(max_total__gte=1), name="reward_max_total_positive"),
            models.CheckConstraint(
                condition=Q(max_per_participant__isnull=True) | Q(max_per_participant__gte=1),
                name="reward_max_per_participant_positive",
            ),
            models.CheckConstraint(condition=Q(redeemed_count__gte=0), name="reward_redeemed_count_non_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["ACTIVE", "INACTIVE", "OUT_OF_STOCK"]), name="reward_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(fulfilment="NONE", codes_available__isnull=True)
                | Q(fulfilment="CODES", type="UNIT_BASED", codes_available__gte=0),
                name="reward_codes_by_fulfilment",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ParticipantRewardCount(models.Model):
    """How much of a reward one participant holds (units or redemptions), against max_per_participant."""

    tenant = tenant_field("participant_reward_counts")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="participant_counts")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="reward_counts"
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reward", "participant"], name="participant_reward_count_unique"),
            models.CheckConstraint(condition=Q(count__gte=0), name="participant_reward_count_non_negative"),
        ]


class Redemption(models.Model):
    class Status(models.TextChoices):
        COMPLETED = "COMPLETED"
        PARTIALLY_REVERSED = "PARTIALLY_REVERSED"
        FULLY_REVERSED = "FULLY_REVERSED"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("redemptions")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="redemptions")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="redemptions"
    )
    asset = models.ForeignKey("ledger.Asset", on_delete=models.PROTECT, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, null=True, blank=True, related_name="redemptions")
    amount = models.DecimalField(max_digits=16, decimal_places=4)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    unit_cost = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    description = models.CharField(max_length=500)
    journal_entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="redemption"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    reversed_amount = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    reversed_quantity = models.PositiveIntegerField(null=True, blank=True)
    # Units this redemption took from the reward's stock (quantity for
    # UNIT_BASED, 1 for AMOUNT_BASED, 0 for direct redemptions).
    stock_units = models.PositiveIntegerField(default=0)
    # False for redemptions made before the points lifecycle (v1): they have no allocations.
    allocations_tracked = models.BooleanField(default=True)
    # The reward's fulfilment when redeemed (NONE for direct redemptions): CODES redemptions hold codes.
    fulfilment = models.CharField(
        max_length=8,
        choices=Reward.Fulfilment.choices,
        default=Reward.Fulfilment.NONE,
        db_default=Reward.Fulfilment.NONE,  # for rows written by hand (bench/, the PL/pgSQL baseline)
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["program", "-created_at"], name="redemption_program_newest_idx"),
            models.Index(fields=["participant", "-created_at"], name="redemption_participant_idx"),
            models.Index(fields=["reward", "-created_at"], name="redemption_reward_idx"),
            models.Index(fields=["tenant", "-created_at", "-id"], name="redemption_tenant_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="redemption_amount_positive"),
            models.CheckConstraint(
                condition=Q(reversed_amount__gte=0) & Q(reversed_amount__lte=F("amount")),
                name="redemption_reversed_amount_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(reversed_quantity__isnull=True)
                | (Q(quantity__isnull=False) & Q(reversed_quantity__lte=F("quantity"))),
                name="redemption_reversed_quantity_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=1, quantity__lte=10000),
                name="redemption_quantity_range",
            ),
            models.CheckConstraint(
                condition=Q(fulfilment="NONE") | Q(fulfilment="CODES", quantity__isnull=False),
                name="redemption_codes_by_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"Redemption {self.amount} by {self.participant_id}"

    @property
    def remaining_amount(self):
        return self.amount - self.reversed_amount

    @property
    def remaining_quantity(self) -> int | None:
        if self.quantity is None:
            return None
        return self.quantity - (self.reversed_quantity or 0)


class Reversal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("reversals")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="reversals")
    redemption = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="reversals")
    amount = models.DecimalField(max_digits=16, decimal_places=4)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True, default="")
    restock = models.BooleanField(null=True, blank=True)
    # Units this reversal returned to the reward's stock (and the participant's
    # count): quantity for a restocked UNIT_BASED reversal, 1 for the restocked
    # reversal that completes an AMOUNT_BASED redemption, else 0.
    stock_returned = models.PositiveIntegerField(default=0)
    journal_entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="reversal"
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    created_by_api_key = models.ForeignKey(
        "loyalty.ApiKey", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="reversal_tenant_newest_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reversal_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Reversal {self.amount} of {self.redemption_id}"

    @property
    def author(self) -> str:
        """Who recorded the reversal, for people (select ``created_by_user`` and ``created_by_api_key``)."""
        if self.created_by_user_id is not None:
            return f"user {self.created_by_user.get_username()}"
        if self.created_by_api_key_id is not None:
            return f"API key {self.created_by_api_key}"
        return "—"


class RedemptionAllocation(models.Model):
    """
    What a redemption took from one lot (``amount`` > 0, ``reversal`` null), or
    what one of its reversals put back into it (``amount`` < 0). ``position``
    is the order the lots were taken in (0 first); reversals put back from
    the highest position down (last taken first).
    """

    id = models.BigAutoField(primary_key=True)
    tenant = tenant_field("redemption_allocations")  # its redemption's (reached through it)
    redemption = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="allocation_rows")
    accrual = models.ForeignKey("participants.Accrual", on_delete=models.PROTECT, related_name="allocations")
    reversal = models.ForeignKey(
        Reversal, on_delete=models.PROTECT, null=True, blank=True, related_name="allocation_rows"
    )
    position = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        indexes = [models.Index(fields=["redemption", "position"], name="allocation_redemption_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reversal__isnull=True) & Q(amount__gt=0)) | (Q(reversal__isnull=False) & Q(amount__lt=0)),
                name="allocation_sign_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of {self.accrual_id} for {self.redemption_id}"


class RewardCode(models.Model):
    """
    One code of a CODES reward (a gift card number, a coupon). AVAILABLE until
    a redemption takes it (ISSUED, with that redemption, for good), VOIDED when
    a reversal writes that unit off; never issued again. Issue order is ``id``
    order. PostgreSQL refuses any other change (rewards/migrations/0003_codes.pg.sql):
    a code belongs to at most one redemption, and never moves to another.
    """

    class State(models.TextChoices):
        AVAILABLE = "AVAILABLE"
        ISSUED = "ISSUED"
        VOIDED = "VOIDED"

    id = models.BigAutoField(primary_key=True)
    tenant = tenant_field("reward_codes")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=State.choices, default=State.AVAILABLE)
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, null=True, blank=True, related_name="codes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The take: the reward's AVAILABLE codes in id order (FOR UPDATE SKIP LOCKED).
            models.Index(fields=["reward", "id"], condition=Q(state="AVAILABLE"), name="reward_code_available_idx"),
            models.Index(fields=["redemption", "id"], name="reward_code_redemption_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reward", "code"], name="reward_code_unique"),
            models.CheckConstraint(
                condition=Q(state="AVAILABLE", redemption__isnull=True)
                | Q(state__in=["ISSUED", "VOIDED"], redemption__isnull=False),
                name="reward_code_redemption_by_state",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="reward_code_not_empty"),
        ]

    def __str__(self) -> str:
        return mask_code(self.code)


def mask_code(code: str) -> str:
    """A code as people may see it: every character but the last 4 hidden."""
    return "•" * max(len(code) - 4, 0) + code[-4:]
