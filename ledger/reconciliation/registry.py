"""
Which checks run: each installed app brings its own.

An app takes part with a module ``<app>.reconciliation`` that defines
``CONTRIBUTION`` (a :class:`Contribution`): its own checks, rules it adds
to another app's check, and its movement records (rows that post a journal
entry: accruals, redemptions, reversals), which the ledger's ``movements``
and ``idempotency_records`` checks read. The ledger reads no other app's
tables by name and imports no app above it: the apps are found in the app
registry when a reconciliation runs (so nothing is kept between runs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from ledger.reconciliation.probes import Check, CheckPart, Scope

MODULE = "reconciliation"


@dataclass(frozen=True)
class MovementRows:
    """
    One kind of movement record as the ledger's checks read it: a SQL
    expression per column, and the ``FROM ... WHERE ...`` that selects its
    rows (restricted by the scope).
    """

    entry_kind: str  # the kind of the journal entry each row posts (JournalEntry.Kind)
    key_kind: str  # the kind of its idempotency records (IdempotencyRecord.Kind)
    sign: int  # +1: the entry credits the participant's wallet; -1: debits it
    id: str
    program_id: str
    entry_id: str
    participant_id: str
    asset_id: str
    amount: str
    idempotency_key: str
    source: str


@dataclass(frozen=True)
class Contribution:
    checks: tuple[Check, ...] = ()
    parts: tuple[CheckPart, ...] = ()
    movements: tuple[Callable[[Scope], MovementRows], ...] = ()


def contributions() -> list[Contribution]:
    """Every installed app's ``CONTRIBUTION``, in ``INSTALLED_APPS`` order."""
    found = []
    for app in apps.get_app_configs():
        if module_has_submodule(app.module, MODULE):
            found.append(import_module(f"{app.name}.{MODULE}").CONTRIBUTION)
    return found


def registered_checks() -> tuple[Check, ...]:
    """The checks to run, by their ``order``, each with the parts other apps add to it."""
    found = contributions()
    checks = {check.name: check for contribution in found for check in contribution.checks}
    for part in (part for contribution in found for part in contribution.parts):
        checks[part.check] = checks[part.check].extended(part)
    return tuple(sorted(checks.values(), key=lambda check: check.order))


def movement_rows(scope: Scope) -> list[MovementRows]:
    """Every app's movement records, for ``scope``."""
    return [rows(scope) for contribution in contributions() for rows in contribution.movements]
