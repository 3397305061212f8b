"""
Reads of the operators' program dashboard (``rewards.dashboard_views`` renders them).

Every figure is one aggregate query (``GROUP BY`` through ``annotate``), so
the number of queries does not depend on how many wallets, lines,
redemptions or rewards a program has:

1. assets with the sum of their wallets' and PENDING accounts' stored
   balances;
2. the lines of the program accounts (ISSUANCE, REDEMPTIONS, EXPIRED),
   summed per asset, account type and direction;
3. redemptions of the last days, counted and summed per day and asset;
4. points expired per day and asset (the EXPIRED accounts' lines);
5. what remains in lots that expire in the next days, per asset;
6. rewards by number of redemptions (top N);
7. rewards low on stock;
8. the newest reversals, with everything they show joined in.

Every selector reads from the database alias ``using`` (the view passes
``loyalty.replicas``' reporting alias: the read replica when there is one).

The dashboard lives in ``rewards``, at the top of the import chain, because
it reads every app.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import BigIntegerField, Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from ledger.models import Account, Asset, JournalLine
from loyalty.models import Program
from participants.models import Accrual
from rewards.models import Redemption, Reversal, Reward
from rewards.stock import stock_units_left

DAYS = 30
EXPIRING_DAYS = 30  # "points expiring in the next 30 days"
TOP_REWARDS = 10
RECENT_REVERSALS = 10
# A reward is low on stock when fewer units than this are left ...
LOW_STOCK_UNITS = 10
# ... or fewer than this share of its max_total (percent).
LOW_STOCK_PERCENT = 10

ZERO = Decimal(0)
_SUM = DecimalField(max_digits=28, decimal_places=4)


@dataclass(frozen=True)
class AssetLiability:
    """
    Points a program owes on one asset: its wallets' total (spendable) and
    its PENDING accounts' total (not yet released), and the same figure from
    the ledger lines: issued - redeemed - expired.
    """

    asset_id: uuid.UUID
    code: str
    name: str
    scale: int
    wallets_total: Decimal
    pending_total: Decimal
    issued: Decimal  # balance of the ISSUANCE account (debit-normal): net of clawbacks
    redeemed: Decimal  # balance of the REDEMPTIONS account (credit-normal): net of reversals
    expired: Decimal  # balance of the EXPIRED account (credit-normal)
    expiring_soon: Decimal = ZERO  # what remains in lots whose expires_at falls in the next EXPIRING_DAYS days

    @property
    def owed(self) -> Decimal:
        return self.issued - self.redeemed - self.expired

    @property
    def balanced(self) -> bool:
        return self.wallets_total + self.pending_total == self.owed


@dataclass(frozen=True)
class DailyRedemptions:
    day: date
    count: int
    # asset id -> points redeemed that day (gross: reversals are not subtracted)
    points: dict[uuid.UUID, Decimal] = field(default_factory=dict)
    # asset id -> points expired that day (the periodic run's EXPIRATION entries)
    expired: dict[uuid.UUID, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class TopReward:
    reward_id: uuid.UUID
    name: str
    type: str
    scale: int
    redemptions: int
    units: int  # units taken (UNIT_BASED quantities; 1 per AMOUNT_BASED redemption)
    points: Decimal  # gross
    reversed_points: Decimal


@dataclass(frozen=True)
class LowStockReward:
    reward_id: uuid.UUID
    name: str
    status: str
    max_total: int
    redeemed_count: int

    @property
    def units_left(self) -> int:
        return stock_units_left(max_total=self.max_total, redeemed_count=self.redeemed_count, codes_available=None)


@dataclass(frozen=True)
class ProgramDashboard:
    program: Program
    first_day: date
    last_day: date
    liabilities: list[AssetLiability]
    days: list[DailyRedemptions]  # every day from first_day to last_day, zero days included
    top_rewards: list[TopReward]
    low_stock: list[LowStockReward]
    recent_reversals: list[Reversal]  # redemption (asset, reward, participant) and authors selected


def program_liabilities(
    *, program_id: uuid.UUID, now: datetime | None = None, using: str = DEFAULT_DB_ALIAS
) -> list[AssetLiability]:
    """Outstanding, pending and soon-expiring points per asset of the program (three queries)."""
    assets = (
        Asset.objects.using(using)
        .filter(program_id=program_id)
        .annotate(
            wallets_total=Sum(
                "accounts__balance", filter=Q(accounts__type=Account.Type.WALLET), output_field=_SUM
            ),
            pending_total=Sum(
                "accounts__balance", filter=Q(accounts__type=Account.Type.PENDING), output_field=_SUM
            ),
        )
        .order_by("code")
    )
    sums = (
        JournalLine.objects.using(using)
        .filter(
            account__program_id=program_id,
            account__type__in=(Account.Type.ISSUANCE, Account.Type.REDEMPTIONS, Account.Type.EXPIRED),
        )
        .values("asset_id", "account__type")
        .annotate(
            debits=Sum("amount", filter=Q(direction=JournalLine.Direction.DEBIT), output_field=_SUM),
            credits=Sum("amount", filter=Q(direction=JournalLine.Direction.CREDIT), output_field=_SUM),
        )
        .order_by()
    )
    # Balances in each account's normal direction (see ledger.selectors.NORMAL_DIRECTION).
    balances: dict[tuple[uuid.UUID, str], Decimal] = {}
    for row in sums:
        debits, credits = row["debits"] or ZERO, row["credits"] or ZERO
        normal = debits - credits if row["account__type"] == Account.Type.ISSUANCE else credits - debits
        balances[(row["asset_id"], row["account__type"])] = normal
    expiring = program_expiring_soon(program_id=program_id, now=now or timezone.now(), using=using)
    return [
        AssetLiability(
            asset_id=asset.id,
            code=asset.code,
            name=asset.name,
            scale=asset.scale,
            wallets_total=asset.wallets_total or ZERO,
            pending_total=asset.pending_total or ZERO,
            issued=balances.get((asset.id, Account.Type.ISSUANCE), ZERO),
            redeemed=balances.get((asset.id, Account.Type.REDEMPTIONS), ZERO),
            expired=balances.get((asset.id, Account.Type.EXPIRED), ZERO),
            expiring_soon=expiring.get(asset.id, ZERO),
        )
        for asset in assets
    ]


def program_expiring_soon(
    *, program_id: uuid.UUID, now: datetime, days: int = EXPIRING_DAYS, using: str = DEFAULT_DB_ALIAS
) -> dict[uuid.UUID, Decimal]:
    """
    Per asset, the points left in lots (released or pending) whose
    ``expires_at`` falls from ``now`` to ``days`` days later: what the next
    runs of ``process_points`` will expire unless it is spent first (one query).
    """
    rows = (
        Accrual.objects.using(using)
        .filter(program_id=program_id, remaining__gt=0, expires_at__gte=now, expires_at__lt=now + timedelta(days=days))
        .values("asset_id")
        .annotate(total=Sum("remaining", output_field=_SUM))
        .order_by()
    )
    return {row["asset_id"]: row["total"] or ZERO for row in rows}


def program_expired_per_day(
    *, program_id: uuid.UUID, start: datetime, end: datetime, using: str = DEFAULT_DB_ALIAS
) -> dict[tuple[date, uuid.UUID], Decimal]:
    """Points expired per day and asset: the EXPIRED accounts' credits, by their entry's day (one query)."""
    tz = timezone.get_current_timezone()
    rows = (
        JournalLine.objects.using(using)
        .filter(
            account__program_id=program_id,
            account__type=Account.Type.EXPIRED,
            direction=JournalLine.Direction.CREDIT,
            entry__created_at__gte=start,
            entry__created_at__lt=end,
        )
        .annotate(day=TruncDate("entry__created_at", tzinfo=tz))
        .values("day", "asset_id")
        .annotate(total=Sum("amount", output_field=_SUM))
        .order_by()
    )
    return {(row["day"], row["asset_id"]): row["total"] or ZERO for row in rows}


def program_redemptions_per_day(
    *, program_id: uuid.UUID, first_day: date, last_day: date, using: str = DEFAULT_DB_ALIAS
) -> list[DailyRedemptions]:
    """
    Redemptions counted and their points summed per day, with the points
    expired that day (every day of the range, zeros included; two queries).
    """
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first_day, time.min), tz)
    end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min), tz)
    expired = program_expired_per_day(program_id=program_id, start=start, end=end, using=using)
    rows = (
        Redemption.objects.using(using)
        .filter(program_id=program_id, created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "asset_id")
        .annotate(count=Count("id"), points=Sum("amount", output_field=_SUM))
        .order_by()
    )
    counts: dict[date, int] = {}
    points: dict[date, dict[uuid.UUID, Decimal]] = {}
    for row in rows:
        counts[row["day"]] = counts.get(row["day"], 0) + row["count"]
        points.setdefault(row["day"], {})[row["asset_id"]] = row["points"] or ZERO
    days = []
    day = first_day
    while day <= last_day:
        days.append(
            DailyRedemptions(
                day=day,
                count=counts.get(day, 0),
                points=points.get(day, {}),
                expired={asset_id: total for (when, asset_id), total in expired.items() if when == day},
            )
        )
        day += timedelta(days=1)
    return days


def program_top_rewards(
    *, program_id: uuid.UUID, limit: int = TOP_REWARDS, using: str = DEFAULT_DB_ALIAS
) -> list[TopReward]:
    """The program's rewards with the most redemptions, all time (one query)."""
    rows = (
        Redemption.objects.using(using)
        .filter(program_id=program_id, reward__isnull=False)
        .values("reward_id", "reward__name", "reward__type", "asset__scale")
        .annotate(
            redemptions=Count("id"),
            units=Sum("stock_units"),
            points=Sum("amount", output_field=_SUM),
            reversed_points=Sum("reversed_amount", output_field=_SUM),
        )
        .order_by("-redemptions", "-points", "reward__name", "reward_id")[:limit]
    )
    return [
        TopReward(
            reward_id=row["reward_id"],
            name=row["reward__name"],
            type=row["reward__type"],
            scale=row["asset__scale"],
            redemptions=row["redemptions"],
            units=row["units"] or 0,
            points=row["points"] or ZERO,
            reversed_points=row["reversed_points"] or ZERO,
        )
        for row in rows
    ]


