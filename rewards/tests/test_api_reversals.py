"""API tests of POST/GET /api/v1/redemptions/{redemption_id}/reversals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.models import JournalEntry
from ledger.tests.factories import AssetFactory, fund
from loyalty.models import Program
from loyalty.tests.factories import ProgramFactory
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reversal, Reward
from rewards.services import redemption_create_direct, reversal_create, reward_update
from rewards.tests.api_support import (
    assert_error,
    participant_count,
    redeem,
    reversals_url,
    wallet_balance,
    world_state,
)
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(participant, asset):
    """100.00 in the wallet."""
    fund(participant, asset, "100.00")
    return participant


@pytest.fixture
def unit_reward(asset):
    return RewardFactory(asset=asset, name="Gift Card", unit_cost=Decimal("10.00"))


@pytest.fixture
def unit_redemption(funded, unit_reward) -> Redemption:
    """3 units at 10.00: the wallet holds 70.00, the reward counts 3."""
    return redeem(unit_reward, funded, quantity=3)


@pytest.fixture
def amount_reward(asset):
    return RewardFactory(asset=asset, name="Donation", type=Reward.Type.AMOUNT_BASED)


@pytest.fixture
def amount_redemption(funded, amount_reward) -> Redemption:
    """40.00 of an AMOUNT_BASED reward: the wallet holds 60.00, the reward counts 1."""
    return redeem(amount_reward, funded, amount=Decimal("40.00"))


@pytest.fixture
def direct_redemption(funded, asset) -> Redemption:
    """A direct redemption of 30.00."""
    return redemption_create_direct(
        program=asset.program, participant=funded, asset=asset, amount=Decimal("30.00")
    ).record


# --- success ---------------------------------------------------------------------------------------


def test_a_reversal_answers_201_with_the_reversal_and_the_updated_redemption(client_for, unit_redemption):
    # when
    response = client_for.post(
        reversals_url(unit_redemption.id), {"quantity": 1, "reason": "Item returned", "idempotency_key": "rev-1"}
    )

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    data = response.json()
    reversal = Reversal.objects.get()
    assert {k: v for k, v in data.items() if k != "redemption"} == {
        "id": str(reversal.id),
        "redemption_id": str(unit_redemption.id),
        "amount": "10.00",
        "quantity": 1,
        "reason": "Item returned",
        "restock": True,
        "journal_entry_id": str(reversal.journal_entry_id),
        "created_at": data["created_at"],
    }
    assert data["created_at"].endswith("Z")
    nested = data["redemption"]
    assert (nested["id"], nested["status"], nested["reversed_amount"], nested["reversed_quantity"]) == (
        str(unit_redemption.id),
        "PARTIALLY_REVERSED",
        "10.00",
        1,
    )


def test_reversing_by_quantity_refunds_at_the_redemption_cost_even_after_a_price_change(
    client_for, funded, asset, unit_reward, unit_redemption
):
    # given
    reward_update(reward=unit_reward, unit_cost=Decimal("15.00"))

    # when
    response = client_for.post(reversals_url(unit_redemption.id), {"quantity": 2})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["amount"] == "20.00"
    assert wallet_balance(funded, asset) == Decimal("90.00")


def test_reversing_units_returns_them_to_stock_and_to_the_participant(
    client_for, funded, unit_reward, unit_redemption
):
    # when
    client_for.post(reversals_url(unit_redemption.id), {"quantity": 2})

    # then
    unit_reward.refresh_from_db()
    assert unit_reward.redeemed_count == 1
    assert participant_count(unit_reward, funded) == 1


def test_a_partial_reversal_marks_the_redemption_partially_reversed_and_moves_updated_at(
    client_for, unit_redemption
):
    # given
    created = client_for.get(f"/api/v1/redemptions/{unit_redemption.id}").json()

    # when
    client_for.post(reversals_url(unit_redemption.id), {"quantity": 1})

    # then
    after = client_for.get(f"/api/v1/redemptions/{unit_redemption.id}").json()
    assert after["status"] == "PARTIALLY_REVERSED"
    assert datetime.fromisoformat(after["updated_at"]) > datetime.fromisoformat(created["updated_at"])
    assert after["created_at"] == created["created_at"]


def test_an_empty_body_reverses_whatever_remains(client_for, funded, asset, unit_reward, unit_redemption):
    # given
    client_for.post(reversals_url(unit_redemption.id), {"quantity": 1})

    # when
    response = client_for.post(reversals_url(unit_redemption.id))

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert (response.json()["quantity"], response.json()["amount"]) == (2, "20.00")
    nested = response.json()["redemption"]
    assert (nested["status"], nested["reversed_quantity"], nested["reversed_amount"]) == ("FULLY_REVERSED", 3, "30.00")
    assert wallet_balance(funded, asset) == Decimal("100.00")
    unit_reward.refresh_from_db()
    assert unit_reward.redeemed_count == 0


def test_a_reversal_without_restock_refunds_the_wallet_but_returns_no_stock(
    client_for, funded, asset, unit_reward, unit_redemption
):
    # when
    response = client_for.post(reversals_url(unit_redemption.id), {"quantity": 2, "restock": False})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["restock"] is False
    assert wallet_balance(funded, asset) == Decimal("90.00")
    unit_reward.refresh_from_db()
    assert unit_reward.redeemed_count == 3
    assert participant_count(unit_reward, funded) == 3


def test_returning_a_unit_reactivates_an_out_of_stock_reward(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=3)
    redemption = redeem(reward, funded, quantity=3)
    reward.refresh_from_db()
    assert reward.status == Reward.Status.OUT_OF_STOCK

    # when
    response = client_for.post(reversals_url(redemption.id), {"quantity": 1})

    # then
    assert response.status_code == HTTPStatus.CREATED
    reward.refresh_from_db()
    assert (reward.status, reward.redeemed_count) == (Reward.Status.ACTIVE, 2)


def test_a_reversal_without_restock_keeps_a_reward_out_of_stock(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=3)
    redemption = redeem(reward, funded, quantity=3)

    # when
    client_for.post(reversals_url(redemption.id), {"quantity": 1, "restock": False})

    # then
    reward.refresh_from_db()
    assert (reward.status, reward.redeemed_count) == (Reward.Status.OUT_OF_STOCK, 3)


def test_returning_units_keeps_an_inactive_reward_inactive(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=3)
    redemption = redeem(reward, funded, quantity=3)
    reward_update(reward=reward, status=Reward.Status.INACTIVE)

    # when
    client_for.post(reversals_url(redemption.id), {"quantity": 1})

    # then
    reward.refresh_from_db()
    assert (reward.status, reward.redeemed_count) == (Reward.Status.INACTIVE, 2)


def test_a_partial_amount_reversal_keeps_the_redemption_counted(
    client_for, funded, asset, amount_reward, amount_redemption
):
    # when
    response = client_for.post(reversals_url(amount_redemption.id), {"amount": "15.00"})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert (response.json()["amount"], response.json()["quantity"], response.json()["restock"]) == ("15.00", None, True)
    nested = response.json()["redemption"]
    assert (nested["status"], nested["reversed_amount"], nested["reversed_quantity"]) == (
        "PARTIALLY_REVERSED",
        "15.00",
        None,
    )
    assert wallet_balance(funded, asset) == Decimal("75.00")
    amount_reward.refresh_from_db()
    assert amount_reward.redeemed_count == 1


def test_completing_an_amount_reversal_stops_counting_the_redemption(
    client_for, funded, amount_reward, amount_redemption
):
    # given
    client_for.post(reversals_url(amount_redemption.id), {"amount": "15.00"})

    # when
    response = client_for.post(reversals_url(amount_redemption.id), {"amount": "25.00"})

    # then
    assert response.json()["redemption"]["status"] == "FULLY_REVERSED"
    amount_reward.refresh_from_db()
    assert amount_reward.redeemed_count == 0
    assert participant_count(amount_reward, funded) == 0


def test_completing_an_amount_reversal_without_restock_keeps_the_redemption_counted(
    client_for, funded, amount_reward, amount_redemption
):
    # when
    response = client_for.post(reversals_url(amount_redemption.id), {"restock": False})

    # then
    assert response.json()["redemption"]["status"] == "FULLY_REVERSED"
    amount_reward.refresh_from_db()
    assert amount_reward.redeemed_count == 1
    assert participant_count(amount_reward, funded) == 1


def test_a_direct_redemption_is_reversed_by_amount_with_restock_null(client_for, funded, asset, direct_redemption):
    # when
    response = client_for.post(reversals_url(direct_redemption.id), {"amount": "12.50"})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert (response.json()["amount"], response.json()["quantity"], response.json()["restock"]) == (
        "12.50",
        None,
        None,
    )
    assert wallet_balance(funded, asset) == Decimal("82.50")


def test_the_reversal_posts_a_new_entry_that_points_at_the_original(client_for, unit_redemption):
    # given
    original = JournalEntry.objects.get(id=unit_redemption.journal_entry_id)
    original_lines = sorted((line.direction, line.amount) for line in original.lines.all())

    # when
    response = client_for.post(reversals_url(unit_redemption.id), {"quantity": 2, "reason": "Returned"})

    # then
    entry = JournalEntry.objects.get(id=response.json()["journal_entry_id"])
    lines = sorted((line.direction, line.account.type, line.amount) for line in entry.lines.select_related("account"))
    assert (entry.kind, entry.reverses_id) == ("REVERSAL", unit_redemption.journal_entry_id)
    assert lines == [("CREDIT", "WALLET", Decimal("20.00")), ("DEBIT", "REDEMPTIONS", Decimal("20.00"))]
    assert sorted((line.direction, line.amount) for line in original.lines.all()) == original_lines


def test_a_reversal_is_allowed_when_the_program_is_inactive(client_for, program, funded, asset, unit_redemption):
    # given
    Program.objects.filter(id=program.id).update(status=Program.Status.INACTIVE)

    # when
    response = client_for.post(reversals_url(unit_redemption.id), {"quantity": 1})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert wallet_balance(funded, asset) == Decimal("80.00")


def test_a_reversal_records_the_api_key_that_made_it(client_for, unit_redemption):
    # when
    client_for.post(reversals_url(unit_redemption.id), {"quantity": 1})

    # then
    reversal = Reversal.objects.get()
    assert (reversal.created_by_api_key_id, reversal.created_by_user_id) == (client_for.api_key.id, None)


# --- 422 -----------------------------------------------------------------------------------------------


def test_reversing_a_fully_reversed_redemption_is_422_and_changes_nothing(client_for, unit_redemption):
    # given
    reversal_create(redemption=unit_redemption)
    before = world_state()

    # when
    response = client_for.post(reversals_url(unit_redemption.id))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "redemption_fully_reversed")
    assert world_state() == before


@pytest.mark.parametrize(
    ("redemption_name", "body"),
    [
        pytest.param("unit_redemption", {"quantity": 4}, id="more-units-than-redeemed"),
        pytest.param("amount_redemption", {"amount": "40.01"}, id="more-than-the-amount"),
        pytest.param("direct_redemption", {"amount": "30.01"}, id="more-than-the-direct-amount"),
    ],
)
def test_reversing_more_than_remains_is_422_and_changes_nothing(request, client_for, redemption_name, body):
    # given
    redemption = request.getfixturevalue(redemption_name)
    before = world_state()

    # when
    response = client_for.post(reversals_url(redemption.id), body)

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reversal_exceeds_remaining")
    assert world_state() == before


def test_reversing_more_than_remains_after_a_partial_reversal_is_422(client_for, unit_redemption):
    # given
    client_for.post(reversals_url(unit_redemption.id), {"quantity": 2})
    before = world_state()

    # when
    response = client_for.post(reversals_url(unit_redemption.id), {"quantity": 2})

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reversal_exceeds_remaining")
    assert world_state() == before


# --- 400 / 404 / 401 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("redemption_name", "body", "field"),
    [
        pytest.param("amount_redemption", {"quantity": 1}, "quantity", id="quantity-on-amount-based"),
        pytest.param("direct_redemption", {"quantity": 1}, "quantity", id="quantity-on-direct"),
        pytest.param("unit_redemption", {"amount": "10.00"}, "amount", id="amount-on-unit-based"),
        pytest.param("direct_redemption", {"restock": True}, "restock", id="restock-on-direct"),
        pytest.param("direct_redemption", {"restock": False}, "restock", id="restock-false-on-direct"),
        pytest.param("unit_redemption", {"quantity": 0}, "quantity", id="quantity-0"),
        pytest.param("unit_redemption", {"quantity": "1"}, "quantity", id="quantity-string"),
        pytest.param("unit_redemption", {"quantity": 1.5}, "quantity", id="quantity-float"),
        pytest.param("amount_redemption", {"amount": 10}, "amount", id="amount-json-number"),
        pytest.param("amount_redemption", {"amount": "1.001"}, "amount", id="amount-beyond-scale"),
        pytest.param("unit_redemption", {"restock": "false"}, "restock", id="restock-string"),
        pytest.param("unit_redemption", {"restock": 0}, "restock", id="restock-number"),
        pytest.param("unit_redemption", {"reason": "x" * 501}, "reason", id="reason-501"),
        pytest.param("unit_redemption", {"quantiy": 1}, "quantiy", id="unknown-field"),
        pytest.param("unit_redemption", {"redemption_id": "x"}, "redemption_id", id="read-only-field"),
    ],
)
def test_an_invalid_reversal_is_400_on_the_field_and_changes_nothing(
    request, client_for, redemption_name, body, field
):
    # given
    redemption = request.getfixturevalue(redemption_name)
    before = world_state()

    # when
    response = client_for.post(reversals_url(redemption.id), body)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field)
    assert world_state() == before


@pytest.mark.parametrize("redemption_id", ["not-a-uuid", "550e8400-e29b-41d4-a716-446655440000"])
def test_reversing_a_malformed_or_unknown_redemption_is_404(client_for, redemption_id):
    # given
    before = world_state()

    # when
    response = client_for.post(reversals_url(redemption_id), {"quantity": "bad"})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


def test_reversing_a_redemption_of_a_program_outside_the_key_is_404(make_client, unit_redemption):
    # given
    client = make_client(programs=[ProgramFactory()])
    before = world_state()

    # when
    response = client.post(reversals_url(unit_redemption.id))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


def test_reversing_without_a_key_is_401(anon_client, unit_redemption):
    # given
    before = world_state()

    # when
    response = anon_client.post(reversals_url(unit_redemption.id))

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")
    assert world_state() == before


# --- idempotency ------------------------------------------------------------------------------------


def test_repeating_a_reversal_answers_200_with_the_same_bytes(client_for, unit_redemption):
    # given
    body = {"quantity": 1, "idempotency_key": "rev-1"}
    first = client_for.post(reversals_url(unit_redemption.id), body)
    before = world_state()

    # when
    repeat = client_for.post(reversals_url(unit_redemption.id), body)

    # then
    assert (first.status_code, repeat.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert repeat.content == first.content
    assert world_state() == before


def test_a_repeated_reversal_shows_the_redemption_as_it_is_now(client_for, unit_redemption):
    # given
    first = client_for.post(reversals_url(unit_redemption.id), {"quantity": 1}, HTTP_IDEMPOTENCY_KEY="rev-1")
    client_for.post(reversals_url(unit_redemption.id), {"quantity": 1})

    # when
    repeat = client_for.post(reversals_url(unit_redemption.id), {"quantity": 1}, HTTP_IDEMPOTENCY_KEY="rev-1")

    # then
    assert repeat.status_code == HTTPStatus.OK
    assert repeat.json()["id"] == first.json()["id"]
    assert repeat.json()["redemption"]["reversed_quantity"] == 2
    assert Reversal.objects.count() == 2


def test_omitting_restock_repeats_a_reversal_that_sent_restock_true(client_for, unit_redemption):
    # given
    first = client_for.post(reversals_url(unit_redemption.id), {"quantity": 1, "restock": True, "idempotency_key": "r"})

    # when
    repeat = client_for.post(reversals_url(unit_redemption.id), {"quantity": 1, "idempotency_key": "r"})

    # then
    assert (repeat.status_code, repeat.json()["id"]) == (HTTPStatus.OK, first.json()["id"])


def test_reusing_a_reversal_key_for_another_quantity_is_409_and_changes_nothing(client_for, unit_redemption):
    # given
    client_for.post(reversals_url(unit_redemption.id), {"quantity": 1, "idempotency_key": "rev-1"})
    before = world_state()

    # when
    response = client_for.post(reversals_url(unit_redemption.id), {"quantity": 2, "idempotency_key": "rev-1"})

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert world_state() == before


def test_reusing_a_redemption_key_for_a_reversal_is_409(client_for, funded, unit_reward):
    # given
    redemption = redeem(unit_reward, funded, quantity=1, idempotency_key="shared")
    before = world_state()

    # when
    response = client_for.post(reversals_url(redemption.id), {"idempotency_key": "shared"})

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert world_state() == before


# --- list ---------------------------------------------------------------------------------------------


def test_listing_reversals_answers_them_newest_first_with_the_redemption(client_for, unit_redemption):
    # given
    older = reversal_create(redemption=unit_redemption, quantity=1).record
    newer = reversal_create(redemption=unit_redemption, quantity=1).record

    # when
    response = client_for.get(reversals_url(unit_redemption.id))

    # then
    assert response.status_code == HTTPStatus.OK
    assert set(response.json()) == {"next", "previous", "next_cursor", "previous_cursor", "results"}
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(newer.id), str(older.id)]
    assert {r["redemption"]["reversed_quantity"] for r in results} == {2}


def test_listing_reversals_issues_no_query_per_row(client_for, unit_redemption):
    # given
    for _ in range(3):
        reversal_create(redemption=unit_redemption, quantity=1)

    # when
    with CaptureQueriesContext(connection) as one_row:
        client_for.get(reversals_url(unit_redemption.id), {"page_size": 1})
    with CaptureQueriesContext(connection) as three_rows:
        client_for.get(reversals_url(unit_redemption.id), {"page_size": 3})

    # then
    assert len(three_rows) == len(one_row)


def test_listing_reversals_of_a_redemption_outside_the_key_is_404(client_for):
    # given
    program = ProgramFactory()
    asset = AssetFactory(program=program)
    outsider = ParticipantFactory(programs=[program])
    fund(outsider, asset, "10.00")
    redemption = redemption_create_direct(
        program=program, participant=outsider, asset=asset, amount=Decimal("5")
    ).record

    # when
    response = client_for.get(reversals_url(redemption.id))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
