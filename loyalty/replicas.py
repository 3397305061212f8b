"""
Which database a reporting read uses: the streaming replica when one is
configured (``DATABASE_REPLICA_URL``) and answering, else the primary.

Reporting reads (the operator dashboard, the admin's change lists,
``trial_balance``, ``reconcile --replica``) tolerate a replica's lag (a
fraction of a second on a healthy local replica, more under heavy writes or
on a slow network; see README "Read replicas"). API answers never come from
here: an integrator always reads its own writes.

The replica's health is a ``SELECT 1``, cached per process for
``HEALTH_CHECK_SECONDS``; a reporting read that fails on the replica (it
went away since the check) marks it down and runs again on the primary
(:func:`read_with_fallback`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.utils.connection import ConnectionDoesNotExist

logger = logging.getLogger("loyalty.replicas")

T = TypeVar("T")

REPLICA = "replica"
HEALTH_CHECK_SECONDS = 5.0


class _Health:
    """The replica's last known state in this process: ``(checked at, answering)``."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state: tuple[float, bool] | None = None

    def known(self) -> bool | None:
        with self._lock:
            if self._state is None or time.monotonic() - self._state[0] >= HEALTH_CHECK_SECONDS:
                return None
            return self._state[1]

    def record(self, answering: bool, exc: BaseException | None = None) -> None:
        with self._lock:
            was = self._state[1] if self._state is not None else True
            self._state = (time.monotonic(), answering)
        if was and not answering:
            logger.warning("read replica unavailable (%s); reporting reads use the primary", exc.__class__.__name__)
        elif answering and not was:
            logger.info("read replica answers again; reporting reads use it")

    def reset(self) -> None:
        with self._lock:
            self._state = None


health = _Health()


def replica_configured() -> bool:
    try:
        connections[REPLICA]
    except ConnectionDoesNotExist:
        return False
    return True


def _answers(alias: str) -> bool:
    connection = connections[alias]
    try:
        connection.close_if_unusable_or_obsolete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (OperationalError, InterfaceError) as exc:
        connection.close()
        health.record(False, exc)
        return False
    health.record(True)
    return True


def reporting_alias() -> str:
    """The alias for a reporting read: the replica if configured and answering, else the primary."""
    if not replica_configured():
        return DEFAULT_DB_ALIAS
    answering = health.known()
    if answering is None:
        answering = _answers(REPLICA)
    return REPLICA if answering else DEFAULT_DB_ALIAS


def read_with_fallback(read: Callable[[str], T]) -> T:
    """
    ``read(alias)`` on the reporting alias; if it fails on the replica with a
    connection error (or a query cancelled by the replica's recovery), the
    replica is marked down and ``read`` runs again on the primary.
    """
    alias = reporting_alias()
    if alias == DEFAULT_DB_ALIAS:
        return read(alias)
    try:
        return read(alias)
    except (OperationalError, InterfaceError) as exc:
        connections[alias].close()
        health.record(False, exc)
        return read(DEFAULT_DB_ALIAS)


def replica_lag_seconds() -> float | None:
    """Seconds since the last transaction the replica replayed (None: no replica, or nothing replayed yet)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
        value = cursor.fetchone()[0]
    return None if value is None else float(value)
