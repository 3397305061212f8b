"""
``manage.py reconcile`` and reward codes: a clean ledger with codes passes;
each corruption (made around the services, PostgreSQL's guards off where
they would refuse it) is named by ``reward_stock`` only, with its issue.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.tests.factories import fund
from ledger.tests.test_reconcile import examples_of, ledger_guards_off, only_failure, reconcile_json
from participants.tests.factories import ParticipantFactory
from rewards.models import Reward, RewardCode
from rewards.services import reversal_create, reward_codes_add
from rewards.tests.api_support import redeem
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(program, asset):
    """A CODES reward with 4 codes: alice holds 2 (one of them voided by a reversal), 2 are available."""
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), fulfilment=Reward.Fulfilment.CODES)
    reward_codes_add(reward=reward, codes=["C-1", "C-2", "C-3", "C-4"])
    alice = ParticipantFactory(programs=[program])
    fund(alice, asset, "100.00")
    redemption = redeem(Reward.objects.select_related("asset").get(id=reward.id), alice, quantity=2)
    reversal_create(redemption=redemption, quantity=1)
    plain = RewardFactory(asset=asset, unit_cost=Decimal("1.00"))
    other = redeem(Reward.objects.select_related("asset").get(id=plain.id), alice)
    return reward, redemption, other


def test_a_ledger_with_codes_reconciles(codes):
    # when
    outcome = reconcile_json()

    # then
    assert outcome.code == 0, outcome.out


def test_a_code_of_a_redemption_of_another_reward_is_named(codes):
    # given: C-3 issued to a redemption of another reward
    _, _, other = codes
    with ledger_guards_off():
        RewardCode.objects.filter(code="C-3").update(state=RewardCode.State.ISSUED, redemption=other)
        Reward.objects.filter(id=codes[0].id).update(codes_available=1)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = examples_of(check, "code_redemption_mismatch")
    assert (example["related_id"], example["expected"]) == (str(other.id), str(codes[0].id))
    assert {e["issue"] for e in check["examples"]} == {"code_redemption_mismatch"}


def test_a_code_voided_without_a_reversal_is_named(codes):
    # given: alice's last issued code voided around the reversal service
    _, redemption, _ = codes
    RewardCode.objects.filter(redemption=redemption, state=RewardCode.State.ISSUED).update(
        state=RewardCode.State.VOIDED
    )

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"]) == ("redemption_codes_mismatch", str(redemption.id))
    assert (example["expected"], example["actual"]) == ("1 issued, 1 voided", "0 issued, 2 voided")


def test_a_reward_counter_that_differs_from_its_available_codes_is_named(codes):
    # given
    reward, _, _ = codes
    Reward.objects.filter(id=reward.id).update(codes_available=3)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"], example["actual"]) == (
        "reward_codes_available_mismatch", str(reward.id), "2", "3"
    )


def test_a_codes_reward_active_with_no_available_code_is_named(codes):
    # given: its 2 available codes gone around the services, the counter with them
    reward, _, _ = codes
    with ledger_guards_off():
        RewardCode.objects.filter(reward=reward, state=RewardCode.State.AVAILABLE).delete()
        Reward.objects.filter(id=reward.id).update(codes_available=0)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["expected"], example["actual"]) == (
        "reward_status_mismatch", "OUT_OF_STOCK", "ACTIVE"
    )
