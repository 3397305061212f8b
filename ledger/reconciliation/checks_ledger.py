"""Checks 1-3, on the ledger itself: entries, account balances, trial balance."""

from __future__ import annotations

from ledger.reconciliation.books import Scope, lines_by_account_cte
from ledger.reconciliation.dialect import Dialect, Tables
from ledger.reconciliation.probes import AMOUNT, COUNT, ID, TEXT, Check, Issue, Probe

# --- 1. entries ----------------------------------------------------------------------


def _entries(d: Dialect, t: Tables, s: Scope):
    amount = d.amt("l.amount")
    join = f"JOIN {t.entry} e ON e.id = l.entry_id{s.on('e')}" if s.active else ""
    ctes = f"""per_asset AS (
    SELECT l.entry_id, l.asset_id, COUNT(*) AS n,
           SUM(CASE WHEN l.amount > 0 AND l.direction IN ('DEBIT', 'CREDIT') THEN 0 ELSE 1 END) AS invalid,
           COALESCE(SUM(CASE WHEN l.direction = 'DEBIT' THEN {amount} END), 0) AS debits,
           COALESCE(SUM(CASE WHEN l.direction = 'CREDIT' THEN {amount} END), 0) AS credits
    FROM {t.line} l {join}
    GROUP BY l.entry_id, l.asset_id
),
per_entry AS (
    SELECT e.id, COALESCE(SUM(p.n), 0) AS n, COALESCE(SUM(p.invalid), 0) AS invalid
    FROM {t.entry} e LEFT JOIN per_asset p ON p.entry_id = e.id
    WHERE 1 = 1{s.on('e')}
    GROUP BY e.id
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
)


# --- 2. account balances ---------------------------------------------------------------


def _balances(d: Dialect, t: Tables, s: Scope):
    amount, balance = d.amt("l.amount"), d.amt("a.balance")
    ctes = f"""wallet_lines AS (
    SELECT l.account_id, SUM(CASE WHEN l.direction = 'CREDIT' THEN {amount} ELSE -{amount} END) AS total
    FROM {t.line} l JOIN {t.account} a ON a.id = l.account_id
    WHERE a.type = 'WALLET'{s.on('a')}
    GROUP BY l.account_id
)"""
    return ctes, [
        Probe(
            "wallet_balance_mismatch", "a.id", "a.participant_id", "COALESCE(w.total, 0)", balance,
            f"FROM {t.account} a LEFT JOIN wallet_lines w ON w.account_id = a.id "
            f"WHERE a.type = 'WALLET'{s.on('a')} AND (a.balance IS NULL OR {balance} <> COALESCE(w.total, 0))",
        ),
        Probe(
            "wallet_negative", "a.id", "a.participant_id", "'>= 0'", balance,
            f"FROM {t.account} a WHERE a.type = 'WALLET'{s.on('a')} AND a.balance < 0",
        ),
        Probe(
            "program_account_has_balance", "a.id", "a.asset_id", "'NULL'", balance,
            f"FROM {t.account} a WHERE a.type <> 'WALLET'{s.on('a')} AND a.balance IS NOT NULL",
        ),
    ]


BALANCES = Check(
    "account_balances",
    "Every wallet's stored balance equals the sum of its lines (credits - debits) and is not negative; "
    "program accounts store no balance.",
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
)


# --- 3. trial balance ----------------------------------------------------------------------


def _trial_balance(d: Dialect, t: Tables, s: Scope):
    entry_or_account = " AND (e.program_id = %(program)s OR a.program_id = %(program)s)" if s.active else ""
    ctes = f"""{lines_by_account_cte(d, t, s)},
books AS (
    SELECT a.program_id, a.asset_id,
           SUM(b.debits) AS debits, SUM(b.credits) AS credits,
           SUM(CASE WHEN a.type = 'ISSUANCE' THEN b.debits - b.credits ELSE 0 END) AS issuance,
           SUM(CASE WHEN a.type = 'WALLET' THEN b.credits - b.debits ELSE 0 END) AS wallets,
           SUM(CASE WHEN a.type = 'REDEMPTIONS' THEN b.credits - b.debits ELSE 0 END) AS redemptions
    FROM by_account b JOIN {t.account} a ON a.id = b.account_id
    WHERE 1 = 1{s.on('a')}
    GROUP BY a.program_id, a.asset_id
),
misplaced AS (
    SELECT l.id, l.entry_id, l.asset_id, e.program_id AS entry_program,
           a.asset_id AS account_asset, a.program_id AS account_program
    FROM {t.line} l
    JOIN {t.account} a ON a.id = l.account_id
    JOIN {t.entry} e ON e.id = l.entry_id
    WHERE (a.asset_id <> l.asset_id OR a.program_id <> e.program_id){entry_or_account}
)"""
    return ctes, [
        Probe("books_unbalanced", "asset_id", "program_id", "debits", "credits", "FROM books WHERE debits <> credits"),
        Probe(
            "books_do_not_add_up", "asset_id", "program_id", "issuance", "wallets + redemptions",
            "FROM books WHERE issuance <> wallets + redemptions",
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
            "account_asset_of_other_program", "a.id", "a.asset_id", "s.program_id", "a.program_id",
            f"FROM {t.account} a JOIN {t.asset} s ON s.id = a.asset_id WHERE s.program_id <> a.program_id{s.on('a')}",
        ),
    ]


TRIAL_BALANCE = Check(
    "trial_balance",
    "Per program and asset (as the accounts classify the lines), total debits equal total credits "
    "and issuance equals wallets plus redemptions; every line's account is of the line's asset and "
    "the entry's program.",
    (
        Issue("books_unbalanced", "books whose debits differ from their credits", "asset", "program", "debits", "credits"),
        Issue(
            "books_do_not_add_up", "issuance differs from wallets + redemptions",
            "asset", "program", "issuance", "wallets + redemptions",
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
)
