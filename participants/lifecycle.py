"""
The periodic run of the points lifecycle (``manage.py process_points``).

Per program and asset, three steps, each in short transactions of at most
``batch`` lots (a batch commits whole, so a run killed midway leaves the
books balanced and the next run finishes the rest):

1. expire pending lots whose ``expires_at`` has come (PENDING -> EXPIRED),
2. release pending lots whose ``available_at`` has come (PENDING -> WALLET),
3. expire released lots whose ``expires_at`` has come (WALLET -> EXPIRED).

A batch picks its due lots, locks the accounts they touch in the platform's
order (the PENDING accounts, then the wallets, each in id order:
``rewards/locks.py``), then locks the lots themselves in id order, re-checks
that they are still due and changes them, in one statement (a second copy of
the run, a redemption or a clawback that got there first has already changed
them, so nothing is released or expired twice and a redemption never spends a
point the run expired). Then one entry per account
(``ledger.services.journal_entries_post``) and the batch's events in one ``INSERT ... SELECT`` with their
deliveries (``accrual.released`` per released lot, ``points.expired`` per
account). The work is set-based: a handful of statements per batch, not
per lot. The run then prunes events older than the retention.
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum

from events import types as event_types
from events.services import events_prune, events_record_many, events_record_select
from ledger.locks import accounts_create_and_lock_many
from ledger.models import AMOUNT_DECIMAL_PLACES, Account, Asset, JournalEntry
from ledger.selectors import program_account_ref
from ledger.services import CREDIT, DEBIT, EntrySpec, Line, journal_entries_post
from loyalty import sql
from loyalty.db import in_transaction
from loyalty.money import format_amount
from participants.event_data import accrual_data, accrual_data_sql
from participants.models import Accrual

DEFAULT_BATCH = 10_000

EXPIRE_PENDING, RELEASE, EXPIRE = "expire_pending", "release", "expire"
STEPS = (EXPIRE_PENDING, RELEASE, EXPIRE)


@dataclass
class Totals:
    """What a run did (or, dry, would do) for one program and asset."""

    released: int = 0
    released_amount: Decimal = Decimal(0)
    expired: int = 0
    expired_amount: Decimal = Decimal(0)
    entries: int = 0
    batches: int = 0
    extra: dict = field(default_factory=dict)

    def merge(self, other: Totals) -> None:
        """Add ``other`` (another worker's totals of the same asset) to these."""
        self.released += other.released
        self.released_amount += other.released_amount
        self.expired += other.expired
        self.expired_amount += other.expired_amount
        self.entries += other.entries
        self.batches += other.batches

    def add(self, step: str, lots: int, amount: Decimal, entries: int) -> None:
        if not lots:
            return
        if step == RELEASE:
            self.released += lots
            self.released_amount += amount
        else:
            self.expired += lots
            self.expired_amount += amount
        self.entries += entries
        self.batches += 1


def _due(asset: Asset, step: str, as_of: datetime):
    lots = Accrual.objects.filter(tenant_id=asset.tenant_id, asset_id=asset.id)
    if step == EXPIRE_PENDING:
        return lots.filter(released=False, remaining__gt=0, expires_at__lte=as_of)
    if step == RELEASE:
        # Lots whose expiry has come too were expired from the pending account by the step before.
        return lots.filter(released=False, available_at__lte=as_of).exclude(
            Q(remaining__gt=0) & Q(expires_at__lte=as_of)
        )
    return lots.filter(released=True, remaining__gt=0, expires_at__lte=as_of)


def due_totals(*, asset: Asset, as_of: datetime) -> Totals:
    """What a run would do now (``--dry-run``): counts and amounts of the due lots, nothing locked or changed."""
    totals = Totals()
    for step in STEPS:
        agg = _due(asset, step, as_of).aggregate(n=Sum("remaining"), c=Count("id"))
        count, amount = agg["c"] or 0, agg["n"] or Decimal(0)
        if step == RELEASE:
            totals.released, totals.released_amount = int(count), amount
        else:
            totals.expired += int(count)
            totals.expired_amount += amount
    return totals


def process_asset(
    *, asset: Asset, as_of: datetime, batch: int = DEFAULT_BATCH, progress: Callable[[str], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False, workers: int = 1,
) -> Totals:
    """
    Release and expire what is due for one asset as of ``as_of``, batch by batch, each batch its own transaction.

    ``workers`` > 1 (PostgreSQL): the participants are cut into that many
    ranges of their ids (:func:`participant_ranges`), each run by a thread on
    its own connection. The ranges share no wallet, PENDING account or lot, so
    the threads never wait on each other's locks; one thread's Python runs
    while another waits on the database, which is what a second core buys. A
    range runs the three steps in order, as a single worker does.
    """
    if workers <= 1 or not sql.is_postgresql():  # SQLite has one writer at a time
        return _process_range(asset, as_of, batch, progress, should_stop, (None, None))
    ranges = participant_ranges(workers)
    results: list[Totals | None] = [None] * len(ranges)
    failures: list[BaseException] = []
    said = threading.Lock()

    def say(line: str) -> None:
        with said:
            progress(line)

    def run(index: int, part: tuple) -> None:
        try:
            results[index] = _process_range(asset, as_of, batch, say if progress else None, should_stop, part)
        except BaseException as exc:  # noqa: BLE001 - raised again in the calling thread below
            failures.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, part), name=f"process_points-{i}") for i, part in enumerate(ranges)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    totals = Totals()
    for part_totals in results:
        totals.merge(part_totals)
    return totals


