"""
Writes of the events app.

**Recording an event is one call**, :func:`event_record`, made by a service
inside the transaction of its change, with ``data`` already rendered (the
object as its ``GET`` answers to an all-programs key). It inserts the event
and, in the same transaction, one PENDING delivery per enabled endpoint of
the tenant that subscribes to the type and the program (``INSERT ...
SELECT`` from the endpoints): the deliveries are fixed when the event is
recorded, and exist if and only if the change committed. On the hot path
(:func:`event_statements`) the two inserts join a statement the caller
sends anyway (data-modifying ``WITH``, ``loyalty.sql.execute_together``):
no extra round trip. Events and deliveries are insert-only for the
services that change business rows: they take no row lock.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.models import Delivery, Event, WebhookEndpoint
from events.types import ALL, EVENT_TYPES
from events.urls_safety import url_check_registration
from loyalty import sql
from loyalty.audit import Actor, audit_record, changed, created, deleted
from loyalty.errors import ValidationFailed

SECRET_PREFIX = "whsec_"
SECRET_OVERLAP = timedelta(hours=24)
PRUNE_BATCH = 1000


# --- recording ----------------------------------------------------------------------------


def event_record(*, tenant_id: uuid.UUID, type: str, program_id: uuid.UUID, data: dict) -> uuid.UUID:
    """Record an event and its deliveries in the caller's transaction; returns the event's id."""
    event_id = uuid.uuid4()
    statements = event_statements(event_id=event_id, tenant_id=tenant_id, type=type, program_id=program_id, data=data)
    if sql.is_postgresql():
        sql.execute_together(*statements)
    else:
        for query, params in statements:
            sql.execute(query, params)
        _deliveries_create_orm(event_id=event_id, tenant_id=tenant_id, type=type, program_id=program_id)
    return event_id


def execute_with_event(
    *statements: tuple[str, list], event: dict, after: tuple[tuple[str, list], ...] = ()
) -> list[tuple]:
    """
    Execute ``statements``, record ``event`` (:func:`event_record`'s keyword
    arguments), then execute ``after``: ONE statement on PostgreSQL (the
    event's inserts join the caller's as data-modifying ``WITH``; they must be
    independent of each other, see ``loyalty.sql.execute_together``).
    Returns the rows of the last statement (``after``'s when given).
    """
    if sql.is_postgresql():
        return sql.execute_together(*statements, *event_statements(event_id=uuid.uuid4(), **event), *after)
    rows = sql.execute_together(*statements) if statements else []
    event_record(**event)
    if after:
        rows = sql.execute_together(*after)
    return rows


def event_statements(
    *, event_id: uuid.UUID, tenant_id: uuid.UUID, type: str, program_id: uuid.UUID, data: dict
) -> list[tuple[str, list]]:
    """
    The statements that record the event (``(sql, params)`` pairs, independent
    of each other, to join a caller's ``execute_together``): the event's
    ``INSERT`` and, on PostgreSQL, its deliveries' ``INSERT ... SELECT``
    (elsewhere :func:`event_record` creates them with the ORM).
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {type!r}: list it in events/types.py")
    now = timezone.now()
    insert = sql.insert_values(
        Event,
        id=event_id,
        tenant_id=tenant_id,
        program_id=program_id,
        type=type,
        created_at=now,
        data=data,  # DRF's rendering is JSON already; the field's encoder takes UUIDs, decimals and datetimes too
    )
    if not sql.is_postgresql():
        return [insert]
    return [insert, _deliveries_insert_sql(event_id=event_id, tenant_id=tenant_id, type=type, program_id=program_id, now=now)]


def _deliveries_insert_sql(
    *, event_id: uuid.UUID, tenant_id: uuid.UUID, type: str, program_id: uuid.UUID, now: datetime
) -> tuple[str, list]:
    stamp = sql.prep(Delivery, "created_at", now)
    params = [
        sql.prep(Delivery, "event_id", event_id),
        stamp,
        stamp,
        stamp,
        sql.prep(WebhookEndpoint, "tenant_id", tenant_id),
        json.dumps([str(program_id)]),
        json.dumps([type]),
        json.dumps([ALL]),
    ]
    return _deliveries_insert_query(), params


@cache  # safe for the process's life: names and literals come from the models only
def _deliveries_insert_query() -> str:
    e = sql.Alias(WebhookEndpoint, "e")
    columns = ", ".join(
        sql.column(Delivery, name)
        for name in (
            "id", "tenant_id", "endpoint_id", "event_id", "status", "attempts", "next_attempt_at", "locked_by",
            "last_error", "created_at", "updated_at",
        )
    )
    pending = sql.literal(Delivery, "status", Delivery.Status.PENDING)
    return (
        f"INSERT INTO {sql.table(Delivery)} ({columns}) "
        f"SELECT gen_random_uuid(), {e.tenant_id}, {e.id}, %s, {pending}, 0, %s, '', '', %s, %s FROM {e} "
        f"WHERE {e.tenant_id} = %s AND {e.enabled} "
        f"AND ({e.all_programs} OR {e.program_ids} @> %s::jsonb) "
        f"AND ({e.event_types} @> %s::jsonb OR {e.event_types} @> %s::jsonb)"
    )


def _deliveries_create_orm(*, event_id: uuid.UUID, tenant_id: uuid.UUID, type: str, program_id: uuid.UUID) -> None:
    """The deliveries' insert on SQLite (no jsonb containment): the same rule in Python."""
    now = timezone.now()
    deliveries = [
        Delivery(tenant_id=tenant_id, endpoint=endpoint, event_id=event_id, next_attempt_at=now, created_at=now, updated_at=now)
        for endpoint in WebhookEndpoint.objects.filter(tenant_id=tenant_id, enabled=True)
        if endpoint_matches(endpoint, type=type, program_id=program_id)
    ]
    Delivery.objects.bulk_create(deliveries)


def events_record_select(*, tenant_id: uuid.UUID, type: str, source: str, params: list) -> int:
    """
    PostgreSQL: record one ``type`` event per row of ``source`` (a ``SELECT``
    of two columns, ``program_id`` and ``data`` as jsonb, with its
    ``params``) and their deliveries, in ONE set-based statement (``INSERT
    ... SELECT`` of the events, then the deliveries' ``INSERT ... SELECT`` from
    the new events and the matching endpoints): the periodic run's batches.
    Returns how many events it recorded. Same rules as :func:`event_record`.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {type!r}: list it in events/types.py")
    now = timezone.now()
    stamp = sql.prep(Delivery, "created_at", now)
    ev_columns = ", ".join(
        sql.column(Event, name) for name in ("id", "tenant_id", "program_id", "type", "created_at", "data")
    )
    d_columns = ", ".join(
        sql.column(Delivery, name)
        for name in (
            "id", "tenant_id", "endpoint_id", "event_id", "status", "attempts", "next_attempt_at", "locked_by",
            "last_error", "created_at", "updated_at",
        )
    )
    e = sql.Alias(WebhookEndpoint, "e")
    pending = sql.literal(Delivery, "status", Delivery.Status.PENDING)
    ev_id, ev_program = sql.column(Event, "id"), sql.column(Event, "program_id")
    query = (
        f"WITH src AS ({source}), "
        f"ev AS (INSERT INTO {sql.table(Event)} ({ev_columns}) "
        f"SELECT gen_random_uuid(), %s, src.program_id, %s, %s, src.data FROM src "
        f"RETURNING {ev_id} AS id, {ev_program} AS program_id), "
        f"d AS (INSERT INTO {sql.table(Delivery)} ({d_columns}) "
        f"SELECT gen_random_uuid(), {e.tenant_id}, {e.id}, ev.id, {pending}, 0, %s, '', '', %s, %s "
        f"FROM ev JOIN {e} ON {e.tenant_id} = %s AND {e.enabled} "
        f"AND ({e.all_programs} OR {e.program_ids} @> jsonb_build_array(ev.program_id::text)) "
        f"AND ({e.event_types} @> %s::jsonb OR {e.event_types} @> %s::jsonb)) "
        f"SELECT count(*) FROM ev"
    )
    (count,) = sql.fetchone(
        query,
        [
            *params,
            sql.prep(Event, "tenant_id", tenant_id),
            type,
            sql.prep(Event, "created_at", now),
            stamp,
            stamp,
            stamp,
            sql.prep(WebhookEndpoint, "tenant_id", tenant_id),
            json.dumps([type]),
            json.dumps([ALL]),
        ],
    )
    return count


def events_record_many(*, tenant_id: uuid.UUID, type: str, items: list[tuple[uuid.UUID, dict]]) -> None:
    """
    Record one ``type`` event per ``(program_id, data)`` of ``items`` and
    their deliveries: one set-based statement on PostgreSQL
    (:func:`events_record_select` over the rendered items), one
    :func:`event_record` each elsewhere.
    """
    if not items:
        return
    if not sql.is_postgresql():
        for program_id, data in items:
            event_record(tenant_id=tenant_id, type=type, program_id=program_id, data=data)
        return
    rendered = json.dumps(
        [{"program_id": str(program_id), "data": data} for program_id, data in items], cls=DjangoJSONEncoder
    )
    events_record_select(
        tenant_id=tenant_id,
        type=type,
        source="SELECT (u.item ->> 'program_id')::uuid AS program_id, u.item -> 'data' AS data "
        "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS u(item, n) ORDER BY u.n",
        params=[rendered],
    )


def endpoint_matches(endpoint: WebhookEndpoint, *, type: str, program_id: uuid.UUID) -> bool:
    types_match = ALL in endpoint.event_types or type in endpoint.event_types
    return types_match and (endpoint.all_programs or str(program_id) in endpoint.program_ids)


# --- endpoints ----------------------------------------------------------------------------


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _types_check(event_types: list[str]) -> list[str]:
    if not event_types:
        raise ValidationFailed.on("event_types", "Must name at least one event type, or be [\"*\"].")
    unknown = [t for t in event_types if t != ALL and t not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed.on("event_types", f"Unknown event type(s): {', '.join(unknown)}.")
    if ALL in event_types and len(event_types) > 1:
        raise ValidationFailed.on("event_types", "\"*\" stands alone.")
    return list(dict.fromkeys(event_types))


def webhook_endpoint_audit_fields(endpoint: WebhookEndpoint) -> dict:
    """What the audit trail compares of an endpoint (as the API names it; never the secret)."""
    return {
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "program_ids": None if endpoint.all_programs else list(endpoint.program_ids),
        "description": endpoint.description,
        "enabled": endpoint.enabled,
    }


def _audit(actor: Actor | None, action: str, endpoint: WebhookEndpoint, changes: dict) -> None:
    audit_record(actor, action, "webhook_endpoint", endpoint.id, None, changes, tenant_id=endpoint.tenant_id)


def webhook_endpoint_create(
    *,
    tenant_id: uuid.UUID,
    url: str,
    event_types: list[str],
    program_ids: list[uuid.UUID] | None,
    description: str = "",
    actor: Actor | None = None,
) -> WebhookEndpoint:
    """
    Register an endpoint; ``program_ids`` None means every program of the
    tenant, now and future (the caller passes the key's programs for a
    program-scoped key). Raises ``ValidationFailed`` (``url``, ``event_types``).
    Recorded in the audit trail (``create``, never the secret).
    """
    url_check_registration(url)
    endpoint = WebhookEndpoint(
        tenant_id=tenant_id,
        url=url,
        event_types=_types_check(event_types),
        all_programs=program_ids is None,
        program_ids=sorted({str(p) for p in program_ids or ()}),
        description=description,
        secret=secret_generate(),
    )
    with transaction.atomic():
        endpoint.save(force_insert=True)
        _audit(actor, "create", endpoint, created(webhook_endpoint_audit_fields(endpoint)))
    return endpoint


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, actor: Actor | None = None, **changes) -> WebhookEndpoint:
    """
    Change ``url``, ``event_types``, ``program_ids`` (None: all programs),
    ``description`` or ``enabled`` (enabling clears ``disabled_reason`` and
    the failure streak). Raises ``ValidationFailed``. The changed fields are
    recorded in the audit trail (``update``).
    """
    before = webhook_endpoint_audit_fields(endpoint)
    if "url" in changes:
        url_check_registration(changes["url"])
        endpoint.url = changes["url"]
    if "event_types" in changes:
        endpoint.event_types = _types_check(changes["event_types"])
    if "program_ids" in changes:
        program_ids = changes["program_ids"]
        endpoint.all_programs = program_ids is None
        endpoint.program_ids = sorted({str(p) for p in program_ids or ()})
    if "description" in changes:
        endpoint.description = changes["description"]
    if "enabled" in changes:
        endpoint.enabled = changes["enabled"]
        if endpoint.enabled:
            endpoint.disabled_reason = ""
            endpoint.failing_since = None
    with transaction.atomic():
        endpoint.save()
        diff = changed(before, webhook_endpoint_audit_fields(endpoint))
        if diff:
            _audit(actor, "update", endpoint, diff)
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: Actor | None = None) -> None:
    """Delete the endpoint and its deliveries (pending ones are dropped); recorded in the audit trail."""
    with transaction.atomic():
        _audit(actor, "delete", endpoint, deleted(webhook_endpoint_audit_fields(endpoint)))
        endpoint.delete()


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, now: datetime | None = None, actor: Actor | None = None
) -> WebhookEndpoint:
    """
    A new secret; the one it replaces keeps signing for 24 hours. Recorded in
    the audit trail as ``rotate_secret`` with no changes (secrets never appear there).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(id=endpoint.id)
        kept = [old for old in locked.previous_secrets if now - _parse(old["replaced_at"]) < SECRET_OVERLAP]
        locked.previous_secrets = [{"secret": locked.secret, "replaced_at": now.isoformat()}, *kept]
        locked.secret = secret_generate()
        locked.save(update_fields=["secret", "previous_secrets", "updated_at"])
        _audit(actor, "rotate_secret", locked, {})
    return locked


def signing_secrets(endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one and those replaced less than 24 hours ago."""
    return [endpoint.secret] + [
        old["secret"] for old in endpoint.previous_secrets if now - _parse(old["replaced_at"]) < SECRET_OVERLAP
    ]


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


# --- deliveries ---------------------------------------------------------------------------


def delivery_retry(*, delivery: Delivery, now: datetime | None = None) -> Delivery:
    """Make the delivery due now, with a fresh schedule (a delivered one is sent again)."""
    now = now or timezone.now()
    Delivery.objects.filter(id=delivery.id).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now, locked_until=None, updated_at=now
    )
    delivery.refresh_from_db()
    return delivery


# --- retention ----------------------------------------------------------------------------


def events_prune(*, now: datetime | None = None, batch_size: int = PRUNE_BATCH) -> int:
    """
    Delete the events older than ``EVENT_RETENTION_DAYS`` (at least 30) in
    batches of ``batch_size``, with their finished deliveries; an event with
    a PENDING delivery is kept. Returns how many were deleted. Safe to
    interrupt: each batch is its own transaction.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=max(settings.EVENT_RETENTION_DAYS, 30))
    pending = Delivery.objects.filter(event_id=OuterRef("id"), status=Delivery.Status.PENDING)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                Event.objects.filter(created_at__lt=cutoff)
                .exclude(Exists(pending))
                .order_by("created_at")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return deleted
            Delivery.objects.filter(event_id__in=ids).delete()
            Event.objects.filter(id__in=ids).delete()
        deleted += len(ids)

