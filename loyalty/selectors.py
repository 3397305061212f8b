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
from loyalty.models import AuditEvent, Program, Tenant


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


def audit_event_list(
    *,
    scope: KeyScope,
    object_type: str | None = None,
    object_id: str | None = None,
    program_id: uuid.UUID | None = None,
    actor_type: str | None = None,
) -> QuerySet[AuditEvent]:
    """
    The tenant's audit records that the key may see: an all-programs key
    every record of its tenant; a key of some programs only the records of
    those programs (not the tenant-wide ones: tenant, members, API keys).
    """
    events = AuditEvent.objects.filter(tenant_id=scope.tenant_id)
    if not scope.all_programs:
        events = events.filter(program_id__in=scope.program_ids)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if program_id is not None:
        events = events.filter(program_id=program_id)
    if actor_type:
        events = events.filter(actor_type=actor_type)
    return events
