"""API tests of the reward catalog: /api/v1/rewards."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.tests.factories import AssetFactory, fund
from loyalty.tests.factories import ProgramFactory
from rewards.models import Reward
from rewards.tests.api_support import assert_error, redeem, world_state
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/rewards"


def unit_body(asset, **extra) -> dict:
    return {
        "program_id": str(asset.program_id),
        "asset_id": str(asset.id),
        "name": "Gift Card",
        "type": "UNIT_BASED",
        "unit_cost": "500.00",
        **extra,
    }


def amount_body(asset, **extra) -> dict:
    return {
        "program_id": str(asset.program_id),
        "asset_id": str(asset.id),
        "name": "Donation",
        "type": "AMOUNT_BASED",
        **extra,
    }


@pytest.fixture
def sold_out_reward(asset, participant):
    """A UNIT_BASED reward with max_total 2, both units redeemed (OUT_OF_STOCK)."""
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=2)
    redeem(reward, participant, quantity=2)
    reward.refresh_from_db()
    assert reward.status == Reward.Status.OUT_OF_STOCK
    return reward


# --- create -------------------------------------------------------------------------------


def test_creating_a_unit_based_reward_answers_201_with_every_contract_field(client_for, asset):
    # given
    body = unit_body(
        asset,
        description="A 50 EUR gift card.",
        max_total=100,
        max_per_participant=5,
        available_from="2024-01-01T00:00:00Z",
        available_until="2030-01-01T00:00:00Z",
    )

    # when
    response = client_for.post(URL, body)

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    data = response.json()
    reward = Reward.objects.get()
    assert data == {
        "id": str(reward.id),
        "program_id": str(asset.program_id),
        "asset_id": str(asset.id),
        "name": "Gift Card",
        "description": "A 50 EUR gift card.",
        "type": "UNIT_BASED",
        "unit_cost": "500.00",
        "min_amount": None,
        "max_amount": None,
        "status": "ACTIVE",
        "max_total": 100,
        "redeemed_count": 0,
        "max_per_participant": 5,
        "available_from": "2024-01-01T00:00:00Z",
        "available_until": "2030-01-01T00:00:00Z",
        "fulfilment": "NONE",
        "created_at": data["created_at"],
        "updated_at": data["updated_at"],
    }
    assert data["created_at"].endswith("Z") and data["updated_at"].endswith("Z")
    assert reward.unit_cost == Decimal("500.00")


def test_creating_an_amount_based_reward_renders_its_bounds_with_the_asset_scale(client_for, program):
    # given
    asset = AssetFactory(program=program, scale=3)

    # when
    response = client_for.post(URL, amount_body(asset, min_amount="5", max_amount="12.5"))

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    data = response.json()
    assert (data["unit_cost"], data["min_amount"], data["max_amount"]) == (None, "5.000", "12.500")


def test_creating_an_inactive_reward_keeps_it_inactive(client_for, asset):
    # when
    response = client_for.post(URL, unit_body(asset, status="INACTIVE"))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["status"] == "INACTIVE"
    assert Reward.objects.get().status == Reward.Status.INACTIVE


def test_creating_a_reward_with_a_window_in_the_past_is_allowed(client_for, asset):
    # when
    response = client_for.post(
        URL, unit_body(asset, available_from="2020-01-01T00:00:00Z", available_until="2020-02-01T00:00:00Z")
    )

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["available_until"] == "2020-02-01T00:00:00Z"


@pytest.mark.parametrize(
    ("make_body", "field"),
    [
        pytest.param(lambda a: unit_body(a, unit_cost=None), "unit_cost", id="unit_cost-null-for-unit-based"),
        pytest.param(
            lambda a: {k: v for k, v in unit_body(a).items() if k != "unit_cost"},
            "unit_cost",
            id="unit_cost-missing-for-unit-based",
        ),
        pytest.param(lambda a: unit_body(a, unit_cost="0"), "unit_cost", id="unit_cost-zero"),
        pytest.param(lambda a: unit_body(a, unit_cost="10.001"), "unit_cost", id="unit_cost-beyond-asset-scale"),
        pytest.param(lambda a: unit_body(a, unit_cost=10), "unit_cost", id="unit_cost-as-json-number"),
        pytest.param(lambda a: unit_body(a, unit_cost="1e3"), "unit_cost", id="unit_cost-with-exponent"),
        pytest.param(lambda a: amount_body(a, unit_cost="10.00"), "unit_cost", id="unit_cost-for-amount-based"),
        pytest.param(lambda a: unit_body(a, min_amount="1.00"), "min_amount", id="min_amount-for-unit-based"),
        pytest.param(lambda a: unit_body(a, max_amount="9.00"), "max_amount", id="max_amount-for-unit-based"),
        pytest.param(
            lambda a: amount_body(a, min_amount="10.00", max_amount="9.99"), "min_amount", id="min-above-max"
        ),
        pytest.param(lambda a: amount_body(a, max_amount="5.001"), "max_amount", id="max_amount-beyond-scale"),
        pytest.param(
            lambda a: unit_body(a, available_from="2025-01-02T00:00:00Z", available_until="2025-01-01T00:00:00Z"),
            "available_from",
            id="window-reversed",
        ),
        pytest.param(
            lambda a: unit_body(a, available_from="2025-01-01T00:00:00Z", available_until="2025-01-01T00:00:00Z"),
            "available_from",
            id="window-empty",
        ),
        pytest.param(lambda a: unit_body(a, available_from=1700000000), "available_from", id="timestamp-as-number"),
        pytest.param(lambda a: unit_body(a, max_total=0), "max_total", id="max_total-zero"),
        pytest.param(lambda a: unit_body(a, max_total=-1), "max_total", id="max_total-negative"),
        pytest.param(lambda a: unit_body(a, max_total="5"), "max_total", id="max_total-as-string"),
        pytest.param(lambda a: unit_body(a, max_total=True), "max_total", id="max_total-as-boolean"),
        pytest.param(
            lambda a: unit_body(a, max_per_participant=0), "max_per_participant", id="max_per_participant-zero"
        ),
        pytest.param(
            lambda a: unit_body(a, max_per_participant=1.5), "max_per_participant", id="max_per_participant-float"
        ),
        pytest.param(lambda a: unit_body(a, status="OUT_OF_STOCK"), "status", id="status-out-of-stock"),
        pytest.param(lambda a: unit_body(a, status="PAUSED"), "status", id="status-unknown"),
        pytest.param(lambda a: unit_body(a, type="POINTS_BASED"), "type", id="type-unknown"),
        pytest.param(lambda a: unit_body(a, name=""), "name", id="name-blank"),
        pytest.param(lambda a: unit_body(a, name="x" * 201), "name", id="name-too-long"),
        pytest.param(lambda a: unit_body(a, name=5), "name", id="name-not-a-string"),
        pytest.param(lambda a: unit_body(a, unit_cots="5.00"), "unit_cots", id="unknown-field"),
        pytest.param(lambda a: unit_body(a, redeemed_count=3), "redeemed_count", id="read-only-redeemed_count"),
        pytest.param(lambda a: unit_body(a, id="550e8400-e29b-41d4-a716-446655440000"), "id", id="read-only-id"),
        pytest.param(lambda a: unit_body(a, asset_id="not-a-uuid"), "asset_id", id="malformed-asset_id"),
    ],
)
def test_creating_an_invalid_reward_is_400_on_the_field_and_creates_nothing(client_for, asset, make_body, field):
    # given
    before = world_state()

    # when
    response = client_for.post(URL, make_body(asset))

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field)
    assert world_state() == before


def test_creating_a_reward_priced_in_an_asset_of_another_program_is_404(make_client, program, asset):
    # given
    other_asset = AssetFactory(program=ProgramFactory())
    client = make_client(all_programs=True)

    # when
    response = client.post(URL, unit_body(asset, asset_id=str(other_asset.id)))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert not Reward.objects.exists()


def test_creating_a_reward_in_a_program_outside_the_key_is_404(client_for):
    # given
    foreign_asset = AssetFactory(program=ProgramFactory())

    # when
    response = client_for.post(URL, unit_body(foreign_asset))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert not Reward.objects.exists()


def test_creating_a_reward_without_a_key_is_401(anon_client, asset):
    # when
    response = anon_client.post(URL, unit_body(asset))

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")
    assert not Reward.objects.exists()


# --- read ---------------------------------------------------------------------------------


def test_retrieving_a_reward_answers_its_resource(client_for, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("7.5"))

    # when
    response = client_for.get(f"{URL}/{reward.id}")

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["id"], response.json()["unit_cost"]) == (str(reward.id), "7.50")


def test_retrieving_a_reward_of_a_program_outside_the_key_is_404(client_for):
    # given
    foreign = RewardFactory()

    # when
    response = client_for.get(f"{URL}/{foreign.id}")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_retrieving_a_malformed_reward_id_is_404(client_for):
    # when
    response = client_for.get(f"{URL}/not-a-uuid")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_a_malformed_reward_id_without_a_key_is_401_before_404(anon_client):
    # when
    response = anon_client.get(f"{URL}/not-a-uuid")

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")


def test_listing_rewards_shows_only_the_programs_the_key_may_see(client_for, asset):
    # given
    mine = RewardFactory(asset=asset)
    RewardFactory()

    # when
    response = client_for.get(URL)

    # then
    assert response.status_code == HTTPStatus.OK
    assert set(response.json()) == {"next", "previous", "results"}
    assert [r["id"] for r in response.json()["results"]] == [str(mine.id)]


def test_listing_rewards_filters_by_program_status_and_type(make_client, asset):
    # given
    wanted = RewardFactory(asset=asset, type=Reward.Type.AMOUNT_BASED, status=Reward.Status.INACTIVE)
    RewardFactory(asset=asset, type=Reward.Type.AMOUNT_BASED)
    RewardFactory(asset=asset, status=Reward.Status.INACTIVE)
    RewardFactory(type=Reward.Type.AMOUNT_BASED, status=Reward.Status.INACTIVE)
    client = make_client(all_programs=True)

    # when
    response = client.get(URL, {"program_id": str(asset.program_id), "status": "INACTIVE", "type": "AMOUNT_BASED"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert [r["id"] for r in response.json()["results"]] == [str(wanted.id)]


@pytest.mark.parametrize("query", [{"program_id": "nope"}, {"status": "SOLD"}, {"type": "FREE"}])
def test_listing_rewards_with_a_malformed_filter_is_400(client_for, query):
    # when
    response = client_for.get(URL, query)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", next(iter(query)))


def test_listing_rewards_issues_no_query_per_row(client_for, asset):
    # given
    RewardFactory.create_batch(5, asset=asset)

    # when
    with CaptureQueriesContext(connection) as one_row:
        client_for.get(URL, {"page_size": 1})
    with CaptureQueriesContext(connection) as five_rows:
        client_for.get(URL, {"page_size": 5})

    # then
    assert len(five_rows) == len(one_row)


# --- update -------------------------------------------------------------------------------


def test_patching_a_reward_changes_only_the_fields_sent(client_for, asset):
    # given
    reward = RewardFactory(asset=asset, name="Mug", unit_cost=Decimal("10.00"), max_total=10)

    # when
    response = client_for.patch(f"{URL}/{reward.id}", {"name": "Big mug", "unit_cost": "12.50"})

    # then
    assert response.status_code == HTTPStatus.OK, response.json()
    assert (response.json()["name"], response.json()["unit_cost"], response.json()["max_total"]) == (
        "Big mug",
        "12.50",
        10,
    )
    reward.refresh_from_db()
    assert (reward.name, reward.unit_cost) == ("Big mug", Decimal("12.50"))


def test_patching_the_same_type_is_accepted(client_for, asset):
    # given
    reward = RewardFactory(asset=asset)

    # when
    response = client_for.patch(f"{URL}/{reward.id}", {"type": "UNIT_BASED"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["type"] == "UNIT_BASED"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"type": "AMOUNT_BASED", "unit_cost": None}, "type", id="type-change"),
        pytest.param({"status": "OUT_OF_STOCK"}, "status", id="status-out-of-stock"),
        pytest.param({"unit_cost": None}, "unit_cost", id="unit_cost-cleared"),
        pytest.param({"unit_cost": "1.234"}, "unit_cost", id="unit_cost-beyond-scale"),
        pytest.param({"min_amount": "1.00"}, "min_amount", id="min_amount-on-unit-based"),
        pytest.param({"available_from": "2031-01-01T00:00:00Z"}, "available_from", id="from-after-existing-until"),
        pytest.param({"max_total": 0}, "max_total", id="max_total-zero"),
        pytest.param({"max_per_participant": "3"}, "max_per_participant", id="max_per_participant-string"),
        pytest.param({"redeemed_count": 0}, "redeemed_count", id="read-only-redeemed_count"),
        pytest.param({"program_id": "550e8400-e29b-41d4-a716-446655440000"}, "program_id", id="program_id"),
        pytest.param({"asset_id": "550e8400-e29b-41d4-a716-446655440000"}, "asset_id", id="asset_id"),
        pytest.param({"created_at": "2024-01-01T00:00:00Z"}, "created_at", id="read-only-created_at"),
        pytest.param({"nmae": "typo"}, "nmae", id="unknown-field"),
    ],
)
def test_patching_a_reward_invalidly_is_400_and_changes_nothing(client_for, asset, body, field):
    # given
    reward = RewardFactory(asset=asset, available_until="2030-01-01T00:00:00Z")
    before = world_state()

    # when
    response = client_for.patch(f"{URL}/{reward.id}", body)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field)
    assert world_state() == before


def test_patching_min_above_the_stored_max_is_400(client_for, asset):
    # given
    reward = RewardFactory(asset=asset, type=Reward.Type.AMOUNT_BASED, max_amount=Decimal("50.00"))
    before = world_state()

    # when
    response = client_for.patch(f"{URL}/{reward.id}", {"min_amount": "50.01"})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "min_amount")
    assert world_state() == before


def test_patching_a_reward_of_a_program_outside_the_key_is_404(client_for):
    # given
    foreign = RewardFactory(name="Foreign")

    # when
    response = client_for.patch(f"{URL}/{foreign.id}", {"name": "Mine now"})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


def test_putting_a_reward_is_405(client_for, asset):
    # given
    reward = RewardFactory(asset=asset)

    # when
    response = client_for.put(f"{URL}/{reward.id}", {"name": "x"})

    # then
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")


# --- status rules through PATCH -----------------------------------------------------------


def test_raising_max_total_above_redeemed_count_reactivates_an_out_of_stock_reward(client_for, sold_out_reward):
    # when
    response = client_for.patch(f"{URL}/{sold_out_reward.id}", {"max_total": 3})

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["status"], response.json()["redeemed_count"]) == ("ACTIVE", 2)
    sold_out_reward.refresh_from_db()
    assert sold_out_reward.status == Reward.Status.ACTIVE


def test_removing_max_total_reactivates_an_out_of_stock_reward(client_for, sold_out_reward):
    # when
    response = client_for.patch(f"{URL}/{sold_out_reward.id}", {"max_total": None})

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["status"], response.json()["max_total"]) == ("ACTIVE", None)


def test_lowering_max_total_to_redeemed_count_marks_the_reward_out_of_stock(client_for, asset, participant):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=10)
    redeem(reward, participant, quantity=3)

    # when
    response = client_for.patch(f"{URL}/{reward.id}", {"max_total": 3})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "OUT_OF_STOCK"
    reward.refresh_from_db()
    assert (reward.status, reward.redeemed_count) == (Reward.Status.OUT_OF_STOCK, 3)


def test_lowering_max_total_below_redeemed_count_marks_the_reward_out_of_stock(client_for, asset, participant):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=10)
    redeem(reward, participant, quantity=3)

    # when
    response = client_for.patch(f"{URL}/{reward.id}", {"max_total": 1})

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["status"], response.json()["max_total"]) == ("OUT_OF_STOCK", 1)


def test_asking_for_active_with_no_stock_left_answers_200_and_stays_out_of_stock(client_for, sold_out_reward):
    # when
    response = client_for.patch(f"{URL}/{sold_out_reward.id}", {"status": "ACTIVE"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "OUT_OF_STOCK"
    sold_out_reward.refresh_from_db()
    assert sold_out_reward.status == Reward.Status.OUT_OF_STOCK


def test_an_out_of_stock_reward_can_be_switched_to_inactive(client_for, sold_out_reward):
    # when
    response = client_for.patch(f"{URL}/{sold_out_reward.id}", {"status": "INACTIVE"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "INACTIVE"


def test_an_inactive_reward_stays_inactive_when_max_total_is_raised(client_for, sold_out_reward):
    # given
    client_for.patch(f"{URL}/{sold_out_reward.id}", {"status": "INACTIVE"})

    # when
    response = client_for.patch(f"{URL}/{sold_out_reward.id}", {"max_total": 50})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "INACTIVE"


def test_an_inactive_reward_stays_inactive_when_max_total_is_lowered_to_its_count(client_for, asset, participant):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=10)
    redeem(reward, participant, quantity=2)
    client_for.patch(f"{URL}/{reward.id}", {"status": "INACTIVE"})

    # when
    response = client_for.patch(f"{URL}/{reward.id}", {"max_total": 2})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "INACTIVE"


def test_switching_an_inactive_reward_with_no_stock_back_to_active_makes_it_out_of_stock(
    client_for, sold_out_reward
):
    # given
    client_for.patch(f"{URL}/{sold_out_reward.id}", {"status": "INACTIVE"})

    # when
    response = client_for.patch(f"{URL}/{sold_out_reward.id}", {"status": "ACTIVE"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "OUT_OF_STOCK"
