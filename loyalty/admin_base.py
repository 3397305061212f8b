"""
Building blocks of the operator back-office (the Django admin).

The admin is a thin interface over the services: writes go through them
(``save_model``, actions and forms call them), and the ledger and its
movements are read-only for everyone.

Operators see only their tenants. Staff users are members of tenants
(``Membership``); :class:`TenantScopedAdmin`, a mixin of every ModelAdmin
and inline of the project (through :class:`ReplicaChangeListAdmin`,
:class:`ReadOnlyAdmin` and :class:`ReadOnlyInline`), limits to the user's
tenants everything an admin page reads through its ``get_queryset`` (change
lists, search, detail pages, history, delete pages, actions, the
autocomplete of fields that point at the model, and custom views that
fetch their object with ``get_object``), every foreign-key and many-to-many
choice of its forms, and the choices of its related-field filters; an
object of another tenant answers 404, exactly like a missing one.
Superusers see every tenant.
"""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from loyalty.models import Membership, Tenant
from loyalty.money import format_amount
from loyalty.replicas import read_with_fallback

# The operators' group. Migration loyalty 0002 creates it with its own copy of
# the name (a migration is history); loyalty/tests/test_admin.py checks they agree.
OPERATOR_GROUP = "operator"


# --- tenants ------------------------------------------------------------------------------


def user_tenant_ids(user) -> frozenset[uuid.UUID] | None:
    """
    The tenants an admin user may see: None for an active superuser (every
    tenant), else the ids of their memberships (one query, kept on the user
    object for the rest of the request).
    """
    if user.is_active and user.is_superuser:
        return None
    if not hasattr(user, "_tenant_ids"):
        user._tenant_ids = frozenset(Membership.objects.filter(user_id=user.pk).values_list("tenant_id", flat=True))
    return user._tenant_ids


def tenant_condition(model: type[models.Model], user) -> Q | None:
    """
    What ``user`` may see of ``model``: None (everything, for superusers),
    else a condition on the model's ``tenant`` (or, for tenants themselves,
    on their id). A model with no tenant is shown to nobody but superusers.
    """
    tenant_ids = user_tenant_ids(user)
    if tenant_ids is None:
        return None
    if issubclass(model, Tenant):
        return Q(pk__in=tenant_ids)
    try:
        model._meta.get_field("tenant")
    except FieldDoesNotExist:
        return Q(pk__in=[])
    return Q(tenant_id__in=tenant_ids)


def tenant_scoped(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` limited to what ``user`` may see (see :func:`tenant_condition`)."""
    condition = tenant_condition(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


class TenantRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter whose choices are the user's tenants' objects only."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        condition = tenant_condition(field.related_model, request.user)
        if condition is None:
            return field.get_choices(include_blank=False, ordering=ordering)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=condition)


class TenantScopedAdmin:
    """
    The tenant mixin of a ``ModelAdmin`` or an inline (see the module's
    docstring). A custom view of a ModelAdmin stays scoped by reading its
    objects through ``self.get_queryset(request)`` or ``self.get_object``,
    and answering a None from the latter with
    ``self._get_obj_does_not_exist_redirect`` (a 404 here).
    """

    def get_queryset(self, request):
        return tenant_scoped(super().get_queryset(request), request.user)

    def get_field_queryset(self, db, db_field, request):
        """The choices of a foreign-key or many-to-many field: the user's tenants' objects only."""
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db)
        return tenant_scoped(queryset, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "tenant" and formfield is not None and not db_field.blank:
            only = list(formfield.queryset[:2])
            if len(only) == 1:  # an operator of one tenant: nothing to choose
                formfield.initial = only[0].pk
                formfield.empty_label = None
        return formfield

    def get_list_filter(self, request):
        """Every filter on a related field lists only the user's tenants' objects."""
        return [self._tenant_filter(entry) for entry in super().get_list_filter(request)]

    def _tenant_filter(self, entry):
        if not isinstance(entry, str):
            return entry
        field = get_fields_from_path(self.model, entry)[-1]
        return (entry, TenantRelatedFieldListFilter) if field.is_relation else entry

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """A missing object, or one of another tenant, is 404 (Django redirects to the index)."""
        raise Http404(f"No {opts.verbose_name} with this id.")


class ReplicaChangeListAdmin(TenantScopedAdmin, admin.ModelAdmin):
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


class ReadOnlyInline(TenantScopedAdmin, admin.TabularInline):
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


class AuditedDeleteAdmin:
    """
    A ModelAdmin whose deletes (the delete page and the bulk action) are
    recorded in the audit trail, in the admin's transaction: set
    ``audit_object_type`` and define ``audit_fields(obj)`` (API field names)
    and ``audit_program_id(obj)``.
    """

    audit_object_type = ""

    def audit_fields(self, obj) -> dict:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def audit_program_id(self, obj):
        return None

    def _delete_audited(self, request, obj) -> None:
        from django.db import transaction

        from loyalty.audit import Actor, audit_record, deleted

        with transaction.atomic():
            object_id, fields, program_id = obj.pk, self.audit_fields(obj), self.audit_program_id(obj)
            obj.delete()
            audit_record(
                Actor.of_user(request.user), "delete", self.audit_object_type, object_id, program_id,
                deleted(fields), tenant_id=obj.tenant_id,
            )

    def delete_model(self, request, obj):
        self._delete_audited(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._delete_audited(request, obj)


class AuditHistoryAdmin:
    """
    The object's History page (the admin's own) shows its audit records
    too: every change made to it through the API, the admin or a command,
    with the actor and the fields (``loyalty.audit``), limited to the user's
    tenants. ``audit_object_type`` names the object in the trail.
    """

    audit_object_type = ""
    object_history_template = "admin/audit_object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        from loyalty.models import AuditEvent

        events = tenant_scoped(
            AuditEvent.objects.filter(object_type=self.audit_object_type, object_id=str(object_id)), request.user
        ).order_by("-created_at", "-id")[:500]
        return super().history_view(request, object_id, {**(extra_context or {}), "audit_events": events})


def timestamp_text(value) -> str:
    """As the API renders a moment: ISO 8601 in UTC with a ``Z``."""
    from datetime import UTC

    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class CsvExportAdmin:
    """
    An "Export CSV" link on the change list that downloads the rows of the
    current filter and search (the change list's own query, so tenant-scoped
    like the page), streamed; cells are made safe for spreadsheets
    (``loyalty.csv_safe``). Set ``csv_filename``, ``csv_header`` and ``csv_rows(queryset)``.
    """

    change_list_template = "admin/csv_export_change_list.html"
    csv_filename = "export.csv"
    csv_header: tuple[str, ...] = ()

    def csv_rows(self, queryset):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_urls(self):
        from django.urls import path

        info = self.opts.app_label, self.opts.model_name
        return [
            path("export.csv", self.admin_site.admin_view(self.export_csv_view), name=f"{info[0]}_{info[1]}_export_csv"),
            *super().get_urls(),
        ]

    def export_csv_view(self, request):
        from django.core.exceptions import PermissionDenied
        from django.http import StreamingHttpResponse

        from loyalty.csv_safe import csv_lines

        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
        response = StreamingHttpResponse(
            csv_lines(self.csv_header, self.csv_rows(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}"'
        return response
