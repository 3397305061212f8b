"""
Rate limits counted in the cache (loyalty/ratelimit.py): atomic counting on a
real Redis, failing open when Redis goes away, the limit on failed
authentications per client address, and the client address behind proxies.
"""

from __future__ import annotations

import logging
import threading
import time
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from conftest import KeyClient
from loyalty import ratelimit
from loyalty.auth import ApiKeyRateThrottle
from loyalty.tests.helpers import assert_error
from loyalty.tests.redis_support import (
    SHARED_REDIS_URL,
    RedisServer,
    delete_prefixed,
    free_port,
    redis_caches,
    require_shared_redis,
    run_prefix,
)

BAD_KEY = "lk_zzzzzzzz_" + "x" * 40


@pytest.fixture(autouse=True)
def fresh_limits():
    ratelimit.cache_failures.reset()
    cache.clear()
    yield
    ratelimit.cache_failures.reset()
    cache.clear()


@pytest.fixture(scope="module")
def redis_prefix():
    require_shared_redis()
    prefix = run_prefix()
    yield prefix
    delete_prefixed(SHARED_REDIS_URL, prefix)


@pytest.fixture
def shared_redis(redis_prefix):
    """Django's RedisCache on the shared Redis, under this run's key prefix."""
    options = redis_caches(SHARED_REDIS_URL, redis_prefix)["default"]
    return RedisCache(SHARED_REDIS_URL, {"KEY_PREFIX": options["KEY_PREFIX"], "OPTIONS": options["OPTIONS"]})


@pytest.fixture
def throwaway_redis():
    server = RedisServer()
    server.start()
    yield server
    server.close()


def hammer(backend, *, ident: str, rate: ratelimit.Rate, threads: int, hits: int) -> list[ratelimit.Verdict]:
    """``threads`` threads, started together, each counting ``hits`` hits of ``ident``."""
    verdicts: list[ratelimit.Verdict] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work():
        barrier.wait()
        mine = [ratelimit.hit("test", ident, rate, cache=backend) for _ in range(hits)]
        with lock:
            verdicts.extend(mine)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return verdicts


# --- counting ------------------------------------------------------------------------


def test_concurrent_hits_on_redis_allow_exactly_the_limit(shared_redis):
    # given
    rate = ratelimit.Rate.parse("100/hour")

    # when
    verdicts = hammer(shared_redis, ident="exact", rate=rate, threads=8, hits=50)

    # then
    assert sum(verdict.allowed for verdict in verdicts) == 100
    assert sorted(verdict.count for verdict in verdicts) == list(range(1, 401))


def test_concurrent_hits_on_the_per_process_cache_allow_exactly_the_limit():
    # given
    local = LocMemCache("ratelimit-test", {})
    rate = ratelimit.Rate.parse("100/hour")

    # when
    verdicts = hammer(local, ident="exact", rate=rate, threads=8, hits=50)

    # then
    assert sum(verdict.allowed for verdict in verdicts) == 100


def test_a_window_starts_at_the_first_hit_and_ends_a_period_later(shared_redis):
    # given
    rate = ratelimit.Rate.parse("2/s")
    first, second = (ratelimit.hit("test", "window", rate, cache=shared_redis) for _ in range(2))

    # when
    refused = ratelimit.hit("test", "window", rate, cache=shared_redis)
    time.sleep(1.05)
    next_window = ratelimit.hit("test", "window", rate, cache=shared_redis)

    # then
    assert (first.allowed, second.allowed, refused.allowed, next_window.allowed) == (True, True, False, True)
    assert refused.retry_after == 1
    assert next_window.count == 1


