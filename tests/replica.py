"""
A real PostgreSQL streaming replica of the test run's server, made on this
machine: ``pg_basebackup -R`` into a temporary directory and a second
postmaster on a free port, run as the ``postgres`` user (PostgreSQL refuses
to run as root). The primary must accept replication connections from
127.0.0.1 (``.ci/run`` adds the ``pg_hba.conf`` line).
"""

from __future__ import annotations

import copy
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ReplicaUnavailable(RuntimeError):
    """The replica could not be made here (missing binaries or no replication access)."""


class StreamingReplica:
    """A hot standby of ``primary`` (a dict with host, port, user, password) on 127.0.0.1:``port``."""

    def __init__(self, primary: dict, *, name: str):
        self.primary = primary
        self.port = free_port()
        self.bindir = self._bindir()
        self.as_postgres = [self._runuser(), "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.base = Path(tempfile.mkdtemp(prefix=f"replica-{name}-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")

    @staticmethod
    def _runuser() -> str:
        runuser = shutil.which("runuser", path=SYSTEM_PATH)
        if runuser is None:
            raise ReplicaUnavailable("runuser (util-linux) is needed to run PostgreSQL as postgres when root")
        return runuser

    def _bindir(self) -> Path:
        with self.connect_primary() as conn:
            major = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
        bindir = Path(f"/usr/lib/postgresql/{major}/bin")
        if not (bindir / "pg_ctl").exists() or not (bindir / "pg_basebackup").exists():
            raise ReplicaUnavailable(f"PostgreSQL {major} server binaries are not in {bindir}")
        return bindir

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        env = {"PATH": SYSTEM_PATH, "PGPASSWORD": self.primary.get("password") or ""}
        return subprocess.run(
            [*self.as_postgres, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd="/"
        )

    def connect_primary(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=self.primary["host"], port=self.primary["port"], user=self.primary["user"],
            password=self.primary.get("password") or None, dbname=dbname, autocommit=True, connect_timeout=5,
        )

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.primary["user"], dbname=dbname, autocommit=True,
            connect_timeout=5,
        )

    def create(self) -> None:
        """Copy the primary (a fast checkpoint, no fsync) and write the standby's own configuration."""
        result = self._run(
            str(self.bindir / "pg_basebackup"), "-h", self.primary["host"], "-p", str(self.primary["port"]),
            "-U", self.primary["user"], "-D", str(self.data), "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )
        if result.returncode != 0:
            raise ReplicaUnavailable(
                f"pg_basebackup failed: {result.stderr.strip()} (the primary must allow "
                "'host replication postgres 127.0.0.1/32' in pg_hba.conf; .ci/run adds it)"
            )
        # Debian keeps the configuration outside the data directory: give the standby its own.
        (self.data / "postgresql.conf").write_text(
            f"port = {self.port}\n"
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.base}'\n"
            "hot_standby = on\n"
            "hot_standby_feedback = on\n"  # long reporting reads are not cancelled by the primary's vacuum
            "fsync = off\n"
            "shared_buffers = 32MB\n"
            "logging_collector = off\n"
        )
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (self.data / "pg_ident.conf").write_text("")
        if self.as_postgres:
            for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
                shutil.chown(self.data / name, "postgres", "postgres")

    def start(self) -> None:
        result = self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise ReplicaUnavailable(f"the replica did not start: {result.stdout}{result.stderr}\n{log[-2000:]}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    # --- replay -------------------------------------------------------------------------

    def wait_caught_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        with self.connect_primary() as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with self.connect() as conn:
            while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the replica did not replay up to {target} within {timeout} s")
                time.sleep(0.02)

    def pause_replay(self) -> None:
        """Stop applying the primary's changes (they keep arriving): writes from now on exist only on the primary."""
        with self.connect() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.connect() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")


@contextmanager
def replica_alias(*, host: str, port: int) -> Iterator[None]:
    """
    The "replica" alias, as settings.py makes it from DATABASE_REPLICA_URL (the
    primary's settings on another server), for the calling thread only: Django's
    test case refuses connections to a configured alias that the test does not
    list (and would flush every listed one, which a read-only standby refuses),
    and allows connections made at run time.
    """
    from django.db import connections

    from loyalty import replicas

    replica_settings = copy.deepcopy(connections.settings["default"])
    replica_settings.update(HOST=host, PORT=str(port))
    replica_settings["OPTIONS"]["connect_timeout"] = 2
    wrapper = connections.create_connection("default").__class__(replica_settings, replicas.REPLICA)
    setattr(connections._connections, replicas.REPLICA, wrapper)
    replicas.health.reset()
    try:
        yield
    finally:
        wrapper.close()
        delattr(connections._connections, replicas.REPLICA)
        replicas.health.reset()
