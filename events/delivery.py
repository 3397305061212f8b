"""
The webhook worker's work, in three steps per batch:

1. **claim** (one short statement, its own transaction): due PENDING
   deliveries of enabled endpoints get a lease (``locked_until``), taken with
   ``FOR UPDATE SKIP LOCKED`` so that any number of workers, on any number of
   machines, share the work and never hold one delivery at once. A worker
   that dies (``kill -9``) leaves its leases to expire; the delivery is then
   claimable again (at least once: never lost, maybe sent twice with the same
   ``webhook-id``).
2. **send**, outside any transaction: each claimed delivery is POSTed
   concurrently (asyncio), to the address its host resolved to and was checked
   against at this attempt, with the Standard Webhooks headers; at most
   ``WEBHOOK_TIMEOUT_SECONDS`` (10 s) per attempt in all; redirects never followed.
3. **record** (one short transaction): DELIVERED, or the next attempt with
   exponential backoff and jitter, or FAILED after ``MAX_ATTEMPTS``; the lease
   is released only by the lease holder. An endpoint whose deliveries have
   all failed for ``DISABLE_AFTER`` is disabled.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from events.models import Delivery, WebhookEndpoint
from events.services import signing_secrets
from events.signing import signature_header
from events.urls_safety import UnsafeUrl, resolve_public
from loyalty import sql

# Delay before attempt n+1 after attempt n failed (n = 1..7): the first retry within a minute, eight
# attempts spanning at least 24 hours even with the jitter (27.6 h * 0.9 = 24.8 h).
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
JITTER = 0.1  # each delay times a random factor in [0.9, 1.1]
DISABLE_AFTER = timedelta(days=3)
BATCH_SIZE = 50
# Requests in flight at once per worker (httpx's pool slows down with many queued requests).
CONCURRENCY = 16
MAX_ERROR = 500


def next_delay(attempts: int, *, rng: random.Random = random._inst) -> timedelta | None:
    """The delay after the ``attempts``-th failed attempt; None when it was the last."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return BACKOFF[attempts - 1] * rng.uniform(1 - JITTER, 1 + JITTER)


# --- 1. claim -----------------------------------------------------------------------------


