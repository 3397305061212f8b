"""Concurrent accruals through the API, with real threads on PostgreSQL."""

import threading
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection

from conftest import KeyClient
from ledger.models import Account, JournalEntry
from loyalty.models import IdempotencyRecord
from participants.models import Accrual

THREADS = 20


def post_concurrently(plain_key: str, url: str, bodies: list[dict]) -> list:
    """POST each body from its own thread (own client, own connection), all released together."""
    barrier = threading.Barrier(len(bodies))
    responses: list = [None] * len(bodies)

    def run(index: int) -> None:
        try:
            client = KeyClient(plain_key)
            barrier.wait(timeout=10)
            responses[index] = client.post(url, bodies[index])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accruals_with_one_idempotency_key_make_exactly_one_movement(client_for, participant, asset):
    # given
    body = {
        "program_id": str(asset.program_id),
        "asset_id": str(asset.id),
        "amount": "25.00",
        "idempotency_key": "checkout-42",
    }
    url = f"/api/v1/participants/{participant.id}/accruals"

    # when
    responses = post_concurrently(client_for.plain_key, url, [body] * THREADS)

    # then
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [HTTPStatus.OK] * (THREADS - 1) + [HTTPStatus.CREATED]
    assert len({response.json()["id"] for response in responses}) == 1
    assert len({response.content for response in responses}) == 1
    assert (Accrual.objects.count(), JournalEntry.objects.count(), IdempotencyRecord.objects.count()) == (1, 1, 1)
    assert Account.objects.get(type="WALLET", participant=participant).balance == Decimal("25")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accruals_without_a_key_all_land_on_the_wallet(client_for, participant, asset):
    # given
    body = {"program_id": str(asset.program_id), "asset_id": str(asset.id), "amount": "1.50"}
    url = f"/api/v1/participants/{participant.id}/accruals"

    # when
    responses = post_concurrently(client_for.plain_key, url, [body] * THREADS)

    # then
    assert [response.status_code for response in responses] == [HTTPStatus.CREATED] * THREADS
    assert (Accrual.objects.count(), JournalEntry.objects.count()) == (THREADS, THREADS)
    assert Account.objects.get(type="WALLET", participant=participant).balance == Decimal("1.50") * THREADS
