"""
Row locks of the redemption machinery, and THE lock order of the platform.

Every write path takes its row locks in this order, so two transactions can
never wait on each other in a cycle:

    0. the idempotency key (unique index, ``loyalty.idempotency``)
    1. the redemption            (reversals only)
    2. the participant's wallet  (``ledger.locks``)
    3. the per-participant reward counter
    4. the reward                (last: the hottest row, held shortest)

The reward comes last on purpose: at a launch everyone redeems the same few
rewards, so its row lock is taken by the guarded ``UPDATE`` that moves
``redeemed_count``, as the last statement before COMMIT. Its rules were
checked on a plain read earlier; the ``UPDATE``'s ``WHERE`` re-checks them
on the latest committed row (status, window, range, price, stock), so a
reward that changed in between never oversells: the update matches nothing
and the service re-reads the reward under the lock to name the error.

Accruals lock only the wallet (2); operator edits of a reward only the
reward (4); reversals take 1, 2, 3, 4.

A ``select_for_update()`` that joins (``select_related``) names
``of=("self",)``: PostgreSQL would otherwise lock the joined rows too, such
as the asset that every movement KEY SHAREs through its foreign keys, and
transactions that keep the order above would still deadlock on it.
"""

from __future__ import annotations

import uuid

from ledger.locks import wallet_lock_if_enrolled, wallet_lock_if_enrolled_sql
from ledger.models import Account, Asset
from loyalty import sql
from rewards.models import ParticipantRewardCount, Redemption


def redemption_lock(*, redemption_id: uuid.UUID) -> Redemption:
    # of=("self",): without it PostgreSQL also locks the joined asset row FOR UPDATE,
    # which every movement of the asset KEY SHAREs (foreign keys): deadlocks.
    return Redemption.objects.select_for_update(of=("self",)).select_related("asset").get(id=redemption_id)


def _count_add_sql(
    *, reward_id: uuid.UUID, participant_id: uuid.UUID, units: int, limit: int | None, source: str | None = None
) -> tuple[str, list]:
    """
    The counter upsert: ``INSERT ... ON CONFLICT DO UPDATE ... WHERE count +
    units <= limit RETURNING count`` (no row back when the limit refuses it).
    With ``source`` (a ``WITH`` name) it inserts one row per row of
    ``source`` instead of ``VALUES``: none when ``source`` is empty.
    """
    table = sql.table(ParticipantRewardCount)
    count = sql.column(ParticipantRewardCount, "count")
    params = [
        sql.prep(ParticipantRewardCount, "reward_id", reward_id),
        sql.prep(ParticipantRewardCount, "participant_id", participant_id),
        units,
    ]
    rows = f"SELECT %s, %s, %s FROM {source}" if source else "VALUES (%s, %s, %s)"
    guard = ""
    if limit is not None:
        guard = f"WHERE {table}.{count} + excluded.{count} <= %s"
        params.append(limit)
    reward_col = sql.column(ParticipantRewardCount, "reward_id")
    participant_col = sql.column(ParticipantRewardCount, "participant_id")
    return (
        f"INSERT INTO {table} ({reward_col}, {participant_col}, {count}) {rows} "
        f"ON CONFLICT ({reward_col}, {participant_col}) DO UPDATE SET {count} = {table}.{count} + excluded.{count} "
        f"{guard} RETURNING {count}",
        params,
    )


def participant_count_add(
    *, reward_id: uuid.UUID, participant_id: uuid.UUID, units: int, limit: int | None
) -> bool:
    """
    Add ``units`` to the participant's count of a reward, creating the row on
    first use, in one statement (which locks the row). Returns False, and
    changes nothing, when the result would pass ``limit``.
    """
    if limit is not None and units > limit:
        return False
    query, params = _count_add_sql(reward_id=reward_id, participant_id=participant_id, units=units, limit=limit)
    return sql.fetchone(query, params) is not None


def wallet_lock_and_count_add(
    *, participant_id: uuid.UUID, asset: Asset, reward_id: uuid.UUID, units: int, limit: int | None
) -> tuple[Account | None, bool | None]:
    """
    Steps 2 and 3 of the lock order: lock the participant's wallet (if the
    participant is enrolled, see ``ledger.locks.wallet_lock_if_enrolled``),
    then add ``units`` to their count of the reward (``participant_count_add``).

    Returns ``(wallet, within_limit)``. When no wallet was locked (none yet,
    or not enrolled) the count is not touched and ``within_limit`` is None.
    On PostgreSQL this is one statement: the counter's upsert reads its row
    from the locked wallet's ``WITH``, so the wallet is locked first.
    """
    if (limit is not None and units > limit) or not sql.is_postgresql():
        wallet = wallet_lock_if_enrolled(participant_id=participant_id, asset=asset)
        if wallet is None:
            return None, None
        return wallet, participant_count_add(
            reward_id=reward_id, participant_id=participant_id, units=units, limit=limit
        )
    wallet_sql, wallet_params = wallet_lock_if_enrolled_sql(participant_id=participant_id, asset=asset)
    count_sql, count_params = _count_add_sql(
        reward_id=reward_id, participant_id=participant_id, units=units, limit=limit, source="w"
    )
    row = sql.fetchone(
        f"WITH w AS ({wallet_sql}), c AS ({count_sql}) "
        f"SELECT {sql.select_list(Account, 'w')}, (SELECT count(*) FROM c) FROM w",
        wallet_params + count_params,
    )
    if row is None:
        return None, None
    return sql.from_row(Account, row), row[-1] == 1


def participant_count_release(*, reward_id: uuid.UUID, participant_id: uuid.UUID, units: int) -> None:
    """Give ``units`` back from the participant's count (a restocked reversal)."""
    from django.db.models import F

    updated = ParticipantRewardCount.objects.filter(reward_id=reward_id, participant_id=participant_id).update(
        count=F("count") - units
    )
    if updated != 1:  # pragma: no cover - a redemption always created the row
        raise RuntimeError("participant reward count missing for a reversal")
