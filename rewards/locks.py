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

from django.db import connection

from rewards.models import ParticipantRewardCount, Redemption


def redemption_lock(*, redemption_id: uuid.UUID) -> Redemption:
    # of=("self",): without it PostgreSQL also locks the joined asset row FOR UPDATE,
    # which every movement of the asset KEY SHAREs (foreign keys): deadlocks.
    return Redemption.objects.select_for_update(of=("self",)).select_related("asset").get(id=redemption_id)


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
    table = connection.ops.quote_name(ParticipantRewardCount._meta.db_table)
    fields = {f.attname: f for f in ParticipantRewardCount._meta.concrete_fields}
    guard = f"WHERE {table}.count + excluded.count <= %s" if limit is not None else ""
    params = [
        fields["reward_id"].get_db_prep_value(reward_id, connection),
        fields["participant_id"].get_db_prep_value(participant_id, connection),
        units,
    ]
    if limit is not None:
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (reward_id, participant_id, count) VALUES (%s, %s, %s) "
            f"ON CONFLICT (reward_id, participant_id) DO UPDATE SET count = {table}.count + excluded.count "
            f"{guard} RETURNING count",
            params,
        )
        return cursor.fetchone() is not None


def participant_count_release(*, reward_id: uuid.UUID, participant_id: uuid.UUID, units: int) -> None:
    """Give ``units`` back from the participant's count (a restocked reversal)."""
    from django.db.models import F

    updated = ParticipantRewardCount.objects.filter(reward_id=reward_id, participant_id=participant_id).update(
        count=F("count") - units
    )
    if updated != 1:  # pragma: no cover - a redemption always created the row
        raise RuntimeError("participant reward count missing for a reversal")
