"""/api/v1/participants: enrol (create or find), list, retrieve."""

from http import HTTPStatus
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loyalty.models import Program
from loyalty.tests.factories import ProgramFactory
from loyalty.tests.helpers import assert_error, db_state, is_utc_timestamp
from participants.models import Enrollment, Participant
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

MISSING = object()
PARTICIPANT_FIELDS = {"id", "external_id", "display_name", "email", "program_ids", "created_at", "updated_at"}


def test_enrolling_a_new_external_id_creates_the_participant_and_answers_201(client_for, program):
    # when
    response = client_for.post(
        "/api/v1/participants",
        {"program_id": str(program.id), "external_id": "cust-1", "display_name": "Ada", "email": "ada@example.com"},
    )

    # then
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert set(body) == PARTICIPANT_FIELDS
    assert (body["external_id"], body["display_name"], body["email"]) == ("cust-1", "Ada", "ada@example.com")
    assert body["program_ids"] == [str(program.id)]
    assert is_utc_timestamp(body["created_at"]) and is_utc_timestamp(body["updated_at"])
    assert Enrollment.objects.filter(participant_id=body["id"], program=program).exists()


def test_display_name_and_email_are_optional(client_for, program):
    # when
    response = client_for.post("/api/v1/participants", {"program_id": str(program.id), "external_id": "cust-2"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert (response.json()["display_name"], response.json()["email"]) == ("", "")


def test_enrolling_an_existing_external_id_enrols_it_and_answers_200(make_client):
    # given
    first, second = ProgramFactory(), ProgramFactory()
    existing = ParticipantFactory(external_id="cust-1", programs=[first])
    client = make_client(programs=[first, second])

    # when
    response = client.post(
        "/api/v1/participants", {"program_id": str(second.id), "external_id": "cust-1", "display_name": "Ignored"}
    )

    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["id"] == str(existing.id)
    assert body["program_ids"] == [str(first.id), str(second.id)]
    assert body["display_name"] == existing.display_name
    assert Participant.objects.count() == 1


def test_enrolling_an_already_enrolled_participant_again_changes_nothing(client_for, participant, program):
    # given
    before = db_state()

    # when
    response = client_for.post(
        "/api/v1/participants", {"program_id": str(program.id), "external_id": participant.external_id}
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["id"] == str(participant.id)
    assert db_state() == before


def test_program_ids_list_only_the_programs_the_key_may_see(make_client):
    # given
    mine, hidden = ProgramFactory(), ProgramFactory()
    participant = ParticipantFactory(programs=[hidden, mine])
    client = make_client(programs=[mine])

    # when
    response = client.get(f"/api/v1/participants/{participant.id}")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["program_ids"] == [str(mine.id)]


def test_a_participant_can_be_enrolled_in_an_inactive_program(client_for, program):
    # given
    Program.objects.filter(id=program.id).update(status="INACTIVE")

    # when
    response = client_for.post("/api/v1/participants", {"program_id": str(program.id), "external_id": "cust-9"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert Enrollment.objects.filter(participant_id=response.json()["id"], program=program).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"external_id": MISSING}, "external_id"),
        ({"external_id": None}, "external_id"),
        ({"external_id": ""}, "external_id"),
        ({"external_id": "x" * 256}, "external_id"),
        ({"external_id": 123}, "external_id"),
        ({"display_name": "d" * 201}, "display_name"),
        ({"display_name": 5}, "display_name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ["a@example.com"]}, "email"),
        ({"program_id": "not-a-uuid"}, "program_id"),
        ({"program_id": None}, "program_id"),
        ({"externl_id": "typo"}, "externl_id"),
        ({"id": str(uuid4())}, "id"),
        ({"program_ids": []}, "program_ids"),
        ({"created_at": "2024-01-15T10:30:00Z"}, "created_at"),
    ],
)
def test_enrolling_with_an_invalid_body_is_400_and_changes_nothing(client_for, program, changes, field):
    # given
    body = {"program_id": str(program.id), "external_id": "cust-1", **changes}
    body = {key: value for key, value in body.items() if value is not MISSING}
    before = db_state()

    # when
    response = client_for.post("/api/v1/participants", body)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)
    assert db_state() == before


def test_enrolling_in_an_unknown_program_is_404_and_changes_nothing(client_for):
    # given
    before = db_state()

    # when
    response = client_for.post("/api/v1/participants", {"program_id": str(uuid4()), "external_id": "cust-1"})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_listing_participants_shows_those_in_the_keys_programs_newest_first(client_for, program):
    # given
    older = ParticipantFactory(programs=[program])
    newer = ParticipantFactory(programs=[program])
    ParticipantFactory(programs=[ProgramFactory()])

    # when
    response = client_for.get("/api/v1/participants")

    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert [item["id"] for item in body["results"]] == [str(newer.id), str(older.id)]
    assert set(body["results"][0]) == PARTICIPANT_FIELDS


def test_listing_participants_filters_by_program(admin_client_api, participant, program):
    # given
    ParticipantFactory(programs=[ProgramFactory()])

    # when
    response = admin_client_api.get(f"/api/v1/participants?program_id={program.id}")

    # then
    assert [item["id"] for item in response.json()["results"]] == [str(participant.id)]


def test_listing_participants_filters_by_external_id(client_for, participant, program):
    # given
    ParticipantFactory(programs=[program])

    # when
    response = client_for.get(f"/api/v1/participants?external_id={participant.external_id}")

    # then
    assert [item["id"] for item in response.json()["results"]] == [str(participant.id)]


def test_a_malformed_program_filter_is_400(client_for):
    # when
    response = client_for.get("/api/v1/participants?program_id=12")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="program_id")


def test_listing_participants_takes_a_fixed_number_of_queries(client_for, program):
    # given
    ParticipantFactory(programs=[program])
    with CaptureQueriesContext(connection) as one:
        client_for.get("/api/v1/participants")
    ParticipantFactory.create_batch(5, programs=[program])

    # when
    with CaptureQueriesContext(connection) as six:
        response = client_for.get("/api/v1/participants")

    # then
    assert len(response.json()["results"]) == 6
    assert len(six) == len(one)


@pytest.mark.parametrize("participant_id", ["nope", str(uuid4())])
def test_an_unknown_or_malformed_participant_id_in_the_path_is_404(client_for, participant_id):
    # when
    response = client_for.get(f"/api/v1/participants/{participant_id}")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_participants_cannot_be_changed_or_deleted_through_the_api(client_for, participant, method):
    # given
    before = db_state()

    # when
    response = client_for.generic(method.upper(), f"/api/v1/participants/{participant.id}", "{}", "application/json")

    # then
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert db_state() == before
