"""
The webhook worker against real receivers on 127.0.0.1 (started by each test).
In-process passes run on both databases; the tests with several worker
processes (concurrency, kill -9, SIGTERM) need PostgreSQL (a database the
processes share, and FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from events.delivery import BACKOFF, JITTER, MAX_ATTEMPTS, Outcome, deliveries_claim, next_delay, outcomes_record
from events.models import Delivery, Event, WebhookEndpoint
from events.services import event_record, webhook_endpoint_create, webhook_endpoint_rotate_secret
from events.tests.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def allow_local(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


@pytest.fixture
def receiver():
    made = []

    def _make(**kwargs) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]

    yield _make
    for r in made:
        r.close()


def endpoint_for(program, url: str, **fields) -> WebhookEndpoint:
    return webhook_endpoint_create(
        tenant_id=program.tenant_id, url=url, event_types=["*"], program_ids=None, **fields
    )


def record(program, n: int, type: str = "reward.created") -> list[str]:
    return [
        str(event_record(tenant_id=program.tenant_id, type=type, program_id=program.id, data={"n": i}))
        for i in range(n)
    ]


def deliver_once() -> None:
    call_command("deliver_webhooks", "--once", stdout=open(os.devnull, "w"))


def leases_expire(timeout: float = 30) -> None:
    """Wait until no pending delivery is leased any more (a dead worker's leases run out on their own)."""
    deadline = time.monotonic() + timeout
    while Delivery.objects.filter(status="PENDING", locked_until__gte=timezone.now()).exists():
        assert time.monotonic() < deadline, "a lease never expired"
        time.sleep(0.2)


def make_due() -> None:
    """The clock moves on: every pending delivery is due now."""
    Delivery.objects.filter(status="PENDING").update(next_attempt_at=timezone.now() - timedelta(seconds=1))


# --- in-process (both databases) ----------------------------------------------------------


@pytest.mark.django_db
def test_every_request_verifies_with_the_standardwebhooks_package(program, allow_local, receiver):
    # given
    hooks = receiver()
    endpoint = endpoint_for(program, hooks.url)
    ids = record(program, 3) + record(program, 2, type="redemption.created")

    # when
    deliver_once()

    # then
    assert sorted(hooks.ids()) == sorted(ids)
    verifier = Webhook(endpoint.secret)
    for request in hooks.received:
        payload = verifier.verify(request.body, request.headers)
        event = Event.objects.get(id=request.headers["webhook-id"])
        assert payload == {"id": str(event.id), "type": event.type, "program_id": str(program.id),
                           "created_at": payload["created_at"], "data": event.data}
    assert set(Delivery.objects.values_list("status", "attempts", "last_status_code")) == {("DELIVERED", 1, 200)}


@pytest.mark.django_db
def test_after_a_rotation_both_secrets_sign(program, allow_local, receiver):
    # given
    hooks = receiver()
    old = endpoint_for(program, hooks.url)
    new = webhook_endpoint_rotate_secret(endpoint=old)
    record(program, 1)

    # when
    deliver_once()

    # then
    (request,) = hooks.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(old.secret).verify(request.body, request.headers)
    Webhook(new.secret).verify(request.body, request.headers)


@pytest.mark.django_db
def test_a_receiver_that_answers_500_for_a_while_then_200_gets_everything(program, allow_local, receiver):
    # given: the first 4 requests fail
    hooks = receiver(answer=lambda n: 500 if n <= 4 else 200)
    endpoint_for(program, hooks.url)
    ids = record(program, 4)

    # when: a pass (all fail), then the retries come due
    started = timezone.now()
    deliver_once()
    failed = list(Delivery.objects.values_list("status", "attempts", "last_status_code", "next_attempt_at"))
    make_due()
    deliver_once()

    # then
    assert {(s, a, c) for s, a, c, _ in failed} == {("PENDING", 1, 500)}
    assert all(when - started < timedelta(minutes=1) for *_, when in failed), "the first retry within a minute"
    assert sorted(set(hooks.ids())) == sorted(ids)
    assert set(Delivery.objects.values_list("status", "attempts")) == {("DELIVERED", 2)}


@pytest.mark.django_db
def test_once_attempts_each_due_delivery_at_most_once(program, allow_local, receiver):
    # given
    hooks = receiver(answer=lambda n: 503)
    endpoint_for(program, hooks.url)
    record(program, 3)

    # when
    deliver_once()

    # then
    assert len(hooks.received) == 3


@pytest.mark.django_db
def test_a_redirect_is_never_followed(program, allow_local, receiver):
    # given
    target = receiver()
    hooks = receiver(answer=lambda n: 307)
    endpoint_for(program, hooks.url)
    record(program, 1)

    # when
    deliver_once()

    # then
    assert target.received == []
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.last_status_code) == ("PENDING", 307)
    assert "redirect" in delivery.last_error


@pytest.mark.django_db
def test_an_attempt_that_outlasts_the_timeout_fails(program, allow_local, receiver, settings):
    # given: a receiver that does not answer in time
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    hooks = receiver(hold=threading.Event())
    endpoint_for(program, hooks.url)
    record(program, 1)

    # when
    deliver_once()

    # then
    hooks.hold.set()
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("PENDING", 1, None)
    assert delivery.last_error == "No answer within 0.5 s."


@pytest.mark.django_db
def test_the_address_is_checked_again_at_each_delivery(program, allow_local, receiver, settings):
    # given: registered while private addresses were allowed
    hooks = receiver()
    endpoint_for(program, hooks.url)
    record(program, 1)
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    # when
    deliver_once()

    # then
    assert hooks.received == []
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("PENDING", 1, None)
    assert "loopback" in delivery.last_error


@pytest.mark.django_db
def test_a_delivery_of_a_disabled_endpoint_waits(program, allow_local, receiver):
    # given
    hooks = receiver()
    endpoint = endpoint_for(program, hooks.url)
    record(program, 1)
    WebhookEndpoint.objects.filter(id=endpoint.id).update(enabled=False)

    # when
    deliver_once()

    # then
    assert hooks.received == []
    assert Delivery.objects.get().status == "PENDING"


def test_the_backoff_has_8_attempts_over_at_least_24_hours_and_the_first_retry_within_a_minute():
    # then
    assert MAX_ATTEMPTS >= 8
    assert BACKOFF[0] * (1 + JITTER) < timedelta(minutes=1)
    assert sum(BACKOFF, timedelta()) * (1 - JITTER) >= timedelta(hours=24)
    assert next_delay(MAX_ATTEMPTS) is None
    assert all(next_delay(n) is not None for n in range(1, MAX_ATTEMPTS))


@pytest.mark.django_db
def test_a_delivery_fails_after_its_last_attempt(program, allow_local):
    # given
    endpoint_for(program, "http://127.0.0.1:9/h")
    record(program, 1)

    # when: every attempt fails
    for _ in range(MAX_ATTEMPTS):
        make_due()
        (claimed,) = deliveries_claim(worker="w", limit=10, due_by=timezone.now())
        outcomes_record([Outcome(claimed, 500, "HTTP 500")], worker="w")

    # then
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("FAILED", MAX_ATTEMPTS)
    assert deliveries_claim(worker="w", limit=10, due_by=timezone.now() + timedelta(days=30)) == []


@pytest.mark.django_db
def test_an_endpoint_failing_for_3_days_is_disabled(program, allow_local):
    # given
    endpoint = endpoint_for(program, "http://127.0.0.1:9/h")
    record(program, 1)
    start = timezone.now()

    def fail_at(when):
        make_due()
        (claimed,) = deliveries_claim(worker="w", limit=10, due_by=when, now=when)
        outcomes_record([Outcome(claimed, 500, "HTTP 500")], worker="w", now=when)

    # when
    fail_at(start)
    fail_at(start + timedelta(days=2))
    endpoint.refresh_from_db()
    enabled_after_2_days = endpoint.enabled
    fail_at(start + timedelta(days=3, minutes=1))

    # then
    endpoint.refresh_from_db()
    assert enabled_after_2_days
    assert not endpoint.enabled
    assert "3 days" in endpoint.disabled_reason


@pytest.mark.django_db
def test_a_success_ends_the_failure_streak(program, allow_local):
    # given
    endpoint = endpoint_for(program, "http://127.0.0.1:9/h")
    record(program, 2)
    start = timezone.now()
    first, second = deliveries_claim(worker="w", limit=10, due_by=start, now=start)
    outcomes_record([Outcome(first, 500, "HTTP 500")], worker="w", now=start)

    # when
    outcomes_record([Outcome(second, 200, "")], worker="w", now=start + timedelta(days=1))

    # then
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


# --- worker processes (PostgreSQL) --------------------------------------------------------


def worker_env(**extra) -> dict[str, str]:
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER'] or 'postgres'}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "loyalty.settings",
        "DATABASE_URL": url,
        "DATABASE_REPLICA_URL": "",
        "SECRET_KEY": "worker-test-" + "x" * 40,
        "DEBUG": "false",
        "RATE_LIMIT_PER_PROCESS": "true",
        "WEBHOOK_ALLOW_HTTP": "true",
        "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_worker(*args: str, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "deliver_webhooks", *args],
        cwd=ROOT, env=worker_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_one_delivery_concurrently(program, allow_local, receiver):
    # given
    hooks = receiver()
    endpoint_for(program, hooks.url)
    ids = record(program, 150)

    # when: two workers at once, claiming small batches
    workers = [start_worker("--once", "--batch-size", "5") for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.stderr.read()

    # then: every event once, never two requests of one delivery at a time
    assert hooks.overlaps == []
    assert sorted(hooks.ids()) == sorted(ids)
    assert set(Delivery.objects.values_list("status", "attempts")) == {("DELIVERED", 1)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_nothing(program, allow_local, receiver, settings):
    # given: the receiver holds the first requests until the worker is dead
    hooks = receiver(hold=threading.Event())
    endpoint_for(program, hooks.url)
    ids = record(program, 20)
    worker = start_worker("--batch-size", "5", WEBHOOK_LEASE_SECONDS="1")
    assert hooks.arrived.wait(60), "the worker sent nothing"

    # when: kill -9 in the middle of sending, then the next worker runs after the lease expired
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    hooks.hold.set()
    for _ in range(3):  # the next passes: a pass whose attempt fails (a busy machine) leaves it pending for the next
        leases_expire()
        make_due()  # the clock moves on past any backoff
        deliver_once()
        if not Delivery.objects.filter(status="PENDING").exists():
            break

    # then: every event delivered; a duplicate only with the same webhook-id
    assert sorted(set(hooks.ids())) == sorted(ids)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"DELIVERED"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_worker_stops_cleanly_on_sigterm(program, allow_local, receiver):
    # given: a long-running worker that has delivered what there was
    hooks = receiver()
    endpoint_for(program, hooks.url)
    record(program, 1)
    worker = start_worker()
    assert hooks.arrived.wait(60)

    # when
    worker.send_signal(signal.SIGTERM)

    # then
    assert worker.wait(timeout=30) == 0
    assert b"attempt(s)" in worker.stdout.read()
    assert Delivery.objects.get().status == "DELIVERED"
