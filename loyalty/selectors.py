"""
Reads of the core: programs, and the one way to read an object through an API key.

Selectors (here and in every app's ``selectors.py``) take keyword arguments
only. ``*_get`` returns the object or raises ``NotFound`` (never None);
``*_list`` returns a queryset the caller may filter, order or paginate.
An object in a program the key may not see is ``NotFound``, exactly as if
it did not exist.
"""

from __future__ import annotations

import uuid

from django.db.models import Model, QuerySet

from loyalty.auth import KeyScope
from loyalty.errors import NotFound
from loyalty.models import Program


def scoped_get(
    *, queryset: QuerySet, scope: KeyScope, object_id: uuid.UUID, what: str, program_field: str = "program_id"
) -> Model:
    """The object of ``queryset`` with this id in the key's programs; ``NotFound("Unknown <what>.")`` otherwise."""
    obj = scope.filter_programs(queryset, program_field).filter(pk=object_id).first()
    if obj is None:
        raise NotFound(f"Unknown {what}.")
    return obj


def program_list(*, scope: KeyScope) -> QuerySet[Program]:
    """The programs the key may see, newest first."""
    return scope.filter_programs(Program.objects.order_by("-created_at", "-id"), "id")


def program_get_visible(*, scope: KeyScope, program_id: uuid.UUID) -> Program:
    return scoped_get(
        queryset=Program.objects.all(), scope=scope, object_id=program_id, what="program", program_field="id"
    )
