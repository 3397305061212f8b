"""The events feed and the webhook endpoints' API, as in the contract."""

from __future__ import annotations

import base64
from http import HTTPStatus

import pytest

from events.models import Delivery, WebhookEndpoint
from events.services import event_record
from loyalty.tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def allow_local(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


@pytest.fixture
def all_key(make_client, program):
    return make_client(all_programs=True, tenant=program.tenant)


def record(program, n: int) -> list[str]:
    return [
        str(event_record(tenant_id=program.tenant_id, type="reward.created", program_id=program.id, data={"n": i}))
        for i in range(n)
    ]


def test_the_feed_lists_events_oldest_first_and_pages_with_after(program, all_key):
    # given
    ids = record(program, 5)

    # when
    first = all_key.get("/api/v1/events?page_size=2").json()
    after = first["results"][-1]["id"]
    rest = all_key.get(f"/api/v1/events?after={after}&page_size=10").json()

    # then
    assert [e["id"] for e in first["results"]] + [e["id"] for e in rest["results"]] == ids
    assert f"after={after}" in first["next"]
    assert rest["next"] is None
    assert set(first["results"][0]) == {"id", "type", "program_id", "created_at", "data"}
    assert first["results"][0]["data"] == {"n": 0}


def test_after_naming_no_visible_event_is_400_on_after(all_key):
    # when
    response = all_key.get("/api/v1/events?after=8b0c8c8e-7a8e-4d61-9d4e-5c1b0f6e2a11")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["after"]


def test_an_event_is_retrieved_by_id(program, all_key):
    # given
    (event_id,) = record(program, 1)

    # when
    response = all_key.get(f"/api/v1/events/{event_id}")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["id"] == event_id


def test_registering_an_endpoint_shows_its_secret_once(program, all_key, allow_local):
    # when
    response = all_key.post(
        "/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h", "event_types": ["*"], "description": "mine"}
    )

    # then
    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"))) == 32
    assert body["program_ids"] == [str(program.id)] and body["all_programs"] is True
    assert body["enabled"] is True and body["disabled_reason"] == ""
    got = all_key.get(f"/api/v1/webhook-endpoints/{body['id']}").json()
    assert "secret" not in got
    assert "secret" not in all_key.get("/api/v1/webhook-endpoints").json()["results"][0]


def test_a_program_scoped_key_registers_for_its_programs(program, make_client, allow_local):
    # given
    key = make_client(programs=[program])

    # when
    body = key.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h", "event_types": ["*"]}).json()

    # then
    endpoint = WebhookEndpoint.objects.get(id=body["id"])
    assert (endpoint.all_programs, endpoint.program_ids) == (False, [str(program.id)])


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/h",  # not https
        "https://127.0.0.1/h",  # loopback
        "https://10.1.2.3/h",  # private
        "https://169.254.169.254/latest",  # link-local (cloud metadata)
        "https://224.0.0.1/h",  # multicast
        "https://0.0.0.0/h",  # unspecified
        "https://[::1]/h",  # loopback v6
        "https://localhost/h",  # resolves to loopback
        "https://no-such-host.invalid/h",  # does not resolve
        "ftp://example.com/h",
    ],
)
def test_an_unsafe_url_is_400_on_url_and_nothing_is_registered(all_key, url):
    # when
    response = all_key.post("/api/v1/webhook-endpoints", {"url": url, "event_types": ["*"]})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["url"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("types", [[], ["nope.happened"], ["*", "reward.created"], "reward.created"])
def test_bad_event_types_are_400(all_key, allow_local, types):
    # when
    response = all_key.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h", "event_types": types})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert not WebhookEndpoint.objects.exists()


def test_patch_changes_the_endpoint_and_reenabling_clears_the_reason(program, all_key, allow_local):
    # given
    body = all_key.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h", "event_types": ["*"]}).json()
    WebhookEndpoint.objects.filter(id=body["id"]).update(enabled=False, disabled_reason="failing")

    # when
    response = all_key.patch(
        f"/api/v1/webhook-endpoints/{body['id']}",
        {"enabled": True, "event_types": ["reward.created"], "program_ids": [str(program.id)]},
    )

    # then
    assert response.status_code == HTTPStatus.OK, response.content
    got = response.json()
    assert (got["enabled"], got["disabled_reason"], got["event_types"]) == (True, "", ["reward.created"])
    assert (got["all_programs"], got["program_ids"]) == (False, [str(program.id)])


def test_rotating_keeps_the_old_secret_signing_for_24_hours(all_key, allow_local):
    # given
    from datetime import timedelta

    from django.utils import timezone

    from events.services import signing_secrets

    old = all_key.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h", "event_types": ["*"]}).json()

    # when
    response = all_key.post(f"/api/v1/webhook-endpoints/{old['id']}/rotate-secret")

    # then
    assert response.status_code == HTTPStatus.OK
    new = response.json()["secret"]
    assert new != old["secret"] and new.startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get(id=old["id"])
    now = timezone.now()
    assert signing_secrets(endpoint, now=now) == [new, old["secret"]]
    assert signing_secrets(endpoint, now=now + timedelta(hours=24, seconds=1)) == [new]


def test_deliveries_are_listed_newest_first_and_retried_with_202(program, all_key, allow_local):
    # given
    body = all_key.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h", "event_types": ["*"]}).json()
    first, second = record(program, 2)
    Delivery.objects.filter(event_id=first).update(status="FAILED", attempts=8)

    # when
    listed = all_key.get(f"/api/v1/webhook-endpoints/{body['id']}/deliveries").json()["results"]
    failed = all_key.get(f"/api/v1/webhook-endpoints/{body['id']}/deliveries?status=FAILED").json()["results"]
    response = all_key.post(f"/api/v1/webhook-deliveries/{failed[0]['id']}/retry")

    # then
    assert [d["event_id"] for d in listed] == [second, first]
    assert set(listed[0]) == {"id", "event_id", "event_type", "status", "attempts", "last_attempt_at",
                              "last_status_code", "last_error", "next_attempt_at", "delivered_at"}
    assert response.status_code == HTTPStatus.ACCEPTED
    assert (response.json()["status"], response.json()["attempts"]) == ("PENDING", 0)


def test_deleting_an_endpoint_drops_its_pending_deliveries(program, all_key, allow_local):
    # given
    body = all_key.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h", "event_types": ["*"]}).json()
    record(program, 1)

    # when
    response = all_key.delete(f"/api/v1/webhook-endpoints/{body['id']}")

    # then
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Delivery.objects.exists()
    assert all_key.get(f"/api/v1/webhook-endpoints/{body['id']}").status_code == HTTPStatus.NOT_FOUND


def test_the_secret_is_never_logged(all_key, allow_local, caplog):
    # given
    import logging

    caplog.set_level(logging.DEBUG)

    # when
    body = all_key.post("/api/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h", "event_types": ["*"]}).json()
    rotated = all_key.post(f"/api/v1/webhook-endpoints/{body['id']}/rotate-secret").json()

    # then: (SQL statements are logged at DEBUG only when settings.DEBUG is on, as never in production)
    for secret in (body["secret"], rotated["secret"]):
        assert secret not in caplog.text
        assert secret.removeprefix("whsec_") not in caplog.text
