"""/api/v1/programs: list, create, retrieve, update."""

from http import HTTPStatus
from uuid import uuid4

import pytest

from loyalty.models import Program
from loyalty.tests.factories import ProgramFactory, TenantFactory, default_tenant
from loyalty.tests.helpers import assert_error, db_state, is_utc_timestamp

pytestmark = pytest.mark.django_db

PROGRAM_FIELDS = {"id", "name", "status", "created_at", "updated_at"}


def test_listing_programs_shows_only_the_keys_programs_newest_first(make_client):
    # given
    older, newer, other = ProgramFactory(), ProgramFactory(), ProgramFactory()
    client = make_client(programs=[older, newer])

    # when
    response = client.get("/api/v1/programs")

    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert (body["next"], body["previous"]) == (None, None)
    assert [item["id"] for item in body["results"]] == [str(newer.id), str(older.id)]
    assert str(other.id) not in response.content.decode()


def test_a_program_renders_exactly_the_contract_fields(client_for, program):
    # when
    response = client_for.get(f"/api/v1/programs/{program.id}")

    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == PROGRAM_FIELDS
    assert body["id"] == str(program.id)
    assert (body["name"], body["status"]) == (program.name, "ACTIVE")
    assert is_utc_timestamp(body["created_at"]) and is_utc_timestamp(body["updated_at"])


def test_an_all_programs_key_lists_every_program(admin_client_api):
    # given
    programs = ProgramFactory.create_batch(3)

    # when
    response = admin_client_api.get("/api/v1/programs")

    # then
    assert {item["id"] for item in response.json()["results"]} == {str(p.id) for p in programs}


def test_lists_default_to_fifty_items_per_page(admin_client_api):
    # given
    Program.objects.bulk_create([Program(tenant=default_tenant(), name=f"P{i}") for i in range(51)])

    # when
    response = admin_client_api.get("/api/v1/programs")

    # then
    body = response.json()
    assert len(body["results"]) == 50
    assert body["next"] is not None and body["previous"] is None


def test_page_size_above_two_hundred_is_capped_at_two_hundred(admin_client_api):
    # given
    Program.objects.bulk_create([Program(tenant=default_tenant(), name=f"P{i}") for i in range(201)])

    # when
    response = admin_client_api.get("/api/v1/programs?page_size=1000")

    # then
    body = response.json()
    assert len(body["results"]) == 200
    assert body["next"] is not None


def test_creating_a_program_with_an_all_programs_key_answers_201(admin_client_api):
    # when
    response = admin_client_api.post("/api/v1/programs", {"name": "Coffee Club"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert set(body) == PROGRAM_FIELDS
    assert (body["name"], body["status"]) == ("Coffee Club", "ACTIVE")
    program = Program.objects.get(id=body["id"])
    assert (program.name, program.status) == ("Coffee Club", "ACTIVE")


def test_a_program_created_through_the_api_belongs_to_the_keys_tenant(make_client):
    # given
    tenant = TenantFactory(name="Bravo Tea")
    client = make_client(all_programs=True, tenant=tenant)

    # when
    response = client.post("/api/v1/programs", {"name": "Matcha Club"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert Program.objects.get(id=response.json()["id"]).tenant_id == tenant.id
    assert client.get("/api/v1/me").json()["key"]["program_ids"] == [response.json()["id"]]


def test_a_program_can_be_created_inactive(admin_client_api):
    # when
    response = admin_client_api.post("/api/v1/programs", {"name": "Later", "status": "INACTIVE"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert Program.objects.get(id=response.json()["id"]).status == "INACTIVE"


def test_a_program_scoped_key_may_not_create_a_program(client_for):
    # given
    before = db_state()

    # when
    response = client_for.post("/api/v1/programs", {"name": "Mine"})

    # then
    assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
    assert db_state() == before


def test_the_permission_check_comes_before_the_body_check(client_for):
    # given
    before = db_state()

    # when
    response = client_for.post("/api/v1/programs", {"nmae": 5})

    # then
    assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
    assert db_state() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": 5}, "name"),
        ({"name": None}, "name"),
        ({"name": "P", "status": "PAUSED"}, "status"),
        ({"name": "P", "status": "active"}, "status"),
        ({"name": "P", "stauts": "ACTIVE"}, "stauts"),
        ({"name": "P", "id": str(uuid4())}, "id"),
        ({"name": "P", "created_at": "2024-01-15T10:30:00Z"}, "created_at"),
    ],
)
def test_creating_a_program_with_an_invalid_body_is_400_and_creates_nothing(admin_client_api, body, field):
    # given
    before = db_state()

    # when
    response = admin_client_api.post("/api/v1/programs", body)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)
    assert db_state() == before


def test_renaming_a_program_answers_200_with_the_new_name(client_for, program):
    # when
    response = client_for.patch(f"/api/v1/programs/{program.id}", {"name": "Renamed"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["name"] == "Renamed"
    program.refresh_from_db()
    assert program.name == "Renamed"


def test_deactivating_a_program_answers_200_with_status_inactive(client_for, program):
    # when
    response = client_for.patch(f"/api/v1/programs/{program.id}", {"status": "INACTIVE"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "INACTIVE"
    program.refresh_from_db()
    assert program.status == "INACTIVE"


def test_an_empty_patch_changes_nothing(client_for, program):
    # given
    before = db_state()

    # when
    response = client_for.patch(f"/api/v1/programs/{program.id}", {})

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["name"] == program.name
    assert db_state() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": 1}, "name"),
        ({"status": "OUT_OF_STOCK"}, "status"),
        ({"status": True}, "status"),
        ({"nmae": "typo"}, "nmae"),
        ({"id": str(uuid4())}, "id"),
        ({"updated_at": "2024-01-15T10:30:00Z"}, "updated_at"),
    ],
)
def test_updating_a_program_with_an_invalid_body_is_400_and_changes_nothing(client_for, program, body, field):
    # given
    before = db_state()

    # when
    response = client_for.patch(f"/api/v1/programs/{program.id}", body)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)
    assert db_state() == before


@pytest.mark.parametrize("program_id", ["not-a-uuid", "123", str(uuid4())])
def test_an_unknown_or_malformed_program_id_in_the_path_is_404(client_for, program_id):
    # when
    response = client_for.get(f"/api/v1/programs/{program_id}")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_updating_an_unknown_program_is_404_before_the_body_is_checked(client_for):
    # given
    before = db_state()

    # when
    response = client_for.patch(f"/api/v1/programs/{uuid4()}", {"status": "BOGUS"})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


@pytest.mark.parametrize("method", ["delete", "put"])
def test_programs_cannot_be_deleted_or_replaced(client_for, program, method):
    # given
    before = db_state()

    # when
    response = getattr(client_for, method)(f"/api/v1/programs/{program.id}")

    # then
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert db_state() == before
