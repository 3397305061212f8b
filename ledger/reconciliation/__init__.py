"""
Reconciliation: prove that the books and the counters derived from them agree.

Read-only selectors behind ``manage.py reconcile`` and ``manage.py
trial_balance``. Every check is one set-based SQL statement (aggregates and
joins, see :mod:`ledger.reconciliation.checks`); all of them run in one
read-only, repeatable-read transaction so the report is one consistent
snapshot while traffic continues.
"""

from ledger.reconciliation.books import BookTotal, TrialBalanceRow, book_totals
from ledger.reconciliation.checks import CHECKS, Check
from ledger.reconciliation.runner import (
    DEFAULT_EXAMPLES,
    CheckResult,
    Finding,
    Report,
    check_run,
    read_only_snapshot,
    reconcile,
    trial_balance,
)

__all__ = [
    "CHECKS",
    "DEFAULT_EXAMPLES",
    "BookTotal",
    "Check",
    "CheckResult",
    "Finding",
    "Report",
    "TrialBalanceRow",
    "book_totals",
    "check_run",
    "read_only_snapshot",
    "reconcile",
    "trial_balance",
]
