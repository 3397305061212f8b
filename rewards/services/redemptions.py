"""
Redemptions: catalog items (UNIT_BASED, AMOUNT_BASED) and direct amounts.

A catalog redemption is **decided**, then **applied**:

- *decide* (:func:`catalog_decide` and the ``*_check`` functions): plain
  functions, no query. Whether the request fits the reward, what it costs,
  how many units it takes from stock, and which rule refuses it, in the
  contract's order. The dry run (:func:`redemption_preview_catalog`) is the
  same decision over plain reads.
- *apply* (:func:`_apply`): one transaction, locks in the platform's order
  (``rewards/locks.py``), one round trip per step:

  1. claim the idempotency key, or answer with the earlier redemption;
  2. lock the wallet and add the units to the participant's count, then
     check every rule against what is now locked. Steps 1 and 2 are one
     statement on PostgreSQL: the wallet's lock is conditioned on the claim,
     so a key an earlier request holds locks and counts nothing (an inactive
     program's request claims its key alone, then is refused);
  3. post the entry: the entry, its lines and the wallet's balance (one
     statement, ``journal_entry_post``);
  4. record the redemption and, last, take the units with the reward's
     guarded ``UPDATE`` (one statement, so the hottest row is locked only
     until COMMIT).

  Later writes join a step's statement rather than add steps: taking the
  cost from the participant's lots joins step 3 (lots are locked after the
  wallet), the redemption's event joins step 4 before the reward's
  ``UPDATE``, and a CODES reward's codes (``FOR UPDATE SKIP LOCKED``,
  :func:`_issue_codes`) are the one extra round trip, between steps 3 and 4.
- *retry* (:func:`_with_retries`): the one retry policy, at most
  ``MAX_TRANSACTIONS`` transactions per request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import NoReturn

from django.db import OperationalError, transaction
from django.utils import timezone

from events import types as event_types
from events.services import execute_with_event
from ledger.locks import wallet_lock_if_enrolled
from ledger.models import MAX_AMOUNT, Account, Asset, JournalEntry
from ledger.selectors import program_account_ref, wallet_if_enrolled
from ledger.services import CREDIT, DEBIT, Line, journal_entry_post
from loyalty import sql
from loyalty.db import in_transaction, is_retryable, pause_before_retry
from loyalty.errors import (
    AmountOutOfRange,
    DomainError,
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
from loyalty.idempotency import idempotency_claim_sql, idempotency_earlier, idempotency_replay, request_fingerprint
from loyalty.models import IdempotencyRecord, Program
from loyalty.money import amount_check_scale, format_amount
from loyalty.services import Created
from participants.models import Participant
from participants.selectors import participant_is_enrolled
from rewards import allocations
from rewards.event_data import redemption_data, reward_stock_flip_record
from rewards.locks import (
    codes_free,
    codes_take,
    count_within_limit,
    participant_count_add,
    reward_lock,
    reward_take_sql,
    wallet_lock_and_count_add,
)
from rewards.models import Redemption, Reward
from rewards.selectors import participant_reward_count, redemption_codes_known
from rewards.stock import ACTIVE, OUT_OF_STOCK, stock_has_room, stock_units_left

DEFAULT_DIRECT_DESCRIPTION = "Redemption"
# A catalog redemption runs at most this many transactions (see _with_retries).
MAX_TRANSACTIONS = 5
UNIT_BASED = Reward.Type.UNIT_BASED


def default_description(reward: Reward) -> str:
    return f"Redeemed: {reward.name}"


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
    ``InsufficientBalance``; ``ServiceUnavailable`` when the reward kept
    changing. Runs at most ``MAX_TRANSACTIONS`` transactions (:func:`_with_retries`).
    With ``dry_run``: :func:`redemption_preview_catalog` (no transaction).
    """
    if dry_run:
        preview = redemption_preview_catalog(
            program=program, participant=participant, reward=reward, quantity=quantity, amount=amount,
            description=description,
        )
        return Created(preview, True)

    def decide(latest: Reward) -> CatalogDecision:
        return catalog_decide(program=program, reward=latest, quantity=quantity, amount=amount, description=description)

    decision = decide(reward)
    fingerprint = request_fingerprint(
        endpoint="redemption.catalog",
        path_ids={"participant_id": participant.id},
        body={
            "program_id": program.id,
            "reward_id": reward.id,
            "quantity": decision.quantity,
            "amount": amount,
            # Omitting the description equals sending its default.
            "description": None if description == default_description(reward) else description,
        },
    )
    request = _Request(program, participant, fingerprint, idempotency_key)
    return _with_retries(decision, apply=lambda decided: _apply(request, decided), decide=decide)


