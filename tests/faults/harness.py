"""
The fault harness: a real gunicorn on a real PostgreSQL database, clients
that retry like careful integrators, and faults injected while requests are
in flight.

- :class:`FaultDatabase` creates, seeds and inspects the server's own
  database (never the test database of the pytest run).
- :class:`Server` runs ``gunicorn loyalty.wsgi`` in its own session (process
  group) and kills workers, or the whole server, with SIGKILL.
- :class:`Load` drives concurrent accruals, redemptions (catalog and direct)
  and reversals, each with a unique idempotency key, and retries every
  request that got no answer or a 5xx with the same key until it is
  answered. It checks every response on the way: JSON, the error envelope
  on 4xx, and never a 5xx other than ``503 service_unavailable`` with
  ``Retry-After``.
- :func:`verify_exactly_once` compares what the clients were told with what
  the database holds.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else "gunicorn"
SECRET_KEY = "fault-harness-" + "x" * 50
LOCK_TIMEOUT_MS = 1000
WORKERS = 3
REQUEST_TIMEOUT_S = 20  # one HTTP attempt; a lock wait ends after LOCK_TIMEOUT_MS
OP_DEADLINE_S = 60  # one logical request, all retries included
HTTP_ERRORS = (OSError, http.client.HTTPException)
FIGURES: dict[str, dict] = {}  # phase -> figures, printed at the end of the run
RECORD_TABLES = {
    "accrual": "participants_accrual",
    "redemption": "rewards_redemption",
    "reversal": "rewards_reversal",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the server's database -----------------------------------------------------------


class FaultDatabase:
    """The harness's own PostgreSQL database, on the server of the test run's DATABASE_URL."""

    def __init__(self, *, host, port, user, password, name):
        self.conninfo = {"host": host or "127.0.0.1", "port": port or 5432, "user": user, "password": password}
        self.name = name

    @property
    def url(self) -> str:
        info = self.conninfo
        auth = info["user"] + (f":{info['password']}" if info["password"] else "")
        return f"postgres://{auth}@{info['host']}:{info['port']}/{self.name}"

    def env(self, **extra) -> dict:
        """The environment of a process that runs the app against this database."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "PYTEST_", "SECURE_", "SESSION_", "CSRF_", "DB_", "API_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="loyalty.settings",
            DATABASE_URL=self.url,
            SECRET_KEY=SECRET_KEY,
            DEBUG="false",
            SECURE_SSL_REDIRECT="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            API_RATE_LIMIT="1000000/min",
            DB_LOCK_TIMEOUT_MS=str(LOCK_TIMEOUT_MS),
            LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    def connect(self, *, dbname: str | None = None, autocommit: bool = True) -> psycopg.Connection:
        params = {key: value for key, value in self.conninfo.items() if value}
        return psycopg.connect(dbname=dbname or self.name, autocommit=autocommit, connect_timeout=10, **params)

    def recreate(self) -> None:
        with self.connect(dbname="postgres") as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.name])
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with self.connect(dbname="postgres") as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.name])
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(LOG_LEVEL="WARNING"),
            capture_output=True, text=True, timeout=timeout,
        )

    def migrate_and_seed(self) -> dict:
        migrated = self.manage("migrate", "--no-input")
        assert migrated.returncode == 0, migrated.stderr
        seeded = subprocess.run(
            [PYTHON, str(Path(__file__).with_name("seed.py"))], cwd=ROOT, env=self.env(LOG_LEVEL="WARNING"),
            capture_output=True, text=True, timeout=120,
        )
        assert seeded.returncode == 0, seeded.stderr
        return json.loads(seeded.stdout.strip().splitlines()[-1])

    def terminate_backends(self) -> int:
        """``pg_terminate_backend`` every other session on the server's database; return how many."""
        with self.connect(dbname="postgres") as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            ).fetchall()
        return sum(1 for (done,) in rows if done)

    def scalar(self, sql: str, params=()) -> object:
        with self.connect() as conn:
            return conn.execute(sql, params).fetchone()[0]

    def records_by_key(self, keys: list[str]) -> dict[str, dict[str, list[str]]]:
        """For each table of movement records: idempotency key -> ids of the records that carry it."""
        out = {}
        with self.connect() as conn:
            for kind, table in RECORD_TABLES.items():
                rows = conn.execute(
                    f"SELECT idempotency_key, array_agg(id::text) FROM {table} "
                    "WHERE idempotency_key = ANY(%s) GROUP BY idempotency_key",
                    [keys],
                ).fetchall()
                out[kind] = {key: ids for key, ids in rows}
        return out

    def half_written(self) -> dict[str, int]:
        """Rows that would betray a half-done movement: each count must be 0."""
        queries = {
            "idempotency records without their record": (
                "SELECT count(*) FROM loyalty_idempotencyrecord i WHERE "
                "NOT EXISTS (SELECT 1 FROM participants_accrual a WHERE a.id = i.resource_id) AND "
                "NOT EXISTS (SELECT 1 FROM rewards_redemption r WHERE r.id = i.resource_id) AND "
                "NOT EXISTS (SELECT 1 FROM rewards_reversal v WHERE v.id = i.resource_id)"
            ),
            "keyed records without their idempotency record": (
                "SELECT count(*) FROM ("
                "SELECT id, program_id, idempotency_key FROM participants_accrual "
                "UNION ALL SELECT id, program_id, idempotency_key FROM rewards_redemption "
                "UNION ALL SELECT v.id, r.program_id, v.idempotency_key FROM rewards_reversal v "
                "JOIN rewards_redemption r ON r.id = v.redemption_id) rec "
                "WHERE rec.idempotency_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM loyalty_idempotencyrecord i "
                "WHERE i.program_id = rec.program_id AND i.key = rec.idempotency_key AND i.resource_id = rec.id)"
            ),
            "journal entries without a movement record": (
                "SELECT count(*) FROM ledger_journalentry e WHERE "
                "NOT EXISTS (SELECT 1 FROM participants_accrual a WHERE a.journal_entry_id = e.id) AND "
                "NOT EXISTS (SELECT 1 FROM rewards_redemption r WHERE r.journal_entry_id = e.id) AND "
                "NOT EXISTS (SELECT 1 FROM rewards_reversal v WHERE v.journal_entry_id = e.id)"
            ),
            "journal entries with fewer than two lines": (
                "SELECT count(*) FROM ledger_journalentry e WHERE "
                "(SELECT count(*) FROM ledger_journalline l WHERE l.entry_id = e.id) < 2"
            ),
            "negative wallets": "SELECT count(*) FROM ledger_account WHERE type = 'WALLET' AND balance < 0",
        }
        with self.connect() as conn:
            return {name: conn.execute(sql).fetchone()[0] for name, sql in queries.items()}

    def journal_entry_count(self) -> int:
        return self.scalar("SELECT count(*) FROM ledger_journalentry")

    def reconcile(self) -> subprocess.CompletedProcess:
        return self.manage("reconcile")


