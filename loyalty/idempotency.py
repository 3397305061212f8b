"""
Idempotency keys: shared machinery for every movement (accruals, redemptions,
reversals).

A key is bound, per program, to the first request that succeeded with it: a
fingerprint of its endpoint, path ids and body (after defaults) and the id of
the record it created. :func:`idempotency_claim` runs inside the movement's
transaction, before any business lock, as one ``INSERT ... ON CONFLICT DO
NOTHING``; the unique index arbitrates races:

- no row yet: the insert wins, the caller proceeds and must create its record
  with the pre-generated ``resource_id``. If the caller fails, the insert rolls
  back with everything else and the key stays free;
- a committed row: same fingerprint -> the caller answers 200 with that record;
  different -> ``IdempotencyKeyReused`` (409);
- an in-flight row: PostgreSQL makes the insert wait for that transaction, then
  behaves as one of the two cases above. On SQLite, ``BEGIN IMMEDIATE`` already
  serializes writers.

The catalog redemption sends the claim (:func:`idempotency_claim_sql`) as the
first part of the statement that locks the wallet, one round trip fewer; the
wallet's lock is conditioned on the claim, so a taken key locks nothing.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from decimal import Decimal
from functools import partial

from django.utils import timezone

from loyalty import sql
from loyalty.errors import IdempotencyKeyReused, ValidationFailed
from loyalty.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


def _canonical(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def request_fingerprint(*, endpoint: str, path_ids: dict, body: dict) -> str:
    """Hash of what makes two requests "the same": endpoint, path ids, body after defaults."""
    payload = {"endpoint": endpoint, "path": _canonical(path_ids), "body": _canonical(body)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def resolve_idempotency_key(*, body_key: str | None, header_key: str | None) -> str | None:
    """Pick the key from the body or the ``Idempotency-Key`` header; both and different is 400."""
    if header_key is not None:
        if not (1 <= len(header_key) <= MAX_KEY_LENGTH):
            raise ValidationFailed.on("idempotency_key", f"Must be 1-{MAX_KEY_LENGTH} characters.")
        if body_key is not None and body_key != header_key:
            raise ValidationFailed.on(
                "idempotency_key", "The body's idempotency_key and the Idempotency-Key header differ."
            )
    return body_key if body_key is not None else header_key


def idempotency_claim(
    *, tenant_id: uuid.UUID, program_id: uuid.UUID, key: str, fingerprint: str, kind: str, resource_id: uuid.UUID
) -> uuid.UUID | None:
    """
    Claim ``key`` for a new record inside the caller's transaction.

    Returns None when the caller now owns the key (and must create its record
    with ``resource_id``), or the id of the record an identical earlier request
    created. Raises ``IdempotencyKeyReused`` when the key belongs to a
    different request. May block while a concurrent transaction holds the key.
    """
    claim = idempotency_claim_sql(
        tenant_id=tenant_id, program_id=program_id, key=key, fingerprint=fingerprint, kind=kind,
        resource_id=resource_id,
    )
    if sql.fetchone(*claim) is not None:
        return None
    return idempotency_earlier(tenant_id=tenant_id, program_id=program_id, key=key, fingerprint=fingerprint, kind=kind)


def idempotency_claim_sql(
    *, tenant_id: uuid.UUID, program_id: uuid.UUID, key: str, fingerprint: str, kind: str, resource_id: uuid.UUID
) -> tuple[str, list]:
    """
    The claim of :func:`idempotency_claim` as ``(sql, params)``: ``INSERT ...
    ON CONFLICT DO NOTHING RETURNING id``, one row back when the caller now
    owns the key, none when an earlier request holds it (then
    :func:`idempotency_earlier` tells which). For a caller that runs the claim
    as the first part of a larger statement (the catalog redemption's
    ``rewards.locks.wallet_lock_and_count_add``).
    """
    insert, params = sql.insert_values(
        IdempotencyRecord,
        tenant_id=tenant_id,
        program_id=program_id,
        key=key,
        fingerprint=fingerprint,
        kind=kind,
        resource_id=resource_id,
        created_at=timezone.now(),
    )
    column = partial(sql.column, IdempotencyRecord)
    return f"{insert} ON CONFLICT ({column('program_id')}, {column('key')}) DO NOTHING RETURNING {column('id')}", params


def idempotency_earlier(*, tenant_id: uuid.UUID, program_id: uuid.UUID, key: str, fingerprint: str, kind: str) -> uuid.UUID:
    """
    After a claim that found ``key`` taken (the request holding it has
    committed: the claim waited for it): the id of the record an identical
    earlier request created. Raises ``IdempotencyKeyReused`` when the key
    belongs to a different request.
    """
    existing = IdempotencyRecord.objects.only("fingerprint", "kind", "resource_id").get(
        tenant_id=tenant_id, program_id=program_id, key=key
    )
    if not _same_request(existing.fingerprint, existing.kind, fingerprint, kind):
        raise key_reused()
    return existing.resource_id


def _same_request(earlier_fingerprint: str, earlier_kind: str, fingerprint: str, kind: str) -> bool:
    """The one rule: a key's earlier record answers a request with the same fingerprint and kind."""
    return earlier_fingerprint == fingerprint and earlier_kind == kind


