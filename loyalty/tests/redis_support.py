"""
Real Redis for the tests: the shared one on 127.0.0.1:6379 (``.ci/run``
starts it) under a key prefix of this test run, and throwaway servers on a
free port that a test starts and kills.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
from django.conf import settings

SHARED_REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def run_prefix() -> str:
    """A key prefix of its own for this test run (the test database's name and a random part)."""
    return f"test:{settings.DATABASES['default']['NAME']}:{uuid.uuid4().hex[:8]}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int, host: str = "127.0.0.1") -> bool:
    """True when a Redis on ``port`` answers PING."""
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def require_shared_redis() -> None:
    """Skip (fail on CI) unless the shared Redis answers."""
    if answers(6379):
        return
    message = "Redis is not running on 127.0.0.1:6379 (.ci/run starts it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def redis_caches(url: str, prefix: str) -> dict:
    """A CACHES setting like the one loyalty/settings.py builds for CACHE_URL=redis://..."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def delete_prefixed(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


class RedisServer:
    """``redis-server`` on a free port, in the foreground of its own process, with nothing persisted."""

    def __init__(self):
        if not os.path.exists(REDIS_SERVER):
            message = f"{REDIS_SERVER} missing: apt-get install redis-server"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"redis-{self.port}-")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--logfile", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not answers(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: the server goes away without a word, as a crashed one would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
