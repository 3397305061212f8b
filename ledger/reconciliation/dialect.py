"""
The little SQL that differs between PostgreSQL and SQLite (``loyalty.sql.is_postgresql``).

PostgreSQL ``numeric`` is exact, so amounts are used as they are. SQLite
stores decimals as floating point, and summing floats can make two equal
totals differ in the last bit; there every amount is turned into an exact
integer of ten-thousandths (the ledger's four decimal places) before it is
summed or compared, and turned back into a ``Decimal`` in Python.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from ledger.models import AMOUNT_DECIMAL_PLACES
from loyalty import sql

FOUR_PLACES = Decimal(1).scaleb(-AMOUNT_DECIMAL_PLACES)
_SQLITE_FACTOR = 10**AMOUNT_DECIMAL_PLACES


def amt(expr: str) -> str:
    """An amount expression that sums and compares exactly."""
    if sql.is_postgresql():
        return expr
    return f"CAST(ROUND(({expr}) * {_SQLITE_FACTOR}) AS INTEGER)"


def to_decimal(value) -> Decimal | None:
    """Turn an amount read back (from :func:`amt`) into a Decimal with four places."""
    if value is None:
        return None
    if sql.is_postgresql():
        return Decimal(str(value)).quantize(FOUR_PLACES)
    return (Decimal(int(value)) / _SQLITE_FACTOR).quantize(FOUR_PLACES)


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
