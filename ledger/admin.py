"""
Admin of the ledger: assets (created through the service; only the name
changes later), and accounts and journal entries, read-only for everyone.
"""

from __future__ import annotations

from django.contrib import admin

from ledger.assets import asset_rename
from ledger.models import Account, Asset, JournalEntry, JournalLine
from ledger.selectors import account_balance_get
from ledger.services import asset_create
from loyalty.admin_base import (
    AuditHistoryAdmin,
    CsvExportAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReplicaChangeListAdmin,
    adopt,
    amount,
    timestamp_text,
)
from loyalty.audit import Actor


@admin.register(Asset)
class AssetAdmin(AuditHistoryAdmin, ReplicaChangeListAdmin):
    audit_object_type = "asset"
    list_display = ("code", "name", "program", "scale", "created_at")
    list_filter = ("program",)
    list_select_related = ("program",)
    search_fields = ("code", "name")
    autocomplete_fields = ("program",)
    fields = ("id", "program", "code", "name", "scale", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("id", "created_at")
        return ("id", "program", "code", "scale", "created_at")

    def has_delete_permission(self, request, obj=None):
        # Its program accounts (ledger rows) point at it.
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            if "name" in form.changed_data:
                asset_rename(asset=obj, name=data["name"], actor=Actor.of_user(request.user))
        else:
            adopt(
                obj,
                asset_create(
                    program=data["program"], code=data["code"], name=data["name"], scale=data["scale"],
                    actor=Actor.of_user(request.user),
                ),
            )


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "program", "asset", "participant", "balance_in_list", "updated_at")
    list_filter = ("type", "program")
    list_select_related = ("program", "asset", "participant")
    search_fields = ("participant__external_id__exact", "id__exact")
    fields = ("id", "type", "program", "asset", "participant", "balance_on_page", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(description="balance")
    def balance_in_list(self, obj: Account) -> str:
        # Program accounts derive their balance from all their lines: too
        # costly for a list of many rows, so the detail page shows it.
        if obj.balance is None:
            return "derived (open the account)"
        return amount(obj.balance, obj.asset.scale)

    @admin.display(description="balance")
    def balance_on_page(self, obj: Account) -> str:
        return amount(account_balance_get(account=obj), obj.asset.scale)


class JournalLineInline(ReadOnlyInline):
    model = JournalLine
    fields = ("account", "direction", "amount_display")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account", "asset").order_by("direction", "id")

    @admin.display(description="amount")
    def amount_display(self, obj: JournalLine) -> str:
        return amount(obj.amount, obj.asset.scale)


@admin.register(JournalEntry)
class JournalEntryAdmin(CsvExportAdmin, ReadOnlyAdmin):
    """Journal entries, read-only; "Export CSV" downloads the entries of the current filter."""

    csv_filename = "journal-entries.csv"
    csv_header = ("id", "created_at", "kind", "program", "description", "reverses_entry_id")

    def csv_rows(self, queryset):
        for entry in queryset.select_related("program").iterator(chunk_size=2000):
            yield (
                entry.id, timestamp_text(entry.created_at), entry.kind, entry.program.name, entry.description,
                entry.reverses_id or "",
            )

    list_display = ("id", "created_at", "kind", "program", "description", "reverses")
    list_filter = ("kind", "program")
    list_select_related = ("program", "reverses")
    search_fields = ("id__exact", "reverses__id__exact")
    fields = ("id", "created_at", "kind", "program", "description", "reverses")
    readonly_fields = fields
    inlines = (JournalLineInline,)
