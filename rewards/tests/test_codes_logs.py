"""Reward codes never reach the logs: every record of a full code lifecycle through the API, grepped."""

from __future__ import annotations

import logging

import pytest

from ledger.tests.factories import fund
from loyalty.logging import JsonFormatter
from rewards.models import Reward
from rewards.tests.api_support import catalog_body, catalog_url, reversals_url
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

SECRET_CODES = ["ZQX-SECRET-0001", "ZQX-SECRET-0002"]


class Everything(logging.Handler):
    """Every record at any level, formatted as in production (JSON) and with its arguments."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.text: list[str] = []

    def emit(self, record):
        self.text.append(self.format(record))
        self.text.append(repr(record.__dict__))


@pytest.fixture
def every_log_record():
    handler = Everything()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_a_full_code_redemption_writes_no_code_to_any_log(
    client_for, participant, asset, every_log_record, caplog, capsys
):
    # given
    caplog.set_level(logging.DEBUG)
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)

    # when: add (with a duplicate), redeem (and a refused one), repeat, read, reverse
    client_for.post(f"/api/v1/rewards/{reward.id}/codes", {"codes": [*SECRET_CODES, SECRET_CODES[0]]})
    client_for.post(f"/api/v1/rewards/{reward.id}/codes", {"codes": [SECRET_CODES[0] + " "]})
    body = catalog_body(reward, quantity=1, idempotency_key="log-test")
    redemption = client_for.post(catalog_url(participant.id), body).json()
    client_for.post(catalog_url(participant.id), body)
    client_for.post(catalog_url(participant.id), catalog_body(reward, quantity=5))
    client_for.get(f"/api/v1/redemptions/{redemption['id']}")
    client_for.post(reversals_url(redemption["id"]), {})

    # then
    assert redemption["codes"] == [SECRET_CODES[0]]
    captured = capsys.readouterr()
    logs = "\n".join([*every_log_record.text, caplog.text, captured.out, captured.err])
    assert "/redemptions/" in logs  # the requests were logged
    assert not [code for code in SECRET_CODES if code in logs]
    assert "SECRET" not in logs
