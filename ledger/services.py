"""
The ledger's only writer.

:func:`journal_entry_post` turns a list of lines into one balanced journal
entry and moves the stored wallet balances in the caller's transaction.
Callers (accruals, redemptions, reversals) lock what they need first; this
module takes the wallet row locks in primary-key order through its UPDATEs.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ledger.models import AMOUNT_DECIMAL_PLACES, MAX_AMOUNT, Account, Asset, JournalEntry, JournalLine
from loyalty import sql
from loyalty.audit import Actor, audit_record, changed, created
from loyalty.errors import LedgerInvariantViolation, ValidationFailed
from loyalty.models import Program
from loyalty.money import fits_scale

DEBIT = JournalLine.Direction.DEBIT
CREDIT = JournalLine.Direction.CREDIT
WALLET_BALANCE_CHECK = "account_wallet_balance_non_negative"


@dataclass(frozen=True)
class Line:
    """One leg of an entry to post."""

    account: Account
    direction: str
    amount: Decimal


# Participant accounts with a stored running balance: the wallet and the PENDING account (v2).
STORED_BALANCE_TYPES = (Account.Type.WALLET, Account.Type.PENDING)


def _signed_for_wallet(line: Line) -> Decimal:
    # Wallets and pending accounts are liabilities: credit-normal.
    return line.amount if line.direction == CREDIT else -line.amount


def _validate(
    tenant_id: uuid.UUID, program_id: uuid.UUID, lines: list[Line], assets: dict[uuid.UUID, Asset]
) -> None:
    if len(lines) < 2:
        raise LedgerInvariantViolation("A journal entry needs at least two lines.")
    totals: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for line in lines:
        account = line.account
        if account.program_id != program_id:
            raise LedgerInvariantViolation("All lines of an entry must belong to the entry's program.")
        if account.tenant_id != tenant_id:
            raise LedgerInvariantViolation("All lines of an entry must belong to the entry's tenant.")
        if line.direction not in (DEBIT, CREDIT):
            raise LedgerInvariantViolation(f"Unknown direction {line.direction!r}.")
        if not isinstance(line.amount, Decimal):
            raise LedgerInvariantViolation("Amounts must be Decimal.")
        if not line.amount.is_finite() or line.amount <= 0:
            raise LedgerInvariantViolation("Line amounts must be positive.")
        if line.amount > MAX_AMOUNT:
            raise LedgerInvariantViolation("Line amount is too large.")
        asset = assets[account.asset_id]
        if not fits_scale(line.amount, asset.scale):
            raise LedgerInvariantViolation(f"Amount {line.amount} has more than {asset.scale} decimal places.")
        totals[account.asset_id] += line.amount if line.direction == DEBIT else -line.amount
    unbalanced = [str(asset_id) for asset_id, total in totals.items() if total != 0]
    if unbalanced:
        raise LedgerInvariantViolation(f"Debits and credits differ for asset(s) {', '.join(unbalanced)}.")


def _line_row(tenant_id: uuid.UUID, entry: JournalEntry, line: Line) -> JournalLine:
    """The journal line row of ``line`` in ``entry`` (its asset is its account's)."""
    return JournalLine(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        entry=entry,
        account_id=line.account.id,
        asset_id=line.account.asset_id,
        direction=line.direction,
        amount=line.amount,
    )


def journal_entry_post(
    *,
    tenant_id: uuid.UUID,
    program_id: uuid.UUID,
    kind: str,
    description: str,
    lines: Iterable[Line],
    assets: Iterable[Asset],
    reverses_id: uuid.UUID | None = None,
    entry_id: uuid.UUID | None = None,
    also: Iterable[tuple[str, list]] = (),
) -> JournalEntry:
    """
    Post one balanced journal entry and move the stored wallet balances.

    Must run inside the caller's ``transaction.atomic()``. ``assets`` are the
    assets of the lines (the caller has them; passing them saves queries).
    Wallet balances are updated with ``balance = balance + delta`` in
    primary-key order; the ``CHECK (balance >= 0)`` constraint is the last
    guard against a negative wallet (callers check the balance under their
    lock first and raise ``InsufficientBalance``).

    ``tenant_id`` is the program's (the caller holds the program or a row of
    it); the entry and its lines carry it, and PostgreSQL refuses at commit a
    line or account of another tenant (migration ``ledger/0005``).

    ``also``: further independent statements that join the entry's round trip
    on PostgreSQL (``sql.execute_together``), such as a redemption's lot
    allocation, after the first wallet's UPDATE; the rows the last of them
    returns are left on the entry as ``also_rows``.

    Raises ``LedgerInvariantViolation`` for an entry with fewer than two lines,
    a non-positive amount, lines of another program or tenant, more decimals
    than the asset's scale, or debits and credits that differ for any asset.
    """
    if not transaction.get_connection().in_atomic_block:
        raise LedgerInvariantViolation("journal_entry_post must run inside a transaction.")
    lines = list(lines)
    _validate(tenant_id, program_id, lines, _assets_of(lines, assets))
    entry = JournalEntry(
        id=entry_id or uuid.uuid4(),
        tenant_id=tenant_id,
        program_id=program_id,
        kind=kind,
        description=description,
        reverses_id=reverses_id,
    )
    rows = [
        _line_row(tenant_id, entry, line)
        for line in lines
    ]
    deltas: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.account.type in STORED_BALANCE_TYPES:
            deltas[line.account.id] += _signed_for_wallet(line)
    now = timezone.now()
    entry.also_rows = _write(
        entry,
        rows,
        [_wallet_update(tenant_id, account_id, deltas[account_id], now) for account_id in sorted(deltas)],
        list(also),
    )
    for line in lines:  # the callers' wallet instances now show their new balance
        if line.account.id in deltas and line.account.balance is not None:
            line.account.balance += deltas.pop(line.account.id)
            line.account.updated_at = now
    return entry


def _assets_of(lines: list[Line], given: Iterable[Asset]) -> dict[uuid.UUID, Asset]:
    """The lines' assets by id: the ones the caller gave, and any other read from the database."""
    assets = {asset.id: asset for asset in given}
    missing = {line.account.asset_id for line in lines} - set(assets)
    if missing:
        assets.update({asset.id: asset for asset in Asset.objects.filter(id__in=missing)})
    return assets


def _write(
    entry: JournalEntry, rows: list[JournalLine], wallet_updates: list[tuple[str, list]], also: list[tuple[str, list]]
) -> list[tuple]:
    """
    The entry, its lines and the first wallet's new balance (and ``also``):
    one round trip on PostgreSQL (``sql.execute_together``). Any further wallet is updated on its
    own, in primary-key order, so wallet row locks keep one order.
    """
    try:
        returned = sql.execute_together(sql.insert(entry), sql.insert(*rows), *wallet_updates[:1], *also)
        for update in wallet_updates[1:]:
            sql.execute_together(update)
    except IntegrityError as exc:
        if WALLET_BALANCE_CHECK in str(exc):
            raise LedgerInvariantViolation("A wallet balance would go below zero.") from exc
        raise
    sql.mark_saved(entry, *rows)
    return returned if also else []


def _wallet_update(tenant_id: uuid.UUID, account_id: uuid.UUID, delta: Decimal, now) -> tuple[str, list]:
    # ROUND is a no-op on PostgreSQL (NUMERIC). SQLite keeps decimals as binary
    # floats: without it 0.30 - 0.10 - 0.20 is -2.8e-17 there and the
    # CHECK (balance >= 0) refuses a legitimate redemption of the last cents.
    balance = sql.column(Account, "balance")
    return (
        f"UPDATE {sql.table(Account)} SET {balance} = ROUND({balance} + %s, {AMOUNT_DECIMAL_PLACES}), "
        f"{sql.column(Account, 'updated_at')} = %s "
        f"WHERE {sql.column(Account, 'id')} = %s AND {sql.column(Account, 'tenant_id')} = %s",
        [
            sql.prep(Account, "balance", delta),
            sql.prep(Account, "updated_at", now),
            sql.prep(Account, "id", account_id),
            sql.prep(Account, "tenant_id", tenant_id),
        ],
    )


def asset_fields(asset: Asset) -> dict:
    return {
        "program_id": asset.program_id,
        "code": asset.code,
        "name": asset.name,
        "scale": asset.scale,
        "pending_days": asset.pending_days,
        "validity_days": asset.validity_days,
    }


def asset_create(
    *,
    program: Program,
    code: str,
    name: str,
    scale: int = 2,
    pending_days: int = 0,
    validity_days: int | None = None,
    actor: Actor | None = None,
) -> Asset:
    """
    Create an asset and the program's ISSUANCE, REDEMPTIONS and EXPIRED
    accounts for it, all of the program's tenant. Raises ``ValidationFailed`` on ``code``
    when the program has an asset with that code.
    """
    duplicate = ValidationFailed.on("code", "An asset with this code already exists in the program.")
    if Asset.objects.filter(program_id=program.id, code=code).exists():
        raise duplicate
    owner = {"tenant_id": program.tenant_id, "program_id": program.id}
    try:
        with transaction.atomic():
            asset = Asset.objects.create(
                **owner, code=code, name=name, scale=scale, pending_days=pending_days, validity_days=validity_days
            )
            Account.objects.bulk_create(
                [
                    Account(**owner, asset=asset, type=Account.Type.ISSUANCE, balance=None),
                    Account(**owner, asset=asset, type=Account.Type.REDEMPTIONS, balance=None),
                    Account(**owner, asset=asset, type=Account.Type.EXPIRED, balance=None),
                ]
            )
            audit_record(
                actor, "create", "asset", asset.id, program.id, created(asset_fields(asset)), tenant_id=program.tenant_id
            )
    except IntegrityError:  # a concurrent create won the unique constraint
        raise duplicate from None
    return asset


def asset_update(*, asset: Asset, changes: dict, actor: Actor | None = None) -> Asset:
    """
    Change an asset's ``name``, ``pending_days`` or ``validity_days`` (the
    only changeable fields; a policy change applies to accruals made after it),
    with an ``update`` audit record of the fields that changed.
    """
    allowed = {"name", "pending_days", "validity_days"}
    if set(changes) - allowed:  # pragma: no cover - the API refuses other fields first
        raise ValidationFailed.on(sorted(set(changes) - allowed)[0], "This field cannot be changed.")
    if not changes:
        return asset
    with transaction.atomic():
        before = Asset.objects.select_for_update(no_key=True).values(*changes).get(pk=asset.pk)
        for name, value in changes.items():
            setattr(asset, name, value)
        asset.save(update_fields=list(changes))
        diff = changed(before, changes)
        if diff:
            audit_record(actor, "update", "asset", asset.id, asset.program_id, diff, tenant_id=asset.tenant_id)
    return asset


@dataclass(frozen=True)
class EntrySpec:
    """One entry of a batch for :func:`journal_entries_post` (same rules as :func:`journal_entry_post`)."""

    kind: str
    description: str
    lines: list[Line]


def journal_entries_post(
    *, tenant_id: uuid.UUID, program_id: uuid.UUID, asset: Asset, specs: list[EntrySpec], chunk: int = 2000
) -> list[uuid.UUID]:
    """
    Post many balanced entries of one program and asset at once (a periodic
    run's batch) and return their ids, in the order of ``specs``. Each is
    validated like :func:`journal_entry_post`; the stored balances (wallets,
    PENDING accounts) move once per account. The caller has locked every such
    account (in primary-key order) in its transaction.

    On PostgreSQL the entries, the lines and the balances are three
    statements whatever the batch's size, each taking one array per column
    (``sql.insert_arrays``): a batch of thousands of entries sends a handful
    of parameters, not one per value. Elsewhere, a chunk of rows per statement.
    """
    if not transaction.get_connection().in_atomic_block:
        raise LedgerInvariantViolation("journal_entries_post must run inside a transaction.")
    assets = {asset.id: asset}
    entry_ids = []
    entries: dict[str, list] = {"id": [], "kind": [], "description": []}
    lines: dict[str, list] = {"id": [], "entry_id": [], "account_id": [], "direction": [], "amount": []}
    deltas: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for spec in specs:
        _validate(tenant_id, program_id, spec.lines, assets)
        entry_id = uuid.uuid4()
        entry_ids.append(entry_id)
        entries["id"].append(entry_id)
        entries["kind"].append(spec.kind)
        entries["description"].append(spec.description)
        for line in spec.lines:
            lines["id"].append(uuid.uuid4())
            lines["entry_id"].append(entry_id)
            lines["account_id"].append(line.account.id)
            lines["direction"].append(line.direction)
            lines["amount"].append(line.amount)
            if line.account.type in STORED_BALANCE_TYPES:
                deltas[line.account.id] += _signed_for_wallet(line)
    if not entry_ids:
        return []
    now = timezone.now()
    try:
        if sql.is_postgresql():
            sql.execute(*sql.insert_arrays(
                JournalEntry, entries, tenant_id=tenant_id, program_id=program_id, reverses_id=None, created_at=now
            ))
            sql.execute(*sql.insert_arrays(JournalLine, lines, tenant_id=tenant_id, asset_id=asset.id))
        else:
            _insert_chunked(JournalEntry, entries, chunk, tenant_id=tenant_id, program_id=program_id, created_at=now)
            _insert_chunked(JournalLine, lines, chunk, tenant_id=tenant_id, asset_id=asset.id)
        _balances_move(tenant_id, deltas, now)
    except IntegrityError as exc:
        if WALLET_BALANCE_CHECK in str(exc):
            raise LedgerInvariantViolation("A wallet balance would go below zero.") from exc
        raise
    return entry_ids


def _insert_chunked(model, columns: dict[str, list], chunk: int, **constants) -> None:
    """The rows of ``columns`` (and ``constants``) as model instances, a chunk per ``INSERT`` (SQLite)."""
    count = len(next(iter(columns.values())))
    rows = [model(**constants, **{name: values[i] for name, values in columns.items()}) for i in range(count)]
    for start in range(0, count, chunk):
        sql.execute(*sql.insert(*rows[start : start + chunk]))


def _balances_move(tenant_id: uuid.UUID, deltas: dict[uuid.UUID, Decimal], now) -> None:
    """Move stored balances by ``deltas``: one ``UPDATE ... FROM unnest(...)`` on PostgreSQL, in id order."""
    ids = sorted(deltas)
    if not sql.is_postgresql():
        for account_id in ids:
            sql.execute(*_wallet_update(tenant_id, account_id, deltas[account_id], now))
        return
    table, balance = sql.table(Account), sql.column(Account, "balance")
    sql.execute(
        f"UPDATE {table} SET {balance} = {table}.{balance} + v.delta, {sql.column(Account, 'updated_at')} = %s "
        f"FROM unnest(%s::uuid[], %s::numeric[]) AS v(id, delta) "
        f"WHERE {table}.{sql.column(Account, 'id')} = v.id AND {table}.{sql.column(Account, 'tenant_id')} = %s",
        [
            sql.prep(Account, "updated_at", now),
            sql.array_param([sql.prep(Account, "id", account_id) for account_id in ids], "uuid"),
            sql.array_param([sql.prep(Account, "balance", deltas[account_id]) for account_id in ids], "numeric"),
            sql.prep(Account, "tenant_id", tenant_id),
        ],
    )
