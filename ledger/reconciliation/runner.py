"""Run the checks in one read-only snapshot and collect a :class:`Report`."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from ledger.reconciliation.books import BookTotal, book_totals, trial_balance_rows
from ledger.reconciliation.dialect import id_text, to_decimal
from ledger.reconciliation.probes import AMOUNT, ID, Check, Scope, check_sql
from ledger.reconciliation.registry import registered_checks
from loyalty import sql
from loyalty.errors import NotFound
from loyalty.models import Program

DEFAULT_EXAMPLES = 10
# A reconciliation reads the whole ledger: for its transaction only, give its
# aggregates room in memory (per sort or hash), lift the app's statement
# timeout, and turn JIT compilation off (measured on 1M lines: compiling the
# big plans cost more than it saved, about 20% of the run). A whole-ledger
# reconciliation also plans no nested loops: with statistics older than a
# burst of inserts (autovacuum has not analyzed the table yet), the planner
# took the movements check's NOT EXISTS over the events for a nested loop
# around a sequential scan: 10 s instead of 0.17 s on 50,000 lines, and
# quadratic beyond. Hash and merge joins read each table once whatever the
# statistics say (1M lines: 11.4-12.6 s with the setting, 12.2-12.3 s without,
# bench/reconcile_1m.py). A program's reconciliation and the exports keep the
# planner's choice: their index lookups into a bigger ledger were not measured
# without nested loops.
WORK_MEM = "64MB"


@contextmanager
def read_only_snapshot(using: str = DEFAULT_DB_ALIAS, *, whole_ledger: bool = False) -> Iterator[None]:
    """
    Run the block in one read-only transaction that sees one snapshot.

    On PostgreSQL: ``REPEATABLE READ, READ ONLY`` (every statement sees the
    database as of the first one, and nothing can be written), without the
    app's statement timeout, and with ``whole_ledger`` without nested-loop
    plans (see ``WORK_MEM``). On SQLite a transaction is already a snapshot.
    Inside a caller's transaction (tests) the caller's transaction is used
    as it is. The transaction is rolled back at the end: it has nothing to
    commit. ``using`` may be a hot-standby replica (REPEATABLE READ, READ ONLY
    runs there too).
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and sql.is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET LOCAL statement_timeout = 0")
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
                cursor.execute("SET LOCAL jit = off")
                if whole_ledger:
                    cursor.execute("SET LOCAL enable_nestloop = off")
        yield
        transaction.set_rollback(True, using=using)


@dataclass(frozen=True)
class Finding:
    """One disagreement: the row at fault, a related row, and the two values."""

    issue: str
    meaning: str
    id: str | None
    related_id: str | None
    expected: str | None
    actual: str | None
    message: str

    def as_dict(self) -> dict:
        return {
            "issue": self.issue,
            "id": self.id,
            "related_id": self.related_id,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
        }


@dataclass(frozen=True)
class CheckResult:
    name: str
    description: str
    discrepancies: int
    by_issue: dict[str, int]
    examples: tuple[Finding, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return self.discrepancies == 0


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    program_id: uuid.UUID | None
    checks: tuple[CheckResult, ...]
    totals: tuple[BookTotal, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def discrepancies(self) -> int:
        return sum(check.discrepancies for check in self.checks)


Progress = Callable[[int, int, str, "CheckResult | None"], None]


def _value(kind: str, value) -> str | None:
    """A finding's value as text: amounts with four places, ids canonical, counts and text as they are."""
    if value is None:
        return None
    if kind == AMOUNT:
        try:
            return str(to_decimal(value))
        except (ValueError, ArithmeticError):  # a word such as 'missing'
            return str(value)
    if kind == ID:
        return id_text(value)
    return str(value)


def _finding(check: Check, row) -> Finding:
    name, id_, ref, expected, actual, _ = row
    issue = check.issue(name)
    id_, ref = id_text(id_), id_text(ref)
    expected = _value(issue.expected_kind, expected)
    actual = _value(issue.actual_kind, actual)
    where = f"{issue.id_label} {id_}" + (f" ({issue.ref_label} {ref})" if issue.ref_label and ref else "")
    message = f"{issue.meaning}: {where}: {issue.expected_label} {expected}, {issue.actual_label} {actual}"
    return Finding(name, issue.meaning, id_, ref, expected, actual, message)


def check_run(
    check: Check, *, program_id: uuid.UUID | None = None, examples: int = DEFAULT_EXAMPLES,
    using: str = DEFAULT_DB_ALIAS,
) -> CheckResult:
    """Run one check (one SQL statement) in the current transaction of ``using``."""
    scope = Scope(program_id is not None)
    params = {"limit": examples, **scope.params(program_id)}
    started = time.monotonic()
    rows = sql.fetchall(check_sql(check, scope), params, using=using)
    by_issue: dict[str, int] = {}
    for row in rows:  # at most ``examples`` rows per issue, not the ledger
        by_issue[row[0]] = row[5]
    findings = tuple(_finding(check, row) for row in rows[:examples])
    return CheckResult(
        name=check.name,
        description=check.description,
        discrepancies=sum(by_issue.values()),
        by_issue=by_issue,
        examples=findings,
        seconds=time.monotonic() - started,
    )


def program_must_exist(program_id: uuid.UUID | None, using: str = DEFAULT_DB_ALIAS) -> None:
    if program_id is not None and not Program.objects.using(using).filter(id=program_id).exists():
        raise NotFound(f"Unknown program {program_id}.")


def reconcile(
    *,
    program_id: uuid.UUID | None = None,
    examples: int = DEFAULT_EXAMPLES,
    progress: Progress | None = None,
    checks: tuple[Check, ...] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> Report:
    """
    Check the whole ledger (or one program's part of it) and the counters
    derived from it, in one read-only snapshot; never writes.

    ``checks`` defaults to every app's (``registry.registered_checks``).
    Raises ``NotFound`` for an unknown ``program_id``. ``progress`` is called
    before (result None) and after each check. ``using``: the database alias
    (the read replica for ``reconcile --replica``).
    """
    checks = registered_checks() if checks is None else checks
    with read_only_snapshot(using, whole_ledger=program_id is None):
        program_must_exist(program_id, using)
        generated_at = timezone.now()
        results = []
        for index, check in enumerate(checks, start=1):
            if progress:
                progress(index, len(checks), check.name, None)
            result = check_run(check, program_id=program_id, examples=examples, using=using)
            results.append(result)
            if progress:
                progress(index, len(checks), check.name, result)
        totals = book_totals(trial_balance_rows(program_id=program_id, using=using))
    return Report(generated_at=generated_at, program_id=program_id, checks=tuple(results), totals=tuple(totals))


def trial_balance(
    *, program_id: uuid.UUID | None = None, as_of: datetime | None = None, using: str = DEFAULT_DB_ALIAS
):
    """Trial-balance rows (see :func:`trial_balance_rows`) read in one read-only snapshot of ``using``."""
    with read_only_snapshot(using):
        program_must_exist(program_id, using)
        return trial_balance_rows(program_id=program_id, as_of=as_of, using=using)
