"""Concurrent API requests against PostgreSQL: exactly-once with one key, no oversell."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection

from ledger.models import JournalEntry
from ledger.tests.factories import fund
from rewards.models import Redemption, Reward
from rewards.tests.api_support import catalog_body, catalog_url, wallet_balance
from rewards.tests.factories import RewardFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 10


def race(client, requests: list[tuple[str, dict]]) -> list[tuple[int, dict]]:
    """Send each (url, body) from its own thread with its own client, all released at once."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def send(url, body):
        try:
            own_client = type(client)(client.plain_key)
            barrier.wait()
            response = own_client.post(url, body)
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_requests_with_one_key_make_one_redemption_and_all_answer_it(
    client_for, participant, asset
):
    # given
    fund(participant, asset, "1000.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))
    body = catalog_body(reward, quantity=2, idempotency_key="redeem-item-12345")

    # when
    results = race(client_for, [(catalog_url(participant.id), body)] * THREADS)

    # then
    statuses = Counter(status for status, _ in results)
    assert statuses == {HTTPStatus.CREATED: 1, HTTPStatus.OK: THREADS - 1}, results
    assert len({data["id"] for _, data in results}) == 1
    assert Redemption.objects.count() == 1
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.REDEMPTION).count() == 1
    assert wallet_balance(participant, asset) == Decimal("980.00")


def test_concurrent_requests_never_sell_more_units_than_are_left(client_for, participant, asset):
    # given
    fund(participant, asset, "1000.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=4)

    # when
    results = race(client_for, [(catalog_url(participant.id), catalog_body(reward))] * THREADS)

    # then
    statuses = Counter(status for status, _ in results)
    assert statuses == {HTTPStatus.CREATED: 4, HTTPStatus.UNPROCESSABLE_ENTITY: THREADS - 4}, results
    assert {data["error"]["code"] for status, data in results if status != HTTPStatus.CREATED} == {
        "reward_out_of_stock"
    }
    reward.refresh_from_db()
    assert (reward.redeemed_count, reward.status) == (4, Reward.Status.OUT_OF_STOCK)
    assert wallet_balance(participant, asset) == Decimal("960.00")
