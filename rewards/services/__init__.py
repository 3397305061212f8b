"""Writes of the rewards app, one module per concept: catalog, redemptions, reversals."""

from rewards.services.catalog import reward_create, reward_set_active, reward_update
from rewards.services.codes import reward_codes_add
from rewards.services.redemptions import redemption_create_catalog, redemption_create_direct
from rewards.services.reversals import reversal_create

__all__ = [
    "redemption_create_catalog",
    "redemption_create_direct",
    "reversal_create",
    "reward_codes_add",
    "reward_create",
    "reward_set_active",
    "reward_update",
]
