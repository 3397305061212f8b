"""
Building blocks of the operator back-office (the Django admin).

The admin is a thin interface over the services: writes go through them
(``save_model``, actions and forms call them), and the ledger and its
movements are read-only for everyone.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from loyalty.money import format_amount
from loyalty.replicas import read_with_fallback

# The operators' group. Migration loyalty 0002 creates it with its own copy of
# the name (a migration is history); loyalty/tests/test_admin.py checks they agree.
OPERATOR_GROUP = "operator"


class ReplicaChangeListAdmin(admin.ModelAdmin):
    """
    A change list shown with GET reads the read replica when there is one
    (``loyalty.replicas``: the primary when it is down), its count, filters'
    results and search included. Everything else (the change form, actions
    and list edits posted to the change list) reads and writes the primary.
    """

    def changelist_view(self, request, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return super().changelist_view(request, extra_context)

        def render(alias: str):
            request._reporting_alias = alias
            try:
                response = super(ReplicaChangeListAdmin, self).changelist_view(request, extra_context)
                if hasattr(response, "render"):
                    response.render()  # run the page's queries here, where a failed replica falls back
                return response
            finally:
                del request._reporting_alias

        return read_with_fallback(render)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        alias = getattr(request, "_reporting_alias", None)
        return queryset.using(alias) if alias else queryset


class ReadOnlyAdmin(ReplicaChangeListAdmin):
    """
    A view-only admin: no add, change or delete for anyone, superusers included.

    For rows that only a service may write (ledger rows, redemptions,
    reversals, idempotency records). Users with the ``view`` permission see
    the list and a read-only detail page. These tables grow without bound, so
    the filters never show per-option counts (one COUNT per option).
    """

    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """A view-only tabular inline (same rules as :class:`ReadOnlyAdmin`)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def adopt(target: models.Model, saved: models.Model) -> None:
    """
    Make ``target`` (the admin's unsaved form instance) the row ``saved`` that a
    service wrote, so the admin's redirect, history and messages use it.
    """
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


def amount(value, scale: int) -> str:
    """An amount with exactly the asset's decimal places, or an em dash for none."""
    return "—" if value is None else format_amount(value, scale)
