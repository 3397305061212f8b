"""/api/v1/assets: list, create, retrieve; assets cannot be changed."""

import json
from http import HTTPStatus
from uuid import uuid4

import pytest

from ledger.models import Account, Asset
from ledger.tests.factories import AssetFactory
from loyalty.tests.factories import ProgramFactory
from loyalty.tests.helpers import assert_error, db_state, is_utc_timestamp

pytestmark = pytest.mark.django_db

ASSET_FIELDS = {"id", "program_id", "code", "name", "scale", "pending_days", "validity_days", "created_at"}


def test_creating_an_asset_answers_201_with_exactly_the_contract_fields(client_for, program):
    # when
    response = client_for.post("/api/v1/assets", {"program_id": str(program.id), "code": "POINTS", "name": "Points"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert set(body) == ASSET_FIELDS
    assert (body["program_id"], body["code"], body["name"], body["scale"]) == (str(program.id), "POINTS", "Points", 2)
    assert is_utc_timestamp(body["created_at"])
    assert Asset.objects.filter(id=body["id"], program=program, code="POINTS", scale=2).exists()


def test_creating_an_asset_creates_the_programs_issuance_and_redemptions_accounts(client_for, program):
    # when
    response = client_for.post("/api/v1/assets", {"program_id": str(program.id), "code": "MILES", "name": "Miles"})

    # then
    accounts = Account.objects.filter(asset_id=response.json()["id"])
    assert sorted(accounts.values_list("type", flat=True)) == ["EXPIRED", "ISSUANCE", "REDEMPTIONS"]
    assert all(account.participant_id is None for account in accounts)


@pytest.mark.parametrize("scale", [0, 4])
def test_an_asset_takes_a_scale_from_zero_to_four(client_for, program, scale):
    # when
    response = client_for.post(
        "/api/v1/assets", {"program_id": str(program.id), "code": "STARS", "name": "Stars", "scale": scale}
    )

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["scale"] == scale
    assert Asset.objects.get(id=response.json()["id"]).scale == scale


def test_a_code_already_used_in_the_program_is_400_on_code(client_for, asset):
    # given
    before = db_state()

    # when
    response = client_for.post(
        "/api/v1/assets", {"program_id": str(asset.program_id), "code": asset.code, "name": "Again"}
    )

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="code")
    assert db_state() == before


def test_the_same_code_may_be_used_in_another_program(make_client, asset):
    # given
    other = ProgramFactory()
    client = make_client(programs=[other])

    # when
    response = client.post("/api/v1/assets", {"program_id": str(other.id), "code": asset.code, "name": "Points"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert Asset.objects.filter(code=asset.code).count() == 2


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"code": "points"}, "code"),
        ({"code": "PO-INTS"}, "code"),
        ({"code": ""}, "code"),
        ({"code": " POINTS"}, "code"),
        ({"code": "P" * 33}, "code"),
        ({"code": 7}, "code"),
        ({"name": ""}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"scale": 5}, "scale"),
        ({"scale": -1}, "scale"),
        ({"scale": "2"}, "scale"),
        ({"scale": True}, "scale"),
        ({"scale": 2.5}, "scale"),
        ({"program_id": "not-a-uuid"}, "program_id"),
        ({"program_id": 12}, "program_id"),
        ({"cdoe": "TYPO"}, "cdoe"),
        ({"id": str(uuid4())}, "id"),
        ({"created_at": "2024-01-15T10:30:00Z"}, "created_at"),
    ],
)
def test_creating_an_asset_with_an_invalid_body_is_400_and_creates_nothing(client_for, program, changes, field):
    # given
    body = {"program_id": str(program.id), "code": "POINTS", "name": "Points", **changes}
    before = db_state()

    # when
    response = client_for.post("/api/v1/assets", body)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)
    assert db_state() == before


def test_creating_an_asset_in_an_unknown_program_is_404(client_for):
    # given
    before = db_state()

    # when
    response = client_for.post("/api/v1/assets", {"program_id": str(uuid4()), "code": "POINTS", "name": "Points"})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_listing_assets_shows_the_keys_programs_newest_first(client_for, program):
    # given
    first = AssetFactory(program=program)
    second = AssetFactory(program=program)
    AssetFactory()  # another program

    # when
    response = client_for.get("/api/v1/assets")

    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert [item["id"] for item in body["results"]] == [str(second.id), str(first.id)]
    assert set(body["results"][0]) == ASSET_FIELDS


def test_listing_assets_filters_by_program(admin_client_api, asset):
    # given
    AssetFactory()

    # when
    response = admin_client_api.get(f"/api/v1/assets?program_id={asset.program_id}")

    # then
    assert [item["id"] for item in response.json()["results"]] == [str(asset.id)]


def test_a_malformed_program_filter_is_400(client_for):
    # when
    response = client_for.get("/api/v1/assets?program_id=nope")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="program_id")


def test_getting_an_asset_answers_200(client_for, asset):
    # when
    response = client_for.get(f"/api/v1/assets/{asset.id}")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["id"] == str(asset.id)
    assert set(response.json()) == ASSET_FIELDS


@pytest.mark.parametrize("asset_id", ["nope", str(uuid4())])
def test_an_unknown_or_malformed_asset_id_in_the_path_is_404(client_for, asset_id):
    # when
    response = client_for.get(f"/api/v1/assets/{asset_id}")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_assets_cannot_be_replaced_or_deleted_through_the_api(client_for, asset, method):
    # given
    before = db_state()

    # when
    response = client_for.generic(
        method, f"/api/v1/assets/{asset.id}", json.dumps({"name": "Changed"}), content_type="application/json"
    )

    # then
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert db_state() == before
