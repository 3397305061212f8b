"""GET /api/v1/participants/{participant_id}/balances."""

from http import HTTPStatus
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.tests.factories import AssetFactory, fund
from loyalty.tests.factories import ProgramFactory
from loyalty.tests.helpers import assert_error, is_utc_timestamp
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

BALANCE_FIELDS = {"program_id", "asset_id", "asset_code", "balance", "updated_at", "pending_balance", "expiring"}


def balances(client, participant, query=""):
    response = client.get(f"/api/v1/participants/{participant.id}/balances{query}")
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()


def test_an_asset_without_movement_shows_a_zero_balance_and_no_update_time(client_for, participant, asset):
    # when
    body = balances(client_for, participant)

    # then
    assert set(body) == {"next", "previous", "results"}
    assert body["results"] == [
        {
            "program_id": str(asset.program_id),
            "asset_id": str(asset.id),
            "asset_code": asset.code,
            "balance": "0.00",
            "updated_at": None,
            "pending_balance": "0.00",
            "expiring": [],
        }
    ]


def test_a_balance_shows_the_accrued_amount_and_when_it_last_moved(client_for, participant, asset):
    # given
    fund(participant, asset, "12.5")
    fund(participant, asset, "7.25")

    # when
    (row,) = balances(client_for, participant)["results"]

    # then
    assert set(row) == BALANCE_FIELDS
    assert row["balance"] == "19.75"
    assert is_utc_timestamp(row["updated_at"])


@pytest.mark.parametrize("scale, zero", [(0, "0"), (4, "0.0000")])
def test_a_zero_balance_is_rendered_with_the_assets_scale(client_for, participant, program, scale, zero):
    # given
    AssetFactory(program=program, scale=scale)

    # when
    (row,) = balances(client_for, participant)["results"]

    # then
    assert row["balance"] == zero


def test_a_scale_zero_balance_has_no_decimal_point(client_for, participant, program):
    # given
    asset = AssetFactory(program=program, scale=0)
    fund(participant, asset, "40")

    # when
    (row,) = balances(client_for, participant)["results"]

    # then
    assert row["balance"] == "40"


def test_balances_list_every_asset_of_every_enrolled_program_newest_asset_first(admin_client_api):
    # given
    first, second = ProgramFactory(), ProgramFactory()
    participant = ParticipantFactory(programs=[first, second])
    points = AssetFactory(program=first)
    miles = AssetFactory(program=second)
    stars = AssetFactory(program=first)
    AssetFactory(program=ProgramFactory())  # not enrolled there

    # when
    body = balances(admin_client_api, participant)

    # then
    assert [row["asset_id"] for row in body["results"]] == [str(stars.id), str(miles.id), str(points.id)]


def test_balances_exclude_programs_the_key_may_not_see(make_client):
    # given
    mine, hidden = ProgramFactory(), ProgramFactory()
    participant = ParticipantFactory(programs=[mine, hidden])
    visible = AssetFactory(program=mine)
    AssetFactory(program=hidden)

    # when
    body = balances(make_client(programs=[mine]), participant)

    # then
    assert [row["asset_id"] for row in body["results"]] == [str(visible.id)]


def test_balances_filter_by_program(admin_client_api):
    # given
    first, second = ProgramFactory(), ProgramFactory()
    participant = ParticipantFactory(programs=[first, second])
    AssetFactory(program=first)
    wanted = AssetFactory(program=second)

    # when
    body = balances(admin_client_api, participant, f"?program_id={second.id}")

    # then
    assert [row["asset_id"] for row in body["results"]] == [str(wanted.id)]


def test_a_malformed_program_filter_is_400(client_for, participant):
    # when
    response = client_for.get(f"/api/v1/participants/{participant.id}/balances?program_id=x")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="program_id")


def test_balances_take_a_fixed_number_of_queries(client_for, participant, program):
    # given
    fund(participant, AssetFactory(program=program), "1")
    with CaptureQueriesContext(connection) as one:
        balances(client_for, participant)
    for _ in range(4):
        fund(participant, AssetFactory(program=program), "1")

    # when
    with CaptureQueriesContext(connection) as five:
        body = balances(client_for, participant)

    # then
    assert len(body["results"]) == 5
    assert len(five) == len(one)


def test_balances_are_paginated(client_for, participant, program):
    # given
    AssetFactory.create_batch(3, program=program)

    # when
    first_page = balances(client_for, participant, "?page_size=2")

    # then
    assert len(first_page["results"]) == 2
    assert first_page["next"] is not None and first_page["previous"] is None


@pytest.mark.parametrize("participant_id", ["nope", str(uuid4())])
def test_balances_of_an_unknown_or_malformed_participant_id_are_404(client_for, participant_id):
    # when
    response = client_for.get(f"/api/v1/participants/{participant_id}/balances")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
