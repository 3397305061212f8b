"""
The reward's stock rule, in its one home, in Python and in SQL side by side.

- **Status.** An operator sets ACTIVE or INACTIVE; stock decides between
  ACTIVE and OUT_OF_STOCK: a reward with a ``max_total`` whose
  ``redeemed_count`` reached it is OUT_OF_STOCK, and so is a CODES reward
  with no available code (``codes_available`` 0; it is null for other
  rewards). INACTIVE stays INACTIVE whatever the stock.
- **Room.** ``units`` more can be taken when there is no ``max_total`` or
  ``redeemed_count + units`` stays within it, and, for a CODES reward, at
  least ``units`` codes are available; what is left is the smaller difference.

The catalog service (status on create and update), the redemption (the
rules it checks, the guarded ``UPDATE`` that takes units), the reversal (the
``UPDATE`` that returns units) and the reconciliation (the status a reward
must have) all use these functions; the writes themselves are in
``rewards.locks`` (they take the reward's row lock). rewards/tests/test_stock.py
checks that each SQL form agrees with its Python form on every case.
"""

from __future__ import annotations

from functools import cache

from loyalty import sql
from rewards.models import Reward

ACTIVE = Reward.Status.ACTIVE
INACTIVE = Reward.Status.INACTIVE
OUT_OF_STOCK = Reward.Status.OUT_OF_STOCK


def stock_status(*, status: str, max_total: int | None, redeemed_count: int, codes_available: int | None) -> str:
    """The status of a reward whose operator status is ``status`` (OUT_OF_STOCK counts as ACTIVE)."""
    if status == INACTIVE:
        return INACTIVE
    if max_total is not None and redeemed_count >= max_total:
        return OUT_OF_STOCK
    if codes_available is not None and codes_available <= 0:
        return OUT_OF_STOCK
    return ACTIVE


def stock_status_sql(*, status: str, max_total: str, redeemed_count: str, codes_available: str) -> str:
    """:func:`stock_status` over SQL expressions (columns, or ``"redeemed_count" + %s``)."""
    inactive, out_of_stock, active = _status_literals()
    return (
        f"CASE WHEN {status} = {inactive} THEN {inactive} "
        f"WHEN {max_total} IS NOT NULL AND {redeemed_count} >= {max_total} THEN {out_of_stock} "
        f"WHEN COALESCE({codes_available}, 1) <= 0 THEN {out_of_stock} "  # NULL: not a CODES reward
        f"ELSE {active} END"
    )


@cache  # safe for the process's life: the choices' SQL literals depend only on the model
def _status_literals() -> tuple[str, str, str]:
    return tuple(sql.literal(Reward, "status", status) for status in (INACTIVE, OUT_OF_STOCK, ACTIVE))


def stock_has_room(*, max_total: int | None, redeemed_count: int, units: int, codes_available: int | None) -> bool:
    """Whether ``units`` more can be taken."""
    within_total = max_total is None or redeemed_count + units <= max_total
    return within_total and (codes_available is None or units <= codes_available)


def stock_has_room_sql(*, max_total: str, redeemed_count: str, units: str, codes_available: str) -> str:
    """:func:`stock_has_room` over SQL expressions (``units`` appears twice: pass its parameter twice)."""
    return (
        f"({max_total} IS NULL OR {redeemed_count} + {units} <= {max_total}) "
        f"AND COALESCE({codes_available} - {units}, 0) >= 0"  # NULL: not a CODES reward
    )


def stock_units_left(*, max_total: int | None, redeemed_count: int, codes_available: int | None) -> int | None:
    """Units that can still be taken (None: unlimited)."""
    left = [limit for limit in (max_total and max(max_total - redeemed_count, 0), codes_available) if limit is not None]
    return min(left) if left else None