def deliveries_claim(*, worker: str, limit: int, due_by: datetime, now: datetime | None = None) -> list[uuid.UUID]:
    """Lease up to ``limit`` deliveries due by ``due_by`` to ``worker``; their ids."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    d, e = sql.Alias(Delivery, "d"), sql.Alias(WebhookEndpoint, "e")
    skip_locked = " FOR UPDATE OF d SKIP LOCKED" if sql.is_postgresql() else ""
    pending = sql.literal(Delivery, "status", Delivery.Status.PENDING)
    query = (
        f"UPDATE {sql.table(Delivery)} SET {sql.column(Delivery, 'locked_until')} = %s, "
        f"{sql.column(Delivery, 'locked_by')} = %s "
        f"WHERE {sql.column(Delivery, 'id')} IN ("
        f"SELECT {d.id} FROM {d} JOIN {e} ON {e.id} = {d.endpoint_id} "
        f"WHERE {d.status} = {pending} AND {d.next_attempt_at} <= %s "
        f"AND ({d.locked_until} IS NULL OR {d.locked_until} < %s) AND {e.enabled} "
        f"ORDER BY {d.next_attempt_at} LIMIT %s{skip_locked}) "
        f"RETURNING {sql.column(Delivery, 'id')}"
    )
    params = [
        sql.prep(Delivery, "locked_until", lease),
        worker,
        sql.prep(Delivery, "next_attempt_at", due_by),
        sql.prep(Delivery, "locked_until", now),
        limit,
    ]
    with transaction.atomic():
        rows = sql.fetchall(query, params)
    return [Delivery._meta.pk.to_python(row[0]) for row in rows]


# --- 2. send ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    delivery_id: uuid.UUID
    status_code: int | None
    error: str

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Request:
    delivery_id: uuid.UUID
    url: str
    body: bytes
    msg_id: str
    secrets: tuple[str, ...]


def event_body(event) -> bytes:
    from events.api.serializers import EventSerializer  # the API's rendering of an event

    return json.dumps(EventSerializer(event).data, separators=(",", ":")).encode()


def requests_build(ids: list[uuid.UUID], *, now: datetime) -> list[Request]:
    deliveries = Delivery.objects.select_related("event", "endpoint").filter(id__in=ids)
    return [
        Request(
            delivery_id=delivery.id,
            url=delivery.endpoint.url,
            body=event_body(delivery.event),
            msg_id=str(delivery.event_id),
            secrets=tuple(signing_secrets(delivery.endpoint, now=now)),
        )
        for delivery in deliveries
    ]


async def _send_one(sender: Sender, request: Request) -> Outcome:
    """One attempt, all of it (the address check included) within WEBHOOK_TIMEOUT_SECONDS."""
    try:
        async with asyncio.timeout(settings.WEBHOOK_TIMEOUT_SECONDS):
            return await _attempt(sender, request)
    except TimeoutError:
        return Outcome(request.delivery_id, None, f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS:g} s.")
    except httpx.HTTPError as exc:
        return Outcome(request.delivery_id, None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
    except Exception as exc:  # noqa: BLE001 - one bad endpoint never stops the batch; it is retried like any failure
        return Outcome(request.delivery_id, None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR])


async def _attempt(sender: Sender, request: Request) -> Outcome:
    try:
        scheme, host, port, address = await asyncio.to_thread(resolve_public, request.url)
    except UnsafeUrl as exc:
        return Outcome(request.delivery_id, None, str(exc))
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "loyalty-webhooks/1",
        "webhook-id": request.msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            secrets=list(request.secrets), msg_id=request.msg_id, timestamp=timestamp, body=request.body
        ),
    }
    url = httpx.URL(request.url)
    headers["host"] = url.netloc.decode("ascii")
    # Connect to the address that was checked, never to a second lookup's answer; the TLS name is the host's.
    target = url.copy_with(host=address)
    extensions = {"sni_hostname": host} if scheme == "https" else {}
    client = sender.client_for(scheme, host)
    response = await client.post(target, content=request.body, headers=headers, extensions=extensions)
    if response.is_redirect:
        return Outcome(request.delivery_id, response.status_code, "A redirect (never followed).")
    error = "" if response.is_success else f"HTTP {response.status_code}"
    return Outcome(request.delivery_id, response.status_code, error)


class Sender:
    """
    One event loop for a worker's life and one HTTP client per host name
    (connections are reused across batches, and a TLS connection made for
    one host name is never reused for another that resolves to the same
    address); :meth:`send` POSTs a batch concurrently, with no transaction
    and no database.
    """

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.clients: dict[tuple[str, str], httpx.AsyncClient] = {}

    def client_for(self, scheme: str, host: str) -> httpx.AsyncClient:
        key = (scheme, host.lower())
        if key not in self.clients:
            self.clients[key] = httpx.AsyncClient(
                follow_redirects=False,
                trust_env=False,
                timeout=None,  # the whole attempt is bounded by WEBHOOK_TIMEOUT_SECONDS in _send_one
                limits=httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY),
            )
        return self.clients[key]

    def send(self, requests: list[Request]) -> list[Outcome]:
        if not requests:
            return []

        async def send_all():
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(request: Request) -> Outcome:
                async with gate:
                    return await _send_one(self, request)

            return list(await asyncio.gather(*(one(r) for r in requests)))

        return self.loop.run_until_complete(send_all())

    def close(self) -> None:
        for client in self.clients.values():
            self.loop.run_until_complete(client.aclose())
        self.loop.close()


def requests_send(requests: list[Request]) -> list[Outcome]:
    """POST every request concurrently with a sender of its own (see :class:`Sender`)."""
    sender = Sender()
    try:
        return sender.send(requests)
    finally:
        sender.close()


# --- 3. record ----------------------------------------------------------------------------


def outcomes_record(outcomes: list[Outcome], *, worker: str, now: datetime | None = None) -> None:
    """
    Write each attempt's result under this worker's lease (one short
    transaction): the delivered ones in one statement, each failure on its own.
    """
    now = now or timezone.now()
    delivered = [o for o in outcomes if o.delivered]
    with transaction.atomic():
        if delivered:
            _record_delivered(delivered, worker=worker, now=now)
        for outcome in outcomes:
            if not outcome.delivered:
                _record(outcome, worker=worker, now=now)


def _record_delivered(outcomes: list[Outcome], *, worker: str, now: datetime) -> None:
    """DELIVERED (2xx), under this worker's lease, one UPDATE per status code; their endpoints' failure streaks end."""
    by_code: dict[int, list[uuid.UUID]] = {}
    for outcome in outcomes:
        by_code.setdefault(outcome.status_code, []).append(outcome.delivery_id)
    endpoint_ids: set[uuid.UUID] = set()
    for code, ids in by_code.items():
        mine = Delivery.objects.filter(id__in=ids, locked_by=worker, status=Delivery.Status.PENDING)
        endpoint_ids |= set(mine.values_list("endpoint_id", flat=True).distinct())
        mine.update(
            status=Delivery.Status.DELIVERED,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            last_status_code=code,
            last_error="",
            delivered_at=now,
            locked_until=None,
            locked_by="",
            updated_at=now,
        )
    WebhookEndpoint.objects.filter(id__in=endpoint_ids).exclude(failing_since=None).update(failing_since=None)


def _record(outcome: Outcome, *, worker: str, now: datetime) -> None:
    delivery = (
        Delivery.objects.select_for_update()
        .filter(id=outcome.delivery_id, locked_by=worker, status=Delivery.Status.PENDING)
        .first()
    )
    if delivery is None:  # the lease expired and another worker took it, or it was deleted
        return
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:MAX_ERROR]
    delivery.locked_until = None
    delivery.locked_by = ""
    delivery.updated_at = now
    endpoint = WebhookEndpoint.objects.filter(id=delivery.endpoint_id)
    if outcome.delivered:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
        endpoint.exclude(failing_since=None).update(failing_since=None)
    else:
        delay = next_delay(delivery.attempts)
        if delay is None:
            delivery.status = Delivery.Status.FAILED
        else:
            delivery.next_attempt_at = now + delay
        endpoint.filter(failing_since=None).update(failing_since=now)
        endpoint.filter(enabled=True, failing_since__lte=now - DISABLE_AFTER).update(
            enabled=False,
            disabled_reason=f"Every delivery failed for {DISABLE_AFTER.days} days (last: {delivery.last_error or 'HTTP ' + str(outcome.status_code)}).",
            updated_at=now,
        )
    delivery.save()


# --- a pass -------------------------------------------------------------------------------


def deliver_batch(*, worker: str, due_by: datetime, limit: int = BATCH_SIZE, sender: Sender | None = None) -> int:
    """Claim, send and record one batch; how many were attempted (0: nothing due)."""
    ids = deliveries_claim(worker=worker, limit=limit, due_by=due_by)
    if not ids:
        return 0
    requests = requests_build(ids, now=timezone.now())
    outcomes = sender.send(requests) if sender is not None else requests_send(requests)
    outcomes_record(outcomes, worker=worker)
    return len(ids)
