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

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from loyalty import sql
from loyalty.models import Program

AMOUNT, COUNT, TEXT, ID = "amount", "count", "text", "id"


@dataclass(frozen=True)
class Scope:
    """Restricts a query to one program (``%(program)s``) or none."""

    active: bool

    def on(self, alias: sql.Alias) -> str:
        """`` AND alias.program_id = %(program)s`` when restricted, else nothing."""
        return f" AND {alias.program_id} = %(program)s" if self.active else ""

    def params(self, program_id: uuid.UUID | None) -> dict[str, object]:
        return {"program": sql.prep(Program, "id", program_id)} if self.active else {}


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


# A check's SQL for a scope: its CTEs ("name AS (...)", comma-separated; "" for none) and its probes.
Build = Callable[[Scope], tuple[str, list[Probe]]]


@dataclass(frozen=True)
class CheckPart:
    """Rules an app adds to another app's check (named ``check``), run in the same statement."""

    check: str
    description: str
    issues: tuple[Issue, ...]
    build: Build


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    issues: tuple[Issue, ...]
    build: Build
    order: int  # checks run and are reported by ascending order

    def issue(self, name: str) -> Issue:
        return next(issue for issue in self.issues if issue.name == name)

    def extended(self, part: CheckPart) -> Check:
        """This check with ``part``'s rules too (its CTEs after this check's)."""

        def build(scope: Scope) -> tuple[str, list[Probe]]:
            ctes, probes = self.build(scope)
            part_ctes, part_probes = part.build(scope)
            return ",\n".join(c for c in (ctes, part_ctes) if c), [*probes, *part_probes]

        return Check(
            self.name, f"{self.description} {part.description}", self.issues + part.issues, build, self.order
        )


def check_sql(check: Check, scope: Scope) -> str:
    """The check as one statement: every finding's issue, ids, values and per-issue count."""
    ctes, probes = check.build(scope)
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
