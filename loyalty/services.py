"""Writes of the core: tenants, programs and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from loyalty.auth import generate_key, hash_key
from loyalty.errors import NotFound, ValidationFailed
from loyalty.models import ApiKey, Program, Tenant


@dataclass(frozen=True)
class Created:
    """A service result: the record, and whether this call created it (201) or found it (200)."""

    record: object
    created: bool


def tenant_create(*, name: str) -> Tenant:
    """Create a tenant. Raises ``ValidationFailed`` on ``name`` (empty, over 200 characters, or taken)."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise ValidationFailed.on("name", "Must be 1-200 characters.")
    taken = ValidationFailed.on("name", f"A tenant named {name!r} exists already.")
    if Tenant.objects.filter(name=name).exists():
        raise taken
    try:
        with transaction.atomic():
            return Tenant.objects.create(name=name)
    except IntegrityError:  # a concurrent create won the unique constraint
        raise taken from None


def program_create(*, tenant_id: uuid.UUID, name: str, status: str = Program.Status.ACTIVE) -> Program:
    """Create a program of the tenant."""
    return Program.objects.create(tenant_id=tenant_id, name=name, status=status)


def program_update(*, program: Program, **changes) -> Program:
    """Apply ``name`` / ``status`` changes."""
    for field, value in changes.items():
        if field not in {"name", "status"}:
            raise ValueError(f"Program field {field!r} cannot be changed.")
        setattr(program, field, value)
    program.save(update_fields=[*changes, "updated_at"])
    return program


def api_key_create(
    *,
    name: str,
    tenant_id: uuid.UUID | None = None,
    program_ids: Iterable[uuid.UUID] = (),
    all_programs: bool = False,
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


def api_key_revoke(*, prefix: str) -> ApiKey:
    """Revoke the key with this prefix (idempotent). Raises ``NotFound``."""
    try:
        api_key = ApiKey.objects.get(prefix=prefix)
    except ApiKey.DoesNotExist:
        raise NotFound(f"No API key with prefix {prefix!r}.") from None
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key
