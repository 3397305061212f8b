"""
Admin of the core: tenants and their members, users and groups (superusers
only), programs, API keys (superusers only), idempotency records (read-only).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse

from loyalty.admin_base import (
    AuditedDeleteAdmin,
    AuditHistoryAdmin,
    ReadOnlyAdmin,
    ReplicaChangeListAdmin,
    TenantScopedAdmin,
    adopt,
)
from loyalty.audit import Actor, audit_record, changed, created, deleted
from loyalty.models import ApiKey, AuditEvent, IdempotencyRecord, Membership, Program, Tenant
from loyalty.services import (
    api_key_create,
    api_key_revoke,
    program_create,
    program_fields,
    program_update,
    tenant_create,
)


class SuperusersOnly:
    """Only active superusers see and manage these pages (a staff member without it gets 403)."""

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request, obj=None):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(TenantScopedAdmin, admin.TabularInline):
    """The staff users who operate the tenant (they see only their tenants' objects in the admin)."""

    model = Membership
    fields = ("user", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # users have no tenant: a superuser picks any staff user
            kwargs["queryset"] = get_user_model()._default_manager.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Tenant)
class TenantAdmin(SuperusersOnly, AuditHistoryAdmin, ReplicaChangeListAdmin):
    audit_object_type = "tenant"
    """Tenants and their operators (the inline), for superusers. Created through the service; never deleted."""

    list_display = ("name", "created_at")
    search_fields = ("name",)
    readonly_fields = ("id", "created_at", "updated_at")
    fields = ("id", "name", "created_at", "updated_at")
    inlines = (MembershipInline,)

    def save_model(self, request, obj, form, change):
        actor = Actor.of_user(request.user)
        if change:
            obj.save(update_fields=["name", "updated_at"])  # in the admin's request transaction, with its record
            diff = changed({"name": form.initial.get("name")}, {"name": obj.name})
            if diff:
                audit_record(actor, "update", "tenant", obj.id, None, diff, tenant_id=obj.id)
        else:
            adopt(obj, tenant_create(name=form.cleaned_data["name"], actor=actor))

    def save_formset(self, request, form, formset, change):
        """Members added or removed (the inline), each recorded as a membership create or delete."""
        actor = Actor.of_user(request.user)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            fields = {"tenant_id": membership.tenant_id, "user": membership.user.get_username()}
            membership_id = membership.pk
            membership.delete()
            audit_record(actor, "delete", "membership", membership_id, None, deleted(fields),
                         tenant_id=fields["tenant_id"])
        for membership in instances:
            adding = membership._state.adding
            before = {} if adding else {"user": Membership.objects.get(pk=membership.pk).user.get_username()}
            membership.save()
            fields = {"tenant_id": membership.tenant_id, "user": membership.user.get_username()}
            audit_record(
                actor, "create" if adding else "update", "membership", membership.pk, None,
                created(fields) if adding else changed(before, {"user": fields["user"]}),
                tenant_id=membership.tenant_id,
            )
        formset.save_m2m()


# Users and groups are platform-wide (they have no tenant): only superusers see and manage
# them; to anyone else every user and group is missing (TenantScopedAdmin: 404, never a 403
# that would tell an existing id from a missing one).
admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class SuperuserUserAdmin(SuperusersOnly, TenantScopedAdmin, UserAdmin):
    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)


@admin.register(Group)
class SuperuserGroupAdmin(SuperusersOnly, TenantScopedAdmin, GroupAdmin):
    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)


