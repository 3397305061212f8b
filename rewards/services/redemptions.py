"""
Redemptions: catalog items (UNIT_BASED, AMOUNT_BASED) and direct amounts.

One transaction per redemption (see ``rewards/locks.py`` for the lock
order): claim the idempotency key, lock the wallet, count the units against
the participant's limit, check the balance, post the balanced entry (debit
the wallet, credit the program's REDEMPTIONS account), record the
redemption, and last take the units from the reward with a guarded UPDATE
that flips it to OUT_OF_STOCK when the stock runs out.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ledger.locks import wallet_lock_if_enrolled
from ledger.models import MAX_AMOUNT, Account, Asset, JournalEntry
from ledger.selectors import program_account_ref
from ledger.services import CREDIT, DEBIT, Line, journal_entry_post
from loyalty import sql
from loyalty.db import in_transaction
from loyalty.errors import (
    AmountOutOfRange,
    InsufficientBalance,
    NotFound,
    ParticipantLimitExceeded,
    ParticipantNotEnrolled,
    ProgramNotActive,
    RewardNotActive,
    RewardNotAvailable,
    RewardOutOfStock,
    ServiceUnavailable,
    ValidationFailed,
)
from loyalty.idempotency import idempotency_replay, request_fingerprint
from loyalty.models import IdempotencyRecord, Program
from loyalty.money import amount_check_scale, format_amount
from loyalty.services import Created
from participants.models import Enrollment, Participant
from rewards.locks import participant_count_add, reward_lock, reward_take_sql, wallet_lock_and_count_add
from rewards.models import ParticipantRewardCount, Redemption, Reward
from rewards.stock import stock_has_room, stock_units_left

DEFAULT_DIRECT_DESCRIPTION = "Redemption"
MAX_STALE_RETRIES = 5


def default_description(reward: Reward) -> str:
    return f"Redeemed: {reward.name}"


class _StaleReward(Exception):
    """The reward changed (price or limit) between the read and the guarded update: run again."""


def _check_reward_rules(reward: Reward, *, now: datetime, units: int, amount: Decimal | None) -> None:
    """Raise the first reward rule that fails, in the contract's order."""
    if reward.status == Reward.Status.INACTIVE:
        raise RewardNotActive(f"The reward {reward.name!r} is not active.")
    if (reward.available_from is not None and now < reward.available_from) or (
        reward.available_until is not None and now >= reward.available_until
    ):
        raise RewardNotAvailable(f"The reward {reward.name!r} is not available at this time.")
    if reward.type == Reward.Type.AMOUNT_BASED:
        scale = reward.asset.scale
        if reward.min_amount is not None and amount < reward.min_amount:
            raise AmountOutOfRange(
                f"The amount {format_amount(amount, scale)} is below the minimum {format_amount(reward.min_amount, scale)}."
            )
        if reward.max_amount is not None and amount > reward.max_amount:
            raise AmountOutOfRange(
                f"The amount {format_amount(amount, scale)} is above the maximum {format_amount(reward.max_amount, scale)}."
            )
    if reward.status == Reward.Status.OUT_OF_STOCK:
        raise RewardOutOfStock(f"The reward {reward.name!r} is out of stock.")
    if not stock_has_room(max_total=reward.max_total, redeemed_count=reward.redeemed_count, units=units):
        left = stock_units_left(max_total=reward.max_total, redeemed_count=reward.redeemed_count)
        raise RewardOutOfStock(f"Only {left} unit(s) of {reward.name!r} are left; {units} requested.")


def _check_balance(wallet: Account | None, cost: Decimal, scale: int) -> None:
    balance = wallet.balance if wallet is not None else Decimal(0)
    if balance < cost:
        raise InsufficientBalance(
            f"Balance {format_amount(balance, scale)} is less than the cost {format_amount(cost, scale)}."
        )


def _post_redemption_entry(*, program: Program, asset: Asset, wallet: Account, cost: Decimal, description: str):
    redemptions_account = program_account_ref(
        program_id=program.id, asset_id=asset.id, type=Account.Type.REDEMPTIONS
    )
    return journal_entry_post(
        program_id=program.id,
        kind=JournalEntry.Kind.REDEMPTION,
        description=description,
        lines=[Line(wallet, DEBIT, cost), Line(redemptions_account, CREDIT, cost)],
        assets=[asset],
    )


def _claim(program: Program, idempotency_key: str | None, fingerprint: str, redemption_id: uuid.UUID, dry_run: bool):
    """Claim the key (never on a dry run); return the earlier identical redemption if there is one."""
    return idempotency_replay(
        program_id=program.id,
        key=None if dry_run else idempotency_key,
        fingerprint=fingerprint,
        kind=IdempotencyRecord.Kind.REDEMPTION,
        resource_id=redemption_id,
        load=lambda id: Redemption.objects.select_related("asset").get(id=id),
    )


