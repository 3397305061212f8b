"""
The rate limits across processes: two gunicorn servers (two workers each)
on the test database and one real Redis. A key gets its limit, not twice it,
even when its requests race from many threads through both servers; and the
failed-authentication limit of an address holds across both servers too.

For contrast, the same two servers counting per process (``locmem``, what
``RATE_LIMIT_PER_PROCESS=true`` allows) let the key through twice its limit.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from loyalty.services import api_key_create
from loyalty.tests.factories import ProgramFactory
from loyalty.tests.redis_support import SHARED_REDIS_URL, delete_prefixed, require_shared_redis, run_prefix
from tests.faults.harness import Server, free_port, request

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

LIMIT = 30  # requests per key per hour
AUTH_LIMIT = 12  # failed authentications per address per hour
THREADS = 6
BAD_KEY = "lk_zzzzzzzz_" + "x" * 40


class ServedDatabase:
    """The pytest run's own test database, as the environment of a gunicorn that serves it."""

    def __init__(self, **env):
        self.extra = env

    def env(self) -> dict:
        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "DJANGO_SETTINGS_MODULE": "loyalty.settings",
            "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "DEBUG": "false",
            "SECRET_KEY": "rate-limit-cluster-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "API_RATE_LIMIT": f"{LIMIT}/hour",
            "AUTH_FAILURE_RATE_LIMIT": f"{AUTH_LIMIT}/hour",
            "LOG_LEVEL": "WARNING",
        }
        env.update(self.extra)
        return env


@pytest.fixture
def redis_prefix():
    require_shared_redis()
    prefix = run_prefix()
    yield prefix
    delete_prefixed(SHARED_REDIS_URL, prefix)


@pytest.fixture
def start_servers(tmp_path):
    servers: list[Server] = []

    def start(database: ServedDatabase, *, workers: int) -> list[Server]:
        for index in range(2):
            server = Server(database, port=free_port(), log_path=tmp_path / f"gunicorn-{index}.log", workers=workers)
            servers.append(server)
            server.start()
        return servers

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def key(transactional_db) -> tuple[str, str]:
    """A committed program and a key of it: ``(program id, plain key)``."""
    program = ProgramFactory()
    _, plain = api_key_create(name="cluster", program_ids=[program.id], all_programs=False)
    return str(program.id), plain


def race(servers: list[Server], path: str, headers: dict, total: int) -> list[tuple[int, dict, dict]]:
    """``total`` GETs from ``THREADS`` threads started together, alternating between the servers."""
    results: list[tuple[int, dict, dict]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def work(thread: int):
        barrier.wait()
        for index in range(thread, total, THREADS):
            status, response_headers, raw = request(servers[index % 2].port, "GET", path, headers=headers)
            with lock:
                results.append((status, response_headers, json.loads(raw)))

    threads = [threading.Thread(target=work, args=(thread,)) for thread in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_gunicorn_servers_on_one_redis_give_a_key_its_limit_not_twice_it(key, redis_prefix, start_servers):
    # given
    program_id, plain = key
    servers = start_servers(
        ServedDatabase(CACHE_URL=SHARED_REDIS_URL, CACHE_KEY_PREFIX=redis_prefix, RATE_LIMIT_PER_PROCESS="false"),
        workers=2,
    )

    # when: three times the limit, racing through both servers
    results = race(servers, f"/api/v1/programs/{program_id}", {"X-API-Key": plain}, 3 * LIMIT)

    # then
    statuses = Counter(status for status, _, _ in results)
    assert statuses == {200: LIMIT, 429: 2 * LIMIT}
    refused = [(headers, body) for status, headers, body in results if status == 429]
    assert all(body["error"]["code"] == "rate_limited" for _, body in refused)
    assert all(3000 < int(headers["retry-after"]) <= 3600 for headers, _ in refused)


def test_two_gunicorn_servers_on_one_redis_share_the_failed_authentication_limit(redis_prefix, start_servers):
    # given
    servers = start_servers(
        ServedDatabase(CACHE_URL=SHARED_REDIS_URL, CACHE_KEY_PREFIX=redis_prefix, RATE_LIMIT_PER_PROCESS="false"),
        workers=2,
    )

    # when: one address, bad keys, alternating between the servers one after another
    statuses = [
        request(servers[index % 2].port, "GET", "/api/v1/programs", headers={"X-API-Key": BAD_KEY})[0]
        for index in range(2 * AUTH_LIMIT)
    ]

    # then
    assert statuses == [401] * AUTH_LIMIT + [429] * AUTH_LIMIT


def test_for_contrast_two_servers_counting_per_process_give_a_key_twice_its_limit(key, start_servers):
    # given: one worker each, so that each server is one process
    program_id, plain = key
    servers = start_servers(ServedDatabase(CACHE_URL="locmemcache://", RATE_LIMIT_PER_PROCESS="true"), workers=1)

    # when
    statuses = Counter(
        request(servers[index % 2].port, "GET", f"/api/v1/programs/{program_id}", headers={"X-API-Key": plain})[0]
        for index in range(3 * LIMIT)
    )

    # then
    assert statuses == {200: 2 * LIMIT, 429: LIMIT}
