"""Changes to an asset after creation (``ledger.services.asset_create`` creates it)."""

from __future__ import annotations

from ledger.models import Asset


def asset_rename(*, asset: Asset, name: str) -> Asset:
    """
    Change the asset's display name: the only field that may change, since
    its program, code and scale are baked into accounts and amounts.
    """
    asset.name = name
    asset.save(update_fields=["name"])
    return asset
