"""/api/v1/journal-entries: list (cursor-paginated) and retrieve."""

from decimal import Decimal
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.models import Account
from ledger.tests.factories import AssetFactory, fund
from loyalty.tests.helpers import assert_error, is_utc_timestamp
from participants.tests.factories import ParticipantFactory
from rewards.services import redemption_create_direct, reversal_create

pytestmark = pytest.mark.django_db

ENTRY_FIELDS = {"id", "program_id", "kind", "description", "reverses_entry_id", "created_at", "lines"}
LINE_FIELDS = {"account_id", "account_type", "participant_id", "asset_id", "direction", "amount"}


def test_an_accrual_entry_renders_exactly_the_contract_fields(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "25.5")
    wallet = Account.objects.get(type="WALLET", participant=participant)
    issuance = Account.objects.get(type="ISSUANCE", asset=asset)

    # when
    response = client_for.get(f"/api/v1/journal-entries/{accrual.journal_entry_id}")

    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == ENTRY_FIELDS
    assert (body["id"], body["program_id"]) == (str(accrual.journal_entry_id), str(asset.program_id))
    assert (body["kind"], body["description"], body["reverses_entry_id"]) == ("ACCRUAL", "Accrual", None)
    assert is_utc_timestamp(body["created_at"])
    assert all(set(line) == LINE_FIELDS for line in body["lines"])
    assert body["lines"] == [
        {
            "account_id": str(issuance.id),
            "account_type": "ISSUANCE",
            "participant_id": None,
            "asset_id": str(asset.id),
            "direction": "DEBIT",
            "amount": "25.50",
        },
        {
            "account_id": str(wallet.id),
            "account_type": "WALLET",
            "participant_id": str(participant.id),
            "asset_id": str(asset.id),
            "direction": "CREDIT",
            "amount": "25.50",
        },
    ]


def test_a_reversal_entry_points_at_the_entry_it_reverses(client_for, participant, asset, program):
    # given
    fund(participant, asset, "10")
    redemption = redemption_create_direct(
        program=program, participant=participant, asset=asset, amount=Decimal("4")
    ).record
    reversal = reversal_create(redemption=redemption).record

    # when
    response = client_for.get(f"/api/v1/journal-entries/{reversal.journal_entry_id}")

    # then
    body = response.json()
    assert body["kind"] == "REVERSAL"
    assert body["reverses_entry_id"] == str(redemption.journal_entry_id)
    assert {(line["account_type"], line["direction"]) for line in body["lines"]} == {
        ("REDEMPTIONS", "DEBIT"),
        ("WALLET", "CREDIT"),
    }


def test_listing_entries_shows_the_keys_programs_newest_first(client_for, participant, asset):
    # given
    first = fund(participant, asset, "1")
    second = fund(participant, asset, "2")
    other_asset = AssetFactory()
    fund(ParticipantFactory(programs=[other_asset.program]), other_asset, "3")

    # when
    response = client_for.get("/api/v1/journal-entries")

    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == {"next", "previous", "next_cursor", "previous_cursor", "results"}
    assert [entry["id"] for entry in body["results"]] == [str(second.journal_entry_id), str(first.journal_entry_id)]


def test_listing_entries_filters_by_participant(client_for, participant, asset, program):
    # given
    mine = fund(participant, asset, "1")
    fund(ParticipantFactory(programs=[program]), asset, "2")

    # when
    response = client_for.get(f"/api/v1/journal-entries?participant_id={participant.id}")

    # then
    assert [entry["id"] for entry in response.json()["results"]] == [str(mine.journal_entry_id)]


def test_listing_entries_filters_by_program(admin_client_api, participant, asset):
    # given
    mine = fund(participant, asset, "1")
    other_asset = AssetFactory()
    fund(ParticipantFactory(programs=[other_asset.program]), other_asset, "2")

    # when
    response = admin_client_api.get(f"/api/v1/journal-entries?program_id={asset.program_id}")

    # then
    assert [entry["id"] for entry in response.json()["results"]] == [str(mine.journal_entry_id)]


