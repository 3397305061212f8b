"""
Admin of participants: their enrolments (added through the service), read-only balances and lots, and the
lots themselves (read-only, with a clawback action through the service).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join

from ledger.models import Asset
from ledger.selectors import wallets_for_participant
from loyalty.admin_base import (
    AuditHistoryAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReplicaChangeListAdmin,
    TenantScopedAdmin,
    amount,
    tenant_scoped,
)
from loyalty.audit import Actor
from loyalty.errors import DomainError
from loyalty.models import Program
from participants.imports import COLUMNS, ImportFileError, import_stream, program_asset
from participants.models import Accrual, Enrollment, Participant
from participants.services import accrual_reversal_create, participant_enrol


class EnrollmentFormSet(BaseInlineFormSet):
    def clean(self):
        """
        Refuse a program of another tenant than the participant's, and one
        the participant is already enrolled in (the service would just keep
        the enrolment).
        """
        taken = set()
        if not self.instance._state.adding:
            taken = set(Enrollment.objects.filter(participant=self.instance).values_list("program_id", flat=True))
        for form in self.extra_forms:
            program = form.cleaned_data.get("program") if form.has_changed() else None
            if program is None:
                continue
            if program.tenant_id != self.instance.tenant_id:
                form.add_error("program", "A program of another tenant than the participant's.")
            elif program.id in taken:
                form.add_error("program", "Already enrolled in this program.")
            taken.add(program.id)
        super().clean()


class EnrollmentInline(TenantScopedAdmin, admin.TabularInline):
    """Enrol in more programs; an enrolment is never changed or removed here."""

    model = Enrollment
    formset = EnrollmentFormSet
    fields = ("program", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("program",)
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("program")

    def has_change_permission(self, request, obj=None):
        return False


ADMIN_IMPORT_MAX_BYTES = 1024 * 1024  # a few thousand rows; larger files: manage.py import_participants
ADMIN_IMPORT_BAD_ROWS_SHOWN = 500


class ParticipantImportForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    asset = forms.CharField(
        required=False, max_length=32, help_text="The asset code of the opening balances (needed when the program "
        "has more than one).",
    )
    file = forms.FileField(
        help_text=f"CSV, UTF-8, header {','.join(COLUMNS)} (the last four columns may be empty or absent); "
        f"at most {ADMIN_IMPORT_MAX_BYTES // 1024} KiB. Larger files: manage.py import_participants.",
    )
    dry_run = forms.BooleanField(required=False, help_text="Check every row and change nothing.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = tenant_scoped(Program.objects.order_by("name"), user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ADMIN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file has {upload.size:,} bytes; the admin imports at most {ADMIN_IMPORT_MAX_BYTES:,} "
                "(use manage.py import_participants)."
            )
        return upload


@admin.register(Participant)
class ParticipantAdmin(ReplicaChangeListAdmin):
    change_list_template = "admin/participants/participant/change_list.html"
    list_display = ("external_id", "display_name", "email", "tenant", "created_at")
    list_filter = ("tenant",)
    list_select_related = ("tenant",)
    search_fields = ("external_id", "display_name", "email")
    inlines = (EnrollmentInline,)

    def get_inlines(self, request, obj=None):
        """The lots (``LotInline``, below) on the page (GET) only: read-only, so a POST of the form carries none."""
        if obj is not None and request.method == "GET":
            return (EnrollmentInline, LotInline)
        return self.inlines

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("tenant", "external_id", "display_name", "email")
        return ("id", "tenant", "external_id", "display_name", "email", "balances", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # external_id is the integrators' handle on the participant; it never changes tenant.
        return ("id", "tenant", "external_id", "balances", "created_at", "updated_at")

    def has_delete_permission(self, request, obj=None):
        # Enrolments, wallets and movements point at the participant.
        return False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="participants_participant_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """
        The bulk import of ``manage.py import_participants`` for small files:
        the same rows, checks, idempotency keys and accruals (one
        transaction per chunk), then a result page with every bad row.
        """
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ParticipantImportForm(request.POST or None, request.FILES or None, user=request.user)
        result = None
        if request.method == "POST" and form.is_valid():
            program = form.cleaned_data["program"]
            try:
                asset = program_asset(program, form.cleaned_data["asset"] or None)
                result = import_stream(
                    form.cleaned_data["file"].open("rb"), program=program, asset=asset,
                    dry_run=form.cleaned_data["dry_run"], keep_bad=ADMIN_IMPORT_BAD_ROWS_SHOWN,
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            except OperationalError as exc:  # pragma: no cover - the database went away
                form.add_error(None, f"Database error: {exc}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import participants",
            "form": form,
            "result": result,
            "dry_run": form.cleaned_data.get("dry_run") if form.is_bound and form.is_valid() else False,
        }
        return TemplateResponse(request, "admin/participants/participant/import.html", context)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Enrollment:  # pragma: no cover - the only inline
            return super().save_formset(request, form, formset, change)
        participant = form.instance
        enrolled = []
        for inline_form in formset.extra_forms:
            program = inline_form.cleaned_data.get("program") if inline_form.has_changed() else None
            if program is None:
                continue
            # A participant added on this page is announced (participant.created) with its first program.
            participant_enrol(program=program, external_id=participant.external_id, just_created=not change and not enrolled)
            enrolled.append(Enrollment.objects.select_related("program").get(participant=participant, program=program))
        # What the admin's change message reads from a saved formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = enrolled, [], []

    @admin.display(description="balances")
    def balances(self, obj: Participant) -> str:
        assets = list(
            Asset.objects.filter(tenant_id=obj.tenant_id, program__enrollments__participant=obj)
            .select_related("program")
            .order_by("code")
        )
        if not assets:
            return "—"
        wallets = wallets_for_participant(
            tenant_id=obj.tenant_id, participant_id=obj.id, asset_ids=[asset.id for asset in assets]
        )
        rows = (
            (
                asset.program.name,
                asset.code,
                amount(wallets[asset.id].balance if asset.id in wallets else Decimal(0), asset.scale),
            )
            for asset in assets
        )
        return format_html(
            "<table><thead><tr><th>Program</th><th>Asset</th><th>Balance</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )


# --- lots (the points lifecycle) --------------------------------------------------------------


CLAWBACK_PERMISSION = "participants.add_accrualreversal"


class LotInline(ReadOnlyInline):
    """The participant's lots, newest first, read-only (a clawback is an action of the Accruals list)."""

    model = Accrual
    fk_name = "participant"
    fields = (
        "asset", "amount_display", "status_display", "available_at", "expires_at", "remaining_display",
        "spent_display", "expired_display", "reversed_display",
    )
    readonly_fields = fields
    show_change_link = True
    verbose_name = "lot"
    verbose_name_plural = "lots (accruals)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("asset").order_by("-created_at", "-id")

    @admin.display(description="amount")
    def amount_display(self, obj: Accrual) -> str:
        return amount(obj.amount, obj.asset.scale)

    @admin.display(description="status")
    def status_display(self, obj: Accrual) -> str:
        return obj.status

    @admin.display(description="remaining")
    def remaining_display(self, obj: Accrual) -> str:
        return amount(obj.remaining, obj.asset.scale)

    @admin.display(description="spent")
    def spent_display(self, obj: Accrual) -> str:
        return amount(obj.spent_amount, obj.asset.scale)

    @admin.display(description="expired")
    def expired_display(self, obj: Accrual) -> str:
        return amount(obj.expired_amount, obj.asset.scale)

    @admin.display(description="clawed back")
    def reversed_display(self, obj: Accrual) -> str:
        return amount(obj.reversed_amount, obj.asset.scale)




