"""
Admin of the rewards app: the catalog (through the catalog service),
redemptions (read-only, with a "Reverse" form that calls the reversal
service) and reversals (read-only).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats

from loyalty.admin import ProgramAdmin
from loyalty.admin_base import (
    AuditedDeleteAdmin,
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
from loyalty.errors import DomainError
from loyalty.models import Program
from rewards.admin_forms import ReversalAdminForm, RewardAdminForm, RewardCodesUploadForm
from rewards.dashboard_views import ProgramDashboards
from rewards.models import Redemption, Reversal, Reward, mask_code
from rewards.selectors import redemption_codes, reward_code_counts
from rewards.services import reversal_create, reward_codes_add, reward_set_active
from rewards.services.catalog import reward_fields
from rewards.services.codes import MAX_CODES

REVERSE_PERMISSION = "rewards.add_reversal"


def _when(value) -> str:
    return formats.date_format(value, "Y-m-d H:i") if value is not None else ""


@admin.register(Reward)
class RewardAdmin(AuditedDeleteAdmin, AuditHistoryAdmin, ReplicaChangeListAdmin):
    audit_object_type = "reward"

    def audit_fields(self, obj):
        return reward_fields(obj)

    def audit_program_id(self, obj):
        return obj.program_id

    form = RewardAdminForm
    change_form_template = "admin/rewards/reward/change_form.html"
    list_display = ("name", "program", "type", "cost", "status_code", "stock", "window")
    list_filter = ("program", "status", "type")
    list_select_related = ("program", "asset")
    search_fields = ("name",)
    autocomplete_fields = ("program", "asset")
    actions = ("activate", "deactivate")

    def get_fieldsets(self, request, obj=None):
        price = ("Price", {"fields": ("unit_cost", "min_amount", "max_amount")})
        limits = ("max_total", "max_per_participant", "available_from", "available_until")
        if obj is None:
            return (
                (None, {"fields": ("program", "asset", "name", "description", "type", "fulfilment")}),
                price,
                ("Availability", {"fields": ("status", *limits)}),
            )
        codes = (("Codes", {"fields": ("code_counts",)}),) if obj.fulfilment == Reward.Fulfilment.CODES else ()
        return (
            (None, {"fields": ("id", "program", "asset", "name", "description", "type", "fulfilment")}),
            price,
            (
                "Availability",
                {"fields": ("status_code", "status", "redeemed_count", *limits)},
            ),
            *codes,
            ("History", {"fields": ("created_at", "updated_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "id", "program", "asset", "type", "fulfilment", "status_code", "redeemed_count", "code_counts",
            "created_at", "updated_at",
        )

    @admin.display(description="codes")
    def code_counts(self, obj: Reward) -> str:
        counts = reward_code_counts(reward=obj)
        return f"{counts['available']} available, {counts['issued']} issued, {counts['voided']} voided"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_upload_codes"] = (
            obj is not None
            and obj.fulfilment == Reward.Fulfilment.CODES
            and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_urls(self):
        app_label, model_name = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/codes/",
                self.admin_site.admin_view(self.upload_codes_view),
                name=f"{app_label}_{model_name}_codes",
            ),
            *super().get_urls(),
        ]

    def upload_codes_view(self, request, object_id):
        """Upload a text/CSV file of codes to a CODES reward (the codes service, in batches of 10,000)."""
        reward = self.get_object(request, unquote(object_id))
        if reward is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, reward):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[reward.pk])
        form = RewardCodesUploadForm(request.POST or None, request.FILES or None)
        if form.is_bound and form.is_valid():
            codes = form.cleaned_data["file"]
            try:
                added, duplicates = 0, []
                for start in range(0, len(codes), MAX_CODES):
                    result = reward_codes_add(
                        reward=reward, codes=codes[start : start + MAX_CODES], actor=Actor.of_user(request.user)
                    )
                    added += result.added
                    duplicates += result.duplicates
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.log_change(request, reward, f"Added {added} code(s)")
                self.message_user(request, f"Added {added} code(s).", messages.SUCCESS)
                if duplicates:
                    shown = ", ".join(mask_code(code) for code in duplicates[:20])
                    more = f" and {len(duplicates) - 20} more" if len(duplicates) > 20 else ""
                    self.message_user(
                        request,
                        f"{len(duplicates)} duplicate(s) not added (already in this reward or repeated in the "
                        f"file): {shown}{more}.",
                        messages.WARNING,
                    )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Upload codes",
            "reward": reward,
            "counts": reward_code_counts(reward=reward),
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/rewards/reward/upload_codes.html", context)

    def save_model(self, request, obj, form, change):
        adopt(obj, form.save_through_service(actor=Actor.of_user(request.user)))

    @admin.display(description="cost")
    def cost(self, obj: Reward) -> str:
        scale = obj.asset.scale
        if obj.type == Reward.Type.UNIT_BASED:
            return amount(obj.unit_cost, scale)
        if obj.min_amount is None and obj.max_amount is None:
            return "any amount"
        low = amount(obj.min_amount, scale) if obj.min_amount is not None else "0"
        high = amount(obj.max_amount, scale) if obj.max_amount is not None else "∞"
        return f"{low} – {high}"

    @admin.display(description="status", ordering="status")
    def status_code(self, obj: Reward) -> str:
        return obj.status

    @admin.display(description="stock (redeemed / max)")
    def stock(self, obj: Reward) -> str:
        return f"{obj.redeemed_count} / {obj.max_total if obj.max_total is not None else '∞'}"

    @admin.display(description="window")
    def window(self, obj: Reward) -> str:
        if obj.available_from is None and obj.available_until is None:
            return "always"
        return f"{_when(obj.available_from) or '…'} – {_when(obj.available_until) or '…'}"

    @admin.action(description="Activate selected rewards", permissions=["change"])
    def activate(self, request, queryset):
        self._set_active(request, queryset, active=True)

    @admin.action(description="Deactivate selected rewards", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, active=False)

    def _set_active(self, request, queryset, *, active: bool) -> None:
        changed, sold_out = 0, []
        for reward in queryset:
            try:
                reward = reward_set_active(reward=reward, active=active, actor=Actor.of_user(request.user))
            except DomainError as exc:
                self.message_user(request, f"{reward.name}: {exc.message}", messages.ERROR)
                continue
            changed += 1
            if active and reward.status == Reward.Status.OUT_OF_STOCK:
                sold_out.append(reward.name)
        verb = "Activated" if active else "Deactivated"
        self.message_user(request, f"{verb} {changed} reward(s).", messages.SUCCESS)
        if sold_out:
            self.message_user(
                request,
                f"No stock left, so OUT_OF_STOCK until max_total is raised: {', '.join(sold_out)}.",
                messages.WARNING,
            )


class ReversalInline(ReadOnlyInline):
    model = Reversal
    fk_name = "redemption"
    fields = ("created_at", "amount_display", "quantity", "restock", "reason", "created_by", "journal_entry")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("redemption__asset", "created_by_user", "created_by_api_key", "journal_entry")
        )

    @admin.display(description="amount")
    def amount_display(self, obj: Reversal) -> str:
        return amount(obj.amount, obj.redemption.asset.scale)

    @admin.display(description="by")
    def created_by(self, obj: Reversal) -> str:
        return obj.author


@admin.register(Redemption)
class RedemptionAdmin(CsvExportAdmin, AuditHistoryAdmin, ReadOnlyAdmin):
    """
    Redemptions, read-only. Users with ``rewards.add_reversal`` get a
    "Reverse" button on the redemption page; its form calls the reversal
    service as themselves. "Export CSV" downloads the current filter.
    """

    audit_object_type = "redemption"
    csv_filename = "redemptions.csv"
    csv_header = (
        "id", "created_at", "program", "participant_external_id", "reward", "asset_code", "amount", "quantity",
        "status", "reversed_amount", "reversed_quantity",
    )

    def csv_rows(self, queryset):
        for r in queryset.select_related("program", "participant", "reward", "asset").iterator(chunk_size=2000):
            scale = r.asset.scale
            yield (
                r.id, timestamp_text(r.created_at), r.program.name, r.participant.external_id,
                r.reward.name if r.reward_id else "", r.asset.code, amount(r.amount, scale), r.quantity, r.status,
                amount(r.reversed_amount, scale), r.reversed_quantity,
            )

    change_form_template = "admin/rewards/redemption/change_form.html"
    list_display = (
        "created_at",
        "id",
        "program",
        "participant",
        "reward",
        "amount_display",
        "quantity",
        "status_code",
        "reversed_display",
    )
    list_filter = ("program", "status", "reward")
    list_select_related = ("program", "participant", "reward", "asset")
    search_fields = ("id__exact", "participant__external_id__exact")
    show_full_result_count = False
    fields = (
        "id",
        "created_at",
        "updated_at",
        "program",
        "participant",
        "reward",
        "asset",
        "status_code",
        "amount_display",
        "quantity",
        "unit_cost_display",
        "reversed_display",
        "codes_display",
        "description",
        "journal_entry",
        "idempotency_key",
    )
    readonly_fields = fields
    inlines = (ReversalInline,)

    @admin.display(description="codes")
    def codes_display(self, obj: Redemption) -> str:
        """The codes issued to it, masked (all but the last 4 characters); voided ones marked."""
        codes, voided = redemption_codes(obj)
        if codes is None:
            return "—"
        return ", ".join(mask_code(code) + (" (voided)" if code in voided else "") for code in codes)

    @admin.display(description="amount")
    def amount_display(self, obj: Redemption) -> str:
        return amount(obj.amount, obj.asset.scale)

    @admin.display(description="unit cost")
    def unit_cost_display(self, obj: Redemption) -> str:
        return amount(obj.unit_cost, obj.asset.scale)

    @admin.display(description="status", ordering="status")
    def status_code(self, obj: Redemption) -> str:
        return obj.status

    @admin.display(description="reversed")
    def reversed_display(self, obj: Redemption) -> str:
        text = amount(obj.reversed_amount, obj.asset.scale)
        if obj.quantity is not None:
            text += f" ({obj.reversed_quantity or 0} of {obj.quantity} units)"
        return text

    def has_reverse_permission(self, request) -> bool:
        return request.user.has_perm(REVERSE_PERMISSION)

    def get_urls(self):
        app_label, model_name = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/reverse/",
                self.admin_site.admin_view(self.reverse_view),
                name=f"{app_label}_{model_name}_reverse",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_reverse"] = (
            obj is not None
            and obj.status != Redemption.Status.FULLY_REVERSED
            and self.has_reverse_permission(request)
        )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def reverse_view(self, request, object_id):
        """Show and handle the reversal form of one redemption (no request transaction: the service has its own)."""
        if not (self.has_view_permission(request) and self.has_reverse_permission(request)):
            raise PermissionDenied
        redemption = self.get_object(request, unquote(object_id))
        if redemption is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[redemption.pk])
        form = ReversalAdminForm(request.POST if request.method == "POST" else None, redemption=redemption)
        if form.is_bound and form.is_valid():
            try:
                result = reversal_create(redemption=redemption, user=request.user, **form.service_kwargs())
            except DomainError as exc:
                form.add_service_error(exc)
            else:
                reversal = result.record
                if result.created:
                    text = f"Reversed {amount(reversal.amount, redemption.asset.scale)}"
                    if reversal.quantity is not None:
                        text += f" ({reversal.quantity} unit(s))"
                    self.log_change(request, redemption, text)
                    self.message_user(request, f"{text}.", messages.SUCCESS)
                else:
                    self.message_user(request, "This reversal was already recorded.", messages.INFO)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Reverse redemption",
            "redemption": redemption,
            "remaining": self._remaining(redemption),
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/rewards/redemption/reverse.html", context)

    @staticmethod
    def _remaining(redemption: Redemption) -> str:
        text = amount(redemption.remaining_amount, redemption.asset.scale)
        if redemption.quantity is not None:
            text += f" ({redemption.remaining_quantity} of {redemption.quantity} units)"
        return text


@admin.register(Reversal)
class ReversalAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "id", "program", "redemption", "amount_display", "quantity", "restock", "created_by")
    list_filter = ("program", "restock")
    list_select_related = ("program", "redemption__asset", "created_by_user", "created_by_api_key")
    search_fields = ("id__exact", "redemption__id__exact")
    show_full_result_count = False
    fields = (
        "id",
        "created_at",
        "program",
        "redemption",
        "amount_display",
        "quantity",
        "restock",
        "stock_returned",
        "reason",
        "created_by",
        "journal_entry",
        "idempotency_key",
    )
    readonly_fields = fields

    @admin.display(description="amount")
    def amount_display(self, obj: Reversal) -> str:
        return amount(obj.amount, obj.redemption.asset.scale)

    @admin.display(description="by")
    def created_by(self, obj: Reversal) -> str:
        return obj.author


# The operators' dashboards read every app, so they live at the top of the
# import chain (rewards): the program admin is extended here, so that the core
# never imports rewards.
admin.site.unregister(Program)


@admin.register(Program)
class ProgramWithDashboardsAdmin(ProgramAdmin):
    def get_urls(self):
        return [*ProgramDashboards(self).get_urls(), *super().get_urls()]