def redemption_preview_catalog(
    *,
    program: Program,
    participant: Participant,
    reward: Reward,
    quantity: int | None = None,
    amount: Decimal | None = None,
    description: str | None = None,
) -> Redemption:
    """
    The dry run of a catalog redemption: the same decision and rules, in the
    same order, over plain reads (no transaction, no lock, no idempotency
    key). Returns the unsaved redemption it would create, or raises what it
    would raise.
    """
    decision = catalog_decide(program=program, reward=reward, quantity=quantity, amount=amount, description=description)
    if not program.is_active:
        raise ProgramNotActive()
    wallet = wallet_if_enrolled(participant_id=participant.id, asset=reward.asset)
    if wallet is None:
        enrolment_check(participant=participant, program=program)
    reward_rules_check(decision, now=timezone.now())
    held = participant_reward_count(tenant_id=reward.tenant_id, reward_id=reward.id, participant_id=participant.id)
    limit_check(
        decision, within_limit=count_within_limit(held=held, units=decision.units, limit=reward.max_per_participant)
    )
    balance_check(decision, wallet=wallet)
    return decision.new_redemption(program=program, participant=participant, redemption_id=None, idempotency_key=None)


# --- decide -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogDecision:
    """A catalog redemption decided on ``reward`` as it was read."""

    reward: Reward
    quantity: int | None  # UNIT_BASED only
    amount: Decimal | None  # AMOUNT_BASED only
    units: int  # taken from stock: the quantity, or 1 per AMOUNT_BASED redemption
    cost: Decimal
    description: str
    wait_for_codes: bool = False  # a retry after CodesBusy: wait for codes others hold (CODES rewards)

    def new_redemption(
        self,
        *,
        program: Program,
        participant: Participant,
        redemption_id: uuid.UUID | None,
        idempotency_key: str | None,
    ) -> Redemption:
        """The unsaved redemption (``redemption_id`` None: a dry run's)."""
        reward = self.reward
        return Redemption(
            id=redemption_id,
            tenant_id=program.tenant_id,
            program=program,
            participant=participant,
            asset=reward.asset,
            reward=reward,
            amount=self.cost,
            quantity=self.quantity,
            unit_cost=reward.unit_cost,
            description=self.description,
            status=Redemption.Status.COMPLETED,
            reversed_amount=Decimal(0),
            reversed_quantity=0 if reward.type == UNIT_BASED else None,
            stock_units=self.units,
            fulfilment=reward.fulfilment,
            idempotency_key=idempotency_key,
        )


def catalog_decide(
    *, program: Program, reward: Reward, quantity: int | None, amount: Decimal | None, description: str | None
) -> CatalogDecision:
    """
    Check the request against the reward's type and compute what it costs and
    takes. Raises ``NotFound`` (a reward of another program) and
    ``ValidationFailed`` (quantity or amount for the wrong type, scale, a
    cost above the largest amount).
    """
    if reward.program_id != program.id:
        raise NotFound("Unknown reward.")
    if reward.type == UNIT_BASED:
        if amount is not None:
            raise ValidationFailed.on("amount", "A UNIT_BASED reward is redeemed by quantity, not amount.")
        quantity = 1 if quantity is None else quantity
        units, cost = quantity, reward.unit_cost * quantity
    else:
        if quantity is not None:
            raise ValidationFailed.on("quantity", "An AMOUNT_BASED reward is redeemed by amount, not quantity.")
        if amount is None:
            raise ValidationFailed.on("amount", "Required for an AMOUNT_BASED reward.")
        amount_check_scale(amount=amount, scale=reward.asset.scale)
        units, cost = 1, amount
    if cost > MAX_AMOUNT:
        raise ValidationFailed.on("quantity", "The total cost is larger than the largest accepted amount.")
    text = default_description(reward) if description is None else description
    return CatalogDecision(reward, quantity, amount, units, cost, text)


def reward_rules_check(decision: CatalogDecision, *, now: datetime) -> None:
    """Raise the first reward rule that refuses ``decision``, in the contract's order."""
    reward, amount = decision.reward, decision.amount
    if reward.status == Reward.Status.INACTIVE:
        raise RewardNotActive(f"The reward {reward.name!r} is not active.")
    if (reward.available_from is not None and now < reward.available_from) or (
        reward.available_until is not None and now >= reward.available_until
    ):
        raise RewardNotAvailable(f"The reward {reward.name!r} is not available at this time.")
    if reward.type != UNIT_BASED:
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
    stock = {
        "max_total": reward.max_total,
        "redeemed_count": reward.redeemed_count,
        "codes_available": reward.codes_available,
    }
    if not stock_has_room(**stock, units=decision.units):
        left = stock_units_left(**stock)
        raise RewardOutOfStock(f"Only {left} unit(s) of {reward.name!r} are left; {decision.units} requested.")