def _require_enrolment(participant: Participant, program: Program) -> None:
    if not Enrollment.objects.filter(participant_id=participant.id, program_id=program.id).exists():
        raise ParticipantNotEnrolled()


def _wallet_lock(participant: Participant, program: Program, asset: Asset) -> Account | None:
    """Lock the participant's wallet (None if it has none); ``ParticipantNotEnrolled`` if not enrolled."""
    wallet = wallet_lock_if_enrolled(participant_id=participant.id, asset=asset)
    if wallet is None:
        _require_enrolment(participant, program)
    return wallet


def _first_failure(reward: Reward, error: Exception, *, now: datetime, units: int, amount: Decimal | None) -> Exception:
    """
    The error to raise when the participant's limit or balance refuses a
    redemption. ``reward`` was read before the transaction: a reward rule that
    fails on the latest committed row comes first in the contract's order, and
    a price or limit that changed since means deciding again (``_StaleReward``).
    Runs only on this failure path.
    """
    fresh = Reward.objects.get(id=reward.id)
    fresh.asset = reward.asset
    _check_reward_rules(fresh, now=now, units=units, amount=amount)
    if (fresh.unit_cost, fresh.max_per_participant) != (reward.unit_cost, reward.max_per_participant):
        return _StaleReward()
    return error


def _run(work, *, dry_run: bool):
    if dry_run:
        # Same checks, nothing written: a plain transaction that is rolled back.
        with transaction.atomic():
            result = work()
            transaction.set_rollback(True)
            return result
    return in_transaction(work)


def redemption_create_catalog(
    *,
    program: Program,
    participant: Participant,
    reward: Reward,
    quantity: int | None = None,
    amount: Decimal | None = None,
    description: str | None = None,
    idempotency_key: str | None = None,
    dry_run: bool = False,
) -> Created:
    """
    Redeem a catalog item for a participant.

    Locks (in the platform's order): the idempotency key, the participant's
    wallet, the per-participant counter, the reward (last, by the guarded
    UPDATE). Raises, in the contract's order: ``NotFound`` (reward of another
    program), ``ValidationFailed`` (quantity/amount for the wrong type, scale),
    ``IdempotencyKeyReused``, then ``ProgramNotActive``,
    ``ParticipantNotEnrolled``, ``RewardNotActive``, ``RewardNotAvailable``,
    ``AmountOutOfRange``, ``RewardOutOfStock``, ``ParticipantLimitExceeded``,
    ``InsufficientBalance``. With ``dry_run`` it runs the same checks, claims
    no key, writes nothing and returns the unsaved would-be redemption.
    """
    if reward.program_id != program.id:
        raise NotFound("Unknown reward.")
    if reward.type == Reward.Type.UNIT_BASED:
        if amount is not None:
            raise ValidationFailed.on("amount", "A UNIT_BASED reward is redeemed by quantity, not amount.")
        quantity = 1 if quantity is None else quantity
    else:
        if quantity is not None:
            raise ValidationFailed.on("quantity", "An AMOUNT_BASED reward is redeemed by amount, not quantity.")
        if amount is None:
            raise ValidationFailed.on("amount", "Required for an AMOUNT_BASED reward.")
        amount_check_scale(amount=amount, scale=reward.asset.scale)

    fingerprint = request_fingerprint(
        endpoint="redemption.catalog",
        path_ids={"participant_id": participant.id},
        body={
            "program_id": program.id,
            "reward_id": reward.id,
            "quantity": quantity,
            "amount": amount,
            # Omitting the description equals sending its default.
            "description": None if description == default_description(reward) else description,
        },
    )
    for _ in range(MAX_STALE_RETRIES):
        units = quantity if reward.type == Reward.Type.UNIT_BASED else 1
        cost = reward.unit_cost * quantity if reward.type == Reward.Type.UNIT_BASED else amount
        if cost > MAX_AMOUNT:
            raise ValidationFailed.on("quantity", "The total cost is larger than the largest accepted amount.")
        text = description if description is not None else default_description(reward)

        def work(reward=reward, units=units, cost=cost, text=text) -> Created:
            now = timezone.now()
            redemption_id = uuid.uuid4()
            earlier = _claim(program, idempotency_key, fingerprint, redemption_id, dry_run)
            if earlier is not None:
                return Created(earlier, False)
            if not program.is_active:
                raise ProgramNotActive()
            asset = reward.asset
            if dry_run:
                wallet, within_limit = _wallet_lock(participant, program, asset), None
            else:
                # The wallet, then the counter: one round trip on PostgreSQL.
                wallet, within_limit = wallet_lock_and_count_add(
                    participant_id=participant.id,
                    asset=asset,
                    reward_id=reward.id,
                    units=units,
                    limit=reward.max_per_participant,
                )
                if wallet is None:
                    _require_enrolment(participant, program)
            _check_reward_rules(reward, now=now, units=units, amount=amount)
            if dry_run:
                held = ParticipantRewardCount.objects.filter(reward_id=reward.id, participant_id=participant.id).values_list(
                    "count", flat=True
                ).first() or 0
                within_limit = reward.max_per_participant is None or held + units <= reward.max_per_participant
            elif within_limit is None:  # no wallet yet: the counter was not touched
                within_limit = participant_count_add(
                    reward_id=reward.id, participant_id=participant.id, units=units, limit=reward.max_per_participant
                )
            if not within_limit:
                raise _first_failure(
                    reward,
                    ParticipantLimitExceeded(
                        f"The participant may hold at most {reward.max_per_participant} of {reward.name!r}."
                    ),
                    now=now,
                    units=units,
                    amount=amount,
                )
            try:
                _check_balance(wallet, cost, asset.scale)
            except InsufficientBalance as exc:
                raise _first_failure(reward, exc, now=now, units=units, amount=amount) from None

            redemption = Redemption(
                id=None if dry_run else redemption_id,
                program=program,
                participant=participant,
                asset=asset,
                reward=reward,
                amount=cost,
                quantity=quantity if reward.type == Reward.Type.UNIT_BASED else None,
                unit_cost=reward.unit_cost,
                description=text,
                status=Redemption.Status.COMPLETED,
                reversed_amount=Decimal(0),
                reversed_quantity=0 if reward.type == Reward.Type.UNIT_BASED else None,
                stock_units=units,
                idempotency_key=None if dry_run else idempotency_key,
            )
            if dry_run:
                return Created(redemption, True)
            redemption.journal_entry = _post_redemption_entry(
                program=program, asset=asset, wallet=wallet, cost=cost, description=text
            )
            # The redemption row and the reward's units, last: one round trip
            # on PostgreSQL, so the reward's row lock is held only until COMMIT.
            taken = sql.execute_together(
                sql.insert(redemption), reward_take_sql(reward=reward, units=units, amount=amount, now=now)
            )
            sql.mark_saved(redemption)
            if not taken:
                # The reward changed since it was read. Lock it (it is the last
                # row in the lock order) and name the rule that now fails; if
                # none fails and the price and limit are still the ones this
                # redemption was decided on, take the units under the lock.
                locked = reward_lock(reward_id=reward.id)
                _check_reward_rules(locked, now=now, units=units, amount=amount)
                decided_on = (reward.unit_cost, reward.max_per_participant)
                if (locked.unit_cost, locked.max_per_participant) != decided_on or not sql.execute_together(
                    reward_take_sql(reward=locked, units=units, amount=amount, now=now)
                ):
                    raise _StaleReward()
            return Created(redemption, True)

        try:
            return _run(work, dry_run=dry_run)
        except _StaleReward:
            reward = Reward.objects.select_related("asset").get(id=reward.id)
            if reward.type == Reward.Type.AMOUNT_BASED:
                amount_check_scale(amount=amount, scale=reward.asset.scale)
    # The reward's price or limit changed under us on every attempt: nothing was written.
    raise ServiceUnavailable("The reward kept changing while redeeming it; nothing was changed. Retry.")  # pragma: no cover


