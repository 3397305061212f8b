"""Checks 1-3, on the ledger itself: entries, account balances, trial balance."""

from __future__ import annotations

from ledger.models import Account, Asset, JournalEntry, JournalLine
from ledger.reconciliation.books import lines_by_account_cte
from ledger.reconciliation.dialect import amt
from ledger.reconciliation.probes import AMOUNT, COUNT, ID, TEXT, Check, Issue, Probe, Scope
from loyalty import sql


def direction(value: str) -> str:
    return sql.literal(JournalLine, "direction", value)


def account_type(value: str) -> str:
    return sql.literal(Account, "type", value)


DEBIT, CREDIT = JournalLine.Direction.DEBIT, JournalLine.Direction.CREDIT
WALLET, ISSUANCE, REDEMPTIONS = Account.Type.WALLET, Account.Type.ISSUANCE, Account.Type.REDEMPTIONS
PENDING, EXPIRED = Account.Type.PENDING, Account.Type.EXPIRED

# --- 1. entries ----------------------------------------------------------------------


def _entries(s: Scope):
    line, e = sql.Alias(JournalLine, "l"), sql.Alias(JournalEntry, "e")
    amount, debit, credit = amt(line.amount), direction(DEBIT), direction(CREDIT)
    join = f"JOIN {e} ON {e.id} = {line.entry_id}{s.on(e)}" if s.active else ""
    ctes = f"""per_asset AS (
    SELECT {line.entry_id} AS entry_id, {line.asset_id} AS asset_id, COUNT(*) AS n,
           SUM(CASE WHEN {line.amount} > 0 AND {line.direction} IN ({debit}, {credit}) THEN 0 ELSE 1 END) AS invalid,
           COALESCE(SUM(CASE WHEN {line.direction} = {debit} THEN {amount} END), 0) AS debits,
           COALESCE(SUM(CASE WHEN {line.direction} = {credit} THEN {amount} END), 0) AS credits
    FROM {line} {join}
    GROUP BY {line.entry_id}, {line.asset_id}
),
per_entry AS (
    SELECT {e.id} AS id, COALESCE(SUM(p.n), 0) AS n, COALESCE(SUM(p.invalid), 0) AS invalid
    FROM {e} LEFT JOIN per_asset p ON p.entry_id = {e.id}
    WHERE 1 = 1{s.on(e)}
    GROUP BY {e.id}
)"""
    return ctes, [
        Probe("entry_too_few_lines", "id", "NULL", "'>= 2'", "n", "FROM per_entry WHERE n < 2"),
        Probe("entry_invalid_lines", "id", "NULL", "0", "invalid", "FROM per_entry WHERE invalid > 0"),
        Probe("entry_unbalanced", "entry_id", "asset_id", "debits", "credits", "FROM per_asset WHERE debits <> credits"),
    ]


ENTRIES = Check(
    "entries_balanced",
    "Every journal entry has at least two lines with positive amounts, and per asset its debits equal its credits.",
    (
        Issue("entry_too_few_lines", "entry with fewer than two lines", "entry", None, "lines", "found", TEXT, COUNT),
        Issue(
            "entry_invalid_lines",
            "entry with lines of non-positive amount or unknown direction",
            "entry", None, "invalid lines", "found", COUNT, COUNT,
        ),
        Issue("entry_unbalanced", "entry whose debits differ from its credits", "entry", "asset", "debits", "credits"),
    ),
    _entries,
    order=10,
)


# --- 2. account balances ---------------------------------------------------------------


def _balances(s: Scope):
    line, a = sql.Alias(JournalLine, "l"), sql.Alias(Account, "a")
    amount, balance = amt(line.amount), amt(a.balance)
    # Accounts with a stored running balance: wallets and (v2) PENDING accounts, both credit-normal.
    wallet = f"{account_type(WALLET)}, {account_type(PENDING)}"
    ctes = f"""wallet_lines AS (
    SELECT {line.account_id} AS account_id,
           SUM(CASE WHEN {line.direction} = {direction(CREDIT)} THEN {amount} ELSE -{amount} END) AS total
    FROM {line} JOIN {a} ON {a.id} = {line.account_id}
    WHERE {a.type} IN ({wallet}){s.on(a)}
    GROUP BY {line.account_id}
)"""
    return ctes, [
        Probe(
            "wallet_balance_mismatch", a.id, a.participant_id, "COALESCE(w.total, 0)", balance,
            f"FROM {a} LEFT JOIN wallet_lines w ON w.account_id = {a.id} "
            f"WHERE {a.type} IN ({wallet}){s.on(a)} AND ({a.balance} IS NULL OR {balance} <> COALESCE(w.total, 0))",
        ),
        Probe(
            "wallet_negative", a.id, a.participant_id, "'>= 0'", balance,
            f"FROM {a} WHERE {a.type} IN ({wallet}){s.on(a)} AND {a.balance} < 0",
        ),
        Probe(
            "program_account_has_balance", a.id, a.asset_id, "'NULL'", balance,
            f"FROM {a} WHERE {a.type} NOT IN ({wallet}){s.on(a)} AND {a.balance} IS NOT NULL",
        ),
    ]


