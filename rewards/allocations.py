"""
Which lots a redemption spends, and where a reversal puts the points back.

Spending order (contract, "Points lifecycle"): the participant's released
lots of the asset, soonest ``expires_at`` first, never-expiring lots last,
then oldest ``created_at``, then by id. Every row touched here is a lot of a
wallet the caller has locked (lock order step 3), so the lots are locked
(step 4) by the statements that change them and nobody else is changing
them meanwhile (``rewards/locks.py``).

- PostgreSQL: :func:`take_sql` gives two statements that join the
  redemption's entry statement (``journal_entry_post(also=...)``), so the
  catalog redemption keeps its round trips: one ``UPDATE`` of the lots and
  one ``INSERT`` of the allocations ``RETURNING`` them, both computing the
  same running sum (a window function) on the statement's one snapshot.
- SQLite (no data-modifying ``WITH``): :func:`take` with the ORM.

A reversal (:func:`put_back`) returns its refund to the lots the redemption
took from, last taken first, and records negative allocation rows; a v1
redemption (``allocations_tracked`` False) has none, so its refund goes back
to the wallet's newest lots that have spent points.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Round

from ledger.models import AMOUNT_DECIMAL_PLACES
from loyalty import sql
from participants.models import Accrual
from rewards.models import Redemption, RedemptionAllocation, Reversal


def _exact(expression):
    """ROUND to the ledger's four places: a no-op on PostgreSQL (NUMERIC); SQLite keeps decimals as floats."""
    return Round(expression, AMOUNT_DECIMAL_PLACES)


def _picks_sql(redemption: Redemption) -> tuple[str, list]:
    """The lots to take ``redemption.amount`` from: ``(id, take, position)`` rows, in the spending order."""
    lot = sql.Alias(Accrual, "l")
    order = f"{lot.expires_at} ASC NULLS LAST, {lot.created_at}, {lot.id}"
    query = (
        f"SELECT x.id, LEAST(x.remaining, %s - (x.running - x.remaining)) AS take, x.position FROM ("
        f"SELECT {lot.id} AS id, {lot.remaining} AS remaining, "
        f"sum({lot.remaining}) OVER (ORDER BY {order}) AS running, "
        f"row_number() OVER (ORDER BY {order}) - 1 AS position "
        f"FROM {lot} WHERE {lot.tenant_id} = %s AND {lot.participant_id} = %s AND {lot.asset_id} = %s "
        f"AND {lot.released} AND {lot.remaining} > 0) x WHERE x.running - x.remaining < %s"
    )
    cost = sql.prep(Accrual, "remaining", redemption.amount)
    return query, [
        cost,
        sql.prep(Accrual, "tenant_id", redemption.tenant_id),
        sql.prep(Accrual, "participant_id", redemption.participant_id),
        sql.prep(Accrual, "asset_id", redemption.asset_id),
        cost,
    ]


def take_sql(redemption: Redemption) -> list[tuple[str, list]]:
    """
    PostgreSQL only: the lots' ``UPDATE`` and the allocations' ``INSERT ...
    RETURNING accrual_id, position, amount`` (last), to run in one statement
    with the redemption's entry. The redemption row is inserted later in the
    transaction (foreign keys are checked at commit).
    """
    picks, params = _picks_sql(redemption)
    lots, alloc = sql.table(Accrual), sql.table(RedemptionAllocation)
    c = lambda name: sql.column(Accrual, name)  # noqa: E731
    a = lambda name: sql.column(RedemptionAllocation, name)  # noqa: E731
    update = (
        f"UPDATE {lots} SET {c('remaining')} = {lots}.{c('remaining')} - p.take, "
        f"{c('spent_amount')} = {lots}.{c('spent_amount')} + p.take FROM ({picks}) p WHERE {lots}.{c('id')} = p.id",
        params,
    )
    insert = (
        f"INSERT INTO {alloc} ({a('tenant_id')}, {a('redemption_id')}, {a('accrual_id')}, {a('position')}, "
        f"{a('amount')}) SELECT %s, %s, p.id, p.position, p.take FROM ({picks}) p "
        f"RETURNING {a('accrual_id')}, {a('position')}, {a('amount')}",
        [
            sql.prep(RedemptionAllocation, "tenant_id", redemption.tenant_id),
            sql.prep(RedemptionAllocation, "redemption_id", redemption.id),
            *params,
        ],
    )
    return [update, insert]


def remember(redemption: Redemption, rows) -> None:
    """Keep the allocations a redemption just made (``(accrual_id, position, amount)`` rows) for its response."""
    converted = [(accrual_id, position, Decimal(amount)) for accrual_id, position, amount in rows]
    redemption.allocations_cache = [
        (uuid.UUID(str(accrual_id)), amount) for accrual_id, _, amount in sorted(converted, key=lambda r: r[1])
    ]


