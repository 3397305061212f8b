"""API tests of direct redemptions and the redemption resource (lists, detail, filters, pagination)."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.models import JournalEntry
from ledger.tests.factories import AssetFactory, fund
from loyalty.models import Program
from loyalty.tests.factories import ProgramFactory
from participants.models import Accrual, Enrollment
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reward
from rewards.services import redemption_create_direct, reward_codes_add
from rewards.tests.api_support import assert_error, direct_url, redeem, wallet_balance, world_state
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/redemptions"


@pytest.fixture
def funded(participant, asset):
    fund(participant, asset, "100.00")
    return participant


def direct_body(asset, **extra) -> dict:
    return {"program_id": str(asset.program_id), "asset_id": str(asset.id), "amount": "25.00", **extra}


def direct(participant, asset, amount="10.00") -> Redemption:
    return redemption_create_direct(
        program=asset.program, participant=participant, asset=asset, amount=Decimal(amount)
    ).record


# --- direct redemption ---------------------------------------------------------------------------


def test_a_direct_redemption_answers_201_with_catalog_fields_null(client_for, funded, asset):
    # when
    response = client_for.post(direct_url(funded.id), direct_body(asset, idempotency_key="cash-1"))

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    data = response.json()
    redemption = Redemption.objects.get()
    assert data == {
        "id": str(redemption.id),
        "program_id": str(asset.program_id),
        "participant_id": str(funded.id),
        "asset_id": str(asset.id),
        "reward_id": None,
        "amount": "25.00",
        "quantity": None,
        "unit_cost": None,
        "description": "Redemption",
        "journal_entry_id": str(redemption.journal_entry_id),
        "status": "COMPLETED",
        "reversed_amount": "0.00",
        "reversed_quantity": None,
        "codes": None,
        "voided_codes": None,
        "idempotency_key": "cash-1",
        "created_at": data["created_at"],
        "updated_at": data["updated_at"],
        "allocations": [{"accrual_id": str(Accrual.objects.get(participant=funded).id), "amount": "25.00"}],
    }


def test_a_direct_redemption_debits_the_wallet_in_one_balanced_entry(client_for, funded, asset):
    # when
    response = client_for.post(direct_url(funded.id), direct_body(asset, description="Donation"))

    # then
    entry = JournalEntry.objects.get(id=response.json()["journal_entry_id"])
    lines = sorted((line.direction, line.account.type, line.amount) for line in entry.lines.select_related("account"))
    assert (entry.kind, entry.description) == ("REDEMPTION", "Donation")
    assert lines == [("CREDIT", "REDEMPTIONS", Decimal("25.00")), ("DEBIT", "WALLET", Decimal("25.00"))]
    assert wallet_balance(funded, asset) == Decimal("75.00")


def test_a_direct_redemption_above_the_balance_is_422_and_changes_nothing(client_for, funded, asset):
    # given
    before = world_state()

    # when
    response = client_for.post(direct_url(funded.id), direct_body(asset, amount="100.01"))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "insufficient_balance")
    assert world_state() == before


def test_a_direct_redemption_in_an_inactive_program_is_422(client_for, program, funded, asset):
    # given
    Program.objects.filter(id=program.id).update(status=Program.Status.INACTIVE)
    before = world_state()

    # when
    response = client_for.post(direct_url(funded.id), direct_body(asset))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "program_not_active")
    assert world_state() == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        pytest.param({"amount": "1.001"}, "amount", id="amount-beyond-scale"),
        pytest.param({"amount": 25}, "amount", id="amount-as-json-number"),
        pytest.param({"quantity": 1}, "quantity", id="quantity-unknown-here"),
        pytest.param({"description": "x" * 501}, "description", id="description-501"),
        pytest.param({"asset_id": "nope"}, "asset_id", id="malformed-asset_id"),
    ],
)
def test_an_invalid_direct_redemption_is_400_and_changes_nothing(client_for, funded, asset, extra, field):
    # given
    before = world_state()

    # when
    response = client_for.post(direct_url(funded.id), direct_body(asset, **extra))

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field)
    assert world_state() == before


def test_a_direct_redemption_without_amount_is_400(client_for, funded, asset):
    # given
    before = world_state()

    # when
    response = client_for.post(direct_url(funded.id), {"program_id": str(asset.program_id), "asset_id": str(asset.id)})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", "amount")
    assert world_state() == before


def test_a_direct_redemption_of_an_asset_of_another_program_is_404(make_client, program, funded):
    # given
    foreign_asset = AssetFactory(program=ProgramFactory())
    client = make_client(all_programs=True)
    before = world_state()

    # when
    response = client.post(direct_url(funded.id), direct_body(foreign_asset, program_id=str(program.id)))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert world_state() == before


def test_repeating_a_direct_redemption_answers_200_with_the_same_bytes(client_for, funded, asset):
    # given
    body = direct_body(asset, idempotency_key="cash-1")
    first = client_for.post(direct_url(funded.id), body)
    before = world_state()

    # when
    repeat = client_for.post(direct_url(funded.id), body)

    # then
    assert (first.status_code, repeat.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert repeat.content == first.content
    assert world_state() == before


def test_a_direct_redemption_with_the_default_description_repeats_one_that_sent_it(client_for, funded, asset):
    # given
    first = client_for.post(direct_url(funded.id), direct_body(asset, description="Redemption", idempotency_key="k"))

    # when
    repeat = client_for.post(direct_url(funded.id), direct_body(asset, idempotency_key="k"))

    # then
    assert (repeat.status_code, repeat.json()["id"]) == (HTTPStatus.OK, first.json()["id"])


def test_reusing_a_direct_redemption_key_for_another_amount_is_409(client_for, funded, asset):
    # given
    client_for.post(direct_url(funded.id), direct_body(asset, idempotency_key="cash-1"))
    before = world_state()

    # when
    response = client_for.post(direct_url(funded.id), direct_body(asset, amount="26.00", idempotency_key="cash-1"))

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert world_state() == before


# --- detail -------------------------------------------------------------------------------------------


def test_getting_a_redemption_answers_the_resource(client_for, funded, asset):
    # given
    redemption = direct(funded, asset, "12.34")

    # when
    response = client_for.get(f"{LIST_URL}/{redemption.id}")

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["id"], response.json()["amount"]) == (str(redemption.id), "12.34")


def test_a_redemption_answers_the_same_fields_on_create_and_on_get(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))
    created = client_for.post(
        f"/api/v1/participants/{funded.id}/redemptions/catalog",
        {"program_id": str(asset.program_id), "reward_id": str(reward.id), "quantity": 2},
    )

    # when
    fetched = client_for.get(f"{LIST_URL}/{created.json()['id']}")

    # then
    assert fetched.content == created.content


@pytest.mark.parametrize("redemption_id", ["not-a-uuid", "550e8400-e29b-41d4-a716-446655440000"])
def test_getting_a_malformed_or_unknown_redemption_is_404(client_for, redemption_id):
    # when
    response = client_for.get(f"{LIST_URL}/{redemption_id}")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_getting_a_redemption_of_a_program_outside_the_key_is_404(client_for):
    # given
    program = ProgramFactory()
    asset = AssetFactory(program=program)
    outsider = ParticipantFactory(programs=[program])
    fund(outsider, asset, "10.00")
    redemption = direct(outsider, asset)

    # when
    response = client_for.get(f"{LIST_URL}/{redemption.id}")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


# --- lists ---------------------------------------------------------------------------------------------


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


def test_the_redemption_list_is_newest_first_and_excludes_other_programs(client_for, funded, asset):
    # given
    older = direct(funded, asset)
    newer = direct(funded, asset)
    program = ProgramFactory()
    foreign_asset = AssetFactory(program=program)
    outsider = ParticipantFactory(programs=[program])
    fund(outsider, foreign_asset, "10.00")
    direct(outsider, foreign_asset)

    # when
    response = client_for.get(LIST_URL)

    # then
    assert response.status_code == HTTPStatus.OK
    assert ids(response) == [str(newer.id), str(older.id)]


@pytest.mark.parametrize("filter_name", ["program_id", "participant_id", "reward_id", "status"])
def test_the_redemption_list_filters(make_client, program, funded, asset, filter_name):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"))
    other_program = ProgramFactory()
    other_asset = AssetFactory(program=other_program)
    other = ParticipantFactory(programs=[program, other_program])
    fund(other, asset, "10.00")
    fund(other, other_asset, "10.00")
    wanted = redeem(reward, funded)
    Redemption.objects.filter(id=wanted.id).update(status=Redemption.Status.FULLY_REVERSED)
    direct(funded, asset)
    direct(other, other_asset)
    values = {
        "program_id": str(program.id),
        "participant_id": str(funded.id),
        "reward_id": str(reward.id),
        "status": "FULLY_REVERSED",
    }
    expected = {
        "program_id": {str(r.id) for r in Redemption.objects.filter(program=program)},
        "participant_id": {str(r.id) for r in Redemption.objects.filter(participant=funded)},
        "reward_id": {str(wanted.id)},
        "status": {str(wanted.id)},
    }[filter_name]
    client = make_client(all_programs=True)

    # when
    response = client.get(LIST_URL, {filter_name: values[filter_name]})

    # then
    assert response.status_code == HTTPStatus.OK
    assert set(ids(response)) == expected
    assert len(ids(response)) < Redemption.objects.count()


@pytest.mark.parametrize(
    "query",
    [{"program_id": "x"}, {"participant_id": "1"}, {"reward_id": "abc"}, {"status": "DONE"}],
)
def test_a_malformed_redemption_filter_is_400(client_for, query):
    # when
    response = client_for.get(LIST_URL, query)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", next(iter(query)))


def test_the_redemption_list_pages_with_a_cursor(client_for, funded, asset):
    # given
    made = [direct(funded, asset, "1.00") for _ in range(3)]

    # when
    first = client_for.get(LIST_URL, {"page_size": 2})
    second = client_for.get(urlparse(first.json()["next"]).path + "?" + urlparse(first.json()["next"]).query)

    # then
    assert set(first.json()) == {"next", "previous", "next_cursor", "previous_cursor", "results"}
    assert first.json()["previous"] is None
    assert "cursor=" in first.json()["next"]
    assert ids(first) == [str(made[2].id), str(made[1].id)]
    assert ids(second) == [str(made[0].id)]
    assert second.json()["next"] is None and second.json()["previous"] is not None


def test_the_redemption_list_issues_no_query_per_row(client_for, funded, asset):
    # given
    for _ in range(5):
        direct(funded, asset, "1.00")

    # when
    with CaptureQueriesContext(connection) as one_row:
        client_for.get(LIST_URL, {"page_size": 1})
    with CaptureQueriesContext(connection) as five_rows:
        client_for.get(LIST_URL, {"page_size": 5})

    # then
    assert len(five_rows) == len(one_row)


def test_a_participants_redemption_list_shows_only_theirs_in_visible_programs(make_client, program, funded, asset):
    # given
    mine = direct(funded, asset)
    other = ParticipantFactory(programs=[program])
    fund(other, asset, "10.00")
    direct(other, asset)
    hidden_program = ProgramFactory()
    hidden_asset = AssetFactory(program=hidden_program)
    Enrollment.objects.create(tenant=hidden_program.tenant, participant=funded, program=hidden_program)
    fund(funded, hidden_asset, "10.00")
    direct(funded, hidden_asset)
    client = make_client(programs=[program])

    # when
    response = client.get(direct_url(funded.id))

    # then
    assert response.status_code == HTTPStatus.OK
    assert ids(response) == [str(mine.id)]


def test_a_participants_redemption_list_filters_by_reward(client_for, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), type=Reward.Type.UNIT_BASED)
    wanted = redeem(reward, funded)
    direct(funded, asset)

    # when
    response = client_for.get(direct_url(funded.id), {"reward_id": str(reward.id)})

    # then
    assert ids(response) == [str(wanted.id)]


def test_the_redemption_list_of_a_participant_outside_the_key_is_404(client_for):
    # given
    outsider = ParticipantFactory(programs=[ProgramFactory()])

    # when
    response = client_for.get(direct_url(outsider.id))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_deleting_a_redemption_is_405(client_for, funded, asset):
    # given
    redemption = direct(funded, asset)

    # when
    response = client_for.delete(f"{LIST_URL}/{redemption.id}")

    # then
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert Redemption.objects.filter(id=redemption.id).exists()


# --- the 201 answer (rendered once, for the event and the answer) ---------------------------------


@pytest.mark.parametrize("fulfilment", [Reward.Fulfilment.NONE, Reward.Fulfilment.CODES])
def test_a_catalog_redemptions_201_answer_is_the_redemption_as_its_get_answers_it(
    client_for, funded, asset, fulfilment
):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), fulfilment=fulfilment)
    if fulfilment == Reward.Fulfilment.CODES:
        reward_codes_add(reward=reward, codes=["CODE-1", "CODE-2"])
    body = {"program_id": str(asset.program_id), "reward_id": str(reward.id), "quantity": 2}

    # when
    response = client_for.post(f"/api/v1/participants/{funded.id}/redemptions/catalog", body)

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json() == client_for.get(f"{LIST_URL}/{response.json()['id']}").json()


def test_a_direct_redemptions_201_answer_is_the_redemption_as_its_get_answers_it(client_for, funded, asset):
    # when
    response = client_for.post(direct_url(funded.id), direct_body(asset))

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json() == client_for.get(f"{LIST_URL}/{response.json()['id']}").json()