# --- the server ------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            children.append(int(entry))
    return children


class Server:
    """``gunicorn loyalty.wsgi`` in its own process group, on 127.0.0.1:port."""

    def __init__(self, database: FaultDatabase, *, port: int, log_path: Path, workers: int = WORKERS):
        self.database = database
        self.port = port
        self.log_path = log_path
        self.workers = workers
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [
                GUNICORN, "loyalty.wsgi", "--config", str(Path(__file__).with_name("gunicorn_faults.py")), "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--worker-class", "sync", "--timeout", "30", "--graceful-timeout", "2", "--preload",
                "--log-level", "warning",
            ],
            cwd=ROOT, env=self.database.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        self.starts += 1
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log_path}")
            try:
                status, _, _ = request(self.port, "GET", "/healthz", timeout=2)
            except HTTP_ERRORS:
                status = None
            if status == 200 and len(self.worker_pids()) == self.workers:
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not get ready within {timeout} s; see {self.log_path}")

    @property
    def master_pid(self) -> int:
        return self.proc.pid

    def worker_pids(self) -> list[int]:
        return _children(self.proc.pid) if self.proc is not None else []

    def kill_worker(self, rng: random.Random) -> int | None:
        """SIGKILL one worker (the master forks a new one); return its pid."""
        pids = self.worker_pids()
        if not pids:
            return None
        pid = rng.choice(pids)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return pid

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once (the whole process group)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop gracefully, then by force; safe to call on a dead or never-started server."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.kill_all()  # workers orphaned by an earlier kill share the group


# --- HTTP ------------------------------------------------------------------------------


