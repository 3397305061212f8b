"""
Resolve objects for a request, scoped to what its API key may see.

An object in a program the key may not see is answered 404, exactly as if it
did not exist; so is a malformed UUID in a path. A malformed UUID in a body
is 400 (the input serializer's job); a well-formed body id that names
nothing visible is 404 here too.
"""

from __future__ import annotations

import uuid

from loyalty.auth import KeyScope
from loyalty.errors import NotFound
from loyalty.models import Program


def parse_path_uuid(value) -> uuid.UUID:
    """A path id; anything that is not a UUID is 404."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("Not found.") from None


def get_visible(queryset, scope: KeyScope, *, program_field: str = "program_id", what: str = "object", **lookup):
    """``queryset.get(**lookup)`` limited to the key's programs; NotFound otherwise."""
    obj = scope.filter_programs(queryset, program_field).filter(**lookup).first()
    if obj is None:
        raise NotFound(f"Unknown {what}.")
    return obj


def program_get_visible(scope: KeyScope, program_id) -> Program:
    return get_visible(Program.objects.all(), scope, program_field="id", what="program", id=program_id)
