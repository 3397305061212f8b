"""
Rate limiting per API key (``API_RATE_LIMIT``, DRF throttling): past the rate,
``429 rate_limited`` in the error envelope with ``Retry-After``.

DRF reads the throttle rates when the throttle class is defined, so the tests
set the class's rate directly (the value ``API_RATE_LIMIT`` would give) and
clear the cache that holds the request history around each test.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache

from ledger.tests.factories import fund
from loyalty.auth import ApiKeyRateThrottle
from loyalty.tests.helpers import assert_error, db_state

RATE = 3


@pytest.fixture(autouse=True)
def three_requests_a_minute(monkeypatch):
    cache.clear()
    monkeypatch.setattr(ApiKeyRateThrottle, "rate", f"{RATE}/min", raising=False)
    yield
    cache.clear()


def spend_the_allowance(client, path: str) -> None:
    for _ in range(RATE):
        assert client.get(path).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_a_key_past_its_rate_is_answered_429_with_retry_after(client_for, program):
    # given
    path = f"/api/v1/programs/{program.id}"
    spend_the_allowance(client_for, path)

    # when
    response = client_for.get(path)

    # then
    error = assert_error(response, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    assert str(retry_after) in error["message"]


@pytest.mark.django_db
def test_a_throttled_movement_changes_nothing(client_for, program, asset, participant):
    # given
    fund(participant, asset, "10.00")
    spend_the_allowance(client_for, f"/api/v1/programs/{program.id}")
    before = db_state()

    # when
    response = client_for.post(
        f"/api/v1/participants/{participant.id}/accruals",
        {"program_id": str(program.id), "asset_id": str(asset.id), "amount": "5.00", "idempotency_key": "rl-1"},
    )

    # then
    assert_error(response, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")
    assert db_state() == before


@pytest.mark.django_db
def test_the_rate_is_checked_before_the_paths_objects(client_for, program):
    # given
    spend_the_allowance(client_for, f"/api/v1/programs/{program.id}")

    # when
    response = client_for.get("/api/v1/participants/00000000-0000-0000-0000-000000000000")

    # then
    assert_error(response, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")


@pytest.mark.django_db
def test_the_limit_counts_per_key_not_for_everyone(make_client, program):
    # given
    busy = make_client(programs=[program], name="busy")
    quiet = make_client(programs=[program], name="quiet")
    path = f"/api/v1/programs/{program.id}"
    spend_the_allowance(busy, path)

    # when
    throttled = busy.get(path)
    other = quiet.get(path)

    # then
    assert throttled.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert other.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_requests_without_a_valid_key_are_401_and_not_counted_against_a_key(client_for, anon_client, program):
    # given
    path = f"/api/v1/programs/{program.id}"
    for _ in range(RATE + 2):
        assert anon_client.get(path).status_code == HTTPStatus.UNAUTHORIZED

    # when
    responses = [client_for.get(path).status_code for _ in range(RATE)]

    # then
    assert responses == [HTTPStatus.OK] * RATE


def test_the_default_rate_is_read_from_api_rate_limit():
    # given
    from django.conf import settings

    # then
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"] == settings.API_RATE_LIMIT
    assert "loyalty.auth.ApiKeyRateThrottle" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
