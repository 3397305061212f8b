"""
The double-entry ledger: assets, accounts, journal entries and their lines.

``ledger.services`` is the only writer. PostgreSQL itself guards the
invariants (see migration 0003 and its ``ledger/migrations/0003_guards.pg.sql``): entries and
lines are immutable, every entry balances per asset at commit, amounts are
positive and wallets never go negative.

Program accounts (ISSUANCE and REDEMPTIONS) are touched by every movement of
a program. If each movement updated a stored balance on them, that one row
would serialize every request of the program (measured while planning: the
database's own limit falls from ~1,700 to ~200-400 transactions/s). So their
``balance`` is NULL and their balance is derived from their lines by
aggregate (``ledger.selectors``); only participant wallets, which a request
locks anyway to check the balance, keep a stored running balance.
"""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q

from loyalty.models import tenant_field

# 12 integer digits and up to 4 decimal places (asset scale 0-4).
AMOUNT_MAX_DIGITS = 16
AMOUNT_DECIMAL_PLACES = 4
MAX_AMOUNT = Decimal("999999999999.9999")


class Asset(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("assets")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="assets")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    scale = models.PositiveSmallIntegerField(default=2)
    # Points lifecycle policy, for accruals made after a change: days a new lot waits before it may be
    # spent, and days it lives (None: never expires).
    pending_days = models.PositiveIntegerField(default=0)
    validity_days = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="asset_tenant_newest_idx")]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="asset_code_unique_in_program"),
            models.CheckConstraint(condition=Q(scale__gte=0, scale__lte=4), name="asset_scale_0_4"),
            models.CheckConstraint(condition=Q(pending_days__lte=3650), name="asset_pending_days_range"),
            models.CheckConstraint(
                condition=Q(validity_days__isnull=True) | Q(validity_days__gte=1, validity_days__lte=36500),
                name="asset_validity_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.code

class Account(models.Model):
    class Type(models.TextChoices):
        WALLET = "WALLET"
        ISSUANCE = "ISSUANCE"
        REDEMPTIONS = "REDEMPTIONS"
        PENDING = "PENDING"  # a participant's points not yet released (v2), like the wallet
        EXPIRED = "EXPIRED"  # a program's expired points per asset (v2), like issuance

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed alone: the admin lists a tenant's accounts; a wallet is created once per participant and asset.
    tenant = tenant_field("accounts", db_index=True)
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="accounts")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="accounts")
    type = models.CharField(max_length=16, choices=Type.choices)
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    # Stored running balance, in the account's normal direction (credit for
    # wallets). NULL for program accounts: derived by aggregate, see above.
    balance = models.DecimalField(max_digits=28, decimal_places=AMOUNT_DECIMAL_PLACES, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "participant"],
                condition=Q(type="WALLET"),
                name="account_one_wallet_per_asset",
            ),
            models.UniqueConstraint(
                fields=["asset", "participant"],
                condition=Q(type="PENDING"),
                name="account_one_pending_per_asset",
            ),
            models.UniqueConstraint(
                fields=["asset", "type"],
                condition=Q(participant__isnull=True),
                name="account_one_program_account_per_type",
            ),
            models.CheckConstraint(
                condition=Q(type__in=["WALLET", "PENDING"], participant__isnull=False, balance__isnull=False)
                | Q(type__in=["ISSUANCE", "REDEMPTIONS", "EXPIRED"], participant__isnull=True, balance__isnull=True),
                name="account_shape_by_type_v2",
            ),
            models.CheckConstraint(
                condition=Q(balance__isnull=True) | Q(balance__gte=0),
                name="account_wallet_balance_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.asset_id}" + (f" {self.participant_id}" if self.participant_id else "")


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        ACCRUAL = "ACCRUAL"
        REDEMPTION = "REDEMPTION"
        REVERSAL = "REVERSAL"
        ADJUSTMENT = "ADJUSTMENT"
        RELEASE = "RELEASE"
        EXPIRATION = "EXPIRATION"
        ACCRUAL_REVERSAL = "ACCRUAL_REVERSAL"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = tenant_field("journal_entries")
    program = models.ForeignKey("loyalty.Program", on_delete=models.PROTECT, related_name="journal_entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.CharField(max_length=500)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "journal entries"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["program", "-created_at"], name="entry_program_newest_idx"),
            models.Index(fields=["tenant", "-created_at", "-id"], name="entry_tenant_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class JournalLine(models.Model):
    class Direction(models.TextChoices):
        DEBIT = "DEBIT"
        CREDIT = "CREDIT"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Its entry's tenant (the database refuses another at commit); lines are reached through their entry.
    tenant = tenant_field("journal_lines")
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="lines")
    direction = models.CharField(max_length=6, choices=Direction.choices)
    amount = models.DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="journal_line_amount_positive"),
            models.CheckConstraint(
                condition=Q(direction__in=["DEBIT", "CREDIT"]), name="journal_line_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.amount} {self.account_id}"