def test_peeking_does_not_count(shared_redis):
    # given
    rate = ratelimit.Rate.parse("2/min")
    ratelimit.hit("test", "peek", rate, cache=shared_redis)

    # when
    peeks = [ratelimit.peek("test", "peek", rate, cache=shared_redis) for _ in range(5)]
    ratelimit.hit("test", "peek", rate, cache=shared_redis)
    after = ratelimit.peek("test", "peek", rate, cache=shared_redis)

    # then
    assert [peek.allowed for peek in peeks] == [True] * 5
    assert (after.allowed, after.count) == (False, 2)
    assert 1 <= after.retry_after <= 60


@pytest.mark.django_db
def test_the_database_cache_counts_a_window_too():
    # given: Django's database cache, shared by every process that shares the database
    caches = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rate_limit_cache"}}
    rate = ratelimit.Rate.parse("3/min")
    with override_settings(CACHES=caches):
        call_command("createcachetable", verbosity=0)

        # when
        verdicts = [ratelimit.hit("test", "db", rate) for _ in range(4)]
        peek = ratelimit.peek("test", "db", rate)

    # then
    assert [verdict.allowed for verdict in verdicts] == [True, True, True, False]
    assert (peek.allowed, peek.count) == (False, 4)
    assert 1 <= verdicts[-1].retry_after <= 60


