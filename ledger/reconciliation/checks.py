"""
The six reconciliation checks, in the order they run and are reported.

Each is one SQL statement of aggregates and joins (see :mod:`.probes`):
checks 1-3 prove the ledger itself (:mod:`.checks_ledger`), checks 4-6 the
records and counters against it (:mod:`.checks_records`).
"""

from ledger.reconciliation.checks_ledger import BALANCES, ENTRIES, TRIAL_BALANCE
from ledger.reconciliation.checks_records import IDEMPOTENCY, MOVEMENTS, REWARD_STOCK
from ledger.reconciliation.probes import AMOUNT, COUNT, ID, TEXT, Check, Issue, Probe, check_sql

CHECKS: tuple[Check, ...] = (ENTRIES, BALANCES, TRIAL_BALANCE, MOVEMENTS, REWARD_STOCK, IDEMPOTENCY)

__all__ = [
    "AMOUNT", "BALANCES", "CHECKS", "COUNT", "ENTRIES", "ID", "IDEMPOTENCY", "MOVEMENTS", "REWARD_STOCK",
    "TEXT", "TRIAL_BALANCE", "Check", "Issue", "Probe", "check_sql",
]
