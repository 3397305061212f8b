"""
Row locks of the redemption machinery, and THE lock order of the platform.

Every write path takes its row locks in this order, so two transactions can
never wait on each other in a cycle:

    0. the idempotency key (unique index, ``loyalty.idempotency``)
    1. the redemption            (reversals only)
    2. the participant's PENDING account (release, clawback, expiry; ``ledger.locks``)
    3. the participant's wallet  (``ledger.locks``)
    4. the lots (accruals) of that wallet, by id (``participants.lots``)
    5. the per-participant reward counter
    6. reward codes              (``FOR UPDATE SKIP LOCKED``: :func:`codes_take`)
    7. the reward                (last: the hottest row, held shortest)

A clawback or release names an accrual: it is *read* first (to find its
participant and asset, no lock), and its row is locked as a lot at step 4;
locking it before the accounts would invert the order against a redemption
that holds the wallet and updates the same lot. Every lot column moves only
under its participant's wallet lock (and the PENDING account's for pending
lots), so a redemption's lot selection, folded into its entry's statement,
reads lots nobody else is changing. ``process_points`` locks the PENDING
accounts, then the wallets, in id order, then the lots, per batch.

The reward comes last on purpose: at a launch everyone redeems the same few
rewards, so its row lock is taken by the guarded ``UPDATE`` that moves
``redeemed_count``, as the last statement before COMMIT. Its rules were
checked on a plain read earlier; the ``UPDATE``'s ``WHERE`` re-checks them
on the latest committed row (status, window, range, price, stock), so a
reward that changed in between never oversells: the update matches nothing
and the service re-reads the reward under the lock to name the error.

Accruals lock only the PENDING account (a pending lot) or the wallet;
operator edits of a reward only the reward (7); reversals take 1, 3, 4, 5,
6 (the codes they void), 7; adding codes inserts new code rows (6), then
moves the reward's counter (7, :func:`reward_codes_added`).

Audit records (``loyalty.audit``) are insert-only and lock nothing; the edits
they record lock only their own row (a program, an asset, an API key being
revoked), in no transaction with another lock, or are recorded inside a
movement's transaction after its locks (reversal, release, clawback, adding
codes). A bulk-import chunk (``participants.imports``) takes 0 and then 2 or
3 (the PENDING account of a pending opening balance, else the wallet) for
each of its rows in file order, in one transaction: two imports of
overlapping files may deadlock, and the chunk is then retried whole.

Codes: a redemption of a CODES reward takes its codes with ``FOR UPDATE SKIP
LOCKED`` (:func:`codes_take`), so concurrent redemptions of one reward take
different codes at once instead of queueing on the pool; it never waits on
a code. Fewer free codes than units refuses the whole redemption. The
reward's ``codes_available`` moves in the same guarded ``UPDATE`` as
``redeemed_count``, so its status follows one stock rule. Every row lock on a reward is taken
here (:func:`reward_lock`, :func:`reward_take_sql`, :func:`reward_stock_return`),
with the stock rule of ``rewards.stock``.

A ``select_for_update()`` that joins (``select_related``) names
``of=("self",)``: PostgreSQL would otherwise lock the joined rows too, such
as the asset that every movement KEY SHAREs through its foreign keys, and
transactions that keep the order above would still deadlock on it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.db.models import F

from ledger.locks import wallet_lock_if_enrolled, wallet_lock_if_enrolled_sql
from ledger.models import Account, Asset
from loyalty import sql
from rewards.models import ParticipantRewardCount, Redemption, Reward, RewardCode
from rewards.stock import ACTIVE, INACTIVE, stock_has_room_sql, stock_status, stock_status_sql

AVAILABLE, ISSUED = RewardCode.State.AVAILABLE, RewardCode.State.ISSUED


def redemption_lock(*, tenant_id: uuid.UUID, redemption_id: uuid.UUID) -> Redemption:
    # of=("self",): without it PostgreSQL also locks the joined asset row FOR UPDATE,
    # which every movement of the asset KEY SHAREs (foreign keys): deadlocks.
    redemptions = Redemption.objects.select_for_update(of=("self",)).select_related("asset")
    return redemptions.get(id=redemption_id, tenant_id=tenant_id)


def reward_lock(*, reward_id: uuid.UUID) -> Reward:
    """Lock and return the reward with its asset (step 7: nothing is locked after it)."""
    # of=("self",): lock the reward row only, never the joined asset (see above).
    return Reward.objects.select_for_update(of=("self",)).select_related("asset").get(id=reward_id)


def reward_take_sql(*, reward: Reward, units: int, amount: Decimal | None, now: datetime) -> tuple[str, list]:
    """
    The guarded ``UPDATE`` that takes ``units`` from the reward's stock (and
    the reward's row lock, step 7), ``RETURNING`` its id and new status (the
    guard requires ACTIVE, so OUT_OF_STOCK means this take emptied the stock). Its ``WHERE``
    re-checks, on the latest committed row, every rule and price the
    redemption was decided on (``reward`` as it was read), so it matches
    nothing when the reward changed since; the new status follows the stock
    rule (OUT_OF_STOCK when the stock runs out).
    """

    def c(name: str) -> str:
        return sql.column(Reward, name)

    def p(name: str, value) -> str:
        params.append(sql.prep(Reward, name, value))
        return "%s"

    def taken() -> str:
        return f"{c('redeemed_count')} + {p('redeemed_count', units)}"

    n = int(units)  # an int, written inline where it appears twice (the codes' counter and room)
    codes_left = f"{c('codes_available')} - {n}"  # NULL (not a CODES reward) stays NULL
    params: list = []  # in the order of their placeholders: p() is called in the text's order
    status = stock_status_sql(
        status=c("status"), max_total=c("max_total"), redeemed_count=taken(), codes_available=codes_left
    )
    sets = (
        f"{c('status')} = {status}, {c('redeemed_count')} = {taken()}, {c('codes_available')} = {codes_left}, "
        f"{c('updated_at')} = {p('updated_at', now)}"
    )
    guard = [
        f"{c('id')} = {p('id', reward.id)}",
        f"{c('tenant_id')} = {p('tenant_id', reward.tenant_id)}",
        f"{c('status')} = {p('status', ACTIVE)}",
        f"({c('available_from')} IS NULL OR {c('available_from')} <= {p('available_from', now)})",
        f"({c('available_until')} IS NULL OR {c('available_until')} > {p('available_until', now)})",
        stock_has_room_sql(
            max_total=c("max_total"), redeemed_count=c("redeemed_count"), units=str(n),
            codes_available=c("codes_available"),
        ),
        f"{c('max_per_participant')} IS NULL"
        if reward.max_per_participant is None
        else f"{c('max_per_participant')} = {p('max_per_participant', reward.max_per_participant)}",
    ]
    if reward.type == Reward.Type.UNIT_BASED:
        guard.append(f"{c('unit_cost')} = {p('unit_cost', reward.unit_cost)}")
    else:
        guard.append(f"({c('min_amount')} IS NULL OR {c('min_amount')} <= {p('min_amount', amount)})")
        guard.append(f"({c('max_amount')} IS NULL OR {c('max_amount')} >= {p('max_amount', amount)})")
    return f"UPDATE {sql.table(Reward)} SET {sets} WHERE {' AND '.join(guard)} RETURNING {c('id')}, {c('status')}", params


def reward_stock_return(
    *, tenant_id: uuid.UUID, reward_id: uuid.UUID, units: int, now: datetime
) -> tuple[str, str] | None:
    """
    Give ``units`` back to the reward's stock (a restocked reversal); the
    status follows the stock rule. Returns the reward's status before and
    after (None if there is no such reward).
    """
    count = sql.column(Reward, "redeemed_count")
    status = stock_status_sql(
        status=sql.column(Reward, "status"),
        max_total=sql.column(Reward, "max_total"),
        redeemed_count=f"{count} - %s",
        codes_available=sql.column(Reward, "codes_available"),
    )
    returned = sql.prep(Reward, "redeemed_count", units)
    row = sql.fetchone(
        f"UPDATE {sql.table(Reward)} SET {sql.column(Reward, 'status')} = {status}, {count} = {count} - %s, "
        f"{sql.column(Reward, 'updated_at')} = %s "
        f"WHERE {sql.column(Reward, 'id')} = %s AND {sql.column(Reward, 'tenant_id')} = %s "
        f"RETURNING {sql.column(Reward, 'status')}, {count}, {sql.column(Reward, 'max_total')}, "
        f"{sql.column(Reward, 'codes_available')}",
        [
            returned,
            returned,
            sql.prep(Reward, "updated_at", now),
            sql.prep(Reward, "id", reward_id),
            sql.prep(Reward, "tenant_id", tenant_id),
        ],
    )
    if row is None:
        return None
    after, redeemed_count, max_total, codes_available = row
    # The status before, by the stock rule over the count before (an INACTIVE reward stays INACTIVE).
    before = after if after == INACTIVE else stock_status(
        status=ACTIVE, max_total=max_total, redeemed_count=redeemed_count + units, codes_available=codes_available
    )
    return before, after


def reward_codes_added(*, tenant_id: uuid.UUID, reward_id: uuid.UUID, added: int, now: datetime) -> tuple[int, str]:
    """
    Count ``added`` new codes into the reward's ``codes_available`` under its
    row lock (step 7, after the codes' INSERT); the status follows the stock
    rule (an OUT_OF_STOCK CODES reward is ACTIVE again, an INACTIVE one stays
    INACTIVE). Returns the new ``(codes_available, status)``.
    """
    available = sql.column(Reward, "codes_available")
    status = stock_status_sql(
        status=sql.column(Reward, "status"),
        max_total=sql.column(Reward, "max_total"),
        redeemed_count=sql.column(Reward, "redeemed_count"),
        codes_available=f"{available} + {int(added)}",
    )
    return sql.fetchone(
        f"UPDATE {sql.table(Reward)} SET {sql.column(Reward, 'status')} = {status}, "
        f"{available} = {available} + {int(added)}, {sql.column(Reward, 'updated_at')} = %s "
        f"WHERE {sql.column(Reward, 'id')} = %s AND {sql.column(Reward, 'tenant_id')} = %s "
        f"RETURNING {available}, {sql.column(Reward, 'status')}",
        [
            sql.prep(Reward, "updated_at", now),
            sql.prep(Reward, "id", reward_id),
            sql.prep(Reward, "tenant_id", tenant_id),
        ],
    )


def codes_take(*, reward: Reward, redemption_id: uuid.UUID, units: int, wait: bool = False) -> list[str]:
    """
    Step 6: issue up to ``units`` of the reward's AVAILABLE codes to the
    redemption, the oldest first, skipping codes that concurrent redemptions
    hold (``FOR UPDATE SKIP LOCKED``): one statement on PostgreSQL. Returns
    the codes issued, in issue order (fewer than ``units`` when the pool ran
    short: the caller refuses the redemption and its transaction rolls back).

    With ``wait`` (the retry of a redemption that found the free codes held by
    others, see :func:`codes_free`) it waits for those codes instead (plain
    ``FOR UPDATE``, rows locked in id order, so two waiting takers never
    deadlock): a code that the holder issued is passed over, one it released
    is taken.
    """
    issued, available = sql.literal(RewardCode, "state", ISSUED), sql.literal(RewardCode, "state", AVAILABLE)
    if not sql.is_postgresql():  # the embedded SQLite: one writer at a time, plain ORM
        codes = RewardCode.objects.filter(tenant_id=reward.tenant_id, reward_id=reward.id, state=AVAILABLE)
        ids = list(codes.order_by("id").values_list("id", flat=True)[:units])
        RewardCode.objects.filter(id__in=ids).update(state=ISSUED, redemption_id=redemption_id)
        return list(RewardCode.objects.filter(id__in=ids).order_by("id").values_list("code", flat=True))
    k = sql.Alias(RewardCode, "k")
    rows = sql.fetchall(
        f"UPDATE {sql.table(RewardCode)} SET {sql.column(RewardCode, 'state')} = {issued}, "
        f"{sql.column(RewardCode, 'redemption_id')} = %s "
        f"FROM (SELECT {k.id} FROM {k} WHERE {k.reward_id} = %s AND {k.tenant_id} = %s AND {k.state} = {available} "
        f"ORDER BY {k.id} LIMIT %s FOR UPDATE{'' if wait else ' SKIP LOCKED'}) t "
        f"WHERE {sql.table(RewardCode)}.{sql.column(RewardCode, 'id')} = t.{sql.column(RewardCode, 'id')} "
        f"RETURNING {sql.table(RewardCode)}.{sql.column(RewardCode, 'id')}, "
        f"{sql.table(RewardCode)}.{sql.column(RewardCode, 'code')}",
        [
            sql.prep(RewardCode, "redemption_id", redemption_id),
            sql.prep(RewardCode, "reward_id", reward.id),
            sql.prep(RewardCode, "tenant_id", reward.tenant_id),
            int(units),
        ],
    )
    return [code for _, code in sorted(rows)]


def codes_free(*, reward: Reward) -> int:
    """
    The reward's codes that are AVAILABLE as this transaction sees them (its
    own take excluded), locked by concurrent redemptions or not (no lock).
    """
    return RewardCode.objects.filter(tenant_id=reward.tenant_id, reward_id=reward.id, state=AVAILABLE).count()


def codes_void(*, redemption: Redemption, units: int) -> list[str]:
    """
    Void the ``units`` last-issued codes the (locked, step 1) redemption still
    holds; returns them, the last issued first. They are never issued again.
    """
    held = RewardCode.objects.filter(tenant_id=redemption.tenant_id, redemption_id=redemption.id, state=ISSUED)
    rows = list(held.order_by("-id").values_list("id", "code")[:units])
    RewardCode.objects.filter(id__in=[id for id, _ in rows]).update(state=RewardCode.State.VOIDED)
    return [code for _, code in rows]


def count_within_limit(*, held: int, units: int, limit: int | None) -> bool:
    """The per-participant limit: ``held + units`` stays within ``limit`` (None: no limit); SQL form below."""
    return limit is None or held + units <= limit


def _count_add_sql(
    *,
    tenant_id: uuid.UUID,
    reward_id: uuid.UUID,
    participant_id: uuid.UUID,
    units: int,
    limit: int | None,
    source: str | None = None,
) -> tuple[str, list]:
    """
    The counter upsert: ``INSERT ... ON CONFLICT DO UPDATE ... WHERE count +
    units <= limit RETURNING count`` (no row back when the limit refuses it).
    With ``source`` (a ``WITH`` name) it inserts one row per row of
    ``source`` instead of ``VALUES``: none when ``source`` is empty. The row
    is of the reward's tenant (its participant's too).
    """
    table = sql.table(ParticipantRewardCount)
    count = sql.column(ParticipantRewardCount, "count")
    params = [
        sql.prep(ParticipantRewardCount, "tenant_id", tenant_id),
        sql.prep(ParticipantRewardCount, "reward_id", reward_id),
        sql.prep(ParticipantRewardCount, "participant_id", participant_id),
        units,
    ]
    rows = f"SELECT %s, %s, %s, %s FROM {source}" if source else "VALUES (%s, %s, %s, %s)"
    guard = ""
    if limit is not None:
        guard = f"WHERE {table}.{count} + excluded.{count} <= %s"
        params.append(limit)
    tenant_col = sql.column(ParticipantRewardCount, "tenant_id")
    reward_col = sql.column(ParticipantRewardCount, "reward_id")
    participant_col = sql.column(ParticipantRewardCount, "participant_id")
    return (
        f"INSERT INTO {table} ({tenant_col}, {reward_col}, {participant_col}, {count}) {rows} "
        f"ON CONFLICT ({reward_col}, {participant_col}) DO UPDATE SET {count} = {table}.{count} + excluded.{count} "
        f"{guard} RETURNING {count}",
        params,
    )


def participant_count_add(
    *, tenant_id: uuid.UUID, reward_id: uuid.UUID, participant_id: uuid.UUID, units: int, limit: int | None
) -> bool:
    """
    Add ``units`` to the participant's count of a reward, creating the row on
    first use, in one statement (which locks the row). Returns False, and
    changes nothing, when the result would pass ``limit``.
    """
    if not count_within_limit(held=0, units=units, limit=limit):
        return False
    query, params = _count_add_sql(
        tenant_id=tenant_id, reward_id=reward_id, participant_id=participant_id, units=units, limit=limit
    )
    return sql.fetchone(query, params) is not None


def wallet_lock_and_count_add(
    *,
    participant_id: uuid.UUID,
    asset: Asset,
    reward_id: uuid.UUID,
    units: int,
    limit: int | None,
    claim: tuple[str, list] | None = None,
) -> tuple[bool, Account | None, bool | None]:
    """
    Steps 0, 3 and 5 of the lock order: claim the idempotency key (``claim``,
    ``loyalty.idempotency.idempotency_claim_sql``, if the request has one),
    lock the participant's wallet (if the participant is enrolled, see
    ``ledger.locks.wallet_lock_if_enrolled``), then add ``units`` to their
    count of the reward (``participant_count_add``).

    Returns ``(claimed, wallet, within_limit)``. ``claimed`` is False when an
    earlier request holds the key: then nothing was locked or counted. When
    no wallet was locked (none yet, or not enrolled) the count is not touched
    and ``within_limit`` is None. On PostgreSQL this is one statement: the
    wallet's locking ``SELECT`` is conditioned on the claim's row (so it runs,
    and locks, only after the claim), and the counter's upsert reads its row
    from the locked wallet's ``WITH``, so the wallet is locked first.
    """
    if not count_within_limit(held=0, units=units, limit=limit) or not sql.is_postgresql():
        if claim is not None and sql.fetchone(*claim) is None:
            return False, None, None
        wallet = wallet_lock_if_enrolled(participant_id=participant_id, asset=asset)
        if wallet is None:
            return True, None, None
        return True, wallet, participant_count_add(
            tenant_id=asset.tenant_id, reward_id=reward_id, participant_id=participant_id, units=units, limit=limit
        )
    ctes, params, claimed = [], [], "1"
    if claim is not None:
        ctes.append(f"k AS ({claim[0]})")
        params += claim[1]
        claimed = "(SELECT count(*) FROM k)"
    wallet_sql, wallet_params = wallet_lock_if_enrolled_sql(
        participant_id=participant_id, asset=asset, also="" if claim is None else "EXISTS (SELECT FROM k)"
    )
    count_sql, count_params = _count_add_sql(
        tenant_id=asset.tenant_id, reward_id=reward_id, participant_id=participant_id, units=units, limit=limit,
        source="w",
    )
    ctes += [f"w AS ({wallet_sql})", f"c AS ({count_sql})"]
    row = sql.fetchone(
        f"WITH {', '.join(ctes)} "
        f"SELECT {claimed}, (SELECT count(*) FROM c), {sql.select_list(Account, 'w')} "
        f"FROM (VALUES (1)) AS one LEFT JOIN w ON TRUE",
        params + wallet_params + count_params,
    )
    if row[0] != 1:
        return False, None, None
    if row[2] is None:  # the wallet's id: no wallet locked
        return True, None, None
    return True, sql.from_row(Account, row, start=2), row[1] == 1


def participant_count_release(
    *, tenant_id: uuid.UUID, reward_id: uuid.UUID, participant_id: uuid.UUID, units: int
) -> None:
    """Give ``units`` back from the participant's count (a restocked reversal)."""
    updated = ParticipantRewardCount.objects.filter(
        tenant_id=tenant_id, reward_id=reward_id, participant_id=participant_id
    ).update(count=F("count") - units)
    if updated != 1:  # pragma: no cover - a redemption always created the row
        raise RuntimeError("participant reward count missing for a reversal")
