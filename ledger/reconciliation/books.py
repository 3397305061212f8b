"""
Trial balance: balances per program, asset and account type, from the lines.

The stored wallet balances are never used to compute a balance here; they
are only shown next to it (``stored_balance``) so that a reader can compare.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS

from ledger.models import Account, Asset, JournalEntry, JournalLine
from ledger.reconciliation.dialect import amt, as_uuid, to_decimal
from ledger.reconciliation.probes import Scope
from loyalty import sql
from loyalty.models import Program

ISSUANCE = Account.Type.ISSUANCE
WALLET = Account.Type.WALLET
REDEMPTIONS = Account.Type.REDEMPTIONS
PENDING = Account.Type.PENDING
EXPIRED = Account.Type.EXPIRED


def lines_by_account_cte(scope: Scope, *, as_of: bool = False) -> str:
    """``by_account(account_id, debits, credits)``: the lines summed per account."""
    line, entry, account = sql.Alias(JournalLine, "l"), sql.Alias(JournalEntry, "e"), sql.Alias(Account, "sa")
    debit = sql.literal(JournalLine, "direction", JournalLine.Direction.DEBIT)
    credit = sql.literal(JournalLine, "direction", JournalLine.Direction.CREDIT)
    joins, where = [], []
    if as_of:
        joins.append(f"JOIN {entry} ON {entry.id} = {line.entry_id}")
        where.append(f"{entry.created_at} < %(as_of)s")
    if scope.active:
        joins.append(f"JOIN {account} ON {account.id} = {line.account_id}")
        where.append(f"{account.program_id} = %(program)s")
    amount = amt(line.amount)
    return f"""by_account AS (
    SELECT {line.account_id} AS account_id,
           COALESCE(SUM(CASE WHEN {line.direction} = {debit} THEN {amount} END), 0) AS debits,
           COALESCE(SUM(CASE WHEN {line.direction} = {credit} THEN {amount} END), 0) AS credits
    FROM {line} {' '.join(joins)}
    {('WHERE ' + ' AND '.join(where)) if where else ''}
    GROUP BY {line.account_id}
)"""


@dataclass(frozen=True)
class TrialBalanceRow:
    program_id: uuid.UUID
    program_name: str
    asset_id: uuid.UUID
    asset_code: str
    scale: int
    account_type: str
    accounts: int
    debits: Decimal
    credits: Decimal
    # Sum of the stored balances (wallets only, and only for "now").
    stored_balance: Decimal | None

    @property
    def balance(self) -> Decimal:
        """The balance in the account type's normal direction (ISSUANCE debit, others credit)."""
        if self.account_type == ISSUANCE:
            return self.debits - self.credits
        return self.credits - self.debits


@dataclass(frozen=True)
class BookTotal:
    """One program's books for one asset."""

    program_id: uuid.UUID
    program_name: str
    asset_id: uuid.UUID
    asset_code: str
    scale: int
    debits: Decimal
    credits: Decimal
    issuance: Decimal
    wallets: Decimal
    redemptions: Decimal
    wallets_stored: Decimal | None
    pending: Decimal = Decimal(0)
    expired: Decimal = Decimal(0)

    @property
    def balanced(self) -> bool:
        return self.debits == self.credits and self.issuance == self.wallets + self.pending + self.redemptions + self.expired


def trial_balance_rows(
    *, program_id: uuid.UUID | None = None, as_of: datetime | None = None, using: str = DEFAULT_DB_ALIAS
) -> list[TrialBalanceRow]:
    """
    Debits, credits and balance per program, asset and account type, summed
    from the journal lines (of entries created before ``as_of``, if given: the contract's
    trial_balance and export_ledger's ``--to`` agree on an entry made at that very moment).

    Run it inside :func:`ledger.reconciliation.read_only_snapshot` when the
    figures must agree with other reads.
    """
    scope = Scope(program_id is not None)
    a, s, p = sql.Alias(Account, "a"), sql.Alias(Asset, "s"), sql.Alias(Program, "p")
    params = scope.params(program_id)
    as_of_filter = ""
    if as_of is not None:
        params["as_of"] = sql.prep(Account, "created_at", as_of)
        as_of_filter = f" AND {a.created_at} < %(as_of)s"
    stored = "NULL" if as_of is not None else f"SUM({amt(a.balance)})"
    query = f"""WITH {lines_by_account_cte(scope, as_of=as_of is not None)}
SELECT {a.program_id}, {p.name}, {a.asset_id}, {s.code}, {s.scale}, {a.type}, COUNT(*),
       COALESCE(SUM(b.debits), 0), COALESCE(SUM(b.credits), 0), {stored}
FROM {a}
JOIN {s} ON {s.id} = {a.asset_id}
JOIN {p} ON {p.id} = {a.program_id}
LEFT JOIN by_account b ON b.account_id = {a.id}
WHERE 1 = 1{scope.on(a)}{as_of_filter}
GROUP BY {a.program_id}, {p.name}, {a.asset_id}, {s.code}, {s.scale}, {a.type}
ORDER BY {p.name}, {a.program_id}, {s.code}, {a.asset_id}, {a.type}"""
    return [
        TrialBalanceRow(
            program_id=as_uuid(program),
            program_name=name,
            asset_id=as_uuid(asset),
            asset_code=code,
            scale=scale,
            account_type=type_,
            accounts=accounts,
            debits=to_decimal(debits),
            credits=to_decimal(credits),
            stored_balance=to_decimal(stored_sum) if type_ in (WALLET, PENDING) else None,
        )
        for program, name, asset, code, scale, type_, accounts, debits, credits, stored_sum in sql.fetchall(
            query, params, using=using
        )
    ]


def book_totals(rows: list[TrialBalanceRow]) -> list[BookTotal]:
    """Fold trial-balance rows (one per account type) into one total per program and asset."""
    totals: dict[tuple[uuid.UUID, uuid.UUID], dict] = {}
    zero = Decimal("0.0000")
    for row in rows:
        total = totals.setdefault(
            (row.program_id, row.asset_id),
            {
                "program_id": row.program_id,
                "program_name": row.program_name,
                "asset_id": row.asset_id,
                "asset_code": row.asset_code,
                "scale": row.scale,
                "debits": zero,
                "credits": zero,
                ISSUANCE: zero,
                WALLET: zero,
                REDEMPTIONS: zero,
                PENDING: zero,
                EXPIRED: zero,
                "wallets_stored": zero,
            },
        )
        total["debits"] += row.debits
        total["credits"] += row.credits
        total[row.account_type] = total.get(row.account_type, zero) + row.balance
        if row.account_type == WALLET:
            total["wallets_stored"] = row.stored_balance
    return [
        BookTotal(
            program_id=t["program_id"],
            program_name=t["program_name"],
            asset_id=t["asset_id"],
            asset_code=t["asset_code"],
            scale=t["scale"],
            debits=t["debits"],
            credits=t["credits"],
            issuance=t[ISSUANCE],
            wallets=t[WALLET],
            redemptions=t[REDEMPTIONS],
            wallets_stored=t["wallets_stored"],
            pending=t[PENDING],
            expired=t[EXPIRED],
        )
        for t in totals.values()
    ]
