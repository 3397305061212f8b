"""
The feed never skips an event, even when transactions commit in another
order than they started: one transaction holds its event open while later
ones commit, and a consumer paging with ``after`` gets every event exactly
once, in a stable order (the held one first: it started first).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from events.services import event_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Consumer:
    """Pages the feed with ``after`` = the last id it has seen, as an integrator does."""

    def __init__(self, client):
        self.client, self.after, self.seen = client, None, []

    def poll(self) -> list[str]:
        new = []
        while True:
            query = f"?page_size=2&after={self.after}" if self.after else "?page_size=2"
            page = self.client.get(f"/api/v1/events{query}").json()
            ids = [event["id"] for event in page["results"]]
            new += ids
            if ids:
                self.after = ids[-1]
            if page["next"] is None:
                break
        self.seen += new
        return new

    def poll_until(self, count: int, *, patience: float = 60.0) -> None:
        """Poll until ``count`` events were seen (other transactions on the server may hold the feed back)."""
        deadline = time.monotonic() + patience
        while len(self.seen) < count and time.monotonic() < deadline:
            self.poll()
            time.sleep(0.05)


def record(program, n: int) -> str:
    return str(event_record(tenant_id=program.tenant_id, type="reward.created", program_id=program.id, data={"n": n}))


def test_a_consumer_gets_every_event_once_when_an_earlier_transaction_commits_last(program, make_client):
    # given: a transaction records an event and stays open
    consumer = Consumer(make_client(all_programs=True, tenant=program.tenant))
    recorded, release, done = [], threading.Event(), threading.Event()

    def slow_transaction():
        try:
            with transaction.atomic():
                recorded.append(record(program, 1))
                release.wait(60)
        finally:
            connection.close()
            done.set()

    slow = threading.Thread(target=slow_transaction)
    slow.start()
    while not recorded:
        time.sleep(0.01)

    # when: later transactions commit first, and the consumer pages meanwhile
    later = [record(program, 2), record(program, 3)]
    seen_while_open = consumer.poll()
    release.set()
    done.wait(60)
    slow.join()
    consumer.poll_until(3)
    last = record(program, 4)
    consumer.poll_until(4)

    # then: nothing after the open transaction was listed while it was open; then every event exactly once,
    # the one that started first listed first
    assert seen_while_open == []
    assert consumer.seen == [recorded[0], *later, last]
