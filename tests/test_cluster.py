"""
The platform as a cluster (``make cluster``: scripts/cluster.py), under load
and losing parts: a PostgreSQL primary and streaming replica, Redis, two
gunicorn nodes behind HAProxy, two webhook workers and the periodic points
run. Clients enrol, earn, redeem and reverse through HAProxy while one app
node and one webhook worker are killed with ``kill -9``. A client that gets
no answer (or a 502/503 from the load balancer) sends the same request again
with the same idempotency key.

At the end: every logical request succeeded, nothing was done twice, every
event reached the receiver (verified with the ``standardwebhooks`` package),
and ``reconcile`` on the cluster's database is clean.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import threading
import time
import uuid
from collections import Counter
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
from standardwebhooks.webhooks import Webhook

from scripts.cluster import PYTHON, ROOT, Cluster, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CLIENTS = 4
PARTICIPANTS_PER_CLIENT = 15
KILL_AFTER = 20  # logical requests done by all clients together before the kills
ATTEMPTS = 30


class Receiver:
    """A webhook receiver on 127.0.0.1 that verifies every signature and counts ids."""

    def __init__(self):
        self.secret: str | None = None
        self.seen: Counter[str] = Counter()
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    Webhook(receiver.secret).verify(body, {k.lower(): v for k, v in self.headers.items()})
                except Exception:  # noqa: BLE001 (any verification failure counts)
                    with receiver.lock:
                        receiver.bad_signatures += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.seen[self.headers["webhook-id"]] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Client:
    """Sends one logical request until it is answered by the app (retrying with the same idempotency key)."""

    def __init__(self, port: int, key: str):
        self.port, self.key = port, key
        self.sent = 0
        self.retries = 0
        self.statuses: Counter[int] = Counter()

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        for _attempt in range(ATTEMPTS):
            self.sent += 1
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                conn.request(method, path, body=None if body is None else json.dumps(body), headers={
                    "X-API-Key": self.key, "Content-Type": "application/json", "Connection": "close",
                })
                response = conn.getresponse()
                status, raw = response.status, response.read()
            except OSError:
                status, raw = None, b""
            finally:
                conn.close()
            if status is not None and status < 500:
                self.statuses[status] += 1
                assert status in (200, 201), f"{method} {path}: {status} {raw[:300]!r}"
                return json.loads(raw)
            self.retries += 1
            time.sleep(0.5)
        raise AssertionError(f"{method} {path}: no answer after {ATTEMPTS} attempts")


def demo(cluster: Cluster) -> dict:
    text = (cluster.base / "demo.txt").read_text()
    values = dict(re.findall(r"\b([A-Z]+)=(\S+)", text))
    return {"key": values["KEY"], "program": values["P"], "asset": values["A"], "reward": values["R"]}


def undelivered(cluster: Cluster, event_ids: set[str]) -> list[tuple]:
    """What the cluster's database says of the deliveries of ``event_ids`` (for the failure message)."""
    with psycopg.connect(cluster.database_url) as conn:
        return conn.execute(
            "SELECT status, attempts, last_status_code, last_error, locked_by, locked_until < now(), "
            "next_attempt_at < now(), count(*) FROM events_delivery WHERE event_id::text = ANY(%s) "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7",
            [list(event_ids)],
        ).fetchall()


def all_event_ids(client: Client) -> list[str]:
    ids, after = [], None
    while True:
        page = client.call("GET", "/api/v1/events?page_size=500" + (f"&after={after}" if after else ""))
        if not page["results"]:
            return ids
        ids += [event["id"] for event in page["results"]]
        after = ids[-1]


@pytest.fixture
def cluster():
    cluster = Cluster(port=free_port())
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        cluster.remove()


def test_a_cluster_losing_an_app_node_and_a_worker_under_load_loses_nothing(cluster):
    # given
    ids = demo(cluster)
    admin = Client(cluster.port, ids["key"])
    done = Counter()
    kills = threading.Event()
    clients = [Client(cluster.port, ids["key"]) for _ in range(CLIENTS)]
    expected: dict[str, Decimal] = {}  # participant id -> the balance its movements leave, each made once
    run = uuid.uuid4().hex[:8]

    with Receiver() as receiver:
        earlier = set(all_event_ids(admin))  # seed_demo's: recorded before the endpoint existed, never sent to it
        endpoint = admin.call("POST", "/api/v1/webhook-endpoints", {"url": receiver.url, "event_types": ["*"]})
        receiver.secret = endpoint["secret"]

        def work(number: int, client: Client) -> None:
            for n in range(PARTICIPANTS_PER_CLIENT):
                tag = f"{run}-{number}-{n}"
                participant = client.call("POST", "/api/v1/participants", {
                    "program_id": ids["program"], "external_id": f"cluster-{tag}",
                })
                base = f"/api/v1/participants/{participant['id']}"
                client.call("POST", f"{base}/accruals", {
                    "program_id": ids["program"], "asset_id": ids["asset"], "amount": "1000.00",
                    "idempotency_key": f"accrual-{tag}",
                })
                redemption = client.call("POST", f"{base}/redemptions/catalog", {
                    "program_id": ids["program"], "reward_id": ids["reward"], "quantity": 2,
                    "idempotency_key": f"redeem-{tag}",
                })
                balance = Decimal("1000.00") - Decimal(redemption["amount"])
                if n % 3 == 0:
                    client.call("POST", f"/api/v1/redemptions/{redemption['id']}/reversals", {
                        "quantity": 1, "idempotency_key": f"reverse-{tag}",
                    })
                    balance += Decimal(redemption["unit_cost"])
                expected[participant["id"]] = balance
                done[number] += 1
                if sum(done.values()) >= KILL_AFTER and not kills.is_set():
                    kills.set()
                    cluster.kill("app-1")
                    cluster.kill("webhooks-1")

        threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)

        # when: the surviving worker (and the leases of the killed one, once they expire) deliver the rest
        events = [event for event in all_event_ids(admin) if event not in earlier]
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not set(events) <= set(receiver.seen):
            time.sleep(1)

    balances = {
        participant: Decimal(admin.call("GET", f"/api/v1/participants/{participant}/balances")["results"][0]["balance"])
        for participant in expected
    }

    # then
    reconcile = subprocess.run(
        [str(PYTHON), "manage.py", "reconcile"], cwd=ROOT, env=cluster.env(), capture_output=True, text=True,
        timeout=300,
    )
    sent = sum(c.sent for c in clients)
    retries = sum(c.retries for c in clients)
    statuses = sum((c.statuses for c in clients), Counter())
    duplicates = sum(count - 1 for count in receiver.seen.values())
    print(
        f"\ncluster: logical participants {sum(done.values())}, HTTP requests sent {sent}, retries {retries}, "
        f"statuses {dict(statuses)}, kills app-node 1 + webhook worker 1, events {len(events)}, "
        f"delivered {len(set(events) & set(receiver.seen))}, duplicate deliveries {duplicates}, "
        f"bad signatures {receiver.bad_signatures}, reconcile exit {reconcile.returncode}"
    )
    assert kills.is_set()
    assert not cluster.alive("app-1") and cluster.alive("app-2")
    assert sum(done.values()) == CLIENTS * PARTICIPANTS_PER_CLIENT
    assert balances == expected, "a movement was made twice or lost"
    assert receiver.bad_signatures == 0
    assert set(events) <= set(receiver.seen), (
        f"{len(set(events) - set(receiver.seen))} events never delivered; deliveries of those: "
        f"{undelivered(cluster, set(events) - set(receiver.seen))}"
    )
    assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr
