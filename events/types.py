"""
Every event type, in one place (the contract's "Events and webhooks" table).

The types of the points lifecycle (``accrual.released``, ``accrual.reversed``,
``points.expired``) are listed with the others: their services record them
with the same one call, :func:`events.services.event_record`.
"""

from __future__ import annotations

PARTICIPANT_CREATED = "participant.created"
PARTICIPANT_ENROLLED = "participant.enrolled"
ACCRUAL_CREATED = "accrual.created"
ACCRUAL_RELEASED = "accrual.released"
ACCRUAL_REVERSED = "accrual.reversed"
POINTS_EXPIRED = "points.expired"
REDEMPTION_CREATED = "redemption.created"
REDEMPTION_REVERSED = "redemption.reversed"
REWARD_CREATED = "reward.created"
REWARD_UPDATED = "reward.updated"
REWARD_OUT_OF_STOCK = "reward.out_of_stock"
REWARD_BACK_IN_STOCK = "reward.back_in_stock"

EVENT_TYPES: tuple[str, ...] = (
    PARTICIPANT_CREATED,
    PARTICIPANT_ENROLLED,
    ACCRUAL_CREATED,
    ACCRUAL_RELEASED,
    ACCRUAL_REVERSED,
    POINTS_EXPIRED,
    REDEMPTION_CREATED,
    REDEMPTION_REVERSED,
    REWARD_CREATED,
    REWARD_UPDATED,
    REWARD_OUT_OF_STOCK,
    REWARD_BACK_IN_STOCK,
)
EVENT_TYPE_CHOICES = [(type, type) for type in EVENT_TYPES]
ALL = "*"  # an endpoint's event_types ["*"]: every type, present and future
SUBSCRIBABLE_CHOICES = [(ALL, ALL), *EVENT_TYPE_CHOICES]