def limit_check(decision: CatalogDecision, *, within_limit: bool) -> None:
    if not within_limit:
        reward = decision.reward
        raise ParticipantLimitExceeded(
            f"The participant may hold at most {reward.max_per_participant} of {reward.name!r}."
        )


def balance_check(decision: CatalogDecision, *, wallet: Account | None) -> None:
    _balance_check(wallet=wallet, cost=decision.cost, scale=decision.reward.asset.scale)


def enrolment_check(*, participant: Participant, program: Program) -> None:
    if not participant_is_enrolled(tenant_id=program.tenant_id, participant_id=participant.id, program_id=program.id):
        raise ParticipantNotEnrolled()


def _balance_check(*, wallet: Account | None, cost: Decimal, scale: int) -> None:
    balance = wallet.balance if wallet is not None else Decimal(0)
    if balance < cost:
        raise InsufficientBalance(
            f"Balance {format_amount(balance, scale)} is less than the cost {format_amount(cost, scale)}."
        )


# --- apply --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    program: Program
    participant: Participant
    fingerprint: str
    idempotency_key: str | None


class StaleReward(Exception):
    """The reward's price or limit changed between the read and the guarded UPDATE: decide again."""


class CodesBusy(Exception):
    """Too few free codes, but concurrent redemptions hold enough: run again, waiting for them."""


def _apply(request: _Request, decision: CatalogDecision) -> Created:
    """Apply a decided catalog redemption in the caller's transaction (steps 1-4 above)."""
    now = timezone.now()
    redemption_id = uuid.uuid4()
    if not request.program.is_active:  # the key first: a replay still answers with its redemption
        earlier = _claim(request, redemption_id)
        if earlier is not None:
            return Created(earlier, False)
        raise ProgramNotActive()
    claimed, wallet = _claim_lock_and_check(request, decision, redemption_id=redemption_id, now=now)
    if not claimed:
        return Created(_earlier(request), False)
    redemption = decision.new_redemption(
        program=request.program,
        participant=request.participant,
        redemption_id=redemption_id,
        idempotency_key=request.idempotency_key,
    )
    redemption.journal_entry = _post(redemption, wallet=wallet)
    if redemption.fulfilment == Reward.Fulfilment.CODES:
        _issue_codes(redemption, decision)
    rendered = _record_and_take_stock(redemption, decision, now=now)
    return Created(redemption, True, rendered)


def _claim(request: _Request, redemption_id: uuid.UUID) -> Redemption | None:
    """Step 1 alone: claim the key for ``redemption_id``; the earlier identical redemption if there is one."""
    return idempotency_replay(
        **_key(request),
        resource_id=redemption_id,
        load=lambda id: _load(id, tenant_id=request.program.tenant_id),
    )


def _earlier(request: _Request) -> Redemption:
    """The redemption of an identical earlier request that holds the key (``IdempotencyKeyReused`` if different)."""
    return _load(idempotency_earlier(**_key(request)), tenant_id=request.program.tenant_id)


def _key(request: _Request) -> dict:
    """The request's idempotency key with its program and fingerprint, as ``loyalty.idempotency`` takes them."""
    program = request.program
    return {
        "tenant_id": program.tenant_id,
        "program_id": program.id,
        "key": request.idempotency_key,
        "fingerprint": request.fingerprint,
        "kind": IdempotencyRecord.Kind.REDEMPTION,
    }


def _load(redemption_id: uuid.UUID, *, tenant_id: uuid.UUID) -> Redemption:
    return Redemption.objects.select_related("asset").get(id=redemption_id, tenant_id=tenant_id)


