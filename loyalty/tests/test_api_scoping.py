"""A key for program A sees nothing of program B: B's objects answer 404 and lists leave them out."""

from http import HTTPStatus

import pytest

from ledger.tests.factories import AssetFactory, fund
from loyalty.tests.factories import ProgramFactory
from loyalty.tests.helpers import assert_error, db_state
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_client):
    """Programs A and B with an asset each, a participant in each only and one in both; a key for A."""

    class World:
        pass

    w = World()
    w.a, w.b = ProgramFactory(name="A"), ProgramFactory(name="B")
    w.asset_a, w.asset_b = AssetFactory(program=w.a), AssetFactory(program=w.b)
    w.only_a = ParticipantFactory(programs=[w.a])
    w.only_b = ParticipantFactory(programs=[w.b])
    w.both = ParticipantFactory(programs=[w.a, w.b])
    w.entry_a = fund(w.both, w.asset_a, "10").journal_entry
    w.entry_b = fund(w.both, w.asset_b, "20").journal_entry
    w.client = make_client(programs=[w.a])
    return w


def ids(response) -> set[str]:
    assert response.status_code == HTTPStatus.OK
    return {item["id"] for item in response.json()["results"]}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programs/{w.b.id}",
        "/api/v1/assets/{w.asset_b.id}",
        "/api/v1/participants/{w.only_b.id}",
        "/api/v1/participants/{w.only_b.id}/balances",
        "/api/v1/journal-entries/{w.entry_b.id}",
    ],
)
def test_reading_an_object_of_another_program_is_404(world, path):
    # when
    response = world.client.get(path.format(w=world))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_renaming_another_programs_program_is_404_and_changes_nothing(world):
    # given
    before = db_state()

    # when
    response = world.client.patch(f"/api/v1/programs/{world.b.id}", {"name": "Taken over"})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_creating_an_asset_in_another_program_is_404_and_changes_nothing(world):
    # given
    before = db_state()

    # when
    response = world.client.post("/api/v1/assets", {"program_id": str(world.b.id), "code": "NEW", "name": "New"})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_enrolling_into_another_program_is_404_and_changes_nothing(world):
    # given
    before = db_state()

    # when
    response = world.client.post("/api/v1/participants", {"program_id": str(world.b.id), "external_id": "x"})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_accruing_into_another_program_is_404_and_changes_nothing(world):
    # given
    before = db_state()

    # when
    response = world.client.post(
        f"/api/v1/participants/{world.both.id}/accruals",
        {"program_id": str(world.b.id), "asset_id": str(world.asset_b.id), "amount": "5.00"},
    )

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_accruing_to_a_participant_only_in_another_program_is_404_and_changes_nothing(world):
    # given
    before = db_state()

    # when
    response = world.client.post(
        f"/api/v1/participants/{world.only_b.id}/accruals",
        {"program_id": str(world.a.id), "asset_id": str(world.asset_a.id), "amount": "5.00"},
    )

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_accruing_an_asset_of_another_program_into_mine_is_404_and_changes_nothing(world):
    # given
    before = db_state()

    # when
    response = world.client.post(
        f"/api/v1/participants/{world.both.id}/accruals",
        {"program_id": str(world.a.id), "asset_id": str(world.asset_b.id), "amount": "5.00"},
    )

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_the_program_list_leaves_out_other_programs(world):
    # when / then
    assert ids(world.client.get("/api/v1/programs")) == {str(world.a.id)}


def test_the_asset_list_leaves_out_other_programs(world):
    # when / then
    assert ids(world.client.get("/api/v1/assets")) == {str(world.asset_a.id)}
    assert ids(world.client.get(f"/api/v1/assets?program_id={world.b.id}")) == set()


def test_the_participant_list_leaves_out_participants_only_in_other_programs(world):
    # when / then
    assert ids(world.client.get("/api/v1/participants")) == {str(world.only_a.id), str(world.both.id)}
    assert ids(world.client.get(f"/api/v1/participants?program_id={world.b.id}")) == set()


def test_the_journal_entry_list_leaves_out_other_programs(world):
    # when / then
    assert ids(world.client.get("/api/v1/journal-entries")) == {str(world.entry_a.id)}
    assert ids(world.client.get(f"/api/v1/journal-entries?participant_id={world.both.id}")) == {str(world.entry_a.id)}


def test_balances_of_a_shared_participant_leave_out_other_programs(world):
    # when
    response = world.client.get(f"/api/v1/participants/{world.both.id}/balances")

    # then
    assert [(row["asset_id"], row["balance"]) for row in response.json()["results"]] == [
        (str(world.asset_a.id), "10.00")
    ]
