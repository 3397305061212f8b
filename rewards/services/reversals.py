"""
Reversals: refund a redemption, whole or in part, with a new REVERSAL entry.

The original journal entry is never edited: the refund is a new balanced
entry (credit the wallet, debit the program's REDEMPTIONS account) that
points at it with ``reverses``.

Like a catalog redemption, a reversal is **decided** (:func:`reversal_decide`:
plain code over the locked redemption, what it refunds and returns to
stock) and **applied** (:func:`_reverse`, then :func:`_apply`: one
transaction, locks in the platform's order): claim the idempotency key, lock
the redemption, decide, lock the wallet, give the units back to the
participant's count, post the entry, update the redemption, record the
reversal, and last give the units back to the reward. A reversal runs at
most ``loyalty.db.MAX_ATTEMPTS`` transactions (deadlock retries,
``loyalty.db.in_transaction``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from events import types as event_types
from events.services import event_record
from ledger.locks import wallet_lock
from ledger.models import Account, JournalEntry
from ledger.selectors import program_account_ref
from ledger.services import CREDIT, DEBIT, Line, journal_entry_post
from loyalty.audit import Actor, audit_record, changed
from loyalty.db import in_transaction
from loyalty.errors import RedemptionFullyReversed, ReversalExceedsRemaining, ValidationFailed
from loyalty.idempotency import idempotency_replay, request_fingerprint
from loyalty.models import ApiKey, IdempotencyRecord
from loyalty.money import amount_check_scale, format_amount
from loyalty.services import Created
from rewards import allocations
from rewards.event_data import reversal_data, reward_stock_flip_record
from rewards.locks import codes_void, participant_count_release, redemption_lock, reward_stock_return
from rewards.models import Redemption, Reversal, Reward

UNIT_BASED = Reward.Type.UNIT_BASED
CODES = Reward.Fulfilment.CODES


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
    actor: Actor | None = None,
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
    restock_default = _restock_default(redemption)
    request = ReversalRequest(
        quantity=quantity,
        amount=amount,
        reason=reason,
        restock=(restock_default if restock is None else restock) if redemption.reward_id is not None else None,
        idempotency_key=idempotency_key,
        api_key=api_key,
        user=user,
        actor=actor,
    )
    _shape_check(redemption, request, restock_given=restock is not None)
    fingerprint = request_fingerprint(
        endpoint="reversal",
        path_ids={"redemption_id": redemption.id},
        body={"quantity": quantity, "amount": amount, "reason": reason, "restock": request.restock},
    )
    return in_transaction(lambda: _reverse(redemption, request, fingerprint=fingerprint))


# --- decide -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReversalRequest:
    quantity: int | None
    amount: Decimal | None
    reason: str
    restock: bool | None  # after its default: True for catalog redemptions, None for direct ones
    idempotency_key: str | None
    api_key: ApiKey | None  # the author: an API key or a user
    user: object | None
    actor: Actor | None = None  # the audit trail's actor when neither (a management command)


@dataclass(frozen=True)
class ReversalDecision:
    """What a reversal of the (locked) redemption does."""

    units: int | None  # UNIT_BASED only
    refund: Decimal
    completes: bool  # nothing is left to reverse afterwards
    stock_returned: int  # to the reward's stock and the participant's count


def _kind(redemption: Redemption) -> str | None:
    """UNIT_BASED, AMOUNT_BASED, or None for a direct redemption."""
    if redemption.reward_id is None:
        return None
    return UNIT_BASED if redemption.quantity is not None else Reward.Type.AMOUNT_BASED


def _restock_default(redemption: Redemption) -> bool:
    """Catalog redemptions restock by default; a CODES one never does (its codes are voided: a write-off)."""
    return redemption.fulfilment != CODES


def _shape_check(redemption: Redemption, request: ReversalRequest, *, restock_given: bool) -> None:
    """The request against the redemption's kind (before any lock). Raises ``ValidationFailed``."""
    kind, quantity, amount = _kind(redemption), request.quantity, request.amount
    if redemption.fulfilment == CODES and request.restock:
        raise ValidationFailed.on("restock", "A reward code is never issued again: omit restock or send false.")
    if kind == UNIT_BASED and amount is not None:
        raise ValidationFailed.on("amount", "A UNIT_BASED redemption is reversed by quantity, not amount.")
    if kind != UNIT_BASED and quantity is not None:
        raise ValidationFailed.on("quantity", "Only UNIT_BASED catalog redemptions are reversed by quantity.")
    if kind is None and restock_given:
        raise ValidationFailed.on("restock", "Only catalog redemptions have stock to return.")
    if quantity is not None and quantity < 1:
        raise ValidationFailed.on("quantity", "Must be at least 1.")
    if amount is not None and amount <= 0:
        raise ValidationFailed.on("amount", "Must be greater than zero.")
    if amount is not None:
        amount_check_scale(amount=amount, scale=redemption.asset.scale)


def reversal_decide(redemption: Redemption, request: ReversalRequest) -> ReversalDecision:
    """
    What reversing the locked ``redemption`` refunds and returns to stock (no
    query). Raises ``RedemptionFullyReversed``, ``ReversalExceedsRemaining``.
    """
    if redemption.status == Redemption.Status.FULLY_REVERSED or redemption.remaining_amount <= 0:
        raise RedemptionFullyReversed("The redemption is fully reversed; nothing is left to reverse.")
    kind, left = _kind(redemption), redemption.remaining_amount
    units = None
    if kind == UNIT_BASED:
        units = redemption.remaining_quantity if request.quantity is None else request.quantity
        if units > redemption.remaining_quantity:
            raise ReversalExceedsRemaining(f"{units} unit(s) asked, {redemption.remaining_quantity} left to reverse.")
        refund = redemption.unit_cost * units
    else:
        refund = left if request.amount is None else request.amount
        if refund > left:
            scale = redemption.asset.scale
            raise ReversalExceedsRemaining(
                f"{format_amount(refund, scale)} asked, {format_amount(left, scale)} left to reverse."
            )
    completes = refund == left
    if kind == UNIT_BASED:
        stock_returned = units if request.restock else 0
    else:  # one unit per AMOUNT_BASED redemption, given back by the reversal that completes it
        stock_returned = 1 if kind is not None and completes and request.restock else 0
    return ReversalDecision(units, refund, completes, stock_returned)


