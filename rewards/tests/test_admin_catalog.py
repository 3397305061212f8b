"""Admin of the reward catalog: edits and actions through the catalog service."""

from decimal import Decimal
from http import HTTPStatus

import pytest

from ledger.tests.factories import AssetFactory
from loyalty.tests.admin_helpers import admin_url, changelist_ids, redeem
from participants.tests.factories import ParticipantFactory
from rewards.models import Reward
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


def _change_data(reward: Reward, **overrides) -> dict:
    """The change form as the browser posts it, with ``overrides``."""
    data = {
        "name": reward.name,
        "description": reward.description,
        "unit_cost": "" if reward.unit_cost is None else str(reward.unit_cost),
        "min_amount": "" if reward.min_amount is None else str(reward.min_amount),
        "max_amount": "" if reward.max_amount is None else str(reward.max_amount),
        "status": "INACTIVE" if reward.status == "INACTIVE" else "ACTIVE",
        "max_total": "" if reward.max_total is None else str(reward.max_total),
        "max_per_participant": "" if reward.max_per_participant is None else str(reward.max_per_participant),
        "available_from_0": "",
        "available_from_1": "",
        "available_until_0": "",
        "available_until_1": "",
    }
    data.update(overrides)
    return data


def _snapshot(reward: Reward):
    reward.refresh_from_db()
    return (reward.name, reward.status, reward.unit_cost, reward.max_total, reward.redeemed_count)


@pytest.fixture
def sold_three(program, asset):
    """A reward with max_total 10 of which 3 units are redeemed."""
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=10)
    redeem(participant=ParticipantFactory(programs=[program]), reward=reward, quantity=3)
    return reward


def test_reward_changelist_shows_type_cost_status_stock_and_window(operator_client, asset):
    # given
    RewardFactory(asset=asset, name="Coffee", unit_cost=Decimal("12.5"), max_total=50)
    RewardFactory(asset=asset, name="Voucher", type="AMOUNT_BASED", min_amount=Decimal("5"), max_amount=Decimal("20"))

    # when
    response = operator_client.get(admin_url(Reward, "changelist"))

    # then
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    for expected in ("UNIT_BASED", "12.50", "0 / 50", "AMOUNT_BASED", "5.00 – 20.00", "0 / ∞", "ACTIVE", "always"):
        assert expected in content


