"""
Money helpers: the one place that rounds or formats an amount.

It lives in the core (not in ``ledger``) so that every app, the API layer
included, can use it without importing against the dependency direction.

Amounts are ``Decimal`` end to end. Nothing is ever rounded silently: an
amount with more decimal places than its asset's scale is refused, and
:func:`format_amount` renders exactly ``scale`` places for the API.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from loyalty import sql
from loyalty.errors import ValidationFailed

# The largest amount the API accepts (12 integer digits; the contract's limit).
MAX_INPUT_AMOUNT = Decimal("999999999999.99")


def quantum(scale: int) -> Decimal:
    return Decimal(1).scaleb(-scale)


def fits_scale(amount: Decimal, scale: int) -> bool:
    """True if the value is representable at ``scale`` places (``150.0000`` fits scale 2)."""
    return amount == amount.quantize(quantum(scale), rounding=ROUND_DOWN)


def written_places(amount: Decimal) -> int:
    """Decimal places as written: ``Decimal("5.0")`` has one, ``Decimal("5")`` none."""
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# The embedded SQLite database (development) stores decimals as binary floats: 15-16 significant digits,
# so an amount of 10^10 points or more, with the ledger's four decimal places, is not held exactly there
# (a lot's parts would stop adding up to its amount). PostgreSQL's NUMERIC holds every amount the API
# accepts; on SQLite such amounts are refused with a clear 400 instead of failing deep in the ledger.
SQLITE_EXACT_LIMIT = Decimal(10) ** 10


def amount_check_scale(*, amount: Decimal, scale: int, field: str = "amount") -> None:
    """
    Raise a 400 on ``field`` if an input ``amount`` is written with more decimal
    places than ``scale`` (the contract's rule: ``"5.0"`` is refused at scale 0,
    even though it equals 5), or, on the embedded SQLite database, is too large
    for it to hold exactly (``SQLITE_EXACT_LIMIT``).
    """
    if written_places(amount) > scale:
        raise ValidationFailed.on(field, f"At most {scale} decimal places are allowed for this asset.")
    if abs(amount) >= SQLITE_EXACT_LIMIT and not sql.is_postgresql():
        raise ValidationFailed.on(
            field, "The embedded SQLite database cannot hold amounts of 10,000,000,000 or more exactly; use PostgreSQL."
        )


def format_amount(value: Decimal | None, scale: int) -> str | None:
    """Render a money-like value with exactly ``scale`` decimal places (``"50.00"``)."""
    if value is None:
        return None
    return str(Decimal(value).quantize(quantum(scale)))