def program_low_stock_rewards(*, program_id: uuid.UUID, using: str = DEFAULT_DB_ALIAS) -> list[LowStockReward]:
    """
    Rewards with a ``max_total`` and fewer than ``LOW_STOCK_UNITS`` units left,
    or fewer than ``LOW_STOCK_PERCENT`` % of ``max_total`` (sold-out ones
    included), fewest left first (one query).
    """
    # In bigint: max_total may be up to 2**31 - 1, and x 100 does not fit PostgreSQL's integer.
    max_total = Cast("max_total", output_field=BigIntegerField())
    left = ExpressionWrapper(max_total - F("redeemed_count"), output_field=BigIntegerField())
    rewards = (
        Reward.objects.using(using)
        .filter(program_id=program_id, max_total__isnull=False)
        .annotate(left=left, left_x100=ExpressionWrapper(left * 100, output_field=BigIntegerField()))
        .filter(
            Q(left__lt=LOW_STOCK_UNITS)
            | Q(left_x100__lt=ExpressionWrapper(max_total * LOW_STOCK_PERCENT, output_field=BigIntegerField()))
        )
        .order_by("left", "name", "id")
        .values("id", "name", "status", "max_total", "redeemed_count")
    )
    return [
        LowStockReward(
            reward_id=row["id"],
            name=row["name"],
            status=row["status"],
            max_total=row["max_total"],
            redeemed_count=row["redeemed_count"],
        )
        for row in rewards
    ]