# --- apply --------------------------------------------------------------------------------


def _reverse(redemption: Redemption, request: ReversalRequest, *, fingerprint: str) -> Created:
    """Claim the key (or answer with the earlier reversal), then apply, in the caller's transaction."""
    reversal_id = uuid.uuid4()
    earlier = idempotency_replay(
        tenant_id=redemption.tenant_id,
        program_id=redemption.program_id,
        key=request.idempotency_key,
        fingerprint=fingerprint,
        kind=IdempotencyRecord.Kind.REVERSAL,
        resource_id=reversal_id,
        load=lambda id: Reversal.objects.select_related("redemption__asset").get(id=id, tenant_id=redemption.tenant_id),
    )
    if earlier is not None:
        return Created(earlier, False)
    return Created(_apply(redemption, request, reversal_id=reversal_id), True)


def _apply(redemption: Redemption, request: ReversalRequest, *, reversal_id: uuid.UUID) -> Reversal:
    """Lock, decide and write the reversal (after the key's claim)."""
    locked = redemption_lock(tenant_id=redemption.tenant_id, redemption_id=redemption.id)
    decision = reversal_decide(locked, request)
    wallet = wallet_lock(participant_id=locked.participant_id, asset=locked.asset)  # step 3
    entry = _post(locked, wallet=wallet, refund=decision.refund, reason=request.reason)
    now = timezone.now()
    before = _reversal_fields(locked)
    _mark_reversed(locked, decision)
    audit_record(
        _actor(request), "reverse", "redemption", locked.id, locked.program_id,
        changed(before, _reversal_fields(locked)), tenant_id=locked.tenant_id,
    )
    reversal = Reversal(
        id=reversal_id,
        tenant_id=locked.tenant_id,
        program_id=locked.program_id,
        redemption=locked,
        amount=decision.refund,
        quantity=decision.units,
        reason=request.reason,
        restock=request.restock,
        stock_returned=decision.stock_returned,
        journal_entry=entry,
        idempotency_key=request.idempotency_key,
        created_by_api_key=request.api_key,
        created_by_user=request.user,
    )
    allocations.put_back(locked, reversal, decision.refund)  # step 4, the lots: last taken first
    if decision.stock_returned:
        participant_count_release(  # step 5
            tenant_id=locked.tenant_id,
            reward_id=locked.reward_id,
            participant_id=locked.participant_id,
            units=decision.stock_returned,
        )
    if locked.fulfilment == CODES:
        codes_void(redemption=locked, units=decision.units)  # step 6, the redemption's own codes
    reversal.save(force_insert=True)
    event_record(
        tenant_id=locked.tenant_id,
        type=event_types.REDEMPTION_REVERSED,
        program_id=locked.program_id,
        data=reversal_data(reversal),
    )
    if decision.stock_returned:
        statuses = reward_stock_return(
            tenant_id=locked.tenant_id, reward_id=locked.reward_id, units=decision.stock_returned, now=now
        )
        if statuses is not None:
            before, after = statuses
            reward_stock_flip_record(locked.reward_id, tenant_id=locked.tenant_id, before=before, after=after)
    return reversal


def _actor(request: ReversalRequest) -> Actor | None:
    if request.actor is not None:
        return request.actor
    if request.api_key is not None:
        return Actor.of_api_key(request.api_key)
    if request.user is not None:
        return Actor.of_user(request.user)
    return None


def _reversal_fields(redemption: Redemption) -> dict:
    """What a reversal changes on the redemption, as the API renders it."""
    return {
        "reversed_amount": format_amount(redemption.reversed_amount, redemption.asset.scale),
        "reversed_quantity": redemption.reversed_quantity,
        "status": redemption.status,
    }


def _post(redemption: Redemption, *, wallet: Account, refund: Decimal, reason: str) -> JournalEntry:
    """The REVERSAL entry (debit the program's REDEMPTIONS account, credit the wallet) reversing the redemption's."""
    redemptions_account = program_account_ref(asset=redemption.asset, type=Account.Type.REDEMPTIONS)
    return journal_entry_post(
        tenant_id=redemption.tenant_id,
        program_id=redemption.program_id,
        kind=JournalEntry.Kind.REVERSAL,
        description=reason or f"Reversal of redemption {redemption.id}",
        lines=[Line(redemptions_account, DEBIT, refund), Line(wallet, CREDIT, refund)],
        assets=[redemption.asset],
        reverses_id=redemption.journal_entry_id,
    )


def _mark_reversed(redemption: Redemption, decision: ReversalDecision) -> None:
    """Move the redemption's reversed totals and status."""
    redemption.reversed_amount += decision.refund
    if decision.units is not None:
        redemption.reversed_quantity = (redemption.reversed_quantity or 0) + decision.units
    redemption.status = (
        Redemption.Status.FULLY_REVERSED if decision.completes else Redemption.Status.PARTIALLY_REVERSED
    )
    redemption.save(update_fields=["reversed_amount", "reversed_quantity", "status", "updated_at"])
