"""API tests of POST /api/v1/participants/{participant_id}/redemptions/catalog."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from unittest import mock

import pytest

from ledger.models import Account, JournalEntry
from ledger.tests.factories import AssetFactory, fund
from loyalty.models import Program
from loyalty.tests.factories import ProgramFactory
from participants.models import Accrual
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reward
from rewards.tests.api_support import (
    assert_error,
    catalog_body,
    catalog_url,
    participant_count,
    redeem,
    wallet_balance,
    world_state,
)
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

MOMENT = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def funded(participant, asset):
    """The participant with 100.00 in its wallet."""
    fund(participant, asset, "100.00")
    return participant


@pytest.fixture
def unit_reward(asset):
    return RewardFactory(asset=asset, name="Gift Card", unit_cost=Decimal("10.00"))


@pytest.fixture
def amount_reward(asset):
    return RewardFactory(asset=asset, name="Donation", type=Reward.Type.AMOUNT_BASED)


def post(client, participant, body, *, dry_run=False, **extra):
    return client.post(catalog_url(participant.id, dry_run=dry_run), body, **extra)


# --- success --------------------------------------------------------------------------------


def test_redeeming_two_units_answers_201_with_the_redemption_resource(client_for, funded, unit_reward):
    # when
    response = post(client_for, funded, catalog_body(unit_reward, quantity=2, idempotency_key="redeem-item-12345"))

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    data = response.json()
    redemption = Redemption.objects.get()
    assert data == {
        "id": str(redemption.id),
        "program_id": str(unit_reward.program_id),
        "participant_id": str(funded.id),
        "asset_id": str(unit_reward.asset_id),
        "reward_id": str(unit_reward.id),
        "amount": "20.00",
        "quantity": 2,
        "unit_cost": "10.00",
        "description": "Redeemed: Gift Card",
        "journal_entry_id": str(redemption.journal_entry_id),
        "status": "COMPLETED",
        "reversed_amount": "0.00",
        "reversed_quantity": 0,
        "codes": None,
        "voided_codes": None,
        "idempotency_key": "redeem-item-12345",
        "created_at": data["created_at"],
        "updated_at": data["updated_at"],
        "allocations": [{"accrual_id": str(Accrual.objects.get(participant=funded).id), "amount": "20.00"}],
    }
    assert data["created_at"].endswith("Z")


def test_redeeming_debits_the_wallet_and_counts_the_units(client_for, funded, asset, unit_reward):
    # when
    response = post(client_for, funded, catalog_body(unit_reward, quantity=3))

    # then
    assert response.status_code == HTTPStatus.CREATED
    unit_reward.refresh_from_db()
    assert wallet_balance(funded, asset) == Decimal("70.00")
    assert unit_reward.redeemed_count == 3
    assert participant_count(unit_reward, funded) == 3


def test_redeeming_posts_one_balanced_entry_debiting_the_wallet_and_crediting_redemptions(
    client_for, funded, unit_reward
):
    # when
    response = post(client_for, funded, catalog_body(unit_reward, quantity=2, description="Holiday gift"))

    # then
    entry = JournalEntry.objects.get(id=response.json()["journal_entry_id"])
    lines = sorted((line.direction, line.account.type, line.amount) for line in entry.lines.select_related("account"))
    assert (entry.kind, entry.description) == ("REDEMPTION", "Holiday gift")
    assert lines == [("CREDIT", "REDEMPTIONS", Decimal("20.00")), ("DEBIT", "WALLET", Decimal("20.00"))]


def test_redeeming_without_quantity_redeems_one_unit(client_for, funded, unit_reward):
    # when
    response = post(client_for, funded, catalog_body(unit_reward))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert (response.json()["quantity"], response.json()["amount"]) == (1, "10.00")


def test_the_default_description_names_the_reward(client_for, funded, unit_reward):
    # when
    response = post(client_for, funded, catalog_body(unit_reward))

    # then
    assert response.json()["description"] == "Redeemed: Gift Card"
    assert JournalEntry.objects.get(id=response.json()["journal_entry_id"]).description == "Redeemed: Gift Card"


def test_redeeming_an_amount_based_reward_counts_one_and_nulls_the_unit_fields(
    client_for, funded, asset, amount_reward
):
    # when
    response = post(client_for, funded, catalog_body(amount_reward, amount="35.50"))

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    data = response.json()
    assert (data["amount"], data["quantity"], data["unit_cost"], data["reversed_quantity"]) == (
        "35.50",
        None,
        None,
        None,
    )
    amount_reward.refresh_from_db()
    assert amount_reward.redeemed_count == 1
    assert participant_count(amount_reward, funded) == 1
    assert wallet_balance(funded, asset) == Decimal("64.50")


def test_an_amount_equal_to_the_bounds_is_accepted(client_for, funded, asset):
    # given
    reward = RewardFactory(
        asset=asset, type=Reward.Type.AMOUNT_BASED, min_amount=Decimal("5.00"), max_amount=Decimal("5.00")
    )

    # when
    response = post(client_for, funded, catalog_body(reward, amount="5.00"))

    # then
    assert response.status_code == HTTPStatus.CREATED


def test_amounts_render_with_the_asset_scale(client_for, program, participant):
    # given
    asset = AssetFactory(program=program, scale=0)
    fund(participant, asset, "100")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("7"))

    # when
    response = post(client_for, participant, catalog_body(reward, quantity=2))

    # then
    assert (response.json()["amount"], response.json()["unit_cost"], response.json()["reversed_amount"]) == (
        "14",
        "7",
        "0",
    )


def test_redeeming_the_last_unit_marks_the_reward_out_of_stock(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=3)
    redeem(reward, funded, quantity=1)

    # when
    response = post(client_for, funded, catalog_body(reward, quantity=2))

    # then
    assert response.status_code == HTTPStatus.CREATED
    reward.refresh_from_db()
    assert (reward.status, reward.redeemed_count) == (Reward.Status.OUT_OF_STOCK, 3)


# --- 400: the body's shape and checks that depend on the reward -----------------------------


@pytest.mark.parametrize(
    ("reward_name", "extra", "field"),
    [
        pytest.param("amount_reward", {"amount": "10.00", "quantity": 1}, "quantity", id="quantity-for-amount-based"),
        pytest.param("unit_reward", {"amount": "10.00"}, "amount", id="amount-for-unit-based"),
        pytest.param("amount_reward", {}, "amount", id="amount-missing-for-amount-based"),
        pytest.param("unit_reward", {"quantiy": 2}, "quantiy", id="unknown-field"),
        pytest.param("unit_reward", {"status": "COMPLETED"}, "status", id="read-only-field"),
        pytest.param("amount_reward", {"amount": "10.001"}, "amount", id="amount-with-too-many-decimals"),
        pytest.param("amount_reward", {"amount": "10.00001"}, "amount", id="amount-beyond-any-scale"),
        pytest.param("amount_reward", {"amount": 10}, "amount", id="amount-as-json-number"),
        pytest.param("amount_reward", {"amount": 10.5}, "amount", id="amount-as-json-float"),
        pytest.param("amount_reward", {"amount": "-5.00"}, "amount", id="amount-negative"),
        pytest.param("amount_reward", {"amount": "0.00"}, "amount", id="amount-zero"),
        pytest.param("amount_reward", {"amount": "NaN"}, "amount", id="amount-nan"),
        pytest.param("amount_reward", {"amount": "1e2"}, "amount", id="amount-exponent"),
        pytest.param("amount_reward", {"amount": "1000000000000.00"}, "amount", id="amount-too-large"),
        pytest.param("unit_reward", {"quantity": 0}, "quantity", id="quantity-0"),
        pytest.param("unit_reward", {"quantity": -1}, "quantity", id="quantity-minus-1"),
        pytest.param("unit_reward", {"quantity": 10001}, "quantity", id="quantity-10001"),
        pytest.param("unit_reward", {"quantity": "2"}, "quantity", id="quantity-string"),
        pytest.param("unit_reward", {"quantity": 2.5}, "quantity", id="quantity-float"),
        pytest.param("unit_reward", {"quantity": True}, "quantity", id="quantity-boolean"),
        pytest.param("unit_reward", {"quantity": None}, "quantity", id="quantity-null"),
        pytest.param("unit_reward", {"description": "x" * 501}, "description", id="description-501-chars"),
        pytest.param("unit_reward", {"description": 5}, "description", id="description-not-a-string"),
        pytest.param("unit_reward", {"program_id": "not-a-uuid"}, "program_id", id="malformed-program_id"),
        pytest.param("unit_reward", {"reward_id": "1234"}, "reward_id", id="malformed-reward_id"),
        pytest.param("unit_reward", {"reward_id": 42}, "reward_id", id="reward_id-number"),
        pytest.param("unit_reward", {"idempotency_key": ""}, "idempotency_key", id="idempotency_key-empty"),
        pytest.param("unit_reward", {"idempotency_key": "k" * 256}, "idempotency_key", id="idempotency_key-256"),
    ],
)
def test_an_invalid_body_is_400_on_the_field_and_changes_nothing(
    request, client_for, funded, reward_name, extra, field
):
    # given
    reward = request.getfixturevalue(reward_name)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward, **extra))

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field)
    assert world_state() == before


def test_a_body_without_reward_id_is_400(client_for, funded, unit_reward):
    # given
    before = world_state()

    # when
    response = post(client_for, funded, {"program_id": str(unit_reward.program_id), "quantity": 1})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "reward_id")
    assert world_state() == before


def test_a_body_that_is_not_an_object_is_400(client_for, funded, unit_reward):
    # given
    before = world_state()

    # when
    response = post(client_for, funded, [catalog_body(unit_reward)])

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert world_state() == before


def test_malformed_json_is_400(client_for, funded, unit_reward):
    # given
    before = world_state()

    # when
    response = client_for.generic(
        "POST", catalog_url(funded.id), b'{"program_id": ', content_type="application/json"
    )

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert world_state() == before


def test_a_body_that_is_not_json_is_415(client_for, funded, unit_reward):
    # given
    before = world_state()

    # when
    response = client_for.generic("POST", catalog_url(funded.id), b"program_id=1", content_type="text/plain")

    # then
    assert_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    assert world_state() == before


def test_a_header_key_that_differs_from_the_body_key_is_400(client_for, funded, unit_reward):
    # given
    before = world_state()

    # when
    response = post(
        client_for, funded, catalog_body(unit_reward, idempotency_key="body-key"), HTTP_IDEMPOTENCY_KEY="header-key"
    )

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "idempotency_key")
    assert world_state() == before


def test_a_malformed_dry_run_flag_is_400(client_for, funded, unit_reward):
    # given
    before = world_state()

    # when
    response = client_for.post(catalog_url(funded.id) + "?dry_run=maybe", catalog_body(unit_reward))

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "dry_run")
    assert world_state() == before


def test_the_body_shape_is_checked_before_the_objects_it_names(client_for, funded):
    # given
    before = world_state()
    body = {"program_id": "550e8400-e29b-41d4-a716-446655440000", "reward_id": "550e8400-e29b-41d4-a716-446655440001"}

    # when
    response = post(client_for, funded, {**body, "quantity": 0})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "quantity")
    assert world_state() == before


# --- 401 / 404: the key and the objects ------------------------------------------------------


def test_a_request_without_a_key_is_401_even_with_a_malformed_path(anon_client, unit_reward):
    # when
    response = anon_client.post(catalog_url("not-a-uuid"), catalog_body(unit_reward))

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")


@pytest.mark.parametrize("participant_id", ["not-a-uuid", "550e8400-e29b-41d4-a716-446655440000"])
def test_a_malformed_or_unknown_participant_in_the_path_is_404(client_for, funded, unit_reward, participant_id):
    # given
    before = world_state()

    # when
    response = client_for.post(catalog_url(participant_id), catalog_body(unit_reward, quantity=0))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


UNKNOWN_PARTICIPANT = "550e8400-e29b-41d4-a716-446655440000"


def test_an_unknown_participant_is_404_before_a_malformed_dry_run_flag(client_for, unit_reward):
    # when
    response = client_for.post(catalog_url(UNKNOWN_PARTICIPANT) + "?dry_run=maybe", catalog_body(unit_reward))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert response.json()["error"]["message"] == "Unknown participant."


def test_an_unknown_participant_is_404_before_a_malformed_body(client_for, unit_reward):
    # when
    response = client_for.generic("POST", catalog_url(UNKNOWN_PARTICIPANT), "not json", content_type="application/json")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert response.json()["error"]["message"] == "Unknown participant."


def test_an_unknown_participant_is_named_before_an_unknown_program_and_reward(client_for):
    # given
    body = {"program_id": str(uuid.uuid4()), "reward_id": str(uuid.uuid4())}

    # when
    response = client_for.post(catalog_url(UNKNOWN_PARTICIPANT), body)

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert response.json()["error"]["message"] == "Unknown participant."


def test_an_unknown_program_is_named_before_an_unknown_reward(client_for, funded):
    # when
    response = post(client_for, funded, {"program_id": str(uuid.uuid4()), "reward_id": str(uuid.uuid4())})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert response.json()["error"]["message"] == "Unknown program."


def test_an_unknown_reward_of_a_visible_program_is_named(client_for, funded, program):
    # when
    response = post(client_for, funded, {"program_id": str(program.id), "reward_id": str(uuid.uuid4())})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert response.json()["error"]["message"] == "Unknown reward."


def test_a_participant_outside_the_keys_programs_is_404(client_for, unit_reward):
    # given
    outsider = ParticipantFactory(programs=[ProgramFactory()])
    before = world_state()

    # when
    response = post(client_for, outsider, catalog_body(unit_reward))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


def test_a_reward_of_another_program_is_404(make_client, program, funded):
    # given
    foreign_reward = RewardFactory(asset=AssetFactory(program=ProgramFactory()))
    client = make_client(all_programs=True)
    before = world_state()

    # when
    response = post(client, funded, {"program_id": str(program.id), "reward_id": str(foreign_reward.id)})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


def test_a_scoped_key_naming_a_program_outside_its_scope_is_404(client_for, funded):
    # given
    foreign_reward = RewardFactory(asset=AssetFactory(program=ProgramFactory()))
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(foreign_reward))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


def test_a_scoped_key_naming_a_reward_outside_its_scope_is_404(client_for, program, funded):
    # given
    foreign_reward = RewardFactory(asset=AssetFactory(program=ProgramFactory()))
    before = world_state()

    # when
    response = post(client_for, funded, {"program_id": str(program.id), "reward_id": str(foreign_reward.id)})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


def test_an_unknown_reward_is_404_before_the_checks_that_depend_on_it(client_for, program, funded):
    # given
    before = world_state()
    body = {"program_id": str(program.id), "reward_id": "550e8400-e29b-41d4-a716-446655440000", "amount": "1.00"}

    # when
    response = post(client_for, funded, body)

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


# --- 422: the business rules, each alone --------------------------------------------------------


def test_an_inactive_program_is_422_program_not_active(client_for, program, funded, unit_reward):
    # given
    Program.objects.filter(id=program.id).update(status=Program.Status.INACTIVE)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(unit_reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "program_not_active")
    assert world_state() == before


def test_a_participant_not_enrolled_in_the_program_is_422(make_client, program, unit_reward):
    # given
    elsewhere = ProgramFactory()
    stranger = ParticipantFactory(programs=[elsewhere])
    client = make_client(programs=[program, elsewhere])
    before = world_state()

    # when
    response = post(client, stranger, catalog_body(unit_reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "participant_not_enrolled")
    assert world_state() == before


def test_an_inactive_reward_is_422_reward_not_active(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, status=Reward.Status.INACTIVE)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_not_active")
    assert world_state() == before


@pytest.mark.parametrize(
    "window",
    [
        pytest.param({"available_from": MOMENT + timedelta(days=1)}, id="not-yet"),
        pytest.param({"available_until": MOMENT - timedelta(days=1)}, id="over"),
    ],
)
def test_a_reward_outside_its_window_is_422_reward_not_available(client_for, funded, asset, window):
    # given
    reward = RewardFactory(asset=asset, **window)
    before = world_state()

    # when
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        response = post(client_for, funded, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_not_available")
    assert world_state() == before


@pytest.mark.parametrize("amount", ["4.99", "50.01"])
def test_an_amount_outside_the_bounds_is_422_amount_out_of_range(client_for, funded, asset, amount):
    # given
    reward = RewardFactory(
        asset=asset, type=Reward.Type.AMOUNT_BASED, min_amount=Decimal("5.00"), max_amount=Decimal("50.00")
    )
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward, amount=amount))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "amount_out_of_range")
    assert world_state() == before


def test_an_out_of_stock_reward_is_422_reward_out_of_stock(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_total=1)
    redeem(reward, funded)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_out_of_stock")
    assert world_state() == before


def test_asking_for_more_units_than_are_left_is_422_and_sells_none(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_total=5)
    redeem(reward, funded, quantity=4)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward, quantity=2))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_out_of_stock")
    assert world_state() == before


def test_going_past_max_per_participant_is_422_participant_limit_exceeded(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_per_participant=2)
    redeem(reward, funded, quantity=1)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward, quantity=2))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "participant_limit_exceeded")
    assert world_state() == before


def test_a_cost_above_the_balance_is_422_insufficient_balance(client_for, funded, unit_reward):
    # given
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(unit_reward, quantity=11))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "insufficient_balance")
    assert world_state() == before


def test_a_participant_without_a_wallet_is_422_insufficient_balance(client_for, participant, unit_reward):
    # given
    fund(ParticipantFactory(programs=[unit_reward.program]), unit_reward.asset, "5.00")  # another wallet exists
    before = world_state()

    # when
    response = post(client_for, participant, catalog_body(unit_reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "insufficient_balance")
    assert world_state() == before


# --- 422: the order when two rules fail ----------------------------------------------------------


def test_an_inactive_program_wins_over_an_inactive_reward(client_for, program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, status=Reward.Status.INACTIVE)
    Program.objects.filter(id=program.id).update(status=Program.Status.INACTIVE)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "program_not_active")
    assert world_state() == before


def test_not_being_enrolled_wins_over_an_inactive_reward(make_client, program, asset):
    # given
    elsewhere = ProgramFactory()
    stranger = ParticipantFactory(programs=[elsewhere])
    reward = RewardFactory(asset=asset, status=Reward.Status.INACTIVE)
    client = make_client(programs=[program, elsewhere])
    before = world_state()

    # when
    response = post(client, stranger, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "participant_not_enrolled")
    assert world_state() == before


def test_an_inactive_reward_wins_over_an_insufficient_balance(client_for, participant, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1000.00"), status=Reward.Status.INACTIVE)
    fund(participant, asset, "1.00")
    before = world_state()

    # when
    response = post(client_for, participant, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_not_active")
    assert world_state() == before


def test_an_inactive_reward_wins_over_its_window(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, status=Reward.Status.INACTIVE, available_until=MOMENT - timedelta(days=1))
    before = world_state()

    # when
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        response = post(client_for, funded, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_not_active")
    assert world_state() == before


def test_the_window_wins_over_being_out_of_stock(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_total=1, available_until=MOMENT)
    with mock.patch("django.utils.timezone.now", return_value=MOMENT - timedelta(days=1)):
        redeem(reward, funded)
    before = world_state()

    # when
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        response = post(client_for, funded, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_not_available")
    assert world_state() == before


def test_the_amount_range_wins_over_being_out_of_stock(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, type=Reward.Type.AMOUNT_BASED, max_amount=Decimal("10.00"), max_total=1)
    redeem(reward, funded, amount=Decimal("5.00"))
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward, amount="20.00"))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "amount_out_of_range")
    assert world_state() == before


def test_being_out_of_stock_wins_over_the_participant_limit(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_total=2, max_per_participant=2)
    redeem(reward, funded, quantity=2)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "reward_out_of_stock")
    assert world_state() == before


def test_the_participant_limit_wins_over_an_insufficient_balance(client_for, participant, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_per_participant=1)
    fund(participant, asset, "10.00")
    redeem(reward, participant)
    before = world_state()

    # when
    response = post(client_for, participant, catalog_body(reward))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "participant_limit_exceeded")
    assert world_state() == before


# --- the window's edges ---------------------------------------------------------------------------


@pytest.fixture
def windowed_reward(asset):
    """Available from MOMENT (inclusive) until MOMENT + 1 day (exclusive)."""
    return RewardFactory(asset=asset, available_from=MOMENT, available_until=MOMENT + timedelta(days=1))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(MOMENT - SECOND, HTTPStatus.UNPROCESSABLE_ENTITY, id="one-second-before-from"),
        pytest.param(MOMENT, HTTPStatus.CREATED, id="at-from"),
        pytest.param(MOMENT + timedelta(days=1) - SECOND, HTTPStatus.CREATED, id="one-second-before-until"),
        pytest.param(MOMENT + timedelta(days=1), HTTPStatus.UNPROCESSABLE_ENTITY, id="at-until"),
    ],
)
def test_the_window_includes_available_from_and_excludes_available_until(
    client_for, funded, windowed_reward, now, expected
):
    # given
    before = world_state()

    # when
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = post(client_for, funded, catalog_body(windowed_reward))

    # then
    assert response.status_code == expected, response.json()
    if expected == HTTPStatus.UNPROCESSABLE_ENTITY:
        assert response.json()["error"]["code"] == "reward_not_available"
        assert world_state() == before
    else:
        windowed_reward.refresh_from_db()
        assert windowed_reward.redeemed_count == 1


# --- idempotency -----------------------------------------------------------------------------------


def test_repeating_a_request_answers_200_with_the_same_bytes_even_after_the_reward_ran_out(
    client_for, funded, asset
):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=2)
    body = catalog_body(reward, quantity=2, idempotency_key="redeem-item-12345")
    first = post(client_for, funded, body)
    reward.refresh_from_db()
    assert reward.status == Reward.Status.OUT_OF_STOCK
    before = world_state()

    # when
    repeat = post(client_for, funded, body)

    # then
    assert (first.status_code, repeat.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert repeat.content == first.content
    assert world_state() == before


def test_omitting_quantity_repeats_a_request_that_sent_quantity_1(client_for, funded, unit_reward):
    # given
    first = post(client_for, funded, catalog_body(unit_reward, quantity=1, idempotency_key="k1"))

    # when
    repeat = post(client_for, funded, catalog_body(unit_reward, idempotency_key="k1"))

    # then
    assert repeat.status_code == HTTPStatus.OK
    assert repeat.json()["id"] == first.json()["id"]
    assert Redemption.objects.count() == 1


def test_the_idempotency_key_header_works_like_the_body_field(client_for, funded, unit_reward):
    # given
    first = post(client_for, funded, catalog_body(unit_reward), HTTP_IDEMPOTENCY_KEY="header-key")

    # when
    repeat = post(client_for, funded, catalog_body(unit_reward, idempotency_key="header-key"))

    # then
    assert first.status_code == HTTPStatus.CREATED
    assert first.json()["idempotency_key"] == "header-key"
    assert (repeat.status_code, repeat.content) == (HTTPStatus.OK, first.content)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"quantity": 3}, id="other-quantity"),
        pytest.param({"description": "Something else"}, id="other-description"),
    ],
)
def test_reusing_a_key_for_a_different_request_is_409_and_changes_nothing(client_for, funded, unit_reward, change):
    # given
    post(client_for, funded, catalog_body(unit_reward, quantity=2, idempotency_key="k1"))
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(unit_reward, **{"quantity": 2, "idempotency_key": "k1", **change}))

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert world_state() == before


def test_reusing_a_key_for_another_participant_is_409(client_for, program, funded, unit_reward):
    # given
    other = ParticipantFactory(programs=[program])
    fund(other, unit_reward.asset, "50.00")
    post(client_for, funded, catalog_body(unit_reward, idempotency_key="k1"))
    before = world_state()

    # when
    response = post(client_for, other, catalog_body(unit_reward, idempotency_key="k1"))

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert world_state() == before


def test_reusing_a_key_is_409_before_the_business_rules(client_for, funded, unit_reward):
    # given
    post(client_for, funded, catalog_body(unit_reward, idempotency_key="k1"))
    Reward.objects.filter(id=unit_reward.id).update(status=Reward.Status.INACTIVE)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(unit_reward, quantity=2, idempotency_key="k1"))

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert world_state() == before


def test_a_failed_request_does_not_consume_its_key(client_for, funded, asset, unit_reward):
    # given
    failed = post(client_for, funded, catalog_body(unit_reward, quantity=20, idempotency_key="k1"))
    fund(funded, asset, "100.00")

    # when
    retry = post(client_for, funded, catalog_body(unit_reward, quantity=20, idempotency_key="k1"))

    # then
    assert failed.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert retry.status_code == HTTPStatus.CREATED


def test_the_same_key_in_another_program_is_a_different_key(make_client, program, funded, unit_reward):
    # given
    other_program = ProgramFactory()
    other_asset = AssetFactory(program=other_program)
    other_reward = RewardFactory(asset=other_asset)
    participant = ParticipantFactory(programs=[program, other_program])
    fund(participant, unit_reward.asset, "50.00")
    fund(participant, other_asset, "50.00")
    client = make_client(programs=[program, other_program])
    post(client, participant, catalog_body(unit_reward, idempotency_key="shared"))

    # when
    response = post(client, participant, catalog_body(other_reward, idempotency_key="shared"))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert Redemption.objects.filter(participant=participant).count() == 2


# --- dry run ------------------------------------------------------------------------------------------


def test_a_dry_run_answers_200_with_the_would_be_redemption_and_changes_nothing(client_for, funded, unit_reward):
    # given
    before = world_state()

    # when
    response = post(
        client_for, funded, catalog_body(unit_reward, quantity=3, idempotency_key="try-1"), dry_run=True
    )

    # then
    assert response.status_code == HTTPStatus.OK, response.json()
    assert response.json() == {
        "id": None,
        "program_id": str(unit_reward.program_id),
        "participant_id": str(funded.id),
        "asset_id": str(unit_reward.asset_id),
        "reward_id": str(unit_reward.id),
        "amount": "30.00",
        "quantity": 3,
        "unit_cost": "10.00",
        "description": "Redeemed: Gift Card",
        "journal_entry_id": None,
        "status": "COMPLETED",
        "reversed_amount": "0.00",
        "reversed_quantity": 0,
        "codes": None,
        "voided_codes": None,
        "idempotency_key": None,
        "created_at": None,
        "updated_at": None,
        "allocations": [],
    }
    assert world_state() == before


def test_a_dry_run_of_an_amount_based_reward_nulls_the_unit_fields(client_for, funded, amount_reward):
    # when
    response = post(client_for, funded, catalog_body(amount_reward, amount="12.00"), dry_run=True)

    # then
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert (data["amount"], data["quantity"], data["unit_cost"], data["reversed_quantity"]) == (
        "12.00",
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("reward_kwargs", "quantity", "code"),
    [
        pytest.param({}, 11, "insufficient_balance", id="insufficient-balance"),
        pytest.param({"max_per_participant": 2}, 3, "participant_limit_exceeded", id="participant-limit"),
        pytest.param({"max_total": 2}, 3, "reward_out_of_stock", id="out-of-stock"),
        pytest.param({"status": Reward.Status.INACTIVE}, 1, "reward_not_active", id="inactive"),
    ],
)
def test_a_dry_run_reports_the_error_the_request_would_get_and_changes_nothing(
    client_for, funded, asset, reward_kwargs, quantity, code
):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), **reward_kwargs)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward, quantity=quantity), dry_run=True)

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, code)
    assert world_state() == before


def test_a_dry_run_counts_units_the_participant_already_holds(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_per_participant=3)
    redeem(reward, funded, quantity=2)
    before = world_state()

    # when
    response = post(client_for, funded, catalog_body(reward, quantity=2), dry_run=True)

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "participant_limit_exceeded")
    assert world_state() == before


def test_a_dry_run_does_not_claim_its_idempotency_key(client_for, funded, unit_reward):
    # given
    post(client_for, funded, catalog_body(unit_reward, quantity=1, idempotency_key="k1"), dry_run=True)

    # when
    response = post(client_for, funded, catalog_body(unit_reward, quantity=2, idempotency_key="k1"))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["quantity"] == 2


def test_a_dry_run_false_flag_redeems_for_real(client_for, funded, unit_reward):
    # when
    response = client_for.post(catalog_url(funded.id) + "?dry_run=false", catalog_body(unit_reward))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert Redemption.objects.count() == 1
    assert Account.objects.get(type=Account.Type.WALLET, participant=funded).balance == Decimal("90.00")
