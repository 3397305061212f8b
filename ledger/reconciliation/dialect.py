"""
The little SQL that differs between PostgreSQL and SQLite, and the table names.

PostgreSQL ``numeric`` is exact, so amounts are used as they are. SQLite
stores decimals as floating point, and summing floats can make two equal
totals differ in the last bit; there every amount is turned into an exact
integer of ten-thousandths (the ledger's four decimal places) before it is
summed or compared, and turned back into a ``Decimal`` in Python.

Table names are looked up in the app registry (not imported), so the ledger
app reads the rewards, participants and core tables without a code import
that would run against the apps' dependency direction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper

from ledger.models import AMOUNT_DECIMAL_PLACES

FOUR_PLACES = Decimal(1).scaleb(-AMOUNT_DECIMAL_PLACES)
_SQLITE_FACTOR = 10**AMOUNT_DECIMAL_PLACES

_TABLES = {
    "program": ("loyalty", "Program"),
    "idempotency": ("loyalty", "IdempotencyRecord"),
    "asset": ("ledger", "Asset"),
    "account": ("ledger", "Account"),
    "entry": ("ledger", "JournalEntry"),
    "line": ("ledger", "JournalLine"),
    "accrual": ("participants", "Accrual"),
    "reward": ("rewards", "Reward"),
    "participant_count": ("rewards", "ParticipantRewardCount"),
    "redemption": ("rewards", "Redemption"),
    "reversal": ("rewards", "Reversal"),
}


class Tables:
    """Quoted table names by short name: ``tables.line`` -> ``"ledger_journalline"``."""

    def __init__(self, connection: BaseDatabaseWrapper):
        for name, (app_label, model_name) in _TABLES.items():
            table = apps.get_model(app_label, model_name)._meta.db_table
            setattr(self, name, connection.ops.quote_name(table))


@dataclass(frozen=True)
class Dialect:
    connection: BaseDatabaseWrapper

    @property
    def exact_decimals(self) -> bool:
        return self.connection.vendor == "postgresql"

    def amt(self, expr: str) -> str:
        """An amount expression that sums and compares exactly."""
        if self.exact_decimals:
            return expr
        return f"CAST(ROUND(({expr}) * {_SQLITE_FACTOR}) AS INTEGER)"

    def to_decimal(self, value) -> Decimal | None:
        """Turn an amount read back (from :meth:`amt`) into a Decimal with four places."""
        if value is None:
            return None
        if self.exact_decimals:
            return Decimal(str(value)).quantize(FOUR_PLACES)
        return (Decimal(int(value)) / _SQLITE_FACTOR).quantize(FOUR_PLACES)

    def param_uuid(self, value: uuid.UUID) -> object:
        """A UUID as a query parameter (SQLite stores them as 32 hex characters)."""
        return value if self.exact_decimals else value.hex

    def param_datetime(self, value: datetime) -> object:
        return self.connection.ops.adapt_datetimefield_value(value)


def as_uuid(value) -> uuid.UUID | None:
    """A UUID read back from either database (a UUID, or 32 or 36 hex characters)."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def id_text(value) -> str | None:
    """An id read back as text: UUIDs in their canonical form, other ids as they are."""
    if value is None:
        return None
    text = str(value)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text