def test_listing_entries_filters_by_kind(client_for, participant, asset, program):
    # given
    fund(participant, asset, "10")
    redemption = redemption_create_direct(program=program, participant=participant, asset=asset, amount=Decimal("4"))

    # when
    response = client_for.get("/api/v1/journal-entries?kind=REDEMPTION")

    # then
    assert [entry["id"] for entry in response.json()["results"]] == [str(redemption.record.journal_entry_id)]


@pytest.mark.parametrize(
    "query, field",
    [
        ("kind=accrual", "kind"),
        ("kind=REFUND", "kind"),
        ("program_id=1", "program_id"),
        ("participant_id=x", "participant_id"),
    ],
)
def test_a_malformed_filter_is_400(client_for, query, field):
    # when
    response = client_for.get(f"/api/v1/journal-entries?{query}")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)


def test_cursor_pages_do_not_overlap_and_link_back(client_for, participant, asset):
    # given
    entries = [fund(participant, asset, "1").journal_entry_id for _ in range(5)]

    # when
    first = client_for.get("/api/v1/journal-entries?page_size=2").json()
    second = client_for.get(first["next"]).json()
    third = client_for.get(second["next"]).json()

    # then
    seen = [entry["id"] for page in (first, second, third) for entry in page["results"]]
    assert seen == [str(entry_id) for entry_id in reversed(entries)]
    assert first["previous"] is None and second["previous"] is not None
    assert third["next"] is None


def test_a_pages_next_cursor_passed_back_as_cursor_gives_the_same_page_as_its_next_link(
    client_for, participant, asset
):
    # given
    for _ in range(5):
        fund(participant, asset, "1")
    first = client_for.get("/api/v1/journal-entries?page_size=2").json()

    # when
    by_cursor = client_for.get("/api/v1/journal-entries", {"page_size": 2, "cursor": first["next_cursor"]}).json()

    # then
    assert parse_qs(urlsplit(first["next"]).query)["cursor"] == [first["next_cursor"]]
    assert by_cursor == client_for.get(first["next"]).json()
    assert by_cursor["previous_cursor"] is not None and first["previous_cursor"] is None


def test_the_last_pages_next_cursor_is_null(client_for, participant, asset):
    # given
    fund(participant, asset, "1")

    # when
    body = client_for.get("/api/v1/journal-entries").json()

    # then
    assert (body["next"], body["next_cursor"], body["previous"], body["previous_cursor"]) == (None, None, None, None)


def test_a_cursor_page_stays_stable_while_new_entries_arrive(client_for, participant, asset):
    # given
    for _ in range(4):
        fund(participant, asset, "1")
    first = client_for.get("/api/v1/journal-entries?page_size=2").json()
    expected = client_for.get(first["next"]).json()["results"]
    fund(participant, asset, "1")

    # when
    second = client_for.get(first["next"]).json()

    # then
    assert second["results"] == expected


def test_the_cursor_page_size_is_capped_at_two_hundred(client_for, participant, asset):
    # given
    for _ in range(201):
        fund(participant, asset, "1")

    # when
    body = client_for.get("/api/v1/journal-entries?page_size=500").json()

    # then
    assert len(body["results"]) == 200
    assert body["next"] is not None


def test_listing_entries_takes_a_fixed_number_of_queries(client_for, participant, asset, program):
    # given
    fund(participant, asset, "1")
    with CaptureQueriesContext(connection) as one:
        client_for.get("/api/v1/journal-entries")
    for _ in range(5):
        fund(ParticipantFactory(programs=[program]), AssetFactory(program=program), "1")

    # when
    with CaptureQueriesContext(connection) as six:
        response = client_for.get("/api/v1/journal-entries")

    # then
    assert len(response.json()["results"]) == 6
    assert len(six) == len(one)


@pytest.mark.parametrize("entry_id", ["nope", str(uuid4())])
def test_an_unknown_or_malformed_entry_id_in_the_path_is_404(client_for, entry_id):
    # when
    response = client_for.get(f"/api/v1/journal-entries/{entry_id}")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_journal_entries_cannot_be_created_through_the_api(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "1")

    # when
    created = client_for.post("/api/v1/journal-entries", {"kind": "ADJUSTMENT"})
    deleted = client_for.delete(f"/api/v1/journal-entries/{accrual.journal_entry_id}")

    # then
    assert_error(created, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert_error(deleted, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert Account.objects.get(type="WALLET").balance == Decimal("1")