def key_reused() -> IdempotencyKeyReused:
    """The error for a key an earlier, different request holds (409 ``idempotency_key_reused``)."""
    return IdempotencyKeyReused("The idempotency key was used before with a different request; nothing was changed.")


def idempotency_replay(
    *,
    tenant_id: uuid.UUID,
    program_id: uuid.UUID,
    key: str | None,
    fingerprint: str,
    kind: str,
    resource_id: uuid.UUID,
    load,
):
    """
    The movements' first step: claim ``key`` (if one was given) for the
    record about to be created with ``resource_id``, and return
    ``load(existing_id)`` when an identical earlier request already made it
    (the caller answers 200 with it), or None when the caller proceeds.
    """
    if key is None:
        return None
    existing = idempotency_claim(
        tenant_id=tenant_id, program_id=program_id, key=key, fingerprint=fingerprint, kind=kind, resource_id=resource_id
    )
    return None if existing is None else load(existing)


# A key of idempotency_claim_many's answer that was used before by another request.
REUSED = object()


def idempotency_claim_many(
    *, tenant_id: uuid.UUID, program_id: uuid.UUID, kind: str, claims: list[tuple[str, str, uuid.UUID]]
) -> dict[str, object]:
    """
    :func:`idempotency_claim` for many keys at once (the bulk import's
    chunks): ``claims`` are ``(key, fingerprint, resource_id)`` with distinct
    keys. Claims them all in one ``INSERT ... ON CONFLICT DO NOTHING`` (one
    array per column on PostgreSQL), then reads the keys that were taken
    before in one query. Returns, for each of those, the id of the record an
    identical earlier request created, or :data:`REUSED` (the key belongs to
    a different request); the caller owns every key not in the answer. May
    block while concurrent transactions hold some of the keys.
    """
    if not claims:
        return {}
    column = partial(sql.column, IdempotencyRecord)
    now = timezone.now()
    owner = {"tenant_id": tenant_id, "program_id": program_id, "kind": kind, "created_at": now}
    on_conflict = f"ON CONFLICT ({column('program_id')}, {column('key')}) DO NOTHING RETURNING {column('key')}"
    if sql.is_postgresql():
        insert, params = sql.insert_arrays(
            IdempotencyRecord,
            {
                "key": [key for key, _, _ in claims],
                "fingerprint": [fingerprint for _, fingerprint, _ in claims],
                "resource_id": [resource_id for _, _, resource_id in claims],
            },
            **owner,
        )
        won = {row[0] for row in sql.fetchall(f"{insert} {on_conflict}", params)}
    else:
        won = set()
        for key, fingerprint, resource_id in claims:
            insert, params = sql.insert_values(
                IdempotencyRecord, **owner, key=key, fingerprint=fingerprint, resource_id=resource_id
            )
            if sql.fetchone(f"{insert} {on_conflict}", params) is not None:
                won.add(key)
    return idempotency_find_many(
        tenant_id=tenant_id, program_id=program_id, kind=kind, claims=[c for c in claims if c[0] not in won]
    )


def idempotency_find_many(
    *, tenant_id: uuid.UUID, program_id: uuid.UUID, kind: str, claims: list[tuple[str, str, uuid.UUID]]
) -> dict[str, object]:
    """
    The keys of ``claims`` that earlier requests hold, read without claiming
    anything (one query): for each, the id of the record an identical earlier
    request created, or :data:`REUSED`. A key not in the answer is free.
    """
    wanted = {key: fingerprint for key, fingerprint, _ in claims}
    if not wanted:
        return {}
    earlier = IdempotencyRecord.objects.filter(
        tenant_id=tenant_id, program_id=program_id, key__any=list(wanted)
    ).values_list("key", "fingerprint", "kind", "resource_id")
    return {
        key: resource_id if _same_request(fingerprint, earlier_kind, wanted[key], kind) else REUSED
        for key, fingerprint, earlier_kind, resource_id in earlier
    }
