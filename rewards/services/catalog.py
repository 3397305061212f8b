"""The reward catalog: create and change rewards, keeping the status rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from events import types as event_types
from ledger.models import Asset
from loyalty.audit import Actor, audit_record, changed, created
from loyalty.errors import NotFound, ValidationFailed
from loyalty.models import Program
from loyalty.money import amount_check_scale, format_amount
from rewards.event_data import reward_event_record, stock_flip_type
from rewards.locks import reward_lock
from rewards.models import Reward
from rewards.stock import ACTIVE, INACTIVE, stock_status

NONE, CODES = Reward.Fulfilment.NONE, Reward.Fulfilment.CODES

UPDATABLE_FIELDS = {
    "name",
    "description",
    "unit_cost",
    "min_amount",
    "max_amount",
    "status",
    "max_total",
    "max_per_participant",
    "available_from",
    "available_until",
}


AMOUNT_FIELDS = ("unit_cost", "min_amount", "max_amount")
COUNT_FIELDS = ("max_total", "max_per_participant")


def _validate(reward: Reward, asset: Asset, *, given: set[str]) -> None:
    """
    Check the reward's combination of fields. ``given`` names the fields the
    caller set now: their scale is checked as written (stored values carry
    four places and were checked when they were set).
    """
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if reward.type == Reward.Type.UNIT_BASED:
        if reward.unit_cost is None:
            add("unit_cost", "Required for a UNIT_BASED reward.")
        if reward.min_amount is not None:
            add("min_amount", "Only AMOUNT_BASED rewards have a min_amount.")
        if reward.max_amount is not None:
            add("max_amount", "Only AMOUNT_BASED rewards have a max_amount.")
    else:
        if reward.unit_cost is not None:
            add("unit_cost", "Must be null for an AMOUNT_BASED reward.")
        if reward.min_amount is not None and reward.max_amount is not None and reward.min_amount > reward.max_amount:
            add("min_amount", "Must be less than or equal to max_amount.")
    for field in AMOUNT_FIELDS:
        value: Decimal | None = getattr(reward, field)
        if value is not None and value <= 0:
            add(field, "Must be greater than zero.")
        elif value is not None and field in given:
            try:
                amount_check_scale(amount=value, scale=asset.scale, field=field)
            except ValidationFailed as exc:
                for message in exc.fields[field]:
                    add(field, message)
    for field in COUNT_FIELDS:
        value = getattr(reward, field)
        if value is not None and value < 1:
            add(field, "Must be null (unlimited) or at least 1.")
    start: datetime | None = reward.available_from
    end: datetime | None = reward.available_until
    if start is not None and end is not None and not start < end:
        add("available_from", "Must be earlier than available_until.")
    if errors:
        raise ValidationFailed(
            "Invalid reward. " + "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), fields=errors
        )


def reward_fields(reward: Reward) -> dict:
    """A reward's audited fields, as the API names and renders them (amounts at the asset's scale)."""
    scale = reward.asset.scale
    return {
        "program_id": reward.program_id, "asset_id": reward.asset_id, "name": reward.name,
        "description": reward.description, "type": reward.type, "fulfilment": reward.fulfilment,
        "unit_cost": format_amount(reward.unit_cost, scale), "min_amount": format_amount(reward.min_amount, scale),
        "max_amount": format_amount(reward.max_amount, scale), "status": reward.status, "max_total": reward.max_total,
        "max_per_participant": reward.max_per_participant, "available_from": reward.available_from,
        "available_until": reward.available_until,
    }


def reward_create(
    *, program: Program, asset: Asset, type: str, name: str, status: str = ACTIVE, fulfilment: str = NONE,
    actor: Actor | None = None, **fields,
) -> Reward:
    """
    Create a catalog item priced in ``asset`` (which must belong to ``program``,
    else ``NotFound``). Raises ``ValidationFailed`` for any invalid combination.
    """
    reward = reward_build(
        program=program, asset=asset, type=type, name=name, status=status, fulfilment=fulfilment, **fields
    )
    with transaction.atomic():
        reward.save(force_insert=True)
        reward_event_record(reward, event_types.REWARD_CREATED)
        audit_record(
            actor, "create", "reward", reward.id, reward.program_id, created(reward_fields(reward)),
            tenant_id=reward.tenant_id,
        )
    return reward


def reward_build(
    *, program: Program, asset: Asset, type: str, name: str, status: str = ACTIVE, fulfilment: str = NONE, **fields
) -> Reward:
    """
    The unsaved reward :func:`reward_create` would insert (no query); raises
    what it would raise. A CODES reward (UNIT_BASED only, else 400 on
    ``fulfilment``) starts with no code: OUT_OF_STOCK unless INACTIVE.
    """
    if asset.program_id != program.id:
        raise NotFound("Unknown asset.")
    _status_check(status)
    if fulfilment == CODES and type != Reward.Type.UNIT_BASED:
        raise ValidationFailed.on("fulfilment", "Only UNIT_BASED rewards can hand out codes.")
    unknown = set(fields) - (UPDATABLE_FIELDS - {"name", "status"})
    if unknown:  # pragma: no cover - the API's input serializer names the fields
        raise TypeError(f"Unknown reward fields: {sorted(unknown)}")
    reward = Reward(
        tenant_id=program.tenant_id,
        program=program,
        asset=asset,
        type=type,
        name=name,
        fulfilment=fulfilment,
        codes_available=0 if fulfilment == CODES else None,
        **fields,
    )
    _validate(reward, asset, given=set(fields))
    reward.status = stock_status(
        status=status, max_total=reward.max_total, redeemed_count=0, codes_available=reward.codes_available
    )
    return reward


def reward_update(*, reward: Reward, actor: Actor | None = None, **changes) -> Reward:
    """
    Change a reward under its row lock (:func:`reward_change`, then save).
    Raises ``ValidationFailed``.
    """
    with transaction.atomic():
        locked = reward_lock(reward_id=reward.id)
        before_status = locked.status
        before = reward_fields(locked)
        reward_change(reward=locked, **changes)
        locked.save()
        reward_event_record(locked, event_types.REWARD_UPDATED)
        flip = stock_flip_type(before_status, locked.status)
        if flip is not None:
            reward_event_record(locked, flip)
        diff = changed(before, reward_fields(locked))
        if diff:
            audit_record(actor, "update", "reward", locked.id, locked.program_id, diff, tenant_id=locked.tenant_id)
    return locked


def reward_change(*, reward: Reward, **changes) -> Reward:
    """
    Apply ``changes`` to ``reward`` in memory and check the result (no write).
    ``type`` cannot change (400); asking for ACTIVE with no stock left keeps
    OUT_OF_STOCK; raising ``max_total`` above ``redeemed_count`` reactivates
    an OUT_OF_STOCK reward, lowering it to ``redeemed_count`` or below makes
    it OUT_OF_STOCK. Raises ``ValidationFailed``.
    """
    if "type" in changes and changes["type"] != reward.type:
        raise ValidationFailed.on("type", "The type of a reward cannot change.")
    if "fulfilment" in changes and changes["fulfilment"] != reward.fulfilment:
        raise ValidationFailed.on("fulfilment", "The fulfilment of a reward cannot change.")
    changes.pop("type", None)
    changes.pop("fulfilment", None)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:  # pragma: no cover - the API's input serializer names the fields
        raise TypeError(f"Unknown reward fields: {sorted(unknown)}")
    if "status" in changes:
        _status_check(changes["status"])
    wanted = changes.pop("status", INACTIVE if reward.status == INACTIVE else ACTIVE)
    for field, value in changes.items():
        setattr(reward, field, value)
    _validate(reward, reward.asset, given=set(changes))
    reward.status = stock_status(
        status=wanted,
        max_total=reward.max_total,
        redeemed_count=reward.redeemed_count,
        codes_available=reward.codes_available,
    )
    return reward


def _status_check(status: str) -> None:
    if status not in (ACTIVE, INACTIVE):
        raise ValidationFailed.on("status", "Must be ACTIVE or INACTIVE (OUT_OF_STOCK is set by the system).")


def reward_set_active(*, reward: Reward, active: bool, actor: Actor | None = None) -> Reward:
    """Operator switch between ACTIVE and INACTIVE (stock still decides OUT_OF_STOCK)."""
    return reward_update(reward=reward, status=ACTIVE if active else INACTIVE, actor=actor)
