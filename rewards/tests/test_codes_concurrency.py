"""
Reward codes under real concurrency on PostgreSQL (threads, each with its own
connection): no code is ever issued twice, lost, or split between redemptions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from ledger.tests.factories import fund
from loyalty.errors import RewardOutOfStock
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reward, RewardCode
from rewards.selectors import redemption_codes
from rewards.services import redemption_create_catalog, reward_codes_add
from rewards.tests.factories import RewardFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(tasks: list[Callable[[], object]]) -> list[object]:
    """Run each task in its own thread, all released at once; each result or the exception it raised."""
    barrier = threading.Barrier(len(tasks))
    results: list[object] = [None] * len(tasks)

    def run(index, task):
        try:
            barrier.wait()
            results[index] = task()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, task)) for i, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def code_reward(asset) -> Reward:
    return RewardFactory(asset=asset, name="Gift Card", unit_cost=Decimal("1.00"), fulfilment=Reward.Fulfilment.CODES)


def funded_participants(program, asset, n: int) -> list:
    participants = [ParticipantFactory(programs=[program]) for _ in range(n)]
    for participant in participants:
        fund(participant, asset, "100.00")
    return participants


def redeeming(program, participant, reward, quantity: int = 1):
    def task():
        fresh = Reward.objects.select_related("asset").get(id=reward.id)
        return redemption_create_catalog(
            program=program, participant=participant, reward=fresh, quantity=quantity
        ).record

    return task


def issued_codes() -> list[str]:
    return list(RewardCode.objects.exclude(redemption=None).values_list("code", flat=True))


def assert_reconciles() -> None:
    call_command("reconcile", "--format", "json", stdout=open("/dev/null", "w"))  # exits 1 on any discrepancy


def test_30_concurrent_redemptions_on_10_codes_make_10_redemptions_with_10_distinct_codes(program, asset, code_reward):
    # given
    reward_codes_add(reward=code_reward, codes=[f"C-{n:02d}" for n in range(10)])
    participants = funded_participants(program, asset, 30)

    # when
    results = run_together([redeeming(program, participant, code_reward) for participant in participants])

    # then
    made = [result for result in results if isinstance(result, Redemption)]
    refused = [result for result in results if isinstance(result, RewardOutOfStock)]
    assert (len(made), len(refused)) == (10, 20), results
    codes = [code for redemption in made for code in redemption_codes(redemption)[0]]
    assert sorted(codes) == [f"C-{n:02d}" for n in range(10)]
    code_reward.refresh_from_db()
    assert (code_reward.status, code_reward.codes_available, code_reward.redeemed_count) == ("OUT_OF_STOCK", 0, 10)
    assert_reconciles()


def test_concurrent_redemptions_of_3_units_never_split_a_code_set(program, asset, code_reward):
    # given: 10 codes, 12 redemptions of 3
    reward_codes_add(reward=code_reward, codes=[f"C-{n:02d}" for n in range(10)])
    participants = funded_participants(program, asset, 12)

    # when
    results = run_together([redeeming(program, participant, code_reward, quantity=3) for participant in participants])

    # then: 3 whole sets of 3 distinct codes, the 10th code still available
    made = [result for result in results if isinstance(result, Redemption)]
    assert len(made) == 3 and all(isinstance(r, (Redemption, RewardOutOfStock)) for r in results), results
    for redemption in made:
        held = RewardCode.objects.filter(redemption=redemption)
        assert held.count() == 3 and set(held.values_list("reward_id", flat=True)) == {code_reward.id}
    assert len(set(issued_codes())) == len(issued_codes()) == 9
    assert RewardCode.objects.filter(state=RewardCode.State.AVAILABLE).count() == 1
    assert_reconciles()


def test_concurrent_uploads_and_redemptions_never_lose_or_duplicate_a_code(program, asset, code_reward):
    # given: 5 codes; 6 uploads of 5 new codes each plus one code they all send; 20 redemptions
    reward_codes_add(reward=code_reward, codes=[f"OLD-{n}" for n in range(5)])
    participants = funded_participants(program, asset, 20)
    batches = [["SHARED", *[f"U{u}-{n}" for n in range(5)]] for u in range(6)]
    uploads = [lambda batch=batch: reward_codes_add(reward=code_reward, codes=batch) for batch in batches]

    # when
    results = run_together(uploads + [redeeming(program, participant, code_reward) for participant in participants])

    # then
    added = results[: len(uploads)]
    assert not [
        result for result in results if isinstance(result, Exception) and not isinstance(result, RewardOutOfStock)
    ]
    assert sum(result.added for result in added) == 31  # 6 x 5 new codes and SHARED once
    assert sorted(RewardCode.objects.values_list("code", flat=True)) == sorted(
        {"SHARED", *[f"OLD-{n}" for n in range(5)], *[code for batch in batches for code in batch]}
    )
    made = [result for result in results if isinstance(result, Redemption)]
    issued = issued_codes()
    assert len(issued) == len(set(issued)) == len(made)
    code_reward.refresh_from_db()
    assert (
        code_reward.codes_available
        == RewardCode.objects.filter(state=RewardCode.State.AVAILABLE).count()
        == 36 - len(made)
    )
    assert_reconciles()


def test_a_redemption_waits_for_codes_that_a_failing_redemption_held(program, asset, code_reward):
    # given: 3 codes, 2 of them locked by a transaction that will roll back (a redemption failing late)
    reward_codes_add(reward=code_reward, codes=["C-1", "C-2", "C-3"])
    (participant,) = funded_participants(program, asset, 1)
    holding, release = threading.Event(), threading.Event()

    def hold_two_codes():
        with transaction.atomic():
            list(RewardCode.objects.select_for_update().filter(code__in=["C-1", "C-2"]))
            holding.set()
            release.wait(60)
            transaction.set_rollback(True)

    def release_once_the_redemption_waits():
        holding.wait(60)
        with connection.cursor() as cursor:
            for _ in range(6000):  # until a backend waits on a row lock (no timing asserted)
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%%rewards_rewardcode%%'"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.01)
        release.set()

    def redeem_after_the_hold():
        holding.wait(60)
        return redeeming(program, participant, code_reward, quantity=3)()

    # when: the redemption finds 1 free code and 2 held, waits for them, and gets all 3
    results = run_together([hold_two_codes, release_once_the_redemption_waits, redeem_after_the_hold])

    # then
    redemption = results[2]
    assert isinstance(redemption, Redemption), results
    assert redemption_codes(redemption)[0] == ["C-1", "C-2", "C-3"]
    assert_reconciles()
