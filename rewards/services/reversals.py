"""
Reversals: refund a redemption, whole or in part, with a new REVERSAL entry.

The original journal entry is never edited: the refund is a new balanced
entry (credit the wallet, debit the program's REDEMPTIONS account) that
points at it with ``reverses``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.utils import timezone

from ledger.locks import wallet_lock
from ledger.models import Account, JournalEntry
from ledger.selectors import program_account_ref
from ledger.services import CREDIT, DEBIT, Line, journal_entry_post
from loyalty.db import in_transaction
from loyalty.errors import RedemptionFullyReversed, ReversalExceedsRemaining, ValidationFailed
from loyalty.idempotency import idempotency_replay, request_fingerprint
from loyalty.models import ApiKey, IdempotencyRecord
from loyalty.money import amount_check_scale, format_amount
from loyalty.services import Created
from rewards.locks import participant_count_release, redemption_lock, reward_stock_return
from rewards.models import Redemption, Reversal, Reward

UNIT_BASED = Reward.Type.UNIT_BASED


def _kind(redemption: Redemption) -> str | None:
    """UNIT_BASED, AMOUNT_BASED, or None for a direct redemption."""
    if redemption.reward_id is None:
        return None
    return UNIT_BASED if redemption.quantity is not None else Reward.Type.AMOUNT_BASED


def _check_shape(redemption: Redemption, quantity: int | None, amount: Decimal | None, restock: bool | None) -> None:
    kind = _kind(redemption)
    if kind == UNIT_BASED and amount is not None:
        raise ValidationFailed.on("amount", "A UNIT_BASED redemption is reversed by quantity, not amount.")
    if kind != UNIT_BASED and quantity is not None:
        raise ValidationFailed.on("quantity", "Only UNIT_BASED catalog redemptions are reversed by quantity.")
    if kind is None and restock is not None:
        raise ValidationFailed.on("restock", "Only catalog redemptions have stock to return.")
    if quantity is not None and quantity < 1:
        raise ValidationFailed.on("quantity", "Must be at least 1.")
    if amount is not None and amount <= 0:
        raise ValidationFailed.on("amount", "Must be greater than zero.")
    if amount is not None:
        amount_check_scale(amount=amount, scale=redemption.asset.scale)


def reversal_create(
    *,
    redemption: Redemption,
    quantity: int | None = None,
    amount: Decimal | None = None,
    reason: str = "",
    restock: bool | None = None,
    idempotency_key: str | None = None,
    api_key: ApiKey | None = None,
    user=None,
) -> Created:
    """
    Reverse part or all of a redemption (an empty request reverses the rest).

    UNIT_BASED: by ``quantity``, refunding ``quantity * unit_cost`` at the
    redemption's snapshot cost and, unless ``restock`` is False, returning the
    units to stock (global and per participant). AMOUNT_BASED and direct: by
    ``amount``; the reversal that completes an AMOUNT_BASED redemption returns
    its one unit of stock unless ``restock`` is False. An OUT_OF_STOCK reward
    that gets stock back becomes ACTIVE. Reversals stay allowed when the
    program is INACTIVE.

    Locks (in the platform's order): the idempotency key, the redemption, the
    wallet, the per-participant counter, the reward. Records ``api_key`` or
    ``user`` as the author. Raises ``ValidationFailed``,
    ``IdempotencyKeyReused``, ``RedemptionFullyReversed``,
    ``ReversalExceedsRemaining``.
    """
    _check_shape(redemption, quantity, amount, restock)
    is_catalog = redemption.reward_id is not None
    effective_restock = (True if restock is None else restock) if is_catalog else None
    fingerprint = request_fingerprint(
        endpoint="reversal",
        path_ids={"redemption_id": redemption.id},
        body={"quantity": quantity, "amount": amount, "reason": reason, "restock": effective_restock},
    )

    def work() -> Created:
        reversal_id = uuid.uuid4()
        earlier = idempotency_replay(
            program_id=redemption.program_id,
            key=idempotency_key,
            fingerprint=fingerprint,
            kind=IdempotencyRecord.Kind.REVERSAL,
            resource_id=reversal_id,
            load=lambda id: Reversal.objects.select_related("redemption__asset").get(id=id),
        )
        if earlier is not None:
            return Created(earlier, False)

        locked = redemption_lock(redemption_id=redemption.id)
        scale = locked.asset.scale
        if locked.status == Redemption.Status.FULLY_REVERSED or locked.remaining_amount <= 0:
            raise RedemptionFullyReversed("The redemption is fully reversed; nothing is left to reverse.")

        kind = _kind(locked)
        if kind == UNIT_BASED:
            units = locked.remaining_quantity if quantity is None else quantity
            if units > locked.remaining_quantity:
                raise ReversalExceedsRemaining(
                    f"{units} unit(s) asked, {locked.remaining_quantity} left to reverse."
                )
            refund = locked.unit_cost * units
        else:
            refund = locked.remaining_amount if amount is None else amount
            if refund > locked.remaining_amount:
                raise ReversalExceedsRemaining(
                    f"{format_amount(refund, scale)} asked, {format_amount(locked.remaining_amount, scale)} left to reverse."
                )
        completes = refund == locked.remaining_amount
        if kind == UNIT_BASED:
            stock_returned = units if effective_restock else 0
        elif kind is not None:
            stock_returned = 1 if (completes and effective_restock) else 0
        else:
            stock_returned = 0

        wallet = wallet_lock(participant_id=locked.participant_id, asset=locked.asset)
        if stock_returned:
            participant_count_release(
                reward_id=locked.reward_id, participant_id=locked.participant_id, units=stock_returned
            )
        redemptions_account = program_account_ref(
            program_id=locked.program_id, asset_id=locked.asset_id, type=Account.Type.REDEMPTIONS
        )
        entry = journal_entry_post(
            program_id=locked.program_id,
            kind=JournalEntry.Kind.REVERSAL,
            description=reason or f"Reversal of redemption {locked.id}",
            lines=[Line(redemptions_account, DEBIT, refund), Line(wallet, CREDIT, refund)],
            assets=[locked.asset],
            reverses_id=locked.journal_entry_id,
        )

        now = timezone.now()
        locked.reversed_amount += refund
        if kind == UNIT_BASED:
            locked.reversed_quantity = (locked.reversed_quantity or 0) + units
        locked.status = (
            Redemption.Status.FULLY_REVERSED if completes else Redemption.Status.PARTIALLY_REVERSED
        )
        locked.updated_at = now
        locked.save(update_fields=["reversed_amount", "reversed_quantity", "status", "updated_at"])

        reversal = Reversal(
            id=reversal_id,
            program_id=locked.program_id,
            redemption=locked,
            amount=refund,
            quantity=units if kind == UNIT_BASED else None,
            reason=reason,
            restock=effective_restock,
            stock_returned=stock_returned,
            journal_entry=entry,
            idempotency_key=idempotency_key,
            created_by_api_key=api_key,
            created_by_user=user,
        )
        reversal.save(force_insert=True)

        if stock_returned:
            reward_stock_return(reward_id=locked.reward_id, units=stock_returned, now=now)
        return Created(reversal, True)

    return in_transaction(work)
