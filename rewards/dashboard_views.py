"""
The operators' per-program dashboard in the admin.

``ProgramAdmin.get_urls`` mounts :class:`ProgramDashboards` under the
program admin (``/admin/loyalty/program/dashboards/`` lists the programs,
``/admin/loyalty/program/<id>/dashboard/`` shows one), behind the admin
site's own ``admin_view`` (login, staff, CSRF, no-cache). Only superusers
and members of the "operator" group may see them; other staff get a 403.
An operator sees the programs of their tenants only (the program admin's
tenant-scoped queryset, ``loyalty.admin_base``): another tenant's dashboard
is 404, like a missing one. The figures come from ``rewards.dashboard``
(aggregates only), read from the read replica when there is one
(``loyalty.replicas``).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from loyalty.admin_base import OPERATOR_GROUP, tenant_scoped
from loyalty.models import Program
from loyalty.money import format_amount, quantum
from loyalty.replicas import read_with_fallback
from rewards.dashboard import ProgramDashboard, program_dashboard_get
from rewards.dashboard_chart import BarChart, bar_chart

INDEX_URL_NAME = "loyalty_program_dashboards"
PROGRAM_URL_NAME = "loyalty_program_dashboard"


def dashboards_allowed(user) -> bool:
    """Superusers and active staff in the "operator" group (one query for the latter, cached on the user)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_dashboards_allowed"):
        user._dashboards_allowed = user.groups.filter(name=OPERATOR_GROUP).exists()
    return user._dashboards_allowed


def program_dashboard_url(program_id) -> str:
    return reverse(f"admin:{PROGRAM_URL_NAME}", args=[program_id])


class ProgramDashboards:
    """The dashboard views, bound to the program's ModelAdmin (for its site, options and object lookup)."""

    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site

    def get_urls(self):
        admin_view = self.admin_site.admin_view
        return [
            path("dashboards/", admin_view(self.index_view), name=INDEX_URL_NAME),
            path("<path:object_id>/dashboard/", admin_view(self.program_view), name=PROGRAM_URL_NAME),
        ]

    def _context(self, request, title: str) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model_admin.opts, "title": title}

    def index_view(self, request):
        """List the programs of the user's tenants, each linking to its dashboard."""
        if not dashboards_allowed(request.user):
            raise PermissionDenied

        def programs_of_the_users_tenants(alias: str) -> list[Program]:
            return list(tenant_scoped(Program.objects.using(alias), request.user).order_by("name", "id"))

        programs = [
            {"program": program, "url": program_dashboard_url(program.pk)}
            for program in read_with_fallback(programs_of_the_users_tenants)
        ]
        return TemplateResponse(
            request,
            "admin/dashboard/programs.html",
            {**self._context(request, "Program dashboards"), "programs": programs},
        )

    def program_view(self, request, object_id):
        """Show one program's dashboard."""
        if not dashboards_allowed(request.user):
            raise PermissionDenied
        program = self.model_admin.get_object(request, unquote(object_id))
        if program is None:
            return self.model_admin._get_obj_does_not_exist_redirect(request, self.model_admin.opts, object_id)
        dashboard = read_with_fallback(lambda alias: program_dashboard_get(program=program, using=alias))
        return TemplateResponse(
            request,
            "admin/dashboard/program.html",
            {
                **self._context(request, f"Dashboard: {program.name}"),
                "program": program,
                "dashboard": dashboard,
                "index_url": reverse(f"admin:{INDEX_URL_NAME}"),
                "change_url": reverse("admin:loyalty_program_change", args=[program.pk]),
                **_presentation(dashboard),
            },
        )


def _presentation(dashboard: ProgramDashboard) -> dict:
    """Turn the selector's figures into rows and charts with every amount formatted at its asset's scale."""
    day_label = f"Day ({timezone.get_current_timezone_name()})"
    liabilities = [
        {
            "code": row.code,
            "name": row.name,
            "wallets_total": format_amount(row.wallets_total, row.scale),
            "pending_total": format_amount(row.pending_total, row.scale),
            "issued": format_amount(row.issued, row.scale),
            "redeemed": format_amount(row.redeemed, row.scale),
            "expired": format_amount(row.expired, row.scale),
            "owed": format_amount(row.owed, row.scale),
            "expiring_soon": format_amount(row.expiring_soon, row.scale),
            "balanced": row.balanced,
        }
        for row in dashboard.liabilities
    ]
    charts: list[BarChart] = [
        bar_chart(
            id="chart-redemptions",
            title="Redemptions per day",
            value_label="Redemptions",
            series=[(day.day, Decimal(day.count)) for day in dashboard.days],
            day_label=day_label,
            fmt=lambda value: str(int(value)),
            min_step=Decimal(1),
        )
    ]
    for figure, verb in (("points", "redeemed"), ("expired", "expired")):
        for index, row in enumerate(dashboard.liabilities):
            charts.append(
                bar_chart(
                    id=f"chart-{figure}-{index}",
                    title=f"Points {verb} per day ({row.code})",
                    value_label=f"{row.code} {verb}",
                    series=[(day.day, getattr(day, figure).get(row.asset_id, Decimal(0))) for day in dashboard.days],
                    day_label=day_label,
                    fmt=lambda value, scale=row.scale: format_amount(value, scale),
                    min_step=quantum(row.scale),
                )
            )
    days = [
        {
            "day": day.day,
            "count": day.count,
            "points": [
                format_amount(day.points.get(row.asset_id, Decimal(0)), row.scale) for row in dashboard.liabilities
            ],
            "expired": [
                format_amount(day.expired.get(row.asset_id, Decimal(0)), row.scale) for row in dashboard.liabilities
            ],
        }
        for day in reversed(dashboard.days)
    ]
    top_rewards = [
        {
            "name": row.name,
            "type": row.type,
            "url": reverse("admin:rewards_reward_change", args=[row.reward_id]),
            "redemptions": row.redemptions,
            "units": row.units,
            "points": format_amount(row.points, row.scale),
            "reversed_points": format_amount(row.reversed_points, row.scale),
        }
        for row in dashboard.top_rewards
    ]
    low_stock = [
        {
            "name": row.name,
            "url": reverse("admin:rewards_reward_change", args=[row.reward_id]),
            "status": row.status,
            "units_left": row.units_left,
            "max_total": row.max_total,
        }
        for row in dashboard.low_stock
    ]
    reversals = [
        {
            "created_at": reversal.created_at,
            "redemption": reversal.redemption,
            "redemption_url": reverse("admin:rewards_redemption_change", args=[reversal.redemption_id]),
            "reward": reversal.redemption.reward.name if reversal.redemption.reward_id else "direct redemption",
            "participant": reversal.redemption.participant.external_id,
            "amount": format_amount(reversal.amount, reversal.redemption.asset.scale),
            "asset": reversal.redemption.asset.code,
            "quantity": reversal.quantity,
            "reason": reversal.reason,
            "author": reversal.author,
        }
        for reversal in dashboard.recent_reversals
    ]
    return {
        "liabilities": liabilities,
        "charts": charts,
        "days": days,
        "asset_codes": [row.code for row in dashboard.liabilities],
        "top_rewards": top_rewards,
        "low_stock": low_stock,
        "reversals": reversals,
    }
