"""Transaction helpers shared by the services."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction

logger = logging.getLogger("loyalty.db")

T = TypeVar("T")

# SQLSTATEs worth retrying: the database chose this transaction as a victim and
# rolled it back whole, so running it again from the start is safe.
RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure
MAX_ATTEMPTS = 4


def _sqlstate(exc: BaseException) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def in_transaction(fn: Callable[[], T], *, attempts: int = MAX_ATTEMPTS) -> T:
    """
    Run ``fn`` in one durable ``transaction.atomic()`` and return its result.

    A deadlock or serialization failure rolls the whole transaction back; it is
    retried up to ``attempts`` times with a short jittered backoff, so a client
    never sees one. Other errors propagate unchanged.
    """
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(durable=True):
                return fn()
        except OperationalError as exc:
            if _sqlstate(exc) not in RETRYABLE_SQLSTATES or attempt == attempts:
                raise
            logger.info("retrying transaction after %s (attempt %d)", _sqlstate(exc), attempt)
            time.sleep(random.uniform(0.001, 0.01) * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
