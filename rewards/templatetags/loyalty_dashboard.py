"""``{% dashboard_links as dashboards %}``: the admin index's "Dashboards" block (see templates/admin/index.html)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from loyalty.admin_base import tenant_scoped
from loyalty.models import Program
from rewards.dashboard_views import INDEX_URL_NAME, dashboards_allowed, program_dashboard_url

register = template.Library()

INDEX_PROGRAMS = 10


@register.simple_tag(takes_context=True)
def dashboard_links(context) -> dict | None:
    """Links to the dashboards of the user's tenants' programs, or None for users who may not see them."""
    request = context.get("request")
    if request is None or not dashboards_allowed(request.user):
        return None
    programs = list(tenant_scoped(Program.objects.order_by("name", "id"), request.user)[: INDEX_PROGRAMS + 1])
    return {
        "index_url": reverse(f"admin:{INDEX_URL_NAME}"),
        "programs": [
            {"name": program.name, "url": program_dashboard_url(program.pk)} for program in programs[:INDEX_PROGRAMS]
        ],
        "more": len(programs) > INDEX_PROGRAMS,
    }
