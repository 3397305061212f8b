"""
Reads of the core: programs, tenants, and the one way to read an object through an API key.

Selectors (here and in every app's ``selectors.py``) take keyword arguments
only. ``*_get`` returns the object or raises ``NotFound`` (never None);
``*_list`` returns a queryset the caller may filter, order or paginate.
An object of another tenant, or in a program the key may not see, is
``NotFound``, exactly as if it did not exist: every read through a key
filters on the key's tenant first (``KeyScope.filter_visible``), then on its
programs.
"""

from __future__ import annotations

import uuid

from django.db.models import Model, QuerySet

from loyalty.auth import KeyScope
from loyalty.errors import NotFound
from loyalty.models import Program, Tenant


def scoped_get(
    *, queryset: QuerySet, scope: KeyScope, object_id: uuid.UUID, what: str, program_field: str = "program_id"
) -> Model:
    """The object of ``queryset`` with this id in the key's tenant and programs; ``NotFound("Unknown <what>.")`` otherwise."""
    obj = scope.filter_visible(queryset, program_field).filter(pk=object_id).first()
    if obj is None:
        raise NotFound(f"Unknown {what}.")
    return obj


def program_list(*, scope: KeyScope) -> QuerySet[Program]:
    """The programs the key may see, newest first."""
    return scope.filter_visible(Program.objects.order_by("-created_at", "-id"), "id")


def program_get_visible(*, scope: KeyScope, program_id: uuid.UUID) -> Program:
    return scoped_get(
        queryset=Program.objects.all(), scope=scope, object_id=program_id, what="program", program_field="id"
    )


def tenant_get(*, tenant_id: uuid.UUID) -> Tenant:
    """The tenant (of a key: it exists as long as the key does)."""
    return Tenant.objects.get(id=tenant_id)