def participant_ranges(workers: int) -> list[tuple[uuid.UUID | None, uuid.UUID | None]]:
    """
    The participant-id space cut into ``workers`` equal ranges ``[low, high)``
    (None: unbounded). Participant ids are random UUIDs, so each range holds
    about the same share of them; PostgreSQL orders uuids as Python orders
    ``UUID.int``.
    """
    bounds = [None, *(uuid.UUID(int=(k << 128) // workers) for k in range(1, workers)), None]
    return list(zip(bounds[:-1], bounds[1:], strict=False))


def _process_range(asset, as_of, batch, progress, should_stop, part) -> Totals:
    totals = Totals()
    for step in STEPS:
        after = None  # keyset: each batch starts after the last (participant, lot id) the previous one picked
        while not should_stop():
            picked, lots, amount, entries, after = _batch(
                asset=asset, step=step, as_of=as_of, batch=batch, after=after, part=part
            )
            if picked == 0:
                break
            totals.add(step, lots, amount, entries)
            if progress:
                progress(f"{asset.program_id} {asset.code}: {step} batch of {lots} lot(s), {amount} point(s)")
    return totals


def _batch(*, asset: Asset, step: str, as_of: datetime, batch: int, after, part=(None, None)) -> tuple:
    """
    One transaction (``loyalty.db.in_transaction``: a deadlock or serialization failure runs it again):
    up to ``batch`` due lots of ``step`` after ``after`` in (participant, id) order, so that a wallet's lots go
    together (one entry per wallet). Returns (lots picked, lots done, amount, entries, the last key picked).
    """
    return in_transaction(
        lambda: _batch_in_transaction(asset=asset, step=step, as_of=as_of, batch=batch, after=after, part=part)
    )


def _batch_in_transaction(*, asset: Asset, step: str, as_of: datetime, batch: int, after, part) -> tuple:
    due = _due(asset, step, as_of)
    low, high = part
    if low is not None:
        due = due.filter(participant_id__gte=low)
    if high is not None:
        due = due.filter(participant_id__lt=high)
    if after is not None:
        participant_id, lot_id = after
        due = due.filter(Q(participant_id__gt=participant_id) | Q(participant_id=participant_id, id__gt=lot_id))
    picked = list(due.order_by("participant_id", "id").values_list("id", "participant_id")[:batch])
    if not picked:
        return 0, 0, Decimal(0), 0, after
    last = (picked[-1][1], picked[-1][0])
    participants = sorted({participant_id for _, participant_id in picked})
    pending, wallets = {}, {}
    if step != EXPIRE:
        pending = accounts_create_and_lock_many(
            asset=asset, participant_ids=participants, type=Account.Type.PENDING, create=False
        )
    if step != EXPIRE_PENDING:
        wallets = accounts_create_and_lock_many(asset=asset, participant_ids=participants, create=step == RELEASE)
    # Step 4: the lots, by id, re-checked under the accounts' locks (another copy may have done them), and changed.
    lots = _take(asset, step, as_of, [lot_id for lot_id, _ in picked])
    if not lots:  # another copy of the run did them meanwhile
        return len(picked), 0, Decimal(0), 0, last
    per_participant: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for _, participant_id, remaining in lots:
        per_participant[participant_id] += remaining
    owners_and_specs = _entries(asset, step, per_participant, pending, wallets)
    specs = [spec for _, spec in owners_and_specs]
    entries = journal_entries_post(tenant_id=asset.tenant_id, program_id=asset.program_id, asset=asset, specs=specs)
    if step == RELEASE:
        _released_events(asset, [lot_id for lot_id, _, _ in lots])
    else:
        owners = [participant_id for participant_id, _ in owners_and_specs]
        _expired_events(asset, lots, dict(zip(owners, entries, strict=True)))
    # Releases and expiries of the periodic run are system runs: events, no audit records.
    return len(picked), len(lots), sum(per_participant.values(), Decimal(0)), len(specs), last


def _take(asset: Asset, step: str, as_of: datetime, ids: list[uuid.UUID]) -> list[tuple]:
    """
    Lock the lots of ``ids`` that are still due for ``step``, in id order, and
    release or expire them; returns ``(id, participant_id, remaining)`` of
    each, ``remaining`` as it was before (what the step moves).

    On PostgreSQL one statement: ``UPDATE ... FROM (SELECT ... FOR UPDATE)``,
    the due lots locked and re-checked by the ORM's own ``_due`` query and
    changed, their former ``remaining`` returned. Elsewhere, the same in two.
    """
    locked = _due(asset, step, as_of).filter(id__any=ids).select_for_update().order_by("id")
    if not sql.is_postgresql():
        lots = list(locked.values_list("id", "participant_id", "remaining"))
        if lots:
            query, params = sql.any_of(Accrual, "id", [lot_id for lot_id, _, _ in lots])
            sql.execute(
                f"UPDATE {sql.table(Accrual)} SET {_change(step, sql.table(Accrual))} "
                f"WHERE {sql.column(Accrual, 'id')} {query}",
                params,
            )
        return lots
    subquery, params = locked.values("id", "remaining").query.sql_with_params()
    lot, id_, remaining = sql.Alias(Accrual, "lot"), sql.column(Accrual, "id"), sql.column(Accrual, "remaining")
    return sql.fetchall(
        f"UPDATE {sql.table(Accrual)} AS lot SET {_change(step, 'lot')} FROM ({subquery}) AS due "
        f"WHERE {lot.id} = due.{id_} RETURNING {lot.id}, {lot.participant_id}, due.{remaining}",
        list(params),
    )


def _change(step: str, owner: str) -> str:
    """The ``SET`` list of ``step`` for a lot row named ``owner`` in the statement."""
    if step == RELEASE:
        return f"{sql.column(Accrual, 'released')} = TRUE"
    expired, remaining = sql.column(Accrual, "expired_amount"), sql.column(Accrual, "remaining")
    # ROUND: a no-op on PostgreSQL; SQLite keeps decimals as floats.
    return f"{expired} = ROUND({owner}.{expired} + {owner}.{remaining}, {AMOUNT_DECIMAL_PLACES}), {remaining} = 0"


def _released_events(asset: Asset, ids: list[uuid.UUID]) -> None:
    """
    One ``accrual.released`` per released lot, in the batch's transaction:
    on PostgreSQL one set-based ``INSERT ... SELECT`` that renders each lot as
    ``GET /accruals/{id}`` answers it (``accrual_data_sql``); elsewhere the
    serializer, one event each.
    """
    if not sql.is_postgresql():
        lots = Accrual.objects.filter(id__in=ids).order_by("id")
        items = []
        for lot in lots:
            lot.asset = asset
            items.append((lot.program_id, accrual_data(lot)))
        events_record_many(tenant_id=asset.tenant_id, type=event_types.ACCRUAL_RELEASED, items=items)
        return
    lot = sql.Alias(Accrual, "l")
    events_record_select(
        tenant_id=asset.tenant_id,
        type=event_types.ACCRUAL_RELEASED,
        source=f"SELECT {lot.program_id} AS program_id, {accrual_data_sql(lot, scale=asset.scale)} AS data "
        f"FROM {lot} WHERE {lot.tenant_id} = %s AND {lot.id} = ANY(%s::uuid[]) ORDER BY {lot.id}",
        params=[sql.prep(Accrual, "tenant_id", asset.tenant_id), sql.array_param(ids, "uuid")],
    )


def _expired_events(asset: Asset, lots: list[tuple], entries: dict[uuid.UUID, uuid.UUID]) -> None:
    """
    One ``points.expired`` per account (wallet or PENDING account) of the
    batch, data as the contract: ``{participant_id, asset_id, amount,
    journal_entry_id, accruals: [{accrual_id, amount}]}``, inserted set-based.
    """
    if sql.is_postgresql():
        _expired_events_sql(asset, lots, entries)
        return
    per_participant: dict[uuid.UUID, list[tuple[uuid.UUID, Decimal]]] = defaultdict(list)
    for lot_id, participant_id, remaining in sorted(lots):
        per_participant[participant_id].append((lot_id, remaining))
    items = []
    for participant_id, expired in sorted(per_participant.items()):
        entry = entries.get(participant_id)
        if entry is None:  # pragma: no cover - an expiry always moves points (remaining > 0)
            continue
        data = {
            "participant_id": str(participant_id),
            "asset_id": str(asset.id),
            "amount": format_amount(sum((amount for _, amount in expired), Decimal(0)), asset.scale),
            "journal_entry_id": str(entry),
            "accruals": [
                {"accrual_id": str(lot_id), "amount": format_amount(amount, asset.scale)} for lot_id, amount in expired
            ],
        }
        items.append((asset.program_id, data))
    events_record_many(tenant_id=asset.tenant_id, type=event_types.POINTS_EXPIRED, items=items)


def _expired_events_sql(asset: Asset, lots: list[tuple], entries: dict[uuid.UUID, uuid.UUID]) -> None:
    """
    :func:`_expired_events` on PostgreSQL: the same data rendered by the
    database from the batch's arrays (amounts at the asset's scale, as
    ``format_amount`` writes them; the accruals by id), in the events' one
    ``INSERT ... SELECT``: no Python per lot.
    """
    places = int(asset.scale)
    participants = list(entries)
    events_record_select(
        tenant_id=asset.tenant_id,
        type=event_types.POINTS_EXPIRED,
        source=(
            "SELECT %s::uuid AS program_id, jsonb_build_object("
            "'participant_id', o.participant_id::text, 'asset_id', %s::text, "
            f"'amount', round(sum(l.amount), {places})::text, 'journal_entry_id', o.entry_id::text, "
            "'accruals', jsonb_agg(jsonb_build_object("
            f"'accrual_id', l.id::text, 'amount', round(l.amount, {places})::text) ORDER BY l.id)) AS data "
            "FROM unnest(%s::uuid[], %s::uuid[], %s::numeric[]) AS l(id, participant_id, amount) "
            "JOIN unnest(%s::uuid[], %s::uuid[]) AS o(participant_id, entry_id) ON o.participant_id = l.participant_id "
            "GROUP BY o.participant_id, o.entry_id ORDER BY o.participant_id"
        ),
        params=[
            asset.program_id, str(asset.id),
            sql.array_param([lot_id for lot_id, _, _ in lots], "uuid"),
            sql.array_param([participant_id for _, participant_id, _ in lots], "uuid"),
            sql.array_param([remaining for _, _, remaining in lots], "numeric"),
            sql.array_param(participants, "uuid"),
            sql.array_param([entries[participant_id] for participant_id in participants], "uuid"),
        ],
    )


def _entries(
    asset: Asset, step: str, per_participant: dict, pending: dict, wallets: dict
) -> list[tuple[uuid.UUID, EntrySpec]]:
    """One entry per participant (account) that moves points: ``(participant_id, spec)``, by participant."""
    expired = program_account_ref(asset=asset, type=Account.Type.EXPIRED)
    specs = []
    for participant_id, amount in sorted(per_participant.items()):
        if amount <= 0:  # an empty pending lot is released without an entry
            continue
        if step == EXPIRE_PENDING:
            kind, lines = JournalEntry.Kind.EXPIRATION, [Line(pending[participant_id], DEBIT, amount), Line(expired, CREDIT, amount)]
        elif step == RELEASE:
            kind, lines = JournalEntry.Kind.RELEASE, [
                Line(pending[participant_id], DEBIT, amount),
                Line(wallets[participant_id], CREDIT, amount),
            ]
        else:
            kind, lines = JournalEntry.Kind.EXPIRATION, [Line(wallets[participant_id], DEBIT, amount), Line(expired, CREDIT, amount)]
        description = "Release of due points" if kind == JournalEntry.Kind.RELEASE else "Expiry of points"
        specs.append((participant_id, EntrySpec(kind=kind, description=description, lines=lines)))
    return specs


def prune_events(*, as_of: datetime) -> int:
    """
    Delete the events older than the retention (``EVENT_RETENTION_DAYS``
    before now, whatever ``as_of`` the run processed), in batches, keeping
    those with pending deliveries (``events.services.events_prune``).
    """
    return events_prune()
