"""
Redemptions and reversals under real concurrency: threads, each with its own
PostgreSQL connection, released together by a Barrier. Every test ends with
the whole-ledger consistency check (each wallet's lines sum to its stored
balance, entries balance, counters agree with the redemptions).
"""

from __future__ import annotations

import logging
import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from ledger.models import Account, JournalEntry
from ledger.tests.factories import fund
from loyalty.errors import (
    BusinessRuleViolation,
    InsufficientBalance,
    ParticipantLimitExceeded,
    RedemptionFullyReversed,
    ReversalExceedsRemaining,
    RewardOutOfStock,
)
from loyalty.services import Created
from participants.services import accrual_create
from participants.tests.factories import ParticipantFactory
from rewards.models import ParticipantRewardCount, Redemption, Reversal, Reward
from rewards.services import (
    redemption_create_catalog,
    redemption_create_direct,
    reversal_create,
    reward_update,
)
from rewards.tests.factories import RewardFactory
from tests.ledger_checks import assert_ledger_consistent, wallet_balance

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

JOIN_TIMEOUT = 120


def race(count: int, work) -> list:
    """
    Run ``work(i)`` for i in range(count) in as many threads, released at once
    by a Barrier; return each thread's result or the exception it raised.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test to assert on
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), name=f"racer-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def split(results) -> tuple[list[Created], list[Exception]]:
    successes = [r for r in results if isinstance(r, Created)]
    failures = [r for r in results if not isinstance(r, Created)]
    return successes, failures


def assert_only(failures, *allowed) -> None:
    unexpected = [f for f in failures if not isinstance(f, allowed)]
    assert unexpected == [], f"unexpected errors: {unexpected!r}"


def load(reward) -> Reward:
    return Reward.objects.select_related("asset").get(id=reward.id)


def load_redemption(redemption) -> Redemption:
    return Redemption.objects.select_related("asset").get(id=redemption.id)


def funded_participant(program, asset, amount) -> object:
    participant = ParticipantFactory(programs=[program])
    fund(participant, asset, amount)
    return participant


def test_thirty_racers_never_oversell_the_last_ten_units(program, asset):
    # given: 2 of 12 units sold, 10 left; 30 participants who can each afford 3
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=12)
    first = funded_participant(program, asset, "20.00")
    redemption_create_catalog(program=program, participant=first, reward=reward, quantity=2)
    racers = [funded_participant(program, asset, "30.00") for _ in range(30)]
    quantities = [random.Random(i).randint(1, 3) for i in range(30)]
    stale = load(reward)  # every racer holds the reward as read before the race

    # when
    results = race(
        30,
        lambda i: redemption_create_catalog(
            program=program, participant=racers[i], reward=stale, quantity=quantities[i]
        ),
    )

    # then
    successes, failures = split(results)
    assert_only(failures, RewardOutOfStock)
    sold = sum(s.record.quantity for s in successes)
    reward = load(reward)
    assert sold <= 10
    assert reward.redeemed_count == 2 + sold
    assert (reward.status == Reward.Status.OUT_OF_STOCK) == (sold == 10)
    assert sum(ParticipantRewardCount.objects.filter(reward=reward).values_list("count", flat=True)) == 2 + sold
    assert Redemption.objects.filter(reward=reward).count() == 1 + len(successes)
    # the smallest request that failed could not have fit in what was left
    if failures:
        failed_quantities = [quantities[i] for i, r in enumerate(results) if not isinstance(r, Created)]
        assert min(failed_quantities) > 10 - sold
    assert_ledger_consistent()


def test_a_participant_funded_for_seven_redemptions_gets_exactly_seven_of_thirty(program, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))
    participant = funded_participant(program, asset, "70.00")
    wallet_id = Account.objects.get(type=Account.Type.WALLET, participant=participant).id
    stop = threading.Event()
    seen: list[Decimal] = []

    def watch():
        try:
            while not stop.is_set():
                seen.append(Account.objects.get(id=wallet_id).balance)
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()

    # when
    try:
        results = race(
            30, lambda i: redemption_create_catalog(program=program, participant=participant, reward=load(reward))
        )
    finally:
        stop.set()
        watcher.join(timeout=JOIN_TIMEOUT)

    # then
    successes, failures = split(results)
    assert_only(failures, InsufficientBalance)
    assert len(successes) == 7
    assert wallet_balance(participant, asset) == Decimal("0.00")
    assert seen and min(seen) >= 0
    assert load(reward).redeemed_count == 7
    assert_ledger_consistent()


def test_twenty_racers_with_one_idempotency_key_make_one_redemption(program, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=100)
    participant = funded_participant(program, asset, "1000.00")
    entries = JournalEntry.objects.count()

    # when
    results = race(
        20,
        lambda i: redemption_create_catalog(
            program=program, participant=participant, reward=load(reward), quantity=2, idempotency_key="order-77"
        ),
    )

    # then
    successes, failures = split(results)
    assert failures == []
    assert sum(s.created for s in successes) == 1
    assert len({s.record.id for s in successes}) == 1
    assert Redemption.objects.count() == 1
    assert JournalEntry.objects.count() == entries + 1
    assert wallet_balance(participant, asset) == Decimal("980.00")
    assert load(reward).redeemed_count == 2
    assert_ledger_consistent()


def test_a_repeat_with_a_taken_key_waits_for_no_lock_of_the_wallet(program, asset):
    # given: the first redemption, then another transaction holding the participant's wallet
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=100)
    participant = funded_participant(program, asset, "100.00")
    first = redemption_create_catalog(program=program, participant=participant, reward=load(reward),
                                      idempotency_key="order-1").record
    holding, release = threading.Event(), threading.Event()

    def hold_the_wallet():
        try:
            with transaction.atomic():
                Account.objects.select_for_update().get(participant=participant, type=Account.Type.WALLET)
                holding.set()
                release.wait(JOIN_TIMEOUT)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_wallet, name="wallet-holder")
    holder.start()
    assert holding.wait(30)

    # when: a lock wait would fail after a second
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        repeat = redemption_create_catalog(program=program, participant=participant, reward=load(reward),
                                           idempotency_key="order-1")
    finally:
        release.set()
        holder.join(JOIN_TIMEOUT)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    # then: the claim found the key taken, and the wallet's lock was conditioned on it
    assert (repeat.created, repeat.record.id) == (False, first.id)
    assert wallet_balance(participant, asset) == Decimal("90.00")
    assert ParticipantRewardCount.objects.get(participant=participant, reward=reward).count == 1


def test_twenty_racers_get_exactly_the_participants_limit_of_three(program, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_per_participant=3)
    participant = funded_participant(program, asset, "100.00")

    # when
    results = race(
        20, lambda i: redemption_create_catalog(program=program, participant=participant, reward=load(reward))
    )

    # then
    successes, failures = split(results)
    assert_only(failures, ParticipantLimitExceeded)
    assert len(successes) == 3
    assert ParticipantRewardCount.objects.get(reward=reward, participant=participant).count == 3
    assert load(reward).redeemed_count == 3
    assert wallet_balance(participant, asset) == Decimal("97.00")
    assert_ledger_consistent()


def test_ten_racers_reversing_one_unit_each_of_five_reverse_exactly_five(program, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("7.00"), max_total=5)
    participant = funded_participant(program, asset, "35.00")
    redemption = redemption_create_catalog(program=program, participant=participant, reward=reward, quantity=5).record

    # when
    results = race(10, lambda i: reversal_create(redemption=load_redemption(redemption), quantity=1))

    # then
    successes, failures = split(results)
    assert_only(failures, RedemptionFullyReversed, ReversalExceedsRemaining)
    assert len(successes) == 5
    assert wallet_balance(participant, asset) == Decimal("35.00")
    redemption.refresh_from_db()
    assert (redemption.status, redemption.reversed_quantity) == (Redemption.Status.FULLY_REVERSED, 5)
    reward = load(reward)
    assert (reward.redeemed_count, reward.status) == (0, Reward.Status.ACTIVE)
    assert Reversal.objects.count() == 5
    assert_ledger_consistent()


def test_a_reversal_racing_the_redemption_of_the_last_unit_leaves_both_done(program, asset):
    # given: 1 of 2 units held by the first participant, 1 left
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=2)
    holder = funded_participant(program, asset, "10.00")
    held = redemption_create_catalog(program=program, participant=holder, reward=reward).record
    buyer = funded_participant(program, asset, "10.00")

    # when: the holder returns its unit while the buyer takes the last one
    results = race(
        2,
        lambda i: reversal_create(redemption=load_redemption(held))
        if i == 0
        else redemption_create_catalog(program=program, participant=buyer, reward=load(reward)),
    )

    # then: whichever ran first, both succeed and one unit is out
    successes, failures = split(results)
    assert failures == []
    reward = load(reward)
    assert (reward.redeemed_count, reward.status) == (1, Reward.Status.ACTIVE)
    assert (wallet_balance(holder, asset), wallet_balance(buyer, asset)) == (Decimal("10.00"), Decimal("0.00"))
    assert_ledger_consistent()


def test_a_reversal_racing_a_redemption_of_a_sold_out_reward_stays_consistent(program, asset):
    # given: rounds of a one-unit reward held by one participant while another tries to buy it
    for _ in range(8):
        reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=1)
        holder = funded_participant(program, asset, "10.00")
        held = redemption_create_catalog(program=program, participant=holder, reward=reward).record
        buyer = funded_participant(program, asset, "10.00")

        # when
        results = race(
            2,
            lambda i, held=held, buyer=buyer, reward=reward: reversal_create(redemption=load_redemption(held))
            if i == 0
            else redemption_create_catalog(program=program, participant=buyer, reward=load(reward)),
        )

        # then: the reversal always succeeds; the purchase did iff it saw the unit back
        reversal, purchase = results
        assert isinstance(reversal, Created), reversal
        assert isinstance(purchase, (Created, RewardOutOfStock)), purchase
        bought = isinstance(purchase, Created)
        reward = load(reward)
        if bought:
            assert (reward.redeemed_count, reward.status) == (1, Reward.Status.OUT_OF_STOCK)
            assert wallet_balance(buyer, asset) == Decimal("0.00")
        else:
            assert (reward.redeemed_count, reward.status) == (0, Reward.Status.ACTIVE)
            assert wallet_balance(buyer, asset) == Decimal("10.00")
        assert wallet_balance(holder, asset) == Decimal("10.00")
    assert_ledger_consistent()


class _RetryCounter(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.retries = 0

    def emit(self, record):
        if "retrying transaction" in record.getMessage():
            self.retries += 1


def test_a_random_mix_of_redemptions_reversals_and_edits_only_ever_fails_with_domain_errors(program, asset):
    # given: 4 participants, 3 rewards, and redemptions of each to reverse
    participants = [funded_participant(program, asset, "2000.00") for _ in range(4)]
    rewards = [
        RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=30, max_per_participant=8),
        RewardFactory(asset=asset, unit_cost=Decimal("3.00")),
        RewardFactory(asset=asset, type=Reward.Type.AMOUNT_BASED, max_total=12),
    ]
    for participant in participants:
        for reward in rewards:
            kwargs = {"amount": Decimal("15.00")} if reward.type == Reward.Type.AMOUNT_BASED else {"quantity": 2}
            redemption_create_catalog(program=program, participant=participant, reward=reward, **kwargs)
        redemption_create_direct(program=program, participant=participant, asset=asset, amount=Decimal("20.00"))
    redemption_ids = list(Redemption.objects.values_list("id", flat=True))
    counter = _RetryCounter()
    db_logger = logging.getLogger("loyalty.db")
    level = db_logger.level
    db_logger.addHandler(counter)
    db_logger.setLevel(logging.INFO)

    def one_op(rng: random.Random):
        op = rng.choice(["redeem", "redeem", "redeem", "reverse", "reverse", "accrue", "direct", "edit", "reprice"])
        participant = rng.choice(participants)
        reward = load(rng.choice(rewards))
        if op == "redeem":
            kwargs = (
                {"amount": Decimal(rng.choice(["1.00", "5.50", "12.00"]))}
                if reward.type == Reward.Type.AMOUNT_BASED
                else {"quantity": rng.randint(1, 3)}
            )
            return redemption_create_catalog(program=program, participant=participant, reward=reward, **kwargs)
        if op == "reverse":
            redemption = Redemption.objects.select_related("asset").get(id=rng.choice(redemption_ids))
            if rng.random() < 0.4:
                restock = None if redemption.reward_id is None else rng.random() < 0.8
                return reversal_create(redemption=redemption, restock=restock)
            if redemption.quantity is not None:
                return reversal_create(redemption=redemption, quantity=1)
            return reversal_create(redemption=redemption, amount=Decimal("1.00"))
        if op == "accrue":
            return accrual_create(program=program, participant=participant, asset=asset, amount=Decimal("5.00"))
        if op == "direct":
            return redemption_create_direct(
                program=program, participant=participant, asset=asset, amount=Decimal("2.00")
            )
        if op == "reprice":  # redemptions holding the old price must notice and decide again
            price = Decimal(rng.choice(["3.00", "4.00", "10.00"]))
            return reward_update(reward=rewards[rng.randint(0, 1)], unit_cost=price)
        edited = rng.choice(rewards[:1] + rewards[2:])  # the ones with stock
        return reward_update(reward=edited, max_total=rng.choice([10, 12, 20, 30]))

    def work(i):
        rng = random.Random(1000 + i)
        outcomes = []
        for _ in range(6):
            try:
                outcomes.append(one_op(rng))
            except BusinessRuleViolation as exc:
                outcomes.append(exc)
        return outcomes

    # when
    try:
        results = race(24, work)
    finally:
        db_logger.removeHandler(counter)
        db_logger.setLevel(level)

    # then: no thread died of anything but a 422, and the books agree
    crashed = [r for r in results if isinstance(r, BaseException)]
    assert crashed == [], f"non-domain errors: {crashed!r}"
    outcomes = [o for r in results for o in r]
    assert len(outcomes) == 24 * 6
    assert any(not isinstance(o, BusinessRuleViolation) for o in outcomes)
    assert counter.retries == 0, f"{counter.retries} deadlock/serialization retries: the lock order is not kept"
    assert_ledger_consistent()


def test_reversals_and_reward_edits_do_not_wait_for_movements_holding_the_asset(program, asset):
    # given: another transaction holds a KEY SHARE lock on the asset row, as every
    # in-flight movement does through its foreign keys to the asset
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=5)
    participant = funded_participant(program, asset, "50.00")
    redemption = redemption_create_catalog(program=program, participant=participant, reward=reward, quantity=2).record
    locked, release = threading.Event(), threading.Event()

    def hold_asset():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM ledger_asset WHERE id = %s FOR KEY SHARE", [asset.id])
                locked.set()
                release.wait(timeout=JOIN_TIMEOUT)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_asset)
    holder.start()
    assert locked.wait(timeout=30)

    # when: a wait for that lock would time out after one second
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        reversal = reversal_create(redemption=load_redemption(redemption), quantity=1)
        edited = reward_update(reward=load(reward), max_total=4)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        holder.join(timeout=JOIN_TIMEOUT)

    # then
    assert reversal.created is True
    assert (edited.max_total, edited.redeemed_count) == (4, 1)
    assert_ledger_consistent()


def test_a_dry_run_answers_while_another_transaction_holds_the_participants_wallet(program, asset):
    # given: another connection holds the wallet's row lock (a redemption in flight)
    participant = funded_participant(program, asset, "100.00")
    reward = load(RewardFactory(asset=asset, unit_cost=Decimal("10.00")))
    locked, release = threading.Event(), threading.Event()

    def hold_the_wallet():
        try:
            with transaction.atomic():
                Account.objects.select_for_update().get(type=Account.Type.WALLET, participant=participant)
                locked.set()
                release.wait(timeout=JOIN_TIMEOUT)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_wallet, name="wallet-holder")
    holder.start()
    assert locked.wait(timeout=30)

    # when: a lock wait would end in the lock timeout's OperationalError
    try:
        result = redemption_create_catalog(
            program=program, participant=participant, reward=reward, quantity=2, dry_run=True
        )
    finally:
        release.set()
        holder.join(timeout=JOIN_TIMEOUT)

    # then
    assert (result.record.id, result.record.amount) == (None, Decimal("20.00"))