BALANCES = Check(
    "account_balances",
    "Every wallet's and PENDING account's stored balance equals the sum of its lines (credits - debits) and "
    "is not negative; program accounts store no balance.",
    (
        Issue(
            "wallet_balance_mismatch", "wallet whose stored balance differs from its lines",
            "account", "participant", "from lines", "stored",
        ),
        Issue("wallet_negative", "negative wallet", "account", "participant", "expected", "stored", TEXT, AMOUNT),
        Issue(
            "program_account_has_balance", "program account with a stored balance (must be derived)",
            "account", "asset", "expected", "stored", TEXT, AMOUNT,
        ),
    ),
    _balances,
    order=20,
)


# --- 3. trial balance ----------------------------------------------------------------------


def _trial_balance(s: Scope):
    line, a, e = sql.Alias(JournalLine, "l"), sql.Alias(Account, "a"), sql.Alias(JournalEntry, "e")
    asset = sql.Alias(Asset, "s")
    entry_or_account = f" AND ({e.program_id} = %(program)s OR {a.program_id} = %(program)s)" if s.active else ""
    ctes = f"""{lines_by_account_cte(s)},
books AS (
    SELECT {a.program_id} AS program_id, {a.asset_id} AS asset_id,
           SUM(b.debits) AS debits, SUM(b.credits) AS credits,
           SUM(CASE WHEN {a.type} = {account_type(ISSUANCE)} THEN b.debits - b.credits ELSE 0 END) AS issuance,
           SUM(CASE WHEN {a.type} = {account_type(WALLET)} THEN b.credits - b.debits ELSE 0 END) AS wallets,
           SUM(CASE WHEN {a.type} = {account_type(REDEMPTIONS)} THEN b.credits - b.debits ELSE 0 END) AS redemptions,
           SUM(CASE WHEN {a.type} = {account_type(PENDING)} THEN b.credits - b.debits ELSE 0 END) AS pending,
           SUM(CASE WHEN {a.type} = {account_type(EXPIRED)} THEN b.credits - b.debits ELSE 0 END) AS expired
    FROM by_account b JOIN {a} ON {a.id} = b.account_id
    WHERE 1 = 1{s.on(a)}
    GROUP BY {a.program_id}, {a.asset_id}
),
misplaced AS (
    SELECT {line.id} AS id, {line.entry_id} AS entry_id, {line.asset_id} AS asset_id, {e.program_id} AS entry_program,
           {a.asset_id} AS account_asset, {a.program_id} AS account_program
    FROM {line}
    JOIN {a} ON {a.id} = {line.account_id}
    JOIN {e} ON {e.id} = {line.entry_id}
    WHERE ({a.asset_id} <> {line.asset_id} OR {a.program_id} <> {e.program_id}){entry_or_account}
)"""
    return ctes, [
        Probe("books_unbalanced", "asset_id", "program_id", "debits", "credits", "FROM books WHERE debits <> credits"),
        Probe(
            "books_do_not_add_up", "asset_id", "program_id", "issuance", "wallets + pending + redemptions + expired",
            "FROM books WHERE issuance <> wallets + pending + redemptions + expired",
        ),
        Probe(
            "line_account_of_other_asset", "id", "entry_id", "asset_id", "account_asset",
            "FROM misplaced WHERE account_asset <> asset_id",
        ),
        Probe(
            "line_account_of_other_program", "id", "entry_id", "entry_program", "account_program",
            "FROM misplaced WHERE account_program <> entry_program",
        ),
        Probe(
            "account_asset_of_other_program", a.id, a.asset_id, asset.program_id, a.program_id,
            f"FROM {a} JOIN {asset} ON {asset.id} = {a.asset_id} WHERE {asset.program_id} <> {a.program_id}{s.on(a)}",
        ),
    ]


TRIAL_BALANCE = Check(
    "trial_balance",
    "Per program and asset (as the accounts classify the lines), total debits equal total credits "
    "and issuance equals wallets + pending + redemptions + expired; every line's account is of the line's asset and "
    "the entry's program.",
    (
        Issue("books_unbalanced", "books whose debits differ from their credits", "asset", "program", "debits", "credits"),
        Issue(
            "books_do_not_add_up", "issuance differs from wallets + pending + redemptions + expired",
            "asset", "program", "issuance", "wallets + pending + redemptions + expired",
        ),
        Issue(
            "line_account_of_other_asset", "line posted to an account of another asset",
            "line", "entry", "line asset", "account asset", ID, ID,
        ),
        Issue(
            "line_account_of_other_program", "line posted to an account of another program",
            "line", "entry", "entry program", "account program", ID, ID,
        ),
        Issue(
            "account_asset_of_other_program", "account whose asset belongs to another program",
            "account", "asset", "asset program", "account program", ID, ID,
        ),
    ),
    _trial_balance,
    order=30,
)
