"""
Reconciliation: prove that the books and the counters derived from them agree.

Read-only selectors behind ``manage.py reconcile`` and ``manage.py
trial_balance``. Every check is one set-based SQL statement (aggregates and
joins, see :mod:`ledger.reconciliation.probes`); all of them run in one
read-only, repeatable-read transaction so the report is one consistent
snapshot while traffic continues. Each app brings its own checks
(:mod:`ledger.reconciliation.registry`); the ledger's are below.
"""

from ledger.reconciliation.books import BookTotal, TrialBalanceRow, book_totals
from ledger.reconciliation.checks_ledger import BALANCES, ENTRIES, TRIAL_BALANCE
from ledger.reconciliation.checks_movements import IDEMPOTENCY, MOVEMENTS
from ledger.reconciliation.checks_tenants import tenants_check
from ledger.reconciliation.probes import Check
from ledger.reconciliation.registry import Contribution, registered_checks
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

# Read by registry.contributions() once the app registry is ready (the tenants check reads the models).
CONTRIBUTION = Contribution(checks=(ENTRIES, BALANCES, TRIAL_BALANCE, MOVEMENTS, IDEMPOTENCY, tenants_check()))

__all__ = [
    "CONTRIBUTION",
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
    "registered_checks",
    "trial_balance",
]