def _claim_lock_and_check(
    request: _Request, decision: CatalogDecision, *, redemption_id: uuid.UUID, now: datetime
) -> tuple[bool, Account | None]:
    """
    Steps 1 and 2: claim the key (if the request has one) for
    ``redemption_id``, lock the wallet and the counter (one statement on
    PostgreSQL), then check every rule in the contract's order. Returns
    ``(claimed, wallet)``: not claimed when an earlier request holds the key
    (nothing was locked or counted).
    """
    program, participant, reward = request.program, request.participant, decision.reward
    claim = None
    if request.idempotency_key is not None:
        claim = idempotency_claim_sql(**_key(request), resource_id=redemption_id)
    claimed, wallet, within_limit = wallet_lock_and_count_add(
        participant_id=participant.id,
        asset=reward.asset,
        reward_id=reward.id,
        units=decision.units,
        limit=reward.max_per_participant,
        claim=claim,
    )
    if not claimed:
        return False, None
    if wallet is None:
        enrolment_check(participant=participant, program=program)
    reward_rules_check(decision, now=now)
    if within_limit is None:  # no wallet yet: the counter was not touched
        within_limit = participant_count_add(
            tenant_id=program.tenant_id,
            reward_id=reward.id,
            participant_id=participant.id,
            units=decision.units,
            limit=reward.max_per_participant,
        )
    try:
        limit_check(decision, within_limit=within_limit)
        balance_check(decision, wallet=wallet)
    except DomainError as refusal:
        _refuse(decision, refusal, now=now)
    return True, wallet


def _refuse(decision: CatalogDecision, refusal: DomainError, *, now: datetime) -> NoReturn:
    """
    Raise the error that refuses the redemption when the participant's limit
    or balance did. ``decision.reward`` was read before the transaction: a
    reward rule that fails on the latest committed row comes first in the
    contract's order, and a price or limit that changed since means deciding
    again (``StaleReward``). Runs only on this failure path.
    """
    latest = Reward.objects.get(id=decision.reward.id, tenant_id=decision.reward.tenant_id)
    latest.asset = decision.reward.asset
    reward_rules_check(replace(decision, reward=latest), now=now)
    if _price_and_limit(latest) != _price_and_limit(decision.reward):
        raise StaleReward()
    raise refusal


def _post(redemption: Redemption, *, wallet: Account) -> JournalEntry:
    """
    Step 3: the balanced entry (debit the wallet, credit the program's
    REDEMPTIONS account) and the cost taken from the wallet's lots in the
    spending order (step 4, ``rewards.allocations``): on PostgreSQL in the
    entry's one statement.
    """
    redemptions_account = program_account_ref(asset=redemption.asset, type=Account.Type.REDEMPTIONS)
    also = allocations.take_sql(redemption) if sql.is_postgresql() else []
    entry = journal_entry_post(
        tenant_id=redemption.tenant_id,
        program_id=redemption.program_id,
        kind=JournalEntry.Kind.REDEMPTION,
        description=redemption.description,
        lines=[Line(wallet, DEBIT, redemption.amount), Line(redemptions_account, CREDIT, redemption.amount)],
        assets=[redemption.asset],
        also=also,
    )
    if also:
        allocations.remember(redemption, entry.also_rows)
    else:
        allocations.take(redemption)
    return entry


def _issue_codes(redemption: Redemption, decision: CatalogDecision) -> None:
    """
    Between steps 3 and 4: take one code per unit (``rewards.locks.codes_take``,
    lock step 6, before the reward). A pool that ran short refuses the whole
    redemption (its transaction rolls back: no code, no point moves).
    """
    reward = decision.reward
    codes = codes_take(reward=reward, redemption_id=redemption.id, units=decision.units, wait=decision.wait_for_codes)
    if len(codes) < decision.units:
        if not decision.wait_for_codes and len(codes) + codes_free(reward=reward) >= decision.units:
            raise CodesBusy()  # enough codes exist, but concurrent redemptions hold some: wait for them
        raise RewardOutOfStock(f"Only {len(codes)} code(s) of {reward.name!r} are left; {decision.units} requested.")
    redemption_codes_known(redemption, issued=codes)


def _record_and_take_stock(redemption: Redemption, decision: CatalogDecision, *, now: datetime) -> dict:
    """
    Step 4: insert the redemption and its event (with the event's deliveries)
    and, last, take its units with the reward's guarded UPDATE: one round
    trip on PostgreSQL, so the reward's row lock is held only until COMMIT.
    Returns the redemption as its event's data renders it.
    """
    take = reward_take_sql(reward=decision.reward, units=decision.units, amount=decision.amount, now=now)
    taken, rendered = _insert_with_event(redemption, take)
    if not taken:
        taken = _take_stock_under_lock(decision, now=now)
    _stock_event(decision, taken)
    return rendered


def _insert_with_event(redemption: Redemption, *after: tuple[str, list]) -> tuple[list[tuple], dict]:
    """
    Insert the redemption, its ``redemption.created`` event (and the event's
    deliveries), then ``after``: one statement on PostgreSQL. Returns the
    rows of the last statement and the event's data (the redemption as the
    API renders it).
    """
    insert = sql.insert(redemption)  # sets created_at and updated_at, which the event's data shows
    event = {
        "tenant_id": redemption.tenant_id,
        "type": event_types.REDEMPTION_CREATED,
        "program_id": redemption.program_id,
        "data": redemption_data(redemption),
    }
    rows = execute_with_event(insert, event=event, after=after)
    sql.mark_saved(redemption)
    return rows, event["data"]


