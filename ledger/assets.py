"""Changes to an asset after creation (``ledger.services.asset_create`` creates it)."""

from __future__ import annotations

from django.db import transaction

from ledger.models import Asset
from loyalty.audit import Actor, audit_record, changed


def asset_rename(*, asset: Asset, name: str, actor: Actor | None = None) -> Asset:
    """
    Change the asset's display name: the only field that may change, since
    its program, code and scale are baked into accounts and amounts.
    """
    with transaction.atomic():
        before = Asset.objects.select_for_update().values_list("name", flat=True).get(pk=asset.pk)
        asset.name = name
        asset.save(update_fields=["name"])
        diff = changed({"name": before}, {"name": name})
        if diff:
            audit_record(actor, "update", "asset", asset.id, asset.program_id, diff, tenant_id=asset.tenant_id)
    return asset
