"""
Reads of the events app, scoped to the key's tenant and programs.

**The feed never skips an event.** Paging by a serial id misses rows: an id
handed out earlier becomes visible later, after the reader has moved past it.
On PostgreSQL each event carries the id of the transaction that wrote it
(``txid``), and the feed lists only events whose ``txid`` is below the
current snapshot's horizon (its ``xmin``, ignoring transactions of other
databases of the server, see ``FEED_HORIZON``): every transaction with a
smaller id that could write here has finished, so no event with a smaller
``txid`` can appear later. Events are
ordered by (txid, created_at, id) and ``after`` continues strictly after the
named event's position: a consumer sees each event exactly once, in a stable
order. An event is listed at the latest once its own transaction and every
transaction that started (took its id) before it have finished. The
caller's own transaction's events are listed too (a test or a script that
writes and reads in one transaction). On SQLite (one writer at a time) the
order is (created_at, id).
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from events.models import Delivery, Event, WebhookEndpoint
from loyalty import sql
from loyalty.auth import KeyScope
from loyalty.errors import NotFound, ValidationFailed

# The feed's horizon: the smallest id of a transaction that has not finished in this snapshot and may write
# to this database (the snapshot's in-progress ids, less those of backends connected to other databases of
# the server, which cannot write events here), else the snapshot's xmax. Every transaction with a smaller id
# has finished, so an event below it can never appear later. Leaving out other databases' transactions keeps
# a long transaction elsewhere on the server from holding the feed back; an in-progress id whose backend is
# not found (it just finished, or a prepared transaction) counts, to be safe.
FEED_HORIZON = """(SELECT COALESCE(
    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(snap.s) x WHERE xid(x) NOT IN (
        SELECT l.transactionid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock'
        AND a.datname IS DISTINCT FROM current_database())),
    pg_snapshot_xmax(snap.s)::text::bigint)
  FROM (SELECT pg_current_snapshot() AS s) snap)"""
VISIBLE_IN_FEED = f"(txid < {FEED_HORIZON} OR txid = txid_current_if_assigned())"


def _visible_events(scope: KeyScope) -> QuerySet[Event]:
    return scope.filter_visible(Event.objects.all())


def feed_ordering() -> tuple[str, ...]:
    return ("txid", "created_at", "id") if sql.is_postgresql() else ("created_at", "id")


def event_feed(
    *, scope: KeyScope, program_id: uuid.UUID | None = None, type: str | None = None, after: uuid.UUID | None = None
) -> QuerySet[Event]:
    """The key's events, oldest first, as far as they can be listed without ever skipping one (see above)."""
    events = _visible_events(scope)
    if program_id is not None:
        events = events.filter(program_id=program_id)
    if type is not None:
        events = events.filter(type=type)
    if sql.is_postgresql():
        events = events.extra(where=[VISIBLE_IN_FEED])
    if after is not None:
        last = _visible_events(scope).filter(id=after).values("txid", "created_at", "id").first()
        if last is None:
            raise ValidationFailed.on("after", "Names no event this key may see.")
        events = events.filter(_after(last))
    return events.order_by(*feed_ordering())


def _after(last: dict) -> Q:
    later = Q(created_at__gt=last["created_at"]) | Q(created_at=last["created_at"], id__gt=last["id"])
    if not sql.is_postgresql():
        return later
    return Q(txid__gt=last["txid"]) | (Q(txid=last["txid"]) & later)


def event_get(*, scope: KeyScope, event_id: uuid.UUID) -> Event:
    event = _visible_events(scope).filter(id=event_id).first()
    if event is None:
        raise NotFound("Unknown event.")
    return event


# --- endpoints ----------------------------------------------------------------------------


def endpoint_list(*, scope: KeyScope) -> QuerySet[WebhookEndpoint]:
    """
    The tenant's endpoints the key may see: all of them for an all-programs
    key; for a key of some programs, those that listen to some of its programs
    and no other (an endpoint of every program is not theirs).
    """
    endpoints = WebhookEndpoint.objects.filter(tenant_id=scope.tenant_id)
    if scope.all_programs:
        return endpoints
    allowed = {str(p) for p in scope.program_ids}
    ids = [
        endpoint_id
        for endpoint_id, all_programs, program_ids in endpoints.values_list("id", "all_programs", "program_ids")
        if not all_programs and program_ids and set(program_ids) <= allowed
    ]
    return endpoints.filter(id__in=ids)


def endpoint_get(*, scope: KeyScope, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = endpoint_list(scope=scope).filter(id=endpoint_id).first()
    if endpoint is None:
        raise NotFound("Unknown webhook endpoint.")
    return endpoint


def delivery_list(*, scope: KeyScope, endpoint_id: uuid.UUID, status: str | None = None) -> QuerySet[Delivery]:
    endpoint = endpoint_get(scope=scope, endpoint_id=endpoint_id)
    deliveries = Delivery.objects.filter(endpoint=endpoint, tenant_id=scope.tenant_id).select_related("event")
    if status is not None:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")


def delivery_get(*, scope: KeyScope, delivery_id: uuid.UUID) -> Delivery:
    delivery = Delivery.objects.filter(id=delivery_id, tenant_id=scope.tenant_id).first()
    if delivery is None or not endpoint_list(scope=scope).filter(id=delivery.endpoint_id).exists():
        raise NotFound("Unknown webhook delivery.")
    return delivery