def _stock_event(decision: CatalogDecision, taken: list[tuple]) -> None:
    """``reward.out_of_stock`` when this take emptied the stock (rare: extra statements only then)."""
    (_, status), = taken
    if status == OUT_OF_STOCK:
        reward = decision.reward
        reward_stock_flip_record(reward.id, tenant_id=reward.tenant_id, before=ACTIVE, after=OUT_OF_STOCK)


def _take_stock_under_lock(decision: CatalogDecision, *, now: datetime) -> list[tuple]:
    """
    The guarded UPDATE matched nothing: the reward changed since it was read.
    Lock it (the last row in the lock order) and raise the rule that now
    fails; if none fails and the price and limit are still the ones this
    redemption was decided on, take the units under the lock; else decide
    again (``StaleReward``). Returns the take's row.
    """
    locked = reward_lock(reward_id=decision.reward.id)
    reward_rules_check(replace(decision, reward=locked), now=now)
    if _price_and_limit(locked) != _price_and_limit(decision.reward):
        raise StaleReward()
    take = reward_take_sql(reward=locked, units=decision.units, amount=decision.amount, now=now)
    taken = sql.execute_together(take)
    if not taken:
        raise StaleReward()
    return taken


def _price_and_limit(reward: Reward) -> tuple:
    return reward.unit_cost, reward.max_per_participant


# --- retry --------------------------------------------------------------------------------


def _with_retries(
    decision: CatalogDecision,
    *,
    apply: Callable[[CatalogDecision], Created],
    decide: Callable[[Reward], CatalogDecision],
) -> Created:
    """
    The catalog redemption's retry policy, all of it. ``apply(decision)`` runs
    in one durable transaction, and again in a new one when:

    - the database rolled it back (a deadlock or serialization failure): the
      same decision, after a short jittered pause;
    - the reward's price or limit changed between the read and the guarded
      UPDATE (``StaleReward``): ``decide`` again on the latest committed reward;
    - a CODES reward had too few free codes while concurrent redemptions held
      enough (``CodesBusy``): the same decision, waiting for those codes.

    One request runs at most ``MAX_TRANSACTIONS`` transactions. When they are
    spent, the database's error propagates (the API answers 503) or, for a
    reward that kept changing, ``ServiceUnavailable``; nothing was written.
    """
    for attempt in range(1, MAX_TRANSACTIONS + 1):
        last = attempt == MAX_TRANSACTIONS
        try:
            with transaction.atomic(durable=True):
                return apply(decision)
        except StaleReward:
            if last:
                break
            reward = decision.reward
            decision = decide(Reward.objects.select_related("asset").get(id=reward.id, tenant_id=reward.tenant_id))
        except CodesBusy:
            if last:
                break
            decision = replace(decision, wait_for_codes=True)
        except OperationalError as exc:
            if last or not is_retryable(exc):
                raise
            pause_before_retry(exc, attempt)
    raise ServiceUnavailable("The reward kept changing while redeeming it; nothing was changed. Retry.")


# --- direct -------------------------------------------------------------------------------


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
    ``ParticipantNotEnrolled``, ``InsufficientBalance``. At most
    ``loyalty.db.MAX_ATTEMPTS`` transactions (deadlock retries).
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
    request = _Request(program, participant, fingerprint, idempotency_key)
    redemption = Redemption(
        tenant_id=program.tenant_id,
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
    return in_transaction(lambda: _apply_direct(request, redemption))


def _apply_direct(request: _Request, redemption: Redemption) -> Created:
    """Claim the key, lock the wallet, check, post and record ``redemption``, in the caller's transaction."""
    redemption.id = uuid.uuid4()  # a new one per attempt: the key's record points at it
    earlier = _claim(request, redemption.id)
    if earlier is not None:
        return Created(earlier, False)
    if not request.program.is_active:
        raise ProgramNotActive()
    wallet = wallet_lock_if_enrolled(participant_id=request.participant.id, asset=redemption.asset)
    if wallet is None:
        enrolment_check(participant=request.participant, program=request.program)
    _balance_check(wallet=wallet, cost=redemption.amount, scale=redemption.asset.scale)
    redemption.journal_entry = _post(redemption, wallet=wallet)
    _, rendered = _insert_with_event(redemption)
    return Created(redemption, True, rendered)
