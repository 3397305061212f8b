"""
The ``data`` of the rewards' events: the object as its ``GET`` answers an
all-programs key at that moment (the API's own serializers, imported inside
the functions: the serializers import the services' defaults).
"""

from __future__ import annotations

from functools import cache

from events import types
from events.services import event_record
from rewards.models import Reward
from rewards.stock import ACTIVE, OUT_OF_STOCK


@cache  # one instance per process: building a DRF serializer copies its fields (about 1 ms); rendering
def _serializer(name: str):  # with to_representation() keeps no state, so one instance serves every call
    from rewards.api import serializers

    return getattr(serializers, name)()


def redemption_data(redemption) -> dict:
    """What ``RedemptionSerializer(redemption).data`` is (on the hot path: no serializer built per call)."""
    return _serializer("RedemptionSerializer").to_representation(redemption)


def reversal_data(reversal) -> dict:
    return _serializer("ReversalSerializer").to_representation(reversal)


def reward_data(reward: Reward) -> dict:
    return _serializer("RewardSerializer").to_representation(reward)


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
