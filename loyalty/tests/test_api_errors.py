"""Every error renders the contract's shape: 404, 405, 413, 415, malformed JSON, 500; and /healthz."""

import json
import logging
from http import HTTPStatus

import pytest

from loyalty.errors import DomainError, LedgerInvariantViolation
from loyalty.tests.helpers import assert_error, db_state
from participants import selectors

pytestmark = pytest.mark.django_db


def test_an_unknown_url_is_404_in_the_error_shape(client_for):
    # when
    response = client_for.get("/api/v1/no-such-thing")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_a_trailing_slash_is_not_part_of_the_contract_paths(client_for):
    # when
    response = client_for.get("/api/v1/programs/")

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_a_method_a_resource_does_not_have_is_405(client_for, program):
    # given
    before = db_state()

    # when
    response = client_for.delete(f"/api/v1/programs/{program.id}")

    # then
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert db_state() == before


def test_a_body_that_is_not_json_is_415_and_changes_nothing(admin_client_api):
    # given
    before = db_state()

    # when
    response = admin_client_api.generic("POST", "/api/v1/programs", "name=Coffee", content_type="text/plain")

    # then
    assert_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    assert db_state() == before


def test_the_media_type_is_checked_before_the_key(anon_client):
    # when
    response = anon_client.generic("POST", "/api/v1/programs", "name=Coffee", content_type="text/plain")

    # then
    assert_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")


def test_a_json_body_with_a_charset_is_accepted(admin_client_api):
    # when
    response = admin_client_api.generic(
        "POST", "/api/v1/programs", json.dumps({"name": "Coffee"}), content_type="application/json; charset=utf-8"
    )

    # then
    assert response.status_code == HTTPStatus.CREATED


def test_a_body_over_64_kib_is_413_and_changes_nothing(client_for, participant, asset):
    # given
    body = {"program_id": str(asset.program_id), "asset_id": str(asset.id), "amount": "1", "description": "x" * 70_000}
    before = db_state()

    # when
    response = client_for.post(f"/api/v1/participants/{participant.id}/accruals", body)

    # then
    assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")
    assert db_state() == before


@pytest.mark.parametrize("raw", ['{"name": "Coffee"', "{'name': 'Coffee'}", '{"name": NaN}', "nul"])
def test_malformed_json_is_400_and_changes_nothing(admin_client_api, raw):
    # given
    before = db_state()

    # when
    response = admin_client_api.generic("POST", "/api/v1/programs", raw, content_type="application/json")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert db_state() == before


def test_an_unexpected_failure_is_500_without_a_traceback(client_for, participant, monkeypatch):
    # given
    def explode(**kwargs):
        raise RuntimeError("secret internals: /srv/app/participants/selectors.py")

    monkeypatch.setattr(selectors, "participant_balances_list", explode)

    # when
    response = client_for.get(f"/api/v1/participants/{participant.id}/balances")

    # then
    error = assert_error(response, HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error")
    assert "Traceback" not in response.content.decode()
    assert "secret internals" not in response.content.decode()
    assert error["message"] == "Internal error."


@pytest.mark.parametrize(
    "error",
    [
        LedgerInvariantViolation("Debits and credits differ for asset(s) POINTS."),
        DomainError("wallet 1b2c3d: stored balance 10.00 differs from its lines"),
    ],
    ids=["ledger_invariant_violation", "any_other_500_domain_error"],
)
def test_a_broken_invariant_is_logged_with_its_traceback_and_answers_the_generic_500(
    client_for, participant, monkeypatch, caplog, error
):
    # given
    def explode(**kwargs):
        raise error

    monkeypatch.setattr(selectors, "participant_balances_list", explode)

    # when
    with caplog.at_level(logging.ERROR, logger="loyalty.api"):
        response = client_for.get(f"/api/v1/participants/{participant.id}/balances")

    # then
    body = assert_error(response, HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error")
    assert body["message"] == "Internal error."
    assert error.message not in response.content.decode()
    [record] = [record for record in caplog.records if record.name == "loyalty.api"]
    assert record.exc_info is not None and record.exc_info[1] is error
    assert record.exc_info[2] is not None  # the traceback


def test_healthz_reports_the_database_ok(anon_client):
    # when
    response = anon_client.get("/healthz")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_the_openapi_schema_is_public(anon_client):
    # when
    response = anon_client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    # then
    assert response.status_code == HTTPStatus.OK
    schema = json.loads(response.content)
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schema["components"]["securitySchemes"]["ApiKeyAuth"]["description"],
    }
    assert "/api/v1/participants/{participant_id}/accruals" in schema["paths"]


def test_options_is_not_part_of_the_contract_and_is_405(client_for):
    # when
    response = client_for.options("/api/v1/programs")

    # then
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
