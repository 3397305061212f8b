"""Writes of the core: programs and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from loyalty.auth import generate_key, hash_key
from loyalty.errors import NotFound
from loyalty.models import ApiKey, Program


@dataclass(frozen=True)
class Created:
    """A service result: the record, and whether this call created it (201) or found it (200)."""

    record: object
    created: bool


def program_create(*, name: str, status: str = Program.Status.ACTIVE) -> Program:
    return Program.objects.create(name=name, status=status)


def program_update(*, program: Program, **changes) -> Program:
    """Apply ``name`` / ``status`` changes."""
    for field, value in changes.items():
        if field not in {"name", "status"}:
            raise ValueError(f"Program field {field!r} cannot be changed.")
        setattr(program, field, value)
    program.save(update_fields=[*changes, "updated_at"])
    return program


def api_key_create(
    *, name: str, program_ids: Iterable[uuid.UUID] = (), all_programs: bool = False
) -> tuple[ApiKey, str]:
    """
    Create a key and return it with its plain text, which is never stored
    (only its prefix and SHA-256). Raises ``NotFound`` for an unknown program.
    """
    program_ids = list(dict.fromkeys(program_ids))
    if all_programs == bool(program_ids):
        raise ValueError("Give either program ids or all_programs, not both or neither.")
    with transaction.atomic():
        programs = list(Program.objects.filter(id__in=program_ids))
        if len(programs) != len(program_ids):
            raise NotFound("Unknown program.")
        while True:
            prefix, plain = generate_key()
            if not ApiKey.objects.filter(prefix=prefix).exists():
                break
        api_key = ApiKey.objects.create(name=name, prefix=prefix, key_hash=hash_key(plain), all_programs=all_programs)
        api_key.programs.set(programs)
    return api_key, plain


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