def program_recent_reversals(
    *, program_id: uuid.UUID, limit: int = RECENT_REVERSALS, using: str = DEFAULT_DB_ALIAS
) -> list[Reversal]:
    """The newest reversals, with what a row shows selected in the same query."""
    return list(
        Reversal.objects.using(using)
        .filter(program_id=program_id)
        .select_related(
            "redemption__asset",
            "redemption__reward",
            "redemption__participant",
            "created_by_user",
            "created_by_api_key",
        )
        .order_by("-created_at", "-id")[:limit]
    )


def program_dashboard_get(
    *, program: Program, today: date | None = None, days: int = DAYS, using: str = DEFAULT_DB_ALIAS
) -> ProgramDashboard:
    """Everything the program's dashboard shows (eight queries, whatever the volume), read from ``using``."""
    last_day = today or timezone.localdate()
    first_day = last_day - timedelta(days=days - 1)
    return ProgramDashboard(
        program=program,
        first_day=first_day,
        last_day=last_day,
        liabilities=program_liabilities(program_id=program.id, using=using),
        days=program_redemptions_per_day(program_id=program.id, first_day=first_day, last_day=last_day, using=using),
        top_rewards=program_top_rewards(program_id=program.id, using=using),
        low_stock=program_low_stock_rewards(program_id=program.id, using=using),
        recent_reversals=program_recent_reversals(program_id=program.id, using=using),
    )
