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


def is_retryable(exc: BaseException) -> bool:
    """A deadlock or serialization failure: the database rolled the whole transaction back."""
    return isinstance(exc, OperationalError) and _sqlstate(exc) in RETRYABLE_SQLSTATES


def pause_before_retry(exc: BaseException, attempt: int) -> None:
    """Log a retryable failure and wait a short jittered time that grows with ``attempt``."""
    logger.info("retrying transaction after %s (attempt %d)", _sqlstate(exc), attempt)
    time.sleep(random.uniform(0.001, 0.01) * attempt)


def in_transaction(fn: Callable[[], T], *, attempts: int = MAX_ATTEMPTS) -> T:
    """
    Run ``fn`` in one durable ``transaction.atomic()`` and return its result.

    A deadlock or serialization failure rolls the whole transaction back; ``fn``
    runs again, at most ``attempts`` transactions in all, with a short jittered
    pause, so a client never sees one. Other errors propagate unchanged.
    """
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(durable=True):
                return fn()
        except OperationalError as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            pause_before_retry(exc, attempt)
    raise AssertionError("unreachable")  # pragma: no cover