def test_operator_adds_a_reward_through_the_catalog_service(operator_client, program, asset):
    # when
    response = operator_client.post(
        admin_url(Reward, "add"),
        {
            "program": str(program.pk),
            "asset": str(asset.pk),
            "name": "Cinema ticket",
            "description": "",
            "type": "UNIT_BASED",
            "unit_cost": "300.00",
            "status": "ACTIVE",
            "max_total": "5",
        },
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    reward = Reward.objects.get()
    assert (reward.name, reward.unit_cost, reward.max_total) == ("Cinema ticket", Decimal("300"), 5)
    assert reward.status == "ACTIVE"


def test_adding_a_unit_based_reward_without_unit_cost_shows_the_service_error(operator_client, program, asset):
    # when
    response = operator_client.post(
        admin_url(Reward, "add"),
        {"program": str(program.pk), "asset": str(asset.pk), "name": "Free", "type": "UNIT_BASED", "status": "ACTIVE"},
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["unit_cost"] == ["Required for a UNIT_BASED reward."]
    assert not Reward.objects.exists()


def test_adding_a_reward_with_an_asset_of_another_program_is_refused(operator_client, program):
    # given
    foreign = AssetFactory()

    # when
    response = operator_client.post(
        admin_url(Reward, "add"),
        {
            "program": str(program.pk),
            "asset": str(foreign.pk),
            "name": "X",
            "type": "UNIT_BASED",
            "unit_cost": "1",
            "status": "ACTIVE",
        },
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["asset"] == ["The asset does not belong to the chosen program."]
    assert not Reward.objects.exists()


def test_lowering_max_total_below_redeemed_count_makes_the_reward_out_of_stock(operator_client, sold_three):
    # when
    response = operator_client.post(admin_url(Reward, "change", sold_three.pk), _change_data(sold_three, max_total="2"))

    # then
    assert response.status_code == HTTPStatus.FOUND
    sold_three.refresh_from_db()
    assert (sold_three.max_total, sold_three.status, sold_three.redeemed_count) == (2, "OUT_OF_STOCK", 3)


def test_raising_max_total_above_redeemed_count_reactivates_an_out_of_stock_reward(operator_client, sold_three):
    # given
    operator_client.post(admin_url(Reward, "change", sold_three.pk), _change_data(sold_three, max_total="3"))
    sold_three.refresh_from_db()
    assert sold_three.status == "OUT_OF_STOCK"

    # when
    response = operator_client.post(admin_url(Reward, "change", sold_three.pk), _change_data(sold_three, max_total="4"))

    # then
    assert response.status_code == HTTPStatus.FOUND
    sold_three.refresh_from_db()
    assert (sold_three.max_total, sold_three.status) == (4, "ACTIVE")


def test_redeemed_count_and_out_of_stock_cannot_be_set_from_the_form(operator_client, sold_three):
    # given
    before = _snapshot(sold_three)

    # when
    response = operator_client.post(
        admin_url(Reward, "change", sold_three.pk),
        _change_data(sold_three, status="OUT_OF_STOCK", redeemed_count="0", name="Renamed"),
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert "status" in response.context["adminform"].form.errors
    assert _snapshot(sold_three) == before


def test_a_negative_unit_cost_is_refused_and_nothing_changes(operator_client, sold_three):
    # given
    before = _snapshot(sold_three)

    # when
    response = operator_client.post(
        admin_url(Reward, "change", sold_three.pk), _change_data(sold_three, unit_cost="-1")
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["unit_cost"] == ["Must be greater than zero."]
    assert _snapshot(sold_three) == before


def test_a_unit_cost_finer_than_the_asset_scale_shows_the_service_error(operator_client, sold_three):
    # given
    before = _snapshot(sold_three)

    # when
    response = operator_client.post(
        admin_url(Reward, "change", sold_three.pk), _change_data(sold_three, unit_cost="9.999", name="Renamed")
    )

    # then
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert errors["unit_cost"] == ["At most 2 decimal places are allowed for this asset."]
    assert _snapshot(sold_three) == before


def test_type_and_program_do_not_change_from_the_form(operator_client, sold_three):
    # when
    response = operator_client.post(
        admin_url(Reward, "change", sold_three.pk), _change_data(sold_three, type="AMOUNT_BASED", name="Renamed")
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    sold_three.refresh_from_db()
    assert (sold_three.type, sold_three.name) == ("UNIT_BASED", "Renamed")


def _action(client, action: str, *rewards):
    return client.post(
        admin_url(Reward, "changelist"), {"action": action, "_selected_action": [str(r.pk) for r in rewards]}
    )


def test_deactivate_action_makes_the_selected_rewards_inactive(operator_client, asset):
    # given
    chosen, other = RewardFactory(asset=asset), RewardFactory(asset=asset)

    # when
    response = _action(operator_client, "deactivate", chosen)

    # then
    assert response.status_code == HTTPStatus.FOUND
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.status, other.status) == ("INACTIVE", "ACTIVE")


def test_activate_action_makes_inactive_rewards_active(operator_client, asset):
    # given
    reward = RewardFactory(asset=asset, status="INACTIVE")

    # when
    response = _action(operator_client, "activate", reward)

    # then
    assert response.status_code == HTTPStatus.FOUND
    reward.refresh_from_db()
    assert reward.status == "ACTIVE"


def test_activating_a_reward_without_stock_leaves_it_out_of_stock_and_says_why(operator_client, program, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=2)
    redeem(participant=ParticipantFactory(programs=[program]), reward=reward, quantity=2)
    _action(operator_client, "deactivate", reward)

    # when
    response = operator_client.post(
        admin_url(Reward, "changelist"), {"action": "activate", "_selected_action": [str(reward.pk)]}, follow=True
    )

    # then
    reward.refresh_from_db()
    assert reward.status == "OUT_OF_STOCK"
    assert any("OUT_OF_STOCK until max_total is raised" in str(m) for m in response.context["messages"])


def test_reward_changelist_filters_by_status_and_type_and_searches_by_name(operator_client, asset):
    # given
    coffee = RewardFactory(asset=asset, name="Coffee")
    RewardFactory(asset=asset, name="Coffee beans", status="INACTIVE")
    voucher = RewardFactory(asset=asset, name="Voucher", type="AMOUNT_BASED")
    url = admin_url(Reward, "changelist")

    # when
    by_status = operator_client.get(url, {"status__exact": "ACTIVE", "q": "coffee"})
    by_type = operator_client.get(url, {"type__exact": "AMOUNT_BASED"})
    by_program = operator_client.get(url, {"program__id__exact": str(asset.program_id)})

    # then
    assert changelist_ids(by_status) == {coffee.pk}
    assert changelist_ids(by_type) == {voucher.pk}
    assert len(changelist_ids(by_program)) == 3


def test_reward_names_with_html_and_sql_are_shown_escaped(operator_client, asset):
    # given
    reward = RewardFactory(asset=asset, name="<img src=x onerror=alert(1)>' OR 1=1 --")

    # when
    changelist = operator_client.get(admin_url(Reward, "changelist"))
    change = operator_client.get(admin_url(Reward, "change", reward.pk))

    # then
    for response in (changelist, change):
        content = response.content.decode()
        assert "<img src=x onerror=alert(1)>" not in content
        assert "&lt;img src=x onerror=alert(1)&gt;&#x27; OR 1=1 --" in content