@pytest.mark.django_db
def test_the_per_key_limit_answers_429_with_retry_after_through_redis(client_for, program, redis_prefix, monkeypatch):
    # given
    monkeypatch.setattr(ApiKeyRateThrottle, "rate", "3/hour")
    path = f"/api/v1/programs/{program.id}"

    # when
    with override_settings(CACHES=redis_caches(SHARED_REDIS_URL, redis_prefix)):
        statuses = [client_for.get(path).status_code for _ in range(3)]
        refused = client_for.get(path)

    # then
    assert statuses == [HTTPStatus.OK] * 3
    assert_error(refused, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")
    assert 3000 < int(refused["Retry-After"]) <= 3600


# --- Redis goes away ----------------------------------------------------------------------


@pytest.mark.django_db
def test_when_redis_goes_away_requests_are_served_logged_once_and_healthz_says_cache_down(
    client_for, program, throwaway_redis, monkeypatch, caplog
):
    # given: a real Redis that counts, then is killed
    monkeypatch.setattr(ApiKeyRateThrottle, "rate", "3/hour")
    monkeypatch.setattr(ratelimit, "BREAKER_SECONDS", 0.0)  # try Redis on every request: the log must stay quiet
    path = f"/api/v1/programs/{program.id}"
    with override_settings(CACHES=redis_caches(throwaway_redis.url, "down-test")):
        counted = [client_for.get(path).status_code for _ in range(4)]
        healthy = client_for.get("/healthz")
        throwaway_redis.kill()

        # when
        with caplog.at_level(logging.WARNING, logger="loyalty.ratelimit"):
            served = [client_for.get(path).status_code for _ in range(20)]
        health = client_for.get("/healthz")

    # then
    assert counted == [200, 200, 200, 429]
    assert healthy.json()["cache"] == "ok"
    assert served == [HTTPStatus.OK] * 20
    warnings = [record for record in caplog.records if record.name == "loyalty.ratelimit"]
    assert len(warnings) == 1
    assert "requests are served without a limit" in warnings[0].getMessage()
    assert health.status_code == HTTPStatus.OK
    assert health.json() == {"status": "ok", "database": "ok", "cache": "down"}


@pytest.mark.django_db
def test_a_cache_url_on_a_closed_port_fails_open(client_for, program, monkeypatch):
    # given
    monkeypatch.setattr(ApiKeyRateThrottle, "rate", "1/hour")
    path = f"/api/v1/programs/{program.id}"

    # when
    with override_settings(CACHES=redis_caches(f"redis://127.0.0.1:{free_port()}/0", "closed")):
        started = time.monotonic()
        statuses = [client_for.get(path).status_code for _ in range(5)]
        elapsed = time.monotonic() - started
        health = client_for.get("/healthz")

    # then
    assert statuses == [HTTPStatus.OK] * 5
    assert elapsed < 5  # not a timing assertion of speed: a hang on the cache would take 0.5 s x tries
    assert (health.status_code, health.json()["cache"]) == (HTTPStatus.OK, "down")


# --- failed authentication per client address ------------------------------------------------


@pytest.fixture
def three_failures_a_minute():
    with override_settings(AUTH_FAILURE_RATE_LIMIT="3/min"):
        yield


def bad(address: str = "198.51.100.7", **extra):
    return KeyClient(BAD_KEY, REMOTE_ADDR=address, **extra)


@pytest.mark.django_db
def test_failed_authentications_past_the_limit_answer_429_without_a_database_lookup(three_failures_a_minute):
    # given
    client = bad()
    statuses = [client.get("/api/v1/programs").status_code for _ in range(3)]

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/programs")

    # then
    assert statuses == [HTTPStatus.UNAUTHORIZED] * 3
    error = assert_error(response, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] in error["message"]
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_blocked_address_is_refused_even_with_a_valid_key(three_failures_a_minute, client_for, program):
    # given
    for _ in range(3):
        bad().get("/api/v1/programs")

    # when
    response = KeyClient(client_for.plain_key, REMOTE_ADDR="198.51.100.7").get(f"/api/v1/programs/{program.id}")

    # then
    assert_error(response, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")


@pytest.mark.django_db
def test_failures_of_one_address_do_not_block_another(three_failures_a_minute, client_for, program):
    # given
    for _ in range(3):
        bad("198.51.100.7").get("/api/v1/programs")

    # when
    other_bad = bad("198.51.100.8").get("/api/v1/programs")
    other_good = KeyClient(client_for.plain_key, REMOTE_ADDR="198.51.100.8").get(f"/api/v1/programs/{program.id}")

    # then
    assert_error(other_bad, HTTPStatus.UNAUTHORIZED, "authentication_failed")
    assert other_good.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_requests_without_a_key_are_not_counted_as_failures(three_failures_a_minute, anon_client):
    # when
    statuses = [anon_client.get("/api/v1/programs").status_code for _ in range(6)]

    # then
    assert statuses == [HTTPStatus.UNAUTHORIZED] * 6


@pytest.mark.django_db
def test_without_trusted_proxies_a_forged_x_forwarded_for_does_not_escape_the_limit(three_failures_a_minute):
    # when
    statuses = [
        bad(HTTP_X_FORWARDED_FOR=f"203.0.113.{index}").get("/api/v1/programs").status_code for index in range(5)
    ]

    # then
    assert statuses == [401, 401, 401, 429, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(three_failures_a_minute):
    # given: one proxy (10.0.0.1) that appends the address it saw; clients forge the left part
    def via_proxy(client_ip: str, forged: str):
        return bad("10.0.0.1", HTTP_X_FORWARDED_FOR=f"{forged}, {client_ip}").get("/api/v1/programs").status_code

    # when
    with override_settings(TRUSTED_PROXY_HOPS=1):
        first = [via_proxy("203.0.113.5", f"192.0.2.{index}") for index in range(4)]
        second = via_proxy("203.0.113.6", "192.0.2.1")

    # then
    assert first == [401, 401, 401, 429]
    assert second == 401


@pytest.mark.parametrize(
    ("meta", "hops", "expected"),
    [
        ({"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, 0, "198.51.100.7"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"}, 1, "203.0.113.5"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5, 10.0.0.1"}, 2, "203.0.113.5"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, 2, "203.0.113.5"),
        ({"REMOTE_ADDR": "10.0.0.1"}, 1, "10.0.0.1"),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, 0, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "2001:db8:1:2:ffff::1"}, 0, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:198.51.100.7"}, 0, "198.51.100.7"),
        ({"REMOTE_ADDR": ""}, 0, "unknown"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}, 1, "unknown"),
    ],
)
def test_the_client_address_is_the_peer_or_what_the_trusted_proxies_saw(meta, hops, expected):
    # then
    assert ratelimit.client_address(meta, hops) == expected
