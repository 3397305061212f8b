"""
Structured request logs: one JSON line per /api/ request with method, path,
status, duration, the key's prefix, the idempotency key and, for a
redemption, its id; never the key itself.
"""

from __future__ import annotations

import io
import json
import logging
from decimal import Decimal
from http import HTTPStatus

import pytest

from conftest import KeyClient
from ledger.tests.factories import fund
from loyalty.logging import JsonFormatter
from rewards.tests.factories import RewardFactory

FIELDS = {"method", "path", "status", "duration_ms", "key_prefix", "idempotency_key"}


class RequestLines(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.raw: list[str] = []

    def emit(self, record):
        self.raw.append(self.format(record))

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.raw]


@pytest.fixture
def request_log():
    handler = RequestLines()
    logger = logging.getLogger("loyalty.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def accrual(program, asset, **extra) -> dict:
    return {"program_id": str(program.id), "asset_id": str(asset.id), "amount": "5.00", **extra}


@pytest.mark.django_db
def test_each_api_request_logs_exactly_one_json_line_with_the_request_fields(
    client_for, anon_client, program, asset, participant, request_log
):
    # given
    accruals = f"/api/v1/participants/{participant.id}/accruals"

    # when
    statuses = [
        client_for.get(f"/api/v1/programs/{program.id}").status_code,
        client_for.post(accruals, accrual(program, asset)).status_code,
        client_for.get("/api/v1/participants/not-a-uuid").status_code,
        anon_client.get("/api/v1/programs").status_code,
        client_for.generic("POST", accruals, b"[" * 70_000, content_type="application/json").status_code,
    ]

    # then
    lines = request_log.lines
    assert statuses == [200, 201, 404, 401, 413]
    assert [line["status"] for line in lines] == statuses
    assert [(line["method"], line["path"]) for line in lines] == [
        ("GET", f"/api/v1/programs/{program.id}"),
        ("POST", accruals),
        ("GET", "/api/v1/participants/not-a-uuid"),
        ("GET", "/api/v1/programs"),
        ("POST", accruals),
    ]
    for line in lines:
        assert FIELDS <= set(line)
        assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0
        assert line["logger"] == "loyalty.request"
    prefix = client_for.api_key.prefix
    assert [line["key_prefix"] for line in lines] == [prefix, prefix, prefix, None, prefix]


@pytest.mark.django_db
def test_pages_outside_the_api_log_no_request_line(client, request_log):
    # when
    client.get("/healthz")
    client.get("/admin/login/")

    # then
    assert request_log.lines == []


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["header", "body"])
def test_the_idempotency_key_is_logged_from_the_header_or_the_body(
    client_for, program, asset, participant, request_log, where
):
    # given
    path = f"/api/v1/participants/{participant.id}/accruals"

    # when
    if where == "header":
        response = client_for.post(path, accrual(program, asset), HTTP_IDEMPOTENCY_KEY="order-77")
    else:
        response = client_for.post(path, accrual(program, asset, idempotency_key="order-77"))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert request_log.lines[-1]["idempotency_key"] == "order-77"


@pytest.mark.django_db
def test_a_catalog_redemption_logs_its_redemption_id(client_for, program, asset, participant, request_log):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))

    # when
    response = client_for.post(
        f"/api/v1/participants/{participant.id}/redemptions/catalog",
        {"program_id": str(program.id), "reward_id": str(reward.id), "idempotency_key": "cart-9"},
    )

    # then
    assert response.status_code == HTTPStatus.CREATED
    line = request_log.lines[-1]
    assert (line["redemption_id"], line["idempotency_key"]) == (response.json()["id"], "cart-9")


@pytest.mark.django_db
def test_a_dry_run_logs_no_redemption_id(client_for, program, asset, participant, request_log):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))

    # when
    response = client_for.post(
        f"/api/v1/participants/{participant.id}/redemptions/catalog?dry_run=true",
        {"program_id": str(program.id), "reward_id": str(reward.id)},
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["id"] is None
    assert "redemption_id" not in request_log.lines[-1]


@pytest.mark.django_db
def test_a_direct_redemption_and_its_repeat_log_the_same_redemption_id(
    client_for, program, asset, participant, request_log
):
    # given
    fund(participant, asset, "100.00")
    path = f"/api/v1/participants/{participant.id}/redemptions"
    body = accrual(program, asset, idempotency_key="cash-1")

    # when
    first = client_for.post(path, body)
    repeat = client_for.post(path, body)

    # then
    assert (first.status_code, repeat.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert [line["redemption_id"] for line in request_log.lines] == [first.json()["id"]] * 2


@pytest.mark.django_db
def test_a_reversal_logs_the_id_of_the_redemption_it_reverses(client_for, program, asset, participant, request_log):
    # given
    fund(participant, asset, "100.00")
    redemption = client_for.post(f"/api/v1/participants/{participant.id}/redemptions", accrual(program, asset)).json()

    # when
    response = client_for.post(f"/api/v1/redemptions/{redemption['id']}/reversals", {})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert request_log.lines[-1]["redemption_id"] == redemption["id"]


@pytest.mark.django_db
def test_the_request_log_never_holds_the_key(client_for, program, request_log):
    # given
    plain = client_for.plain_key
    wrong = plain[:-4] + "zzzz"

    # when
    client_for.get(f"/api/v1/programs/{program.id}")
    KeyClient(wrong).get(f"/api/v1/programs/{program.id}")
    client_for.get(f"/api/v1/programs?key={plain}")

    # then
    assert len(request_log.raw) == 3
    for line in request_log.raw:
        assert plain not in line and plain[12:] not in line
        assert wrong not in line and wrong[12:] not in line


@pytest.fixture
def plain_request_log():
    """The request logger through the ``plain`` formatter of the settings (one text line per record)."""
    from django.conf import settings

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
    logger = logging.getLogger("loyalty.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


@pytest.mark.django_db
def test_a_newline_in_the_path_cannot_forge_a_plain_log_line(client_for, plain_request_log):
    # given: %0A decodes to a newline in request.path
    forged = "/api/v1/programs/x%0A2026-01-01 00:00:00,000 INFO loyalty.request GET /api/v1/forged 200"

    # when
    response = client_for.get(forged)

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND
    output = plain_request_log.getvalue()
    assert output.count("\n") == 1 and output.endswith("\n")
    assert "/api/v1/programs/x\\n2026-01-01" in output


@pytest.mark.django_db
def test_control_characters_in_logged_values_are_escaped(client_for, program, request_log):
    # when
    client_for.get(f"/api/v1/programs/{program.id}%0D%1B[31m%E2%80%A8", HTTP_IDEMPOTENCY_KEY="a\tb")

    # then
    [line] = request_log.lines
    assert line["path"] == f"/api/v1/programs/{program.id}\\r\\x1b[31m\\u2028"
    assert line["idempotency_key"] == "a\\tb"


@pytest.mark.django_db
def test_a_long_idempotency_key_header_is_truncated_in_the_log(client_for, program, request_log):
    # when
    client_for.get(f"/api/v1/programs/{program.id}", HTTP_IDEMPOTENCY_KEY="k" * 10_000)

    # then
    [line] = request_log.lines
    assert line["idempotency_key"] == "k" * 255 + "...[10000 chars]"
    assert len(request_log.raw[0]) < 1_000


@pytest.mark.django_db
def test_a_long_path_is_truncated_in_the_log(client_for, request_log):
    # when
    client_for.get("/api/v1/programs/" + "p" * 5_000)

    # then
    [line] = request_log.lines
    assert line["path"] == ("/api/v1/programs/" + "p" * 5_000)[:1024] + "...[5017 chars]"
