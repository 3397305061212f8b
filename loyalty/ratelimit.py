"""
Rate limits counted in the cache (``CACHE_URL``): fixed windows, one counter each.

A limit of N per period allows at most N hits in a window of that period
that starts at the first hit of an identity (a key, an address) and ends
a period later, when its counter expires. The counter is incremented first
and the hit is allowed while the new count is at most N, so no two
processes can both take the last slot. On Redis the increment is one atomic
``MULTI`` (``SET key 0 EX period NX``, ``INCR``, ``PTTL``), exact across every
process that shares the Redis; on the per-process cache (``locmem``) ``incr``
holds the cache's lock, exact within a process; Django's database cache
increments by get-then-set, so there concurrent hits may be lost (it is
shared, but only approximately exact). A burst at the end of one window and
the start of the next can see up to 2N within one period (the usual
fixed-window trade-off, for one counter per identity and no list of
timestamps).

The limit fails open: when the cache does not answer, the hit is allowed, a
warning is logged at most once a minute per process, and the cache is not
tried again for ``BREAKER_SECONDS`` (so a cache that times out does not slow
every request down).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("loyalty.ratelimit")

LOG_EVERY_SECONDS = 60
BREAKER_SECONDS = 1.0
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    """``limit`` hits per ``seconds``, parsed from DRF's syntax (``6000/min``, ``10/s``, ``100/hour``, ``5/day``)."""

    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _, period = text.partition("/")
        try:
            limit, seconds = int(count), _PERIODS[period.strip()[:1]]
        except (ValueError, KeyError):
            raise ImproperlyConfigured(f"Invalid rate {text!r}: expected N/s, N/min, N/hour or N/day.") from None
        if limit < 1:
            raise ImproperlyConfigured(f"Invalid rate {text!r}: the number must be 1 or more.")
        return cls(limit=limit, seconds=seconds)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int | None  # hits counted in the window so far (None: the cache did not answer)
    retry_after: int  # seconds until the window ends (at least 1)


class _CacheFailures:
    """Remember when the cache last failed (breaker) and when that was last logged (once a minute)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._failed_at = -math.inf
        self._logged_at = -math.inf

    def open(self) -> bool:
        return time.monotonic() - self._failed_at < BREAKER_SECONDS

    def record(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._failed_at = now
            log = now - self._logged_at >= LOG_EVERY_SECONDS
            if log:
                self._logged_at = now
        if log:
            logger.warning(
                "rate limit cache unavailable (%s: %s); requests are served without a limit until it answers",
                exc.__class__.__name__, exc,
            )

    def reset(self) -> None:
        with self._lock:
            self._failed_at = self._logged_at = -math.inf


cache_failures = _CacheFailures()


def _key(scope: str, ident: str) -> str:
    return f"rl:{scope}:{ident}"


def _seconds_left(ttl_ms: int, rate: Rate) -> int:
    """Retry-After from a counter's remaining time to live in ms (at least 1 s)."""
    return max(math.ceil(ttl_ms / 1000), 1) if ttl_ms > 0 else rate.seconds


def _redis(cache, key: str):
    full_key = cache.make_and_validate_key(key)
    return full_key, cache._cache.get_client(full_key, write=True)  # Django's own client and pool


def _count(cache, key: str, rate: Rate, *, increment: bool) -> tuple[int, int]:
    """The window's count (after adding one if ``increment``) and the seconds until the window ends."""
    if isinstance(cache, RedisCache):
        full_key, client = _redis(cache, key)
        pipe = client.pipeline(transaction=True)  # MULTI/EXEC: no other client's command runs in between
        if increment:
            pipe.set(full_key, 0, ex=rate.seconds, nx=True)
            pipe.incr(full_key)
        else:
            pipe.get(full_key)
        pipe.pttl(full_key)
        *_, count, ttl_ms = pipe.execute()
        return int(count or 0), _seconds_left(int(ttl_ms), rate)
    # Any other Django cache: the counter, and beside it the moment its window started.
    now = time.time()
    if increment:
        cache.add(f"{key}:start", now, timeout=rate.seconds)
        cache.add(key, 0, timeout=rate.seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=rate.seconds)
            count = 1
    else:
        count = int(cache.get(key) or 0)
    started = cache.get(f"{key}:start") or now
    return count, _seconds_left(int((started + rate.seconds - now) * 1000), rate)


def _check(scope: str, ident: str, rate: Rate, cache, *, increment: bool) -> Verdict:
    if cache_failures.open():
        return Verdict(allowed=True, count=None, retry_after=1)
    try:
        count, retry_after = _count(cache or default_cache, _key(scope, ident), rate, increment=increment)
    except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
        cache_failures.record(exc)
        return Verdict(allowed=True, count=None, retry_after=1)
    limit = rate.limit if increment else rate.limit - 1  # peeking: is there a slot left for one more?
    return Verdict(allowed=count <= limit, count=count, retry_after=retry_after)


def hit(scope: str, ident: str, rate: Rate, *, cache=None) -> Verdict:
    """Count one hit of ``ident`` and say whether it is within ``rate`` (allowed when the cache is down)."""
    return _check(scope, ident, rate, cache, increment=True)


def peek(scope: str, ident: str, rate: Rate, *, cache=None) -> Verdict:
    """Without counting: may ``ident`` have one more hit in this window? (Yes when the cache is down.)"""
    return _check(scope, ident, rate, cache, increment=False)


def cache_status(cache=None) -> str:
    """``"ok"`` when the cache answers a read now, else ``"down"`` (for /healthz; ignores the breaker)."""
    try:
        (cache or default_cache).get("healthz")
    except Exception:  # noqa: BLE001 - any failure means down
        return "down"
    return "ok"


def client_address(meta: dict, trusted_proxy_hops: int) -> str:
    """
    The client's address as the rate limits count it.

    With no trusted proxy (``TRUSTED_PROXY_HOPS=0``, the default) it is the
    connection's peer, ``REMOTE_ADDR``; ``X-Forwarded-For`` is ignored (any
    client can send one). Behind N proxies that each append the address they
    saw, it is the N-th address from the right of ``X-Forwarded-For`` (the one
    the outermost trusted proxy saw); whatever a client wrote to the left of
    it is ignored. IPv6 addresses count per /64 (one host usually has a whole
    /64 to pick addresses from).
    """
    address = meta.get("REMOTE_ADDR") or ""
    forwarded = [part.strip() for part in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
    if trusted_proxy_hops > 0 and forwarded:
        address = forwarded[-min(trusted_proxy_hops, len(forwarded))]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:  # e.g. a Unix socket's empty peer: one bucket for all of them
        return "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