@admin.register(Program)
class ProgramAdmin(AuditedDeleteAdmin, AuditHistoryAdmin, ReplicaChangeListAdmin):
    audit_object_type = "program"

    def audit_fields(self, obj):
        return program_fields(obj)

    def audit_program_id(self, obj):
        return obj.id

    list_display = ("name", "tenant", "status", "created_at")
    list_filter = ("tenant", "status")
    list_select_related = ("tenant",)
    search_fields = ("name",)

    def get_fields(self, request, obj=None):
        return ("id", "tenant", "name", "status", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("id", "created_at", "updated_at")
        return ("id", "tenant", "created_at", "updated_at")  # a program never changes tenant

    def save_model(self, request, obj, form, change):
        if change:
            changes = {field: form.cleaned_data[field] for field in form.changed_data if field in ("name", "status")}
            if changes:
                program_update(program=obj, actor=Actor.of_user(request.user), **changes)
        else:
            data = form.cleaned_data
            adopt(obj, program_create(tenant_id=data["tenant"].id, name=data["name"], status=data["status"],
                                      actor=Actor.of_user(request.user)))


class ApiKeyCreateForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("tenant", "name", "all_programs", "programs")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_programs") == bool(cleaned.get("programs")):
            raise forms.ValidationError("Choose some programs, or tick “all programs”, not both.")
        tenant = cleaned.get("tenant")
        if tenant is not None and any(program.tenant_id != tenant.id for program in cleaned.get("programs") or ()):
            self.add_error("programs", "Every program of a key must belong to the key's tenant.")
        return cleaned


@admin.register(ApiKey)
class ApiKeyAdmin(AuditHistoryAdmin, ReplicaChangeListAdmin):
    audit_object_type = "api_key"

    """
    API keys, for superusers only. Creating one shows its plain text once, on
    the page that answers the form (never in a message, a log or the
    database); afterwards only its prefix is known. Keys are revoked, not
    edited or deleted.
    """

    list_display = ("name", "tenant", "key_hint", "scope", "state", "created_at", "revoked_at")
    list_filter = ("tenant", "all_programs", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("tenant",)
    search_fields = ("name", "prefix__exact")
    actions = ("revoke",)
    form = ApiKeyCreateForm
    filter_horizontal = ("programs",)
    readonly_fields = ("tenant", "name", "key_hint", "all_programs", "scope", "state", "created_at", "revoked_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("programs")

    # Superusers manage keys; nobody edits or deletes them (revoke instead).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_revoke_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("tenant", "name", "all_programs", "programs")
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="key")
    def key_hint(self, obj: ApiKey) -> str:
        return f"lk_{obj.prefix}_…"

    @admin.display(description="programs")
    def scope(self, obj: ApiKey) -> str:
        if obj.all_programs:
            return "All the tenant's programs"
        return ", ".join(sorted(program.name for program in obj.programs.all())) or "—"

    @admin.display(description="state")
    def state(self, obj: ApiKey) -> str:
        return "revoked" if obj.is_revoked else "active"

    def save_model(self, request, obj, form, change):
        api_key, plain = api_key_create(
            name=form.cleaned_data["name"],
            tenant_id=form.cleaned_data["tenant"].id,
            program_ids=[program.id for program in form.cleaned_data["programs"]],
            all_programs=form.cleaned_data["all_programs"],
            actor=Actor.of_user(request.user),
        )
        adopt(obj, api_key)
        obj._plain_key = plain  # lives only until the response below is rendered

    def save_related(self, request, form, formsets, change):
        """The service has set the programs already."""

    def response_add(self, request, obj, post_url_continue=None):
        plain = getattr(obj, "_plain_key", None)
        if plain is None:  # pragma: no cover - every add goes through save_model
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "admin/loyalty/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "API key created",
                "api_key": obj,
                "plain_key": plain,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke selected API keys", permissions=["revoke"])
    def revoke(self, request, queryset):
        keys = list(queryset)
        for api_key in keys:
            api_key_revoke(prefix=api_key.prefix, actor=Actor.of_user(request.user))
        self.message_user(request, f"Revoked {len(keys)} API key(s).", messages.SUCCESS)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "program", "resource_id", "created_at")
    list_filter = ("kind", "program")
    list_select_related = ("program",)
    search_fields = ("key__exact", "resource_id__exact")
    raw_id_fields = ("program",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, read-only: who changed what, filtered by actor, object type and date."""

    list_display = ("created_at", "actor_type", "actor_id", "action", "object_type", "object_id", "program_id")
    list_filter = ("actor_type", "object_type", "action", ("created_at", admin.DateFieldListFilter))
    search_fields = ("actor_id__exact", "object_id__exact")
    date_hierarchy = "created_at"
    fields = ("id", "tenant", "created_at", "actor_type", "actor_id", "action", "object_type", "object_id",
              "program_id", "changes")
