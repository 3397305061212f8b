"""reward_update and reward_set_active: the status rules of the catalog."""

from decimal import Decimal

import pytest

from ledger.tests.factories import fund
from loyalty.errors import ValidationFailed
from rewards.models import Reward
from rewards.services import redemption_create_catalog, reward_create, reward_set_active, reward_update
from rewards.tests.factories import RewardFactory
from tests.ledger_checks import world_snapshot

pytestmark = pytest.mark.django_db

ACTIVE = Reward.Status.ACTIVE
INACTIVE = Reward.Status.INACTIVE
OUT_OF_STOCK = Reward.Status.OUT_OF_STOCK


@pytest.fixture
def sold(program, participant, asset):
    """A reward with max_total 5 of which 3 units are sold."""
    fund(participant, asset, "1000.00")
    reward = RewardFactory(asset=asset, max_total=5)
    redemption_create_catalog(program=program, participant=participant, reward=reward, quantity=3)
    return Reward.objects.get(id=reward.id)


@pytest.fixture
def sold_out(sold):
    """A reward of which all units (3) are sold."""
    return reward_update(reward=sold, max_total=3)


def stored(reward) -> tuple:
    reward = Reward.objects.get(id=reward.id)
    return reward.status, reward.redeemed_count, reward.max_total


def test_lowering_max_total_to_the_redeemed_count_marks_the_reward_out_of_stock(sold):
    # when
    reward = reward_update(reward=sold, max_total=3)

    # then
    assert reward.status == OUT_OF_STOCK
    assert stored(sold) == (OUT_OF_STOCK, 3, 3)


def test_lowering_max_total_below_the_redeemed_count_marks_the_reward_out_of_stock(sold):
    # when
    reward_update(reward=sold, max_total=1)

    # then
    assert stored(sold) == (OUT_OF_STOCK, 3, 1)


def test_lowering_max_total_above_the_redeemed_count_keeps_the_reward_active(sold):
    # when
    reward_update(reward=sold, max_total=4)

    # then
    assert stored(sold) == (ACTIVE, 3, 4)


def test_raising_max_total_above_the_redeemed_count_reactivates_an_out_of_stock_reward(sold_out):
    # when
    reward_update(reward=sold_out, max_total=4)

    # then
    assert stored(sold_out) == (ACTIVE, 3, 4)


def test_removing_max_total_reactivates_an_out_of_stock_reward(sold_out):
    # when
    reward_update(reward=sold_out, max_total=None)

    # then
    assert stored(sold_out) == (ACTIVE, 3, None)


def test_asking_for_active_with_no_stock_left_keeps_out_of_stock(sold_out):
    # when
    reward = reward_update(reward=sold_out, status=ACTIVE)

    # then
    assert reward.status == OUT_OF_STOCK
    assert stored(sold_out) == (OUT_OF_STOCK, 3, 3)


def test_an_unrelated_change_keeps_an_out_of_stock_reward_out_of_stock(sold_out):
    # when
    reward_update(reward=sold_out, name="Renamed")

    # then
    assert stored(sold_out) == (OUT_OF_STOCK, 3, 3)


def test_an_out_of_stock_reward_can_be_switched_off(sold_out):
    # when
    reward_set_active(reward=sold_out, active=False)

    # then
    assert stored(sold_out)[0] == INACTIVE


@pytest.mark.parametrize("max_total", [1, 3, 4, None])
def test_an_inactive_reward_stays_inactive_whatever_happens_to_max_total(sold, max_total):
    # given
    reward_set_active(reward=sold, active=False)

    # when
    reward_update(reward=sold, max_total=max_total)

    # then
    assert stored(sold)[0] == INACTIVE


def test_switching_an_inactive_reward_with_stock_back_on_makes_it_active(sold):
    # given
    reward_set_active(reward=sold, active=False)

    # when
    reward = reward_set_active(reward=sold, active=True)

    # then
    assert reward.status == ACTIVE


def test_switching_an_inactive_reward_without_stock_back_on_makes_it_out_of_stock(sold_out):
    # given
    reward_set_active(reward=sold_out, active=False)

    # when
    reward_set_active(reward=sold_out, active=True)

    # then
    assert stored(sold_out)[0] == OUT_OF_STOCK


def test_out_of_stock_cannot_be_asked_for(sold):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        reward_update(reward=sold, status=OUT_OF_STOCK)

    # then
    assert list(exc.value.fields) == ["status"]
    assert world_snapshot() == before


def test_the_type_of_a_reward_cannot_change(sold):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        reward_update(reward=sold, type=Reward.Type.AMOUNT_BASED)

    # then
    assert list(exc.value.fields) == ["type"]
    assert world_snapshot() == before


def test_an_invalid_change_is_refused_and_changes_nothing(sold):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        reward_update(reward=sold, unit_cost=Decimal("1.001"), max_total=3)

    # then
    assert list(exc.value.fields) == ["unit_cost"]
    assert world_snapshot() == before


def test_creating_a_reward_with_stock_and_inactive_keeps_it_inactive(asset):
    # when
    reward = reward_create(
        program=asset.program,
        asset=asset,
        type=Reward.Type.UNIT_BASED,
        name="Mug",
        unit_cost=Decimal("5"),
        status=INACTIVE,
    )

    # then
    assert (reward.status, reward.redeemed_count) == (INACTIVE, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("unit_cost", Decimal("0")), ("unit_cost", Decimal("-1.00")), ("max_total", 0), ("max_per_participant", 0)],
)
def test_creating_a_reward_with_a_non_positive_cost_or_limit_is_a_validation_error(asset, field, value):
    # given
    fields = {"unit_cost": Decimal("10.00"), field: value}

    # when
    with pytest.raises(ValidationFailed) as error:
        reward_create(program=asset.program, asset=asset, type="UNIT_BASED", name="Mug", **fields)

    # then
    assert field in error.value.fields
    assert not Reward.objects.exists()


@pytest.mark.django_db
def test_a_unit_cost_written_with_more_places_than_the_scale_is_refused_even_if_equal_in_value(asset):
    # given: scale 2
    with pytest.raises(ValidationFailed) as error:
        # when
        reward_create(program=asset.program, asset=asset, type="UNIT_BASED", name="Mug", unit_cost=Decimal("10.000"))

    # then
    assert "unit_cost" in error.value.fields
    assert not Reward.objects.exists()