def request(port: int, method: str, path: str, *, body: dict | None = None, headers: dict | None = None,
            timeout: float = REQUEST_TIMEOUT_S) -> tuple[int, dict, bytes]:
    """One attempt on a fresh connection: ``(status, lower-cased headers, body)``; raises on no answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=payload, headers={
            "Content-Type": "application/json", "Connection": "close", **(headers or {}),
        })
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def response_problem(status: int, headers: dict, raw: bytes) -> str | None:
    """What is wrong with a response by the contract (None when nothing is)."""
    if not headers.get("content-type", "").startswith("application/json"):
        return f"{status} with content type {headers.get('content-type')!r}: {raw[:200]!r}"
    try:
        body = json.loads(raw)
    except ValueError:
        return f"{status} with a body that is not JSON: {raw[:200]!r}"
    if status >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or set(error) != {"code", "message", "fields"} or set(body) != {"error"}:
            return f"{status} without the error envelope: {raw[:200]!r}"
        if status >= 500:
            if status != 503 or error["code"] != "service_unavailable":
                return f"{status} {error['code']}: {error['message']}"
            if not headers.get("retry-after", "").isdigit() or int(headers["retry-after"]) < 1:
                return f"503 without a usable Retry-After: {headers.get('retry-after')!r}"
    elif not isinstance(body, dict) or "id" not in body:
        return f"{status} without a record: {raw[:200]!r}"
    return None


# --- the load ----------------------------------------------------------------------------


@dataclass
class Op:
    """One logical request: sent, and re-sent with the same key, until it is answered."""

    kind: str  # accrual | redemption | reversal
    path: str
    body: dict
    key: str
    key_in_header: bool
    kill_after_commit: bool = False  # the first attempt's worker dies once the request is done
    attempts: int = 0
    failures: list[str] = field(default_factory=list)
    status: int | None = None
    response: dict | None = None

    @property
    def succeeded(self) -> bool:
        return self.status in (200, 201)


@dataclass
class Figures:
    requests: int = 0
    logical: int = 0
    retries: int = 0
    answered_after_retry_with_200: int = 0
    no_answer: int = 0  # attempts that got no HTTP answer at all
    killed_after_commit: int = 0  # workers killed by an X-Fault request after serving it
    status_counts: Counter = field(default_factory=Counter)

    def add(self, other: Figures) -> None:
        self.requests += other.requests
        self.logical += other.logical
        self.retries += other.retries
        self.answered_after_retry_with_200 += other.answered_after_retry_with_200
        self.no_answer += other.no_answer
        self.killed_after_commit += other.killed_after_commit
        self.status_counts.update(other.status_counts)


class Load:
    """Concurrent clients that each loop: make a movement, sometimes reverse a redemption."""

    def __init__(self, *, port: int, seed_data: dict, phase: str, clients: int = 12, rng_seed: int = 8,
                 kill_after_commit_every: int = 0):
        self.port = port
        self.seed = seed_data
        self.phase = phase
        self.clients = clients
        self.rng_seed = rng_seed
        self.kill_after_commit_every = kill_after_commit_every  # every Nth movement of a client; 0: never
        self.ops: list[Op] = []
        self.violations: list[str] = []
        self.figures = Figures()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # generation ---------------------------------------------------------------------------

    def _key(self, client: int, number: int) -> str:
        return f"{self.phase}-{client}-{number}-{uuid.uuid4().hex[:8]}"

    def _movement(self, rng: random.Random, key: str) -> Op:
        seed = self.seed
        participant = rng.choice(seed["participants"])
        base = {"program_id": seed["program_id"]}
        choice = rng.choices(["accrual", "direct", "unit", "amount"], weights=[3, 2, 3, 2])[0]
        if choice == "accrual":
            path = f"/api/v1/participants/{participant}/accruals"
            body = {**base, "asset_id": seed["asset_id"], "amount": f"{rng.randint(1, 40)}.{rng.randint(0, 99):02d}"}
            kind = "accrual"
        elif choice == "direct":
            path = f"/api/v1/participants/{participant}/redemptions"
            body = {**base, "asset_id": seed["asset_id"], "amount": f"{rng.randint(1, 30)}.50"}
            kind = "redemption"
        elif choice == "unit":
            path = f"/api/v1/participants/{participant}/redemptions/catalog"
            reward = seed["rewards"]["deep"] if rng.random() < 0.7 else seed["rewards"]["scarce"]
            body = {**base, "reward_id": reward, "quantity": rng.randint(1, 3)}
            kind = "redemption"
        else:
            path = f"/api/v1/participants/{participant}/redemptions/catalog"
            body = {**base, "reward_id": seed["rewards"]["donation"], "amount": f"{rng.randint(1, 45)}.00"}
            kind = "redemption"
        return self._keyed(rng, kind, path, body, key)

    def _reversal(self, rng: random.Random, redemption: dict, key: str) -> Op:
        body: dict = {}
        remaining_units = (redemption["quantity"] or 0) - (redemption["reversed_quantity"] or 0)
        if redemption["quantity"] is not None and remaining_units > 1 and rng.random() < 0.5:
            body["quantity"] = 1
        elif redemption["quantity"] is None and rng.random() < 0.5:
            body["amount"] = "1.00"
        if redemption["reward_id"] is not None and rng.random() < 0.3:
            body["restock"] = False
        if rng.random() < 0.5:
            body["reason"] = "fault harness"
        return self._keyed(rng, "reversal", f"/api/v1/redemptions/{redemption['id']}/reversals", body, key)

    @staticmethod
    def _keyed(rng: random.Random, kind: str, path: str, body: dict, key: str) -> Op:
        in_header = rng.random() < 0.3
        if not in_header:
            body = {**body, "idempotency_key": key}
        return Op(kind=kind, path=path, body=body, key=key, key_in_header=in_header)

    # execution ----------------------------------------------------------------------------

    def execute(self, op: Op) -> Op:
        """Send ``op`` until it is answered (a status below 500), retrying with the same key."""
        figures = Figures(logical=1)
        headers = {"X-API-Key": self.seed["api_key"]}
        if op.key_in_header:
            headers["Idempotency-Key"] = op.key
        deadline = time.monotonic() + OP_DEADLINE_S
        while True:
            op.attempts += 1
            figures.requests += 1
            fault = {"X-Fault": "kill-after-commit"} if op.kill_after_commit and op.attempts == 1 else {}
            figures.killed_after_commit += bool(fault)
            try:
                status, response_headers, raw = request(
                    self.port, "POST", op.path, body=op.body, headers={**headers, **fault}
                )
            except HTTP_ERRORS as exc:
                op.failures.append(type(exc).__name__)
                figures.no_answer += 1
            else:
                figures.status_counts[status] += 1
                problem = response_problem(status, response_headers, raw)
                if problem:
                    with self._lock:
                        self.violations.append(f"{op.kind} {op.key}: {problem}")
                if status < 500:
                    op.status = status
                    op.response = json.loads(raw) if not problem else None
                    break
                op.failures.append(str(status))
            if time.monotonic() > deadline:
                break
            time.sleep(min(0.05 * op.attempts, 0.5))
        figures.retries = op.attempts - 1
        if op.attempts > 1 and op.status == 200:
            figures.answered_after_retry_with_200 = 1
        with self._lock:
            self.ops.append(op)
            self.figures.add(figures)
        return op

    def _client(self, number: int) -> None:
        try:
            self._client_loop(number)
        except BaseException as exc:  # noqa: BLE001 - a dead client thread must fail the test, not vanish
            with self._lock:
                self.violations.append(f"client {number} crashed: {exc!r}")

    def _client_loop(self, number: int) -> None:
        rng = random.Random(self.rng_seed * 1000 + number)
        count = movements = 0
        every = self.kill_after_commit_every
        while not self._stop.is_set():
            count += 1
            movements += 1
            op = self._movement(rng, self._key(number, count))
            # The second movement of every client, then every Nth: some, however slow the machine is.
            op.kill_after_commit = bool(every) and movements % every == 2 % every
            op = self.execute(op)
            if op.succeeded and op.kind == "redemption" and op.response and rng.random() < 0.5:
                count += 1
                self.execute(self._reversal(rng, op.response, self._key(number, count)))

    def start(self) -> None:
        for number in range(self.clients):
            thread = threading.Thread(target=self._client, args=(number,), name=f"client-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Let every client finish its logical request in progress (retries included), then return."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2 * OP_DEADLINE_S + 5)
        alive = [thread.name for thread in self._threads if thread.is_alive()]
        assert not alive, f"clients still running: {alive}"


def verify_exactly_once(database: FaultDatabase, ops: list[Op]) -> dict:
    """
    Compare the clients' answers with the database, key by key.

    A request answered 200/201 left exactly one record with its key (the one
    it was answered with); a request answered 4xx left none. Returns the
    problems found and the number of duplicates (records beyond the first
    per key).
    """
    records = database.records_by_key([op.key for op in ops])
    problems: list[str] = []
    duplicates = 0
    for kind_records in records.values():
        duplicates += sum(len(ids) - 1 for ids in kind_records.values() if len(ids) > 1)
    for op in ops:
        ids = records[op.kind].get(op.key, [])
        others = [kind for kind, by_key in records.items() if kind != op.kind and op.key in by_key]
        if others:
            problems.append(f"{op.key}: records in {others} as well")
        if op.status is None:
            problems.append(f"{op.kind} {op.key}: never answered after {op.attempts} attempts ({op.failures[-3:]})")
        elif op.succeeded:
            if len(ids) != 1:
                problems.append(f"{op.kind} {op.key}: answered {op.status} but {len(ids)} records")
            elif op.response is not None and ids[0] != op.response.get("id"):
                problems.append(f"{op.kind} {op.key}: answered with {op.response.get('id')}, stored {ids[0]}")
        elif ids:
            problems.append(f"{op.kind} {op.key}: answered {op.status} but {len(ids)} record(s) were written")
    return {"problems": problems, "duplicates": duplicates}
