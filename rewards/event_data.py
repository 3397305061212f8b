"""
The ``data`` of the rewards' events: the object as its ``GET`` answers an
all-programs key at that moment (the API's own serializers, imported inside
the functions: the serializers import the services' defaults).
"""

from __future__ import annotations

from events import types
from events.services import event_record
from rewards.models import Reward
from rewards.stock import ACTIVE, OUT_OF_STOCK


def _represented(name: str, instance) -> dict:
    """``<name>(instance).data``, by the serializer built once (``loyalty.api.bound``)."""
    from loyalty.api.bound import represented
    from rewards.api import serializers

    return represented(getattr(serializers, name), instance)


def redemption_data(redemption) -> dict:
    return _represented("RedemptionSerializer", redemption)


def reversal_data(reversal) -> dict:
    return _represented("ReversalSerializer", reversal)


def reward_data(reward: Reward) -> dict:
    return _represented("RewardSerializer", reward)


def reward_event_record(reward: Reward, type: str) -> None:
    event_record(tenant_id=reward.tenant_id, type=type, program_id=reward.program_id, data=reward_data(reward))


def stock_flip_type(before: str, after: str) -> str | None:
    """``reward.out_of_stock`` or ``reward.back_in_stock`` when the status flipped for stock, else None."""
    if before == ACTIVE and after == OUT_OF_STOCK:
        return types.REWARD_OUT_OF_STOCK
    if before == OUT_OF_STOCK and after == ACTIVE:
        return types.REWARD_BACK_IN_STOCK
    return None


def reward_stock_flip_record(reward_id, *, tenant_id, before: str, after: str) -> None:
    """Record the stock event of a flip (re-reading the reward as it is now, under its row lock)."""
    type = stock_flip_type(before, after)
    if type is not None:
        reward = Reward.objects.select_related("asset").get(id=reward_id, tenant_id=tenant_id)
        reward_event_record(reward, type)
