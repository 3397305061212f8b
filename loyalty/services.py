"""Writes of the core: tenants, programs and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from loyalty.audit import Actor, audit_record, changed, created, render
from loyalty.auth import generate_key, hash_key
from loyalty.errors import NotFound, ValidationFailed
from loyalty.models import ApiKey, Program, Tenant


@dataclass(frozen=True)
class Created:
    """
    A service result: the record, and whether this call created it (201) or
    found it (200). ``rendered``: the record as the API renders it, when the
    service rendered it already (a new record's event carries exactly that as
    its data), so the answer does not render it a second time.
    """

    record: object
    created: bool
    rendered: dict | None = None


def program_fields(program: Program) -> dict:
    """A program's audited fields, as the API names them."""
    return {"name": program.name, "status": program.status}


def api_key_fields(api_key: ApiKey, program_ids=None) -> dict:
    """An API key's audited fields: never its hash or secret (the prefix only)."""
    if program_ids is None:
        program_ids = sorted(str(id) for id in api_key.programs.values_list("id", flat=True))
    return {
        "name": api_key.name,
        "prefix": api_key.prefix,
        "tenant_id": api_key.tenant_id,
        "all_programs": api_key.all_programs,
        "program_ids": sorted(str(id) for id in program_ids),
        "revoked_at": api_key.revoked_at,
    }


def tenant_create(*, name: str, actor: Actor | None = None) -> Tenant:
    """Create a tenant. Raises ``ValidationFailed`` on ``name`` (empty, over 200 characters, or taken)."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise ValidationFailed.on("name", "Must be 1-200 characters.")
    taken = ValidationFailed.on("name", f"A tenant named {name!r} exists already.")
    if Tenant.objects.filter(name=name).exists():
        raise taken
    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(name=name)
            audit_record(actor, "create", "tenant", tenant.id, None, created({"name": name}), tenant_id=tenant.id)
            return tenant
    except IntegrityError:  # a concurrent create won the unique constraint
        raise taken from None


def program_create(
    *, tenant_id: uuid.UUID, name: str, status: str = Program.Status.ACTIVE, actor: Actor | None = None
) -> Program:
    """Create a program of the tenant."""
    with transaction.atomic():
        program = Program.objects.create(tenant_id=tenant_id, name=name, status=status)
        audit_record(
            actor, "create", "program", program.id, program.id, created(program_fields(program)), tenant_id=tenant_id
        )
    return program


def program_update(*, program: Program, actor: Actor | None = None, **changes) -> Program:
    """Apply ``name`` / ``status`` changes (the audit record compares with the row as stored)."""
    for field in changes:
        if field not in {"name", "status"}:
            raise ValueError(f"Program field {field!r} cannot be changed.")
    with transaction.atomic():
        before = program_fields(Program.objects.select_for_update().get(pk=program.pk))
        for field, value in changes.items():
            setattr(program, field, value)
        program.save(update_fields=[*changes, "updated_at"])
        diff = changed(before, program_fields(program))
        if diff:
            audit_record(actor, "update", "program", program.id, program.id, diff, tenant_id=program.tenant_id)
    return program


def api_key_create(
    *,
    name: str,
    tenant_id: uuid.UUID | None = None,
    program_ids: Iterable[uuid.UUID] = (),
    all_programs: bool = False,
    actor: Actor | None = None,
) -> tuple[ApiKey, str]:
    """
    Create a key of one tenant, scoped to some of its programs or to all of
    them, and return it with its plain text, which is never stored (only its
    prefix and SHA-256).

    ``tenant_id`` may be omitted where it is implied: by the programs (all of
    one tenant), or, for an all-programs key, while exactly one tenant exists.
    Raises ``NotFound`` for an unknown program or tenant, ``ValidationFailed``
    when the tenant is not implied or a program is of another tenant.
    """
    program_ids = list(dict.fromkeys(program_ids))
    if all_programs == bool(program_ids):
        raise ValueError("Give either program ids or all_programs, not both or neither.")
    with transaction.atomic():
        programs = list(Program.objects.filter(id__in=program_ids))
        if len(programs) != len(program_ids):
            raise NotFound("Unknown program.")
        tenant_id = _key_tenant(tenant_id, programs)
        while True:
            prefix, plain = generate_key()
            if not ApiKey.objects.filter(prefix=prefix).exists():
                break
        api_key = ApiKey.objects.create(
            tenant_id=tenant_id, name=name, prefix=prefix, key_hash=hash_key(plain), all_programs=all_programs
        )
        api_key.programs.set(programs)
        audit_record(
            actor, "create", "api_key", api_key.id, None,
            created(api_key_fields(api_key, [program.id for program in programs])), tenant_id=tenant_id,
        )
    return api_key, plain


def _key_tenant(tenant_id: uuid.UUID | None, programs: list[Program]) -> uuid.UUID:
    """The tenant of a new key: the one named, else the one its programs (or the installation) imply."""
    tenants = {program.tenant_id for program in programs}
    if tenant_id is not None:
        if not Tenant.objects.filter(id=tenant_id).exists():
            raise NotFound("Unknown tenant.")
        if tenants - {tenant_id}:
            raise ValidationFailed.on("programs", "Every program of a key must belong to the key's tenant.")
        return tenant_id
    if len(tenants) > 1:
        raise ValidationFailed.on("programs", "The programs belong to several tenants; a key belongs to one.")
    if tenants:
        return tenants.pop()
    existing = list(Tenant.objects.values_list("id", flat=True)[:2])
    if len(existing) != 1:
        found = "none" if not existing else "several"
        raise ValidationFailed.on(
            "tenant", f"The key's tenant is implied only while exactly one tenant exists ({found} here)."
        )
    return existing[0]


def api_key_revoke(*, prefix: str, actor: Actor | None = None) -> ApiKey:
    """Revoke the key with this prefix (idempotent: a second revoke records nothing). Raises ``NotFound``."""
    with transaction.atomic():
        try:
            api_key = ApiKey.objects.select_for_update().get(prefix=prefix)
        except ApiKey.DoesNotExist:
            raise NotFound(f"No API key with prefix {prefix!r}.") from None
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
            audit_record(
                actor, "revoke", "api_key", api_key.id, None,
                {"revoked_at": [None, render(api_key.revoked_at)]},
                tenant_id=api_key.tenant_id,
            )
    return api_key

