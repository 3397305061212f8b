"""Admin of participants: their enrolments (added through the service) and read-only balances."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join

from ledger.models import Asset
from ledger.selectors import wallets_for_participant
from loyalty.admin_base import ReplicaChangeListAdmin, TenantScopedAdmin, amount
from participants.models import Enrollment, Participant
from participants.services import participant_enrol


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


@admin.register(Participant)
class ParticipantAdmin(ReplicaChangeListAdmin):
    list_display = ("external_id", "display_name", "email", "tenant", "created_at")
    list_filter = ("tenant",)
    list_select_related = ("tenant",)
    search_fields = ("external_id", "display_name", "email")
    inlines = (EnrollmentInline,)

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