@admin.register(Accrual)
class AccrualAdmin(AuditHistoryAdmin, ReadOnlyAdmin):
    """Lots, read-only; users with ``CLAWBACK_PERMISSION`` may claw back what remains of lots."""

    audit_object_type = "accrual"  # its History page lists its releases and clawbacks

    list_display = ("created_at", "id", "participant", "asset", "amount", "status_display", "remaining", "expires_at")
    list_filter = ("program",)
    list_select_related = ("participant", "asset")
    search_fields = ("id__exact", "participant__external_id__exact")
    show_full_result_count = False
    actions = ("claw_back_remaining",)
    fields = (
        "id", "created_at", "program", "participant", "asset", "amount", "description", "available_at", "expires_at",
        "released", "remaining", "spent_amount", "expired_amount", "reversed_amount", "journal_entry",
        "idempotency_key",
    )
    readonly_fields = fields

    @admin.display(description="status")
    def status_display(self, obj: Accrual) -> str:
        return obj.status

    def has_clawback_permission(self, request) -> bool:
        return request.user.has_perm(CLAWBACK_PERMISSION)

    @admin.action(description="Claw back what remains of the selected lots", permissions=["clawback"])
    def claw_back_remaining(self, request, queryset):
        """One ``ACCRUAL_REVERSAL`` per lot through the service (its own transaction each); empty lots are skipped."""
        done = 0
        for lot in queryset.select_related("asset"):
            try:
                accrual_reversal_create(
                    accrual=lot,
                    reason=f"Clawback in the admin by {request.user.get_username()}",
                    actor=Actor.of_user(request.user),
                )
            except DomainError as exc:
                self.message_user(request, f"Lot {lot.id}: {exc.message}", messages.WARNING)
            else:
                done += 1
                self.log_change(request, lot, "Clawed back what remained")
        self.message_user(request, f"Clawed back {done} lot(s).", messages.SUCCESS)
