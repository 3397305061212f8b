"""
The audit trail: who changed what (contract, "Audit trail").

Recording is ONE call, :func:`audit_record`, made by the service that makes
the change, inside its transaction: the record commits or rolls back with
the change, on PostgreSQL and SQLite alike (no triggers: a trigger knows
neither the actor nor the API's field names, and SQLite would lose it).
Every entry point passes its :class:`Actor`: API views the key
(``Actor.of_api_key``), the admin the user (``Actor.of_user``), management
commands their name (``Actor.of_command``). Services called without one
(tests, factories, data migrations) record :data:`SYSTEM`.

``changes`` maps API field names to ``[old, new]`` rendered as the API
renders them (:func:`render`: decimal strings, ISO 8601 ``Z`` times, ids as
text); on ``create`` ``[None, value]`` for each field set, on ``delete``
``[value, None]``, ``{}`` where nothing is compared. Secrets, key hashes and
reward codes are never passed in (each snapshot function lists its fields).

Audited today: tenant, membership, program, asset, reward, api_key (create,
update, delete, revoke), reward (``add_codes``: counts only), redemption
(reverse) and accrual (``release`` by hand, ``clawback``). ``process_points``'
own releases and expiries are system runs, not audited (their journal
entries tell them). ``webhook_endpoint`` calls the same function where it is
implemented.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

from loyalty.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    type: str
    id: str

    @classmethod
    def of_api_key(cls, api_key) -> Actor:
        return cls(AuditEvent.ActorType.API_KEY, api_key.prefix)

    @classmethod
    def of_user(cls, user) -> Actor:
        return cls(AuditEvent.ActorType.USER, user.get_username())

    @classmethod
    def of_command(cls, name: str) -> Actor:
        return cls(AuditEvent.ActorType.COMMAND, name)


SYSTEM = Actor(AuditEvent.ActorType.COMMAND, "system")


def render(value):
    """A value as the API renders it (JSON-safe)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [render(item) for item in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    return str(value)


def created(fields: dict) -> dict:
    return {name: [None, render(value)] for name, value in fields.items() if value not in (None, "", [], ())}


def deleted(fields: dict) -> dict:
    return {name: [render(value), None] for name, value in fields.items() if value not in (None, "", [], ())}


def changed(before: dict, after: dict) -> dict:
    out = {}
    for name in after:
        old, new = render(before.get(name)), render(after[name])
        if old != new:
            out[name] = [old, new]
    return out


def audit_record(
    actor: Actor | None,
    action: str,
    obj_type: str,
    obj_id,
    program_id,
    changes: dict,
    *,
    tenant_id,
) -> AuditEvent:
    """Record one change in the caller's transaction (insert-only, no lock)."""
    actor = actor or SYSTEM
    return AuditEvent.objects.create(
        tenant_id=tenant_id,
        actor_type=actor.type,
        actor_id=actor.id[:150],
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        program_id=program_id,
        changes=changes,
    )