def take(redemption: Redemption) -> None:
    """The ORM form of :func:`take_sql` (SQLite), after the redemption's entry; remembers the allocations."""
    lots = (
        Accrual.objects.select_for_update()
        .filter(
            tenant_id=redemption.tenant_id,
            participant_id=redemption.participant_id,
            asset_id=redemption.asset_id,
            released=True,
            remaining__gt=0,
        )
        .order_by(F("expires_at").asc(nulls_last=True), "created_at", "id")
    )
    left, rows = redemption.amount, []
    for position, lot in enumerate(lots):
        if left <= 0:
            break
        amount = min(lot.remaining, left)
        Accrual.objects.filter(id=lot.id).update(
            remaining=_exact(F("remaining") - amount), spent_amount=_exact(F("spent_amount") + amount)
        )
        rows.append(
            RedemptionAllocation(
                tenant_id=redemption.tenant_id, redemption=redemption, accrual_id=lot.id, position=position,
                amount=amount,
            )
        )
        left -= amount
    RedemptionAllocation.objects.bulk_create(rows)
    remember(redemption, [(row.accrual_id, row.position, row.amount) for row in rows])


def put_back(redemption: Redemption, reversal: Reversal, refund: Decimal) -> None:
    """
    Return ``refund`` to the lots ``redemption`` took it from, the last taken
    first (net of earlier reversals), recording negative allocation rows for
    ``reversal``. Runs after the wallet's lock; locks the lots (step 4).
    """
    if not redemption.allocations_tracked:
        _put_back_v1(redemption, refund)
        redemption.allocations_cache = []  # a v1 redemption has no allocations
        return
    net = list(
        RedemptionAllocation.objects.filter(tenant_id=redemption.tenant_id, redemption_id=redemption.id)
        .values("accrual_id", "position")
        .annotate(net=Sum("amount"))
        .order_by("-position")
    )
    left, rows, backs = refund, [], []
    for item in net:
        if left <= 0:
            break
        amount = min(item["net"], left)
        if amount <= 0:
            continue
        backs.append((item["accrual_id"], amount))
        rows.append(
            RedemptionAllocation(
                tenant_id=redemption.tenant_id,
                redemption_id=redemption.id,
                accrual_id=item["accrual_id"],
                reversal=reversal,
                position=item["position"],
                amount=-amount,
            )
        )
        left -= amount
    _return_to_lots(backs)
    RedemptionAllocation.objects.bulk_create(rows)
    # What allocations_of() now answers, known without a query (the reversal's response and event show it).
    back = dict(backs)
    after = [(item["accrual_id"], item["net"] - back.pop(item["accrual_id"], Decimal(0))) for item in reversed(net)]
    redemption.allocations_cache = [(accrual_id, amount) for accrual_id, amount in after if amount > 0]


def _put_back_v1(redemption: Redemption, refund: Decimal) -> None:
    """A v1 redemption has no allocations: its refund goes to the wallet's newest lots with spent points."""
    lots = Accrual.objects.filter(
        tenant_id=redemption.tenant_id,
        participant_id=redemption.participant_id,
        asset_id=redemption.asset_id,
        released=True,
        spent_amount__gt=0,
    ).order_by("-created_at", "-id")
    left, backs = refund, []
    for lot_id, spent in lots.values_list("id", "spent_amount"):
        if left <= 0:
            break
        amount = min(spent, left)
        backs.append((lot_id, amount))
        left -= amount
    _return_to_lots(backs)


def _return_to_lots(backs: list[tuple[uuid.UUID, Decimal]]) -> None:
    ids = sorted(lot_id for lot_id, _ in backs)
    list(Accrual.objects.select_for_update().filter(id__in=ids).order_by("id").values_list("id"))  # step 4, by id
    for lot_id, amount in backs:
        Accrual.objects.filter(id=lot_id).update(
            remaining=_exact(F("remaining") + amount), spent_amount=_exact(F("spent_amount") - amount)
        )


def allocations_of(redemption: Redemption) -> list[tuple[uuid.UUID, Decimal]]:
    """What the redemption holds of each lot now (taken net of put-backs), in the order taken; empty lots left out."""
    cached = getattr(redemption, "allocations_cache", None)
    if cached is not None:
        return cached
    if redemption.pk is None or redemption._state.adding:
        return []
    net: dict[uuid.UUID, Decimal] = {}
    order: dict[uuid.UUID, int] = {}
    for row in redemption.allocation_rows.all():
        net[row.accrual_id] = net.get(row.accrual_id, Decimal(0)) + row.amount
        order.setdefault(row.accrual_id, row.position)
    return [(accrual_id, amount) for accrual_id, amount in sorted(net.items(), key=lambda i: order[i[0]]) if amount > 0]
