"""
How a reconciliation check is written: a set of *probes*, run as one SQL statement.

A check is a set of *probes*; each probe selects the rows that break one
rule, as ``(issue, id, ref, expected, actual)``:

- ``expected`` is the value the rule derives from the source of truth (the
  journal lines, the movement records), ``actual`` the value that is stored
  or claimed;
- ``id`` names the row at fault and ``ref`` a related row (see the labels of
  each :class:`Issue`).

:func:`check_sql` puts a check's probes under one ``UNION ALL`` and keeps the
first examples of each issue with window functions: a check is one
statement, and returns a handful of rows however many rows break it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ledger.reconciliation.books import Scope
from ledger.reconciliation.dialect import Dialect, Tables

AMOUNT, COUNT, TEXT, ID = "amount", "count", "text", "id"


@dataclass(frozen=True)
class Issue:
    """One rule a check enforces, and how to read its findings."""

    name: str
    meaning: str
    id_label: str
    ref_label: str | None
    expected_label: str
    actual_label: str
    expected_kind: str = AMOUNT
    actual_kind: str = AMOUNT


@dataclass(frozen=True)
class Probe:
    issue: str
    id: str
    ref: str
    expected: str
    actual: str
    source: str  # "FROM ... WHERE ..." selecting the rows that break the rule


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    issues: tuple[Issue, ...]
    build: Callable[[Dialect, Tables, Scope], tuple[str, list[Probe]]]

    def issue(self, name: str) -> Issue:
        return next(issue for issue in self.issues if issue.name == name)


def check_sql(check: Check, d: Dialect, t: Tables, scope: Scope) -> str:
    """The check as one statement: every finding's issue, ids, values and per-issue count."""
    ctes, probes = check.build(d, t, scope)
    found = "\n    UNION ALL\n".join(
        f"SELECT '{p.issue}' AS issue, CAST({p.id} AS TEXT) AS id, CAST({p.ref} AS TEXT) AS ref, "
        f"CAST({p.expected} AS TEXT) AS expected, CAST({p.actual} AS TEXT) AS actual\n    {p.source}"
        for p in probes
    )
    head = f"WITH {ctes},\n" if ctes else "WITH "
    return f"""{head}found AS (
    {found}
)
SELECT issue, id, ref, expected, actual, n FROM (
    SELECT found.*, COUNT(*) OVER (PARTITION BY issue) AS n,
           ROW_NUMBER() OVER (PARTITION BY issue ORDER BY id, ref) AS rn
    FROM found
) ranked
WHERE rn <= %(limit)s OR rn = 1  -- rn 1 carries the count even with no examples asked
ORDER BY issue, rn"""
