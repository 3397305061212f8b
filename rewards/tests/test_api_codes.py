"""API tests of reward codes: fulfilment, POST/GET /api/v1/rewards/{id}/codes, codes on redemptions and reversals."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest

from ledger.tests.factories import fund
from rewards.models import Redemption, Reward, RewardCode
from rewards.services import reward_codes_add, reward_update
from rewards.tests.api_support import (
    assert_error,
    catalog_body,
    catalog_url,
    participant_count,
    redeem,
    reversals_url,
    world_state,
)
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

CODES = ["GIFT-0001-AAAA", "GIFT-0002-BBBB", "GIFT-0003-CCCC"]


def codes_url(reward) -> str:
    return f"/api/v1/rewards/{reward.id}/codes"


@pytest.fixture
def funded(participant, asset):
    fund(participant, asset, "1000.00")
    return participant


@pytest.fixture
def code_reward(asset) -> Reward:
    """A CODES reward (10.00 a unit) with three codes."""
    reward = RewardFactory(asset=asset, name="Gift Card", fulfilment=Reward.Fulfilment.CODES)
    reward_codes_add(reward=reward, codes=CODES)
    reward.refresh_from_db()
    return reward


def code_state() -> dict:
    return {
        "codes": list(RewardCode.objects.order_by("id").values_list("code", "state", "redemption_id")),
        "rewards": list(Reward.objects.order_by("id").values_list("id", "status", "codes_available", "redeemed_count")),
    }


# --- fulfilment ------------------------------------------------------------------------------


def test_a_codes_reward_is_created_out_of_stock_with_no_code(client_for, program, asset):
    # when
    response = client_for.post(
        "/api/v1/rewards",
        {
            "program_id": str(program.id),
            "asset_id": str(asset.id),
            "name": "Gift Card",
            "type": "UNIT_BASED",
            "unit_cost": "10.00",
            "fulfilment": "CODES",
        },
    )

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert (response.json()["fulfilment"], response.json()["status"]) == ("CODES", "OUT_OF_STOCK")


def test_a_reward_is_created_with_fulfilment_none_by_default(client_for, program, asset):
    # when
    response = client_for.post(
        "/api/v1/rewards",
        {
            "program_id": str(program.id),
            "asset_id": str(asset.id),
            "name": "Mug",
            "type": "UNIT_BASED",
            "unit_cost": "1.00",
        },
    )

    # then
    assert (response.json()["fulfilment"], response.json()["status"]) == ("NONE", "ACTIVE")


def test_codes_for_an_amount_based_reward_is_400_on_fulfilment(client_for, program, asset):
    # when
    response = client_for.post(
        "/api/v1/rewards",
        {
            "program_id": str(program.id),
            "asset_id": str(asset.id),
            "name": "Donation",
            "type": "AMOUNT_BASED",
            "fulfilment": "CODES",
        },
    )

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "fulfilment")
    assert not Reward.objects.exists()


@pytest.mark.parametrize("fulfilment", ["NONE", "CODES"])
def test_the_fulfilment_cannot_change(client_for, asset, fulfilment):
    # given
    reward = RewardFactory(asset=asset, fulfilment=fulfilment)
    before = world_state()

    # when
    response = client_for.patch(
        f"/api/v1/rewards/{reward.id}", {"fulfilment": "NONE" if fulfilment == "CODES" else "CODES"}
    )

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "fulfilment")
    assert world_state() == before


def test_sending_the_same_fulfilment_in_a_patch_is_accepted(client_for, code_reward):
    # when
    response = client_for.patch(f"/api/v1/rewards/{code_reward.id}", {"fulfilment": "CODES", "name": "Card"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["fulfilment"], response.json()["name"]) == ("CODES", "Card")


# --- adding and counting codes -------------------------------------------------------------


def test_adding_codes_answers_201_with_added_duplicates_and_available(client_for, asset):
    # given
    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)

    # when
    response = client_for.post(codes_url(reward), {"codes": ["A-1", "A-2", "A-1", "A-3", "A-1"]})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json() == {"added": 3, "duplicates": ["A-1"], "available": 3}
    assert list(RewardCode.objects.order_by("id").values_list("code", flat=True)) == ["A-1", "A-2", "A-3"]


def test_codes_already_in_the_reward_are_reported_and_not_added(client_for, code_reward):
    # when
    response = client_for.post(codes_url(code_reward), {"codes": [CODES[1], "NEW-1", CODES[0]]})

    # then
    assert response.json() == {"added": 1, "duplicates": [CODES[1], CODES[0]], "available": 4}
    assert RewardCode.objects.filter(reward=code_reward).count() == 4


def test_the_same_code_may_belong_to_two_rewards(client_for, asset, code_reward):
    # given
    other = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)

    # when
    response = client_for.post(codes_url(other), {"codes": [CODES[0]]})

    # then
    assert response.json() == {"added": 1, "duplicates": [], "available": 1}


def test_adding_codes_makes_an_out_of_stock_codes_reward_active(client_for, asset):
    # given
    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)
    assert reward.status == Reward.Status.OUT_OF_STOCK

    # when
    client_for.post(codes_url(reward), {"codes": ["A-1"]})

    # then
    reward.refresh_from_db()
    assert (reward.status, reward.codes_available) == (Reward.Status.ACTIVE, 1)


def test_adding_codes_keeps_an_inactive_reward_inactive(client_for, asset):
    # given
    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES, status=Reward.Status.INACTIVE)

    # when
    client_for.post(codes_url(reward), {"codes": ["A-1"]})

    # then
    reward.refresh_from_db()
    assert (reward.status, reward.codes_available) == (Reward.Status.INACTIVE, 1)


def test_adding_codes_to_a_reward_without_codes_is_400_on_codes(client_for, asset):
    # given
    reward = RewardFactory(asset=asset)
    before = {**world_state(), **code_state()}

    # when
    response = client_for.post(codes_url(reward), {"codes": ["A-1"]})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "codes")
    assert {**world_state(), **code_state()} == before


@pytest.mark.parametrize(
    "codes",
    [
        pytest.param([], id="none"),
        pytest.param([""], id="empty"),
        pytest.param([" A-1"], id="leading space"),
        pytest.param(["A-1\n"], id="trailing newline"),
        pytest.param(["A\x001"], id="not printable"),
        pytest.param(["x" * 101], id="too long"),
        pytest.param([1], id="not a string"),
        pytest.param("A-1", id="not a list"),
        pytest.param(["A-1"] * 10_001, id="too many"),
    ],
)
def test_a_malformed_batch_is_400_on_codes_and_adds_nothing(client_for, code_reward, codes):
    # given
    before = {**world_state(), **code_state()}

    # when
    response = client_for.post(codes_url(code_reward), {"codes": ["OK-1", *codes] if codes == [1] else codes})

    # then: the field is "codes", or "codes.<index>" for one code
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert [field.split(".")[0] for field in response.json()["error"]["fields"]] == ["codes"]
    assert {**world_state(), **code_state()} == before


def test_a_code_of_100_characters_with_inner_spaces_is_accepted(client_for, code_reward):
    # given
    code = "A B" + "x" * 97

    # when
    response = client_for.post(codes_url(code_reward), {"codes": [code]})

    # then
    assert response.json()["added"] == 1
    assert RewardCode.objects.filter(code=code).exists()


def test_a_batch_of_10000_codes_of_100_characters_fits_the_body_limit(client_for, asset):
    # given
    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)
    codes = [f"{n:05d}".ljust(100, "x") for n in range(10_000)]

    # when
    response = client_for.post(codes_url(reward), {"codes": codes})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.content[:300]
    assert response.json()["available"] == 10_000


def test_the_counts_answer_each_code_once_by_state(client_for, funded, code_reward):
    # given: 2 issued, then 1 of them voided
    redemption = redeem(code_reward, funded, quantity=2)
    client_for.post(reversals_url(redemption.id), {"quantity": 1})

    # when
    response = client_for.get(codes_url(code_reward))

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"available": 1, "issued": 1, "voided": 1}


def test_the_counts_never_list_a_code(client_for, code_reward):
    # when
    text = client_for.get(codes_url(code_reward)).content.decode()

    # then
    assert not any(code in text for code in CODES)


# --- redeeming ---------------------------------------------------------------------------------


def test_a_redemption_answers_one_code_per_unit_in_issue_order(client_for, funded, code_reward):
    # when
    response = client_for.post(catalog_url(funded.id), catalog_body(code_reward, quantity=2))

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert (response.json()["codes"], response.json()["voided_codes"]) == (CODES[:2], [])
    assert list(RewardCode.objects.filter(state="ISSUED").values_list("code", "redemption_id")) == [
        (CODES[0], Redemption.objects.get().id),
        (CODES[1], Redemption.objects.get().id),
    ]


def test_get_and_an_idempotent_repeat_answer_the_same_codes(client_for, funded, code_reward):
    # given
    body = catalog_body(code_reward, quantity=2, idempotency_key="redeem-codes-1")
    first = client_for.post(catalog_url(funded.id), body).json()

    # when
    repeat = client_for.post(catalog_url(funded.id), body)
    got = client_for.get(f"/api/v1/redemptions/{first['id']}")
    listed = client_for.get("/api/v1/redemptions")

    # then
    assert repeat.status_code == HTTPStatus.OK
    assert repeat.json()["codes"] == got.json()["codes"] == listed.json()["results"][0]["codes"] == CODES[:2]
    assert RewardCode.objects.filter(state="ISSUED").count() == 2


def test_the_last_code_makes_the_reward_out_of_stock(client_for, funded, code_reward):
    # when
    client_for.post(catalog_url(funded.id), catalog_body(code_reward, quantity=3))

    # then
    code_reward.refresh_from_db()
    assert (code_reward.status, code_reward.codes_available, code_reward.redeemed_count) == ("OUT_OF_STOCK", 0, 3)


def test_more_units_than_codes_is_422_out_of_stock_and_nothing_moves(client_for, funded, code_reward):
    # given
    before = {**world_state(), **code_state()}

    # when
    response = client_for.post(catalog_url(funded.id), catalog_body(code_reward, quantity=4))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_out_of_stock")
    assert {**world_state(), **code_state()} == before


def test_max_total_still_applies_to_a_codes_reward(client_for, funded, code_reward):
    # given
    reward_update(reward=code_reward, max_total=1)
    before = {**world_state(), **code_state()}

    # when
    response = client_for.post(catalog_url(funded.id), catalog_body(code_reward, quantity=2))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_out_of_stock")
    assert {**world_state(), **code_state()} == before


def test_a_dry_run_answers_null_codes_and_reserves_none(client_for, funded, code_reward):
    # given
    before = code_state()

    # when
    response = client_for.post(catalog_url(funded.id, dry_run=True), catalog_body(code_reward, quantity=2))

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["codes"], response.json()["voided_codes"]) == (None, None)
    assert code_state() == before


def test_a_dry_run_of_more_units_than_codes_is_422_out_of_stock(client_for, funded, code_reward):
    # when
    response = client_for.post(catalog_url(funded.id, dry_run=True), catalog_body(code_reward, quantity=4))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_out_of_stock")


# --- reversing ---------------------------------------------------------------------------------


def test_a_reversal_voids_the_last_issued_codes_and_answers_restock_false(client_for, funded, code_reward):
    # given
    redemption = redeem(code_reward, funded, quantity=3)

    # when
    response = client_for.post(reversals_url(redemption.id), {"quantity": 2})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert body["restock"] is False
    assert (body["redemption"]["codes"], body["redemption"]["voided_codes"]) == (CODES, [CODES[2], CODES[1]])
    assert dict(RewardCode.objects.values_list("code", "state")) == {
        CODES[0]: "ISSUED",
        CODES[1]: "VOIDED",
        CODES[2]: "VOIDED",
    }


def test_a_reversal_of_a_codes_redemption_is_a_write_off(client_for, funded, code_reward):
    # given
    redemption = redeem(code_reward, funded, quantity=2)

    # when
    client_for.post(reversals_url(redemption.id), {})

    # then: the counts do not go down and the voided codes never come back
    code_reward.refresh_from_db()
    assert (code_reward.redeemed_count, code_reward.codes_available) == (2, 1)
    assert participant_count(code_reward, funded) == 2
    assert client_for.get(codes_url(code_reward)).json() == {"available": 1, "issued": 0, "voided": 2}


def test_a_voided_code_is_never_issued_again(client_for, funded, code_reward):
    # given
    first = redeem(code_reward, funded, quantity=1)
    client_for.post(reversals_url(first.id), {})

    # when
    response = client_for.post(catalog_url(funded.id), catalog_body(code_reward, quantity=2))

    # then
    assert response.json()["codes"] == CODES[1:]


def test_restock_true_on_a_codes_redemption_is_400_and_nothing_moves(client_for, funded, code_reward):
    # given
    redemption = redeem(code_reward, funded, quantity=2)
    before = {**world_state(), **code_state()}

    # when
    response = client_for.post(reversals_url(redemption.id), {"quantity": 1, "restock": True})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "restock")
    assert {**world_state(), **code_state()} == before


def test_restock_false_on_a_codes_redemption_is_accepted(client_for, funded, code_reward):
    # given
    redemption = redeem(code_reward, funded, quantity=2)

    # when
    response = client_for.post(reversals_url(redemption.id), {"quantity": 1, "restock": False})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["redemption"]["voided_codes"] == [CODES[1]]


def test_a_redemption_of_another_reward_answers_null_codes(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"))

    # when
    response = client_for.post(catalog_url(funded.id), catalog_body(reward))

    # then
    assert (response.json()["codes"], response.json()["voided_codes"]) == (None, None)


def test_a_codes_body_over_its_limit_is_413_and_adds_nothing(client_for, code_reward, settings):
    # given: a limit small enough to pass without sending megabytes
    settings.MAX_CODES_BODY_BYTES = 1024
    before = code_state()

    # when
    response = client_for.post(codes_url(code_reward), {"codes": [f"{n:04d}".ljust(100, "x") for n in range(11)]})

    # then
    assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")
    assert code_state() == before


def test_other_routes_keep_the_64_kib_limit(client_for, funded, code_reward):
    # when: a body over 64 KiB to a redemption
    response = client_for.post(catalog_url(funded.id), catalog_body(code_reward, description="x" * 70_000))

    # then
    assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")