def redemption_create_direct(
    *,
    program: Program,
    participant: Participant,
    asset: Asset,
    amount: Decimal,
    description: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """
    Redeem an amount of an asset with no catalog item (cash-out, donation).

    Locks: the idempotency key, the participant's wallet. Raises ``NotFound``
    (asset of another program), ``ValidationFailed`` (scale),
    ``IdempotencyKeyReused``, ``ProgramNotActive``,
    ``ParticipantNotEnrolled``, ``InsufficientBalance``.
    """
    if asset.program_id != program.id:
        raise NotFound("Unknown asset.")
    amount_check_scale(amount=amount, scale=asset.scale)
    text = DEFAULT_DIRECT_DESCRIPTION if description is None else description
    fingerprint = request_fingerprint(
        endpoint="redemption.direct",
        path_ids={"participant_id": participant.id},
        body={"program_id": program.id, "asset_id": asset.id, "amount": amount, "description": text},
    )

    def work() -> Created:
        redemption_id = uuid.uuid4()
        earlier = _claim(program, idempotency_key, fingerprint, redemption_id, False)
        if earlier is not None:
            return Created(earlier, False)
        if not program.is_active:
            raise ProgramNotActive()
        wallet = _wallet_lock(participant, program, asset)
        _check_balance(wallet, amount, asset.scale)
        redemption = Redemption(
            id=redemption_id,
            program=program,
            participant=participant,
            asset=asset,
            amount=amount,
            description=text,
            status=Redemption.Status.COMPLETED,
            reversed_amount=Decimal(0),
            stock_units=0,
            idempotency_key=idempotency_key,
        )
        redemption.journal_entry = _post_redemption_entry(
            program=program, asset=asset, wallet=wallet, cost=amount, description=text
        )
        redemption.save(force_insert=True)
        return Created(redemption, True)

    return in_transaction(work)
