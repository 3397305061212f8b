"""X-API-Key authentication and the per-key rate limit, through the API."""

from http import HTTPStatus

import pytest
from django.core.cache import cache

from conftest import KeyClient
from loyalty.auth import ApiKeyRateThrottle
from loyalty.services import api_key_revoke
from loyalty.tests.helpers import assert_error, db_state

pytestmark = pytest.mark.django_db

UNKNOWN_KEY = "lk_abcdefgh_" + "A" * 40


def accrual_body(asset):
    return {"program_id": str(asset.program_id), "asset_id": str(asset.id), "amount": "5.00"}


@pytest.mark.parametrize(
    "plain_key",
    [None, UNKNOWN_KEY, "not-a-key", "lk_short_secret", "Bearer " + UNKNOWN_KEY],
    ids=["missing", "unknown", "malformed", "malformed-prefix", "with-scheme"],
)
def test_a_missing_unknown_or_malformed_key_is_401(participant, plain_key):
    # given
    client = KeyClient(plain_key)

    # when
    response = client.get(f"/api/v1/participants/{participant.id}")

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")


def test_a_revoked_key_is_401(client_for, program):
    # given
    api_key_revoke(prefix=client_for.api_key.prefix)

    # when
    response = client_for.get(f"/api/v1/programs/{program.id}")

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")


def test_a_key_with_the_right_prefix_but_a_wrong_secret_is_401(client_for, program):
    # given
    forged = KeyClient(client_for.plain_key[:-1] + ("x" if client_for.plain_key[-1] != "x" else "y"))

    # when
    response = forged.get(f"/api/v1/programs/{program.id}")

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")


def test_an_unauthenticated_write_is_401_and_changes_nothing(anon_client, participant, asset):
    # given
    before = db_state()

    # when
    response = anon_client.post(f"/api/v1/participants/{participant.id}/accruals", accrual_body(asset))

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")
    assert db_state() == before


def test_the_key_is_checked_before_the_path(anon_client):
    # when
    response = anon_client.get("/api/v1/participants/not-a-uuid")

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")


def test_the_key_is_checked_before_the_body(anon_client):
    # given
    before = db_state()

    # when
    response = anon_client.post("/api/v1/programs", {"nmae": 1})

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")
    assert db_state() == before


def test_a_key_over_its_rate_is_429_with_retry_after_and_changes_nothing(
    client_for, participant, asset, monkeypatch
):
    # given
    cache.clear()
    monkeypatch.setattr(ApiKeyRateThrottle, "rate", "2/min")
    client_for.get("/api/v1/programs")
    client_for.get("/api/v1/programs")
    before = db_state()

    # when
    response = client_for.post(f"/api/v1/participants/{participant.id}/accruals", accrual_body(asset))

    # then
    assert_error(response, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")
    assert int(response["Retry-After"]) >= 1
    assert db_state() == before
    cache.clear()
