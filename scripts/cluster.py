"""
The platform as more than one node, on one machine: ``make cluster``.

Starts, in a temporary directory, every part a multi-node deployment has:

- a PostgreSQL primary (its own ``initdb``, on a free port) and a streaming
  replica of it (``pg_basebackup -R``), which the dashboard, the admin's
  lists and exports and the finance commands read (``DATABASE_REPLICA_URL``);
- Redis, where every node counts the rate limits together (``CACHE_URL``);
- two app nodes: gunicorn on two ports, two workers each;
- HAProxy (Debian's package) in front of them, health-checking ``/healthz``
  every half second and sending nothing to a node that stopped answering;
- two webhook workers (``deliver_webhooks``) and the periodic points run
  (``process_points --loop``).

It migrates the database, seeds the demo data and prints the URL, then waits
for Ctrl-C (or SIGTERM) and stops everything. ``tests/test_cluster.py`` uses
the same :class:`Cluster` to kill nodes under load.

Needs the PostgreSQL server binaries and ``redis-server`` and ``haproxy``
(installed with apt-get when missing and running as root). Run as root, the
PostgreSQL servers run as the ``postgres`` user, as PostgreSQL requires.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DATABASE = "loyalty"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def postgres_bindir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not candidates:
        raise RuntimeError("the PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed")
    return candidates[-1].parent


def ensure_installed(binary: str, package: str) -> str:
    found = shutil.which(binary, path=SYSTEM_PATH)
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError(f"{binary} is not installed: sudo apt-get install {package}")
    print(f"installing Debian {package}", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", package], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    )
    return shutil.which(binary, path=SYSTEM_PATH)


HAPROXY_CONFIG = """\
global
    maxconn 2000

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A request that cannot connect to a node is tried again on the other one;
    # a request already sent is never replayed by HAProxy (the client retries
    # with its idempotency key).
    retries 2
    option redispatch

frontend api
    bind 127.0.0.1:{port}
    option forwardfor
    default_backend app

backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
{servers}
"""


class Cluster:
    """Every process of the one-machine cluster; :meth:`start`, :meth:`kill`, :meth:`stop`."""

    APP_NODES = ("app-1", "app-2")
    WEBHOOK_WORKERS = ("webhooks-1", "webhooks-2")

    def __init__(self, *, port: int | None = None, base: Path | None = None, workers: bool = True, seed: bool = True):
        self.base = base or Path(tempfile.mkdtemp(prefix="loyalty-cluster-"))
        self.logs = self.base / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.primary_port = free_port()
        self.replica_port = free_port()
        self.redis_port = free_port()
        self.node_ports = {name: free_port() for name in self.APP_NODES}
        self.workers = workers
        self.seed = seed
        self.bindir = postgres_bindir()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.processes: dict[str, subprocess.Popen] = {}
        self.secret_key = secrets.token_urlsafe(48)
        self.started_postgres: list[Path] = []

    # -- addresses ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.primary_port}/{DATABASE}"

    @property
    def replica_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.replica_port}/{DATABASE}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of every app process: production settings, local plain HTTP."""
        return {
            "PATH": f"{PYTHON.parent}:{SYSTEM_PATH}",
            "HOME": str(self.base),
            "DJANGO_SETTINGS_MODULE": "loyalty.settings",
            "DATABASE_URL": self.database_url,
            "DATABASE_REPLICA_URL": self.replica_url,
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": self.url,
            # Plain HTTP on the loopback: a real deployment terminates TLS in front of HAProxy
            # and keeps these at their secure defaults.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "TRUSTED_PROXY_HOPS": "1",
            # Receivers on this machine, for the walkthrough and the tests.
            "WEBHOOK_ALLOW_HTTP": "true",
            "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
            "LOG_LEVEL": "WARNING",
            **extra,
        }

    # -- processes ---------------------------------------------------------------------------------

    def spawn(self, name: str, argv: list[str], *, env: dict | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env or self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.processes[name] = process
        return process

    def manage(self, *args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PYTHON), "manage.py", *args], cwd=ROOT, env=self.env(**extra), capture_output=True, text=True,
            check=True, timeout=600,
        )

    def _postgres(self, *argv: str, timeout: float = 120) -> None:
        subprocess.run([*self.as_postgres, *argv], check=True, capture_output=True, timeout=timeout, cwd="/")

    def _pg_ctl_start(self, data: Path, port: int) -> None:
        options = f"-p {port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._postgres(
            str(self.bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.logs / f"pg-{port}.log"),
            "-w", "start",
        )
        self.started_postgres.append(data)

    def start_postgres(self) -> None:
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.logs, "postgres", "postgres")
        primary, replica = self.base / "primary", self.base / "replica"
        self._postgres(
            str(self.bindir / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )
        self._pg_ctl_start(primary, self.primary_port)
        self._postgres(
            str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", DATABASE
        )
        self._postgres(
            str(self.bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream", "-c", "fast",
        )
        self._pg_ctl_start(replica, self.replica_port)

    def start_redis(self) -> None:
        redis = ensure_installed("redis-server", "redis-server")
        self.spawn("redis", [redis, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(self.base)])
        wait_until(lambda: port_open(self.redis_port), timeout=20, what="Redis")

    def start_app_node(self, name: str) -> None:
        port = self.node_ports[name]
        self.spawn(name, [
            str(PYTHON.parent / "gunicorn"), "loyalty.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--graceful-timeout", "5", "--access-logfile", "-",
        ])
        wait_until(lambda: http_ok(f"http://127.0.0.1:{port}/healthz"), timeout=60, what=f"{name} on port {port}")

    def start_load_balancer(self) -> None:
        haproxy = ensure_installed("haproxy", "haproxy")
        servers = "\n".join(f"    server {name} 127.0.0.1:{port} check" for name, port in self.node_ports.items())
        config = self.base / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=self.port, servers=servers))
        subprocess.run([haproxy, "-c", "-q", "-f", str(config)], check=True)
        self.spawn("haproxy", [haproxy, "-db", "-f", str(config)])
        wait_until(lambda: http_ok(f"{self.url}/healthz"), timeout=30, what="HAProxy")

    def start_webhook_worker(self, name: str) -> None:
        self.spawn(name, [str(PYTHON), "manage.py", "deliver_webhooks"])

    def start_points_run(self) -> None:
        self.spawn("points", [str(PYTHON), "manage.py", "process_points", "--loop", "30"])

    def start(self) -> None:
        print(f"cluster directory {self.base}", flush=True)
        self.start_postgres()
        print(f"PostgreSQL primary :{self.primary_port}, streaming replica :{self.replica_port}", flush=True)
        self.start_redis()
        print(f"Redis :{self.redis_port}", flush=True)
        self.manage("migrate", "--no-input")
        self.manage("collectstatic", "--no-input", "-v0")
        if self.seed:
            seeded = self.manage("seed_demo", "--allow-without-debug", "--base-url", self.url)
            (self.base / "demo.txt").write_text(seeded.stdout)
        for name in self.APP_NODES:
            self.start_app_node(name)
        print("app nodes " + ", ".join(f"{n} :{p}" for n, p in self.node_ports.items()), flush=True)
        self.start_load_balancer()
        if self.workers:
            for name in self.WEBHOOK_WORKERS:
                self.start_webhook_worker(name)
            self.start_points_run()
            print("webhook workers: 2, periodic points run: every 30 s", flush=True)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the process group of ``name`` (a gunicorn master and its workers die together)."""
        process = self.processes[name]
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def alive(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for data in reversed(self.started_postgres):
            subprocess.run(
                [*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True, cwd="/", timeout=60,
            )
        self.started_postgres.clear()

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)), help="HAProxy's port")
    parser.add_argument("--keep", action="store_true", help="keep the cluster directory (logs, data) after stopping")
    args = parser.parse_args()
    cluster = Cluster(port=args.port)
    stopping = False
    reported: set[str] = set()

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        cluster.start()
        print((cluster.base / "demo.txt").read_text(), flush=True)
        print(f"\nThe cluster answers on {cluster.url} (HAProxy). Logs: {cluster.logs}. Ctrl-C stops it all.", flush=True)
        while not stopping:
            for name, process in cluster.processes.items():
                if process.poll() is not None and name not in reported:
                    print(f"{name} exited with {process.returncode} (log: {cluster.logs / (name + '.log')})", flush=True)
                    reported.add(name)
            time.sleep(0.5)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", None)
        print(f"make cluster: {error}" + (f"\n{detail.decode() if isinstance(detail, bytes) else detail}" if detail else ""),
              file=sys.stderr)
        return 2
    finally:
        print("stopping the cluster", flush=True)
        cluster.stop()
        if not args.keep:
            cluster.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
