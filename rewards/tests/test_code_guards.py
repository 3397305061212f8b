"""
Reward codes: the database itself refuses a code that would belong to two
redemptions or move backwards, going around the services (``QuerySet.update()``,
``bulk_create``, raw SQL).
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from ledger.tests.factories import fund
from participants.tests.factories import ParticipantFactory
from rewards.models import Reward, RewardCode
from rewards.services import reward_codes_add
from rewards.tests.api_support import redeem
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

CHECK_VIOLATION = "23514"


@pytest.fixture
def code_reward(asset) -> Reward:
    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)
    reward_codes_add(reward=reward, codes=["C-1", "C-2", "C-3"])
    reward.refresh_from_db()
    return reward


@pytest.fixture
def two_redemptions(program, asset, code_reward):
    first, second = ParticipantFactory(programs=[program]), ParticipantFactory(programs=[program])
    fund(first, asset, "100.00")
    fund(second, asset, "100.00")
    return redeem(code_reward, first), redeem(code_reward, second)


def refused(exc_info) -> str:
    return exc_info.value.__cause__.sqlstate


def test_a_code_cannot_be_added_twice_to_one_reward(code_reward):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardCode.objects.create(tenant_id=code_reward.tenant_id, reward=code_reward, code="C-1")


def test_an_issued_code_without_a_redemption_is_refused(code_reward):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardCode.objects.filter(code="C-3").update(state=RewardCode.State.ISSUED)


@pytest.mark.postgres
def test_postgresql_refuses_moving_an_issued_code_to_another_redemption(two_redemptions):
    # given
    first, second = two_redemptions

    # when / then
    with pytest.raises(DatabaseError) as exc_info, transaction.atomic():
        RewardCode.objects.filter(redemption=first).update(redemption=second)
    assert refused(exc_info) == CHECK_VIOLATION


@pytest.mark.postgres
def test_postgresql_refuses_making_an_issued_code_available_again(two_redemptions):
    # given
    first, _ = two_redemptions

    # when / then
    with pytest.raises(DatabaseError) as exc_info, transaction.atomic():
        RewardCode.objects.filter(redemption=first).update(state=RewardCode.State.AVAILABLE, redemption=None)
    assert refused(exc_info) == CHECK_VIOLATION


@pytest.mark.postgres
def test_postgresql_refuses_reissuing_a_voided_code(two_redemptions):
    # given
    first, _ = two_redemptions
    RewardCode.objects.filter(redemption=first).update(state=RewardCode.State.VOIDED)

    # when / then
    with pytest.raises(DatabaseError) as exc_info, transaction.atomic():
        RewardCode.objects.filter(redemption=first).update(state=RewardCode.State.ISSUED)
    assert refused(exc_info) == CHECK_VIOLATION


@pytest.mark.postgres
def test_postgresql_refuses_deleting_an_issued_code(two_redemptions):
    # when / then
    with pytest.raises(DatabaseError) as exc_info, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM rewards_rewardcode WHERE state = 'ISSUED'")
    assert refused(exc_info) == CHECK_VIOLATION


@pytest.mark.postgres
def test_postgresql_refuses_changing_an_issued_codes_text(two_redemptions):
    # given
    first, _ = two_redemptions

    # when / then
    with pytest.raises(DatabaseError) as exc_info, transaction.atomic():
        RewardCode.objects.filter(redemption=first).update(code="C-9")
    assert refused(exc_info) == CHECK_VIOLATION
