#!/usr/bin/env python3
"""
``make bench``: catalog-redemption throughput next to the database's own limit.

One command, end to end, against the local PostgreSQL (see bench/README.md):

1. drops, creates and migrates the bench database (BENCH_DATABASE_URL,
   default postgres://postgres@127.0.0.1:5432/loyalty_bench) and creates the
   data set (bench/setup_data.py) and the PL/pgSQL baseline (bench/baseline.sql);
2. counts the SQL statements of one redemption (bench/count_statements.py);
3. serves the app with gunicorn (bench/gunicorn.conf.py) and drives it with
   wrk (bench/redeem.lua): GET /healthz and the DRF read at 32 clients, then
   BENCH_PAIRS (3) alternated pairs of the DRF read and uniform redemptions at
   32 clients (issue 18's ratio, see ``run_pairs``), then the scenarios
   uniform, hot_reward and hot_participant at 1, 8, 32 and 64 clients;
   after each scenario, the same scenario through the PL/pgSQL baseline with
   pgbench at the same client counts, and ``manage.py reconcile`` after each
   block (any discrepancy stops the run with a non-zero exit);
4. grows the ledger to 1,000,000 journal lines (bench/grow_ledger.sql),
   measures the 1-client redemption latency again and times ``reconcile``;
5. prints the table and writes bench/results/<timestamp>.json and .md, and
   (full runs only) docs/benchmarks.md.

Environment: BENCH_DURATION (seconds per run, default 20), BENCH_QUICK=1
(3 s runs, 200k-line ledger: for development), BENCH_CLIENTS (1,8,32,64),
BENCH_SCENARIOS, BENCH_BASELINE_SCENARIOS, BENCH_LEDGER_LINES (1000000), BENCH_PAIRS (3),
BENCH_PORT (8765), BENCH_WORKERS / BENCH_WORKER_CLASS / BENCH_THREADS.

``python bench/run.py --profile`` instead profiles one uniform 32-client run
(py-spy on the workers, client-side SQL timings, server-side statement
durations from the PostgreSQL log) and writes bench/results/profile-*.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")
SCENARIOS = ("uniform", "hot_reward", "hot_participant")
NOTES_MARKER = "<!-- hand-written notes below: kept by bench/run.py when it rewrites this file -->"
QUIET_CORES = 0.25  # other work on the machine above this makes a run "noisy"
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


class BenchFailure(Exception):
    """Stops the run with a non-zero exit (a discrepancy, a missing tool, an aborted run)."""


# --- configuration ---------------------------------------------------------------


class Config:
    def __init__(self, profile: bool = False):
        env = os.environ
        self.quick = env.get("BENCH_QUICK", "") not in ("", "0", "false")
        self.profile = profile
        self.db_url = env.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loyalty_bench")
        parsed = urllib.parse.urlparse(self.db_url)
        self.db_host = parsed.hostname or "127.0.0.1"
        self.db_port = str(parsed.port or 5432)
        self.db_user = parsed.username or "postgres"
        self.db_name = parsed.path.lstrip("/")
        if not self.db_name.startswith("loyalty_bench"):
            raise BenchFailure(f"refusing to drop {self.db_name!r}: the bench database's name must start with loyalty_bench")
        self.duration = int(env.get("BENCH_DURATION", "3" if self.quick else "20"))
        self.clients = [int(c) for c in env.get("BENCH_CLIENTS", "1,8,32,64").split(",")]
        self.scenarios = [s for s in env.get("BENCH_SCENARIOS", ",".join(SCENARIOS)).split(",") if s]
        self.baseline_scenarios = [
            s for s in env.get("BENCH_BASELINE_SCENARIOS", ",".join(SCENARIOS)).split(",") if s
        ]
        self.ledger_lines = int(env.get("BENCH_LEDGER_LINES", "200000" if self.quick else "1000000"))
        self.port = int(env.get("BENCH_PORT", "8765"))
        self.workers = int(env.get("BENCH_WORKERS", "4"))
        self.worker_class = env.get("BENCH_WORKER_CLASS", "sync")
        self.threads = int(env.get("BENCH_THREADS", "1"))
        self.key_scope = env.get("BENCH_KEY_SCOPE", "program")
        self.warmup = 2 if self.quick else 4
        self.pairs = int(env.get("BENCH_PAIRS", "3"))
        self.pair_seconds = max(self.duration // 2, 5)
        self.wait_quiet = int(env.get("BENCH_WAIT_QUIET", "0" if self.quick else "60"))
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.postmaster: int | None = None  # set once the database answers

    def admin_url(self) -> str:
        return f"postgresql://{self.db_user}@{self.db_host}:{self.db_port}/postgres"

    def conninfo(self) -> str:
        return f"postgresql://{self.db_user}@{self.db_host}:{self.db_port}/{self.db_name}"

    def app_env(self, **extra) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.db_url,
            DEBUG="false",
            SECRET_KEY="bench-only-secret-key-not-for-production",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
            API_RATE_LIMIT="1000000000/min",
            RATE_LIMIT_PER_PROCESS=env.get("RATE_LIMIT_PER_PROCESS", "true"),  # the v1 figures: per-process counting
            DB_CONN_MAX_AGE="600",
            PYTHONWARNINGS="ignore",
            BENCH_PORT=str(self.port),
            BENCH_WORKERS=str(self.workers),
            BENCH_WORKER_CLASS=self.worker_class,
            BENCH_THREADS=str(self.threads),
            BENCH_KEY_SCOPE=self.key_scope,
        )
        env.update(extra)
        return env

    def as_dict(self) -> dict:
        return {
            "quick": self.quick,
            "duration_s": self.duration,
            "clients": self.clients,
            "scenarios": self.scenarios,
            "baseline_scenarios": self.baseline_scenarios,
            "ledger_lines_target": self.ledger_lines,
            "database": self.db_name,
            "gunicorn": {"workers": self.workers, "worker_class": self.worker_class, "threads": self.threads},
            "api_key_scope": self.key_scope,
            "priority": os.environ.get("BENCH_PRIORITY") or None,
        }


# --- tools -------------------------------------------------------------------------


def ensure_tools() -> dict:
    """wrk (installed from Debian if missing), pgbench and psql; their versions."""
    if shutil.which("wrk") is None:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            log("wrk is missing: apt-get install -y wrk")
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
            if shutil.which("wrk") is None:
                subprocess.run(["apt-get", "update", "-q"], check=False, stdout=subprocess.DEVNULL)
                subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
        if shutil.which("wrk") is None:
            raise BenchFailure("wrk is required: apt-get install -y wrk")
    for tool in ("pgbench", "psql"):
        if shutil.which(tool) is None:
            raise BenchFailure(f"{tool} is required (Debian: apt-get install -y postgresql-client)")
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    pgbench = subprocess.run(["pgbench", "--version"], capture_output=True, text=True)
    wrk_version = (wrk.stdout + wrk.stderr).split()[1] if (wrk.stdout + wrk.stderr).split() else "?"
    return {"wrk": f"wrk {wrk_version}", "pgbench": pgbench.stdout.strip()}


def machine_info(cfg: Config) -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu_model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    with db_connect(cfg) as conn:
        pg_version = conn.execute("SELECT version()").fetchone()[0]
        pg_settings = dict(
            conn.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                "('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'autovacuum', "
                "'wal_level', 'max_wal_size')"
            ).fetchall()
        )
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        if dirty.strip():
            commit += " + uncommitted changes"
    except OSError:
        commit = ""
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg_version.split(" on ")[0],
        "postgresql_settings": pg_settings,
        "git_commit": commit,
    }


# --- database ----------------------------------------------------------------------


def db_connect(cfg: Config, admin: bool = False):
    import psycopg

    return psycopg.connect(cfg.admin_url() if admin else cfg.conninfo(), autocommit=True)


def psql_file(cfg: Config, path: Path, **variables) -> str:
    cmd = ["psql", "-h", cfg.db_host, "-p", cfg.db_port, "-U", cfg.db_user, "-d", cfg.db_name, "-X", "-q",
           "-v", "ON_ERROR_STOP=1", "-f", str(path)]
    for name, value in variables.items():
        cmd[1:1] = ["-v", f"{name}={value}"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchFailure(f"psql -f {path.name} failed:\n{result.stderr}")
    return result.stdout


def db_reset(cfg: Config) -> None:
    with db_connect(cfg, admin=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg.db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{cfg.db_name}"')
    manage(cfg, "migrate", "--no-input", "--skip-checks")


def manage(cfg: Config, *args: str, check: bool = True, capture: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=cfg.app_env(), capture_output=capture, text=True,
        preexec_fn=PRIORITY.apply_to_self,
    )
    if check and result.returncode != 0:
        raise BenchFailure(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


# Rows every redemption updates, and tables every redemption inserts into (see vacuum_hot_tables).
UPDATED_TABLES = ["rewards_reward", "ledger_account", "rewards_participantrewardcount", "participants_accrual"]
GROWING_TABLES = ["rewards_redemption", "rewards_redemptionallocation", "ledger_journalentry", "ledger_journalline",
                  "events_event", "loyalty_idempotencyrecord"]


def vacuum_hot_tables(cfg: Config) -> None:
    """
    What autovacuum would do between two runs (it is off on this machine's
    cluster): clear the dead versions of the rows every redemption updates
    (the hot reward's row gets ~10^4 versions per run; left alone, later runs
    walk ever longer update chains and the numbers drift down with run order),
    and refresh the statistics of the tables every redemption inserts into.
    The ANALYZE also invalidates the backends' cached foreign-key check plans:
    planned while a table was empty, a check stays a sequential scan of a
    table that grows by thousands of rows per run (bench/README.md).
    """
    with db_connect(cfg) as conn:
        conn.execute(f"VACUUM (ANALYZE) {', '.join(UPDATED_TABLES + GROWING_TABLES)}")


def ledger_lines(cfg: Config) -> int:
    with db_connect(cfg) as conn:
        return conn.execute("SELECT count(*) FROM ledger_journalline").fetchone()[0]


def program_rows_state(cfg: Config) -> dict:
    """Program-level rows: updates of loyalty_program, program accounts' balance/updated_at."""
    with db_connect(cfg) as conn:
        updates = conn.execute(
            "SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = 'loyalty_program'"
        ).fetchone()[0]
        accounts = conn.execute(
            "SELECT type, balance::text, updated_at::text FROM ledger_account "
            "WHERE participant_id IS NULL ORDER BY type"
        ).fetchall()
        programs = conn.execute("SELECT updated_at::text FROM loyalty_program ORDER BY id").fetchall()
    return {"program_updates": int(updates), "program_accounts": accounts, "programs_updated_at": programs}


# --- CPU accounting ------------------------------------------------------------------


def _proc_stats() -> dict[int, tuple[str, int, int, int]]:
    """pid -> (comm, ppid, own ticks, reaped children's ticks)."""
    stats = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        stats[int(entry.name)] = (comm, int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]))
    return stats


def postmaster_pid(cfg: Config) -> int | None:
    with db_connect(cfg, admin=True) as conn:
        data_dir = conn.execute("SHOW data_directory").fetchone()[0]
    try:
        return int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class BackendCpu:
    """
    CPU of the PostgreSQL backends serving the bench database during one run,
    including those that exit before it ends (pgbench's): a thread reads the
    postmaster's children every 0.2 s and keeps each bench backend's last
    utime+stime. Other databases' backends (the machine may be shared) are
    not counted; PostgreSQL's background processes (WAL writer, checkpointer)
    show in the "other" column.
    """

    def __init__(self, cfg: Config):
        import threading

        self.pm = cfg.postmaster
        self.marker = f" {cfg.db_name} ".encode()
        self.kind: dict[int, bool] = {}
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.initial = True

    def _ticks(self, pid: int) -> int | None:
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = raw[raw.rindex(")") + 2 :].split()
        return int(fields[11]) + int(fields[12])

    def _sample(self) -> None:
        try:
            children = Path(f"/proc/{self.pm}/task/{self.pm}/children").read_text().split()
        except OSError:
            return
        for pid in map(int, children):
            if pid not in self.kind:
                try:
                    self.kind[pid] = self.marker in Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    self.kind[pid] = False
            if not self.kind[pid]:
                continue
            ticks = self._ticks(pid)
            if ticks is None:
                continue
            if pid not in self.first:
                self.first[pid] = ticks if self.initial else 0
            self.last[pid] = ticks
        self.initial = False

    def _run(self) -> None:
        while not self.stop_event.wait(0.2):
            self._sample()

    def __enter__(self):
        if self.pm:
            self._sample()
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.pm:
            self.stop_event.set()
            self.thread.join()
            self._sample()

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last) / CLK_TCK


def cpu_snapshot(app_pids: set[int]) -> dict:
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in first]
    idle = values[3] + values[4]
    stats = _proc_stats()
    postgres = 0
    for comm, ppid, own, children in stats.values():
        if comm == "postgres":
            postgres += own
            if stats.get(ppid, ("",))[0] != "postgres":  # the postmaster: add its reaped backends
                postgres += children
    app = sum(stats[pid][2] for pid in app_pids if pid in stats)
    return {"t": time.monotonic(), "total": sum(values[:8]), "idle": idle, "postgres": postgres, "app": app}


def cpu_delta(before: dict, after: dict, loadgen_seconds: float, backends: BackendCpu | None = None) -> dict:
    wall = after["t"] - before["t"]
    total = after["total"] - before["total"]
    busy = total - (after["idle"] - before["idle"])
    ncpu = os.cpu_count() or 1
    machine = busy / total * ncpu if total else 0.0
    app = (after["app"] - before["app"]) / CLK_TCK / wall
    postgres = (after["postgres"] - before["postgres"]) / CLK_TCK / wall
    loadgen = loadgen_seconds / wall
    bench_pg = backends.seconds / wall if backends is not None else postgres
    other = max(machine - app - bench_pg - loadgen, 0.0)
    return {
        "machine_cores": round(machine, 2),
        "app_cores": round(app, 2),
        "postgres_cores": round(bench_pg, 2),  # the bench database's backends
        "postgres_all_cores": round(postgres, 2),  # every PostgreSQL process (all databases, background)
        "loadgen_cores": round(loadgen, 3),
        "other_cores": round(other, 2),  # the rest: PG background processes, other work on the machine
    }


def background_load(seconds: float = 2.0) -> float:
    """Cores busy on this machine while the bench does nothing (other users of the machine)."""
    before = cpu_snapshot(set())
    time.sleep(seconds)
    after = cpu_snapshot(set())
    return cpu_delta(before, after, 0.0)["machine_cores"]


class Priority:
    """
    BENCH_PRIORITY=N (e.g. -10; root only; off by default): give the measured
    processes most of the CPU on a machine shared with other work, closer to a
    dedicated machine. Linux schedules by "autogroup" (one per session) and a
    process's nice only counts inside its group, so the harness sets nice N on
    the autogroups of gunicorn and of itself (wrk, pgbench), on PostgreSQL's
    autogroup for the duration of the run (restored at the end), and, inside
    it, on each backend serving the bench database (a watcher thread renices
    them as they appear). HTTP and baseline get the same treatment.
    """

    def __init__(self):
        value = os.environ.get("BENCH_PRIORITY", "").strip()
        self.nice = int(value) if value not in ("", "0") else None
        self._stop = None
        self._restore: list[tuple[Path, str]] = []

    @staticmethod
    def _autogroup_nice(pid: int | str, nice: int) -> str | None:
        """Set the nice of pid's autogroup; return the previous value (None if unsupported)."""
        path = Path(f"/proc/{pid}/autogroup")
        try:
            previous = path.read_text().split()[-1]
            path.write_text(str(nice))
            return previous
        except (OSError, IndexError):
            return None

    def apply_to_self(self) -> None:
        if self.nice is not None:
            os.setpriority(os.PRIO_PROCESS, 0, self.nice)

    def apply_to_server(self, pid: int) -> None:
        if self.nice is not None:
            self._autogroup_nice(pid, self.nice)

    def start(self, cfg: Config) -> None:
        if self.nice is None:
            return
        import threading

        self._autogroup_nice("self", self.nice)
        postmaster = postmaster_pid(cfg)
        if postmaster is None:
            log("BENCH_PRIORITY: cannot read postmaster.pid; PostgreSQL's autogroup left as it is")
        if postmaster:
            previous = self._autogroup_nice(postmaster, self.nice)
            if previous is not None:
                self._restore.append((postmaster, previous))
        self._stop = threading.Event()
        marker = f" {cfg.db_name} ".encode()

        def watch():
            done: set[int] = set()
            while not self._stop.is_set():
                for pid, (comm, _, _, _) in _proc_stats().items():
                    if comm != "postgres" or pid in done:
                        continue
                    try:
                        if marker in Path(f"/proc/{pid}/cmdline").read_bytes():
                            os.setpriority(os.PRIO_PROCESS, pid, self.nice)
                            done.add(pid)
                    except OSError:
                        pass
                self._stop.wait(0.2)

        threading.Thread(target=watch, daemon=True).start()
        log(f"BENCH_PRIORITY: the bench's processes and the {cfg.db_name} backends run at nice {self.nice}")

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        for pid, previous in self._restore:
            self._autogroup_nice(pid, int(previous))
        self._restore = []


PRIORITY = Priority()


def wait_for_quiet(cfg: Config) -> float:
    """Wait (up to BENCH_WAIT_QUIET seconds) until other work leaves the machine nearly idle."""
    deadline = time.monotonic() + cfg.wait_quiet
    busy = background_load()
    while busy > QUIET_CORES and time.monotonic() < deadline:
        log(f"machine busy with other work ({busy:.2f} cores): waiting for it to calm down")
        time.sleep(3)
        busy = background_load()
    log(f"background load before the run: {busy:.2f} cores busy")
    if busy > QUIET_CORES:
        log("!!! the machine is busy with other work: the figures will be lower and noisier")
    return busy


def run_child(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[int, str, str, float]:
    """Run a load generator; return (exit code, stdout, stderr, its CPU seconds from wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err, text=True,
                                preexec_fn=PRIORITY.apply_to_self)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), usage.ru_utime + usage.ru_stime


# --- the app server ---------------------------------------------------------------------


class Server:
    def __init__(self, cfg: Config, log_path: Path, **env):
        self.cfg = cfg
        self.log_path = log_path
        self.env = cfg.app_env(**env)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.cfg.port)) == 0:
                raise BenchFailure(f"port {self.cfg.port} is taken: set BENCH_PORT")
        self.log_file = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(BENCH / "gunicorn.conf.py"), "loyalty.wsgi:application"],
            cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=PRIORITY.apply_to_self,
        )
        PRIORITY.apply_to_server(self.proc.pid)  # its own session: its own autogroup
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchFailure(f"gunicorn exited ({self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.cfg.base_url}/healthz", timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.cfg.workers:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchFailure(f"gunicorn did not answer /healthz in 60 s; see {self.log_path}")

    def worker_pids(self) -> set[int]:
        if self.proc is None:
            return set()
        return {pid for pid, (_, ppid, _, _) in _proc_stats().items() if ppid == self.proc.pid}

    def pids(self) -> set[int]:
        return self.worker_pids() | ({self.proc.pid} if self.proc else set())

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # graceful: workers run worker_exit
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # our own process group only
            self.proc.wait()
        self.log_file.close()


# --- load runs ---------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)



def run_pairs(cfg: Config, server: Server, ids_lua: Path, tmp: Path) -> list[dict]:
    """
    Issue 18's ratio, uniform redemptions at 32 clients against the DRF read
    with key auth: BENCH_PAIRS pairs of short runs, the read then the
    redemptions, one pair after the other. This machine's speed drifts by
    20-50% over minutes (a VM on a shared host: /healthz alone gave 1,700 to
    3,100 req/s on one afternoon), and two runs minutes apart carry that
    drift into their ratio; the two runs of a pair see nearly the same
    machine. The report gives each pair's ratio and their median.
    """
    pairs = []
    for number in range(1, cfg.pairs + 1):
        vacuum_hot_tables(cfg)
        read = run_http(cfg, server, ids_lua, tmp, "drf_get", 32, cfg.pair_seconds, label=f"pair {number} drf_get")
        redeem = run_http(cfg, server, ids_lua, tmp, "uniform", 32, cfg.pair_seconds, label=f"pair {number} uniform")
        pair_ratio = redeem["rps"] / read["rps"] if read["rps"] else 0.0
        log(f"pair {number}: uniform c=32 {redeem['rps']:.1f}/s, DRF read c=32 {read['rps']:.1f}/s: "
            f"{100 * pair_ratio:.1f}%")
        pairs.append({"read": read, "uniform": redeem, "ratio": round(pair_ratio, 4)})
    return pairs

def run_http(cfg: Config, server: Server, ids_lua: Path, tmp: Path, scenario: str, clients: int, duration: int,
             label: str | None = None) -> dict:
    out = tmp / f"wrk-{scenario}-{clients}-{uuid.uuid4().hex[:6]}.json"
    env = dict(os.environ, BENCH_IDS=str(ids_lua), BENCH_SCENARIO=scenario,
               BENCH_RUN=f"b{uuid.uuid4().hex[:10]}", BENCH_OUT=str(out))
    cmd = ["wrk", "-t", "1", "-c", str(clients), "-d", f"{duration}s", "--timeout", "10s",
           "-s", str(BENCH / "redeem.lua"), cfg.base_url]
    app_pids = server.pids()
    with BackendCpu(cfg) as backends:
        before = cpu_snapshot(app_pids)
        code, stdout, stderr, cpu_seconds = run_child(cmd, env=env)
        after = cpu_snapshot(app_pids)
    if code != 0 or not out.exists():
        raise BenchFailure(f"wrk failed ({code}): {stderr or stdout}")
    data = json.loads(out.read_text())
    seconds = data["duration_us"] / 1e6
    statuses = data["statuses"]
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    lat = data["latency_us"]
    errors = dict(data["codes"])
    socket_errors = {k: v for k, v in data["socket_errors"].items() if v}
    for kind, count in socket_errors.items():
        errors[f"socket {kind}"] = count
    return {
        "kind": "http",
        "label": label or scenario,
        "scenario": scenario,
        "clients": clients,
        "seconds": round(seconds, 2),
        "requests": data["requests"],
        "ok": ok,
        "rps": round(ok / seconds, 1),
        "p50_ms": round(lat["p50"] / 1000, 2),
        "p95_ms": round(lat["p95"] / 1000, 2),
        "p99_ms": round(lat["p99"] / 1000, 2),
        "max_ms": round(lat["max"] / 1000, 2),
        "statuses": statuses,
        "errors": errors,
        "cpu": cpu_delta(before, after, cpu_seconds, backends),
    }


def run_pgbench(cfg: Config, server: Server | None, tmp: Path, scenario: str, clients: int, duration: int) -> dict:
    logdir = tmp / f"pgbench-{scenario}-{clients}-{uuid.uuid4().hex[:6]}"
    logdir.mkdir()
    cmd = ["pgbench", "-h", cfg.db_host, "-p", cfg.db_port, "-U", cfg.db_user, "-n",
           "-f", str(BENCH / f"pgbench_{scenario}.sql"), "-c", str(clients), "-j", str(clients),
           "-T", str(duration), "-l", "--log-prefix", str(logdir / "tx"), cfg.db_name]
    app_pids = server.pids() if server else set()
    with BackendCpu(cfg) as backends:
        before = cpu_snapshot(app_pids)
        code, stdout, stderr, cpu_seconds = run_child(cmd, cwd=logdir)
        after = cpu_snapshot(app_pids)
    latencies: list[float] = []
    failed = 0
    for path in logdir.glob("tx*"):
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3:
                if parts[2].isdigit():
                    latencies.append(int(parts[2]) / 1000)
                else:
                    failed += 1
    latencies.sort()
    match = re.search(r"number of transactions actually processed: (\d+)", stdout)
    processed = int(match.group(1)) if match else len(latencies)
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", stdout)
    tps = float(match.group(1)) if match else 0.0
    errors: dict[str, int] = {}
    for message in re.findall(r"ERROR:\s+(.+)", stderr):
        key = "sql " + message.strip()[:80]
        errors[key] = errors.get(key, 0) + 1
    if failed:
        errors["failed transactions"] = failed
    if code != 0:
        errors[f"pgbench exit {code}"] = 1
    return {
        "kind": "baseline",
        "label": scenario,
        "scenario": scenario,
        "clients": clients,
        "seconds": duration,
        "requests": processed,
        "ok": processed,
        "rps": round(tps, 1),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(latencies[-1], 2) if latencies else 0.0,
        "errors": errors,
        "cpu": cpu_delta(before, after, cpu_seconds, backends),
        "aborted": code != 0,
        "stderr_tail": stderr.strip().splitlines()[-3:] if code != 0 else [],
    }


def cpu_ms(run: dict) -> str:
    """CPU milliseconds per answered request: app / PostgreSQL (bench backends)."""
    rps = run["rps"] or 1
    return f"{1000 * run['cpu']['app_cores'] / rps:.1f} / {1000 * run['cpu']['postgres_cores'] / rps:.2f}"


def describe(run: dict) -> str:
    errors = ", ".join(f"{k}: {v}" for k, v in run["errors"].items()) or "no errors"
    cpu = run["cpu"]
    return (
        f"{run['kind']:8} {run['label']:16} c={run['clients']:<3} {run['rps']:8.1f}/s  "
        f"p50 {run['p50_ms']:7.2f}  p95 {run['p95_ms']:7.2f}  p99 {run['p99_ms']:7.2f} ms  [{errors}]  "
        f"cpu: app {cpu['app_cores']:.2f} pg {cpu['postgres_cores']:.2f} "
        f"loadgen {cpu['loadgen_cores']:.3f} other {cpu['other_cores']:.2f}"
    )


# --- reconcile -----------------------------------------------------------------------------


def reconcile_available() -> bool:
    return any(ROOT.glob("*/management/commands/reconcile.py"))


def run_reconcile(cfg: Config, label: str) -> dict:
    if not reconcile_available():
        log(f"!!! reconcile ({label}): manage.py reconcile is NOT AVAILABLE; the ledger is NOT verified")
        return {"label": label, "status": "unavailable"}
    lines = ledger_lines(cfg)
    psql_file(cfg, BENCH / "backfill_events.sql")  # the events of the rows written without the services
    started = time.perf_counter()
    result = manage(cfg, "reconcile", "--skip-checks", check=False)
    seconds = time.perf_counter() - started
    entry = {"label": label, "lines": lines, "seconds": round(seconds, 2), "exit": result.returncode}
    if result.returncode == 0:
        entry["status"] = "ok"
        log(f"reconcile ({label}): OK on {lines:,} journal lines in {seconds:.1f} s")
        return entry
    entry["status"] = "DISCREPANCY" if result.returncode == 1 else "ERROR"
    entry["output"] = (result.stdout + result.stderr)[-4000:]
    log(f"!!! reconcile ({label}): {entry['status']} (exit {result.returncode})\n{entry['output']}")
    raise BenchFailure(f"reconcile {entry['status']} after {label}", entry)


def time_reconcile_1m(cfg: Config) -> dict:
    """
    Time reconcile on the grown ledger with bench/reconcile_1m.py (the
    reconcile helper's benchmark) pointed at the bench database: it reuses
    the lines already there and times ``manage.py reconcile --format json``
    end to end. Falls back to timing ``manage.py reconcile`` directly.
    """
    helper = BENCH / "reconcile_1m.py"
    label = f"ledger grown to {cfg.ledger_lines:,} lines"
    if not helper.exists() or not reconcile_available():
        return run_reconcile(cfg, label)
    lines = ledger_lines(cfg)
    started = time.perf_counter()
    result = subprocess.run([PYTHON, str(helper), "--database-url", cfg.db_url, "--runs", "1"], cwd=ROOT,
                            env=cfg.app_env(), capture_output=True, text=True, preexec_fn=PRIORITY.apply_to_self)
    wall = time.perf_counter() - started
    match = re.search(r"\s([\d.]+) s, ok=(True|False) \((.*)\)$", result.stdout, re.M)
    entry = {"label": label, "lines": lines, "helper": "bench/reconcile_1m.py --runs 1", "exit": result.returncode,
             "seconds": float(match.group(1)) if match else round(wall, 2), "per_check": match.group(3) if match else ""}
    if result.returncode == 0 and match and match.group(2) == "True":
        entry["status"] = "ok"
        log(f"reconcile ({label}, bench/reconcile_1m.py): OK on {lines:,} journal lines in {entry['seconds']:.1f} s "
            f"({entry['per_check']})")
        return entry
    entry["status"] = "DISCREPANCY" if result.returncode == 1 else "ERROR"
    entry["output"] = (result.stdout + result.stderr)[-4000:]
    log(f"!!! reconcile ({label}): {entry['status']} (exit {result.returncode})\n{entry['output']}")
    raise BenchFailure(f"reconcile {entry['status']} after {label}", entry)


# --- the run ---------------------------------------------------------------------------------


def write_ids_lua(ids: dict, path: Path) -> None:
    def lua_list(values):
        return "{" + ",".join(f'"{v}"' for v in values) + "}"

    path.write_text(
        f'return {{program="{ids["program_id"]}", key="{ids["api_key"]}", '
        f'participants={lua_list(ids["participants"])}, rewards={lua_list(ids["rewards"])}}}\n'
    )


def prepare(cfg: Config, tmp: Path) -> tuple[dict, Path]:
    log(f"database {cfg.db_name}: drop, create, migrate")
    db_reset(cfg)
    ids_path = tmp / "ids.json"
    result = subprocess.run([PYTHON, str(BENCH / "setup_data.py"), str(ids_path)], cwd=ROOT, env=cfg.app_env(),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchFailure(f"setup_data.py failed:\n{result.stdout}\n{result.stderr}")
    log(result.stdout.strip())
    psql_file(cfg, BENCH / "baseline.sql")
    cfg.postmaster = postmaster_pid(cfg)
    ids = json.loads(ids_path.read_text())
    ids_lua = tmp / "ids.lua"
    write_ids_lua(ids, ids_lua)
    return ids, ids_lua


def count_statements(cfg: Config, ids_path: Path, tmp: Path) -> dict:
    out = tmp / "statements.json"
    result = subprocess.run([PYTHON, str(BENCH / "count_statements.py"), str(ids_path), str(out)], cwd=ROOT,
                            env=cfg.app_env(), capture_output=True, text=True)
    if result.returncode != 0 or not out.exists():
        log(f"!!! could not count statements:\n{result.stdout}\n{result.stderr[-2000:]}")
        return {}
    print(result.stdout.rstrip(), flush=True)
    return json.loads(out.read_text())


def bench(cfg: Config) -> int:
    tools = ensure_tools()
    timestamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    report: dict = {"timestamp": timestamp, "config": cfg.as_dict(), "tools": tools, "runs": [], "reconcile": []}
    report["background_cores_before"] = wait_for_quiet(cfg)
    PRIORITY.start(cfg)
    server = None
    exit_code = 0
    with tempfile.TemporaryDirectory(prefix="loyalty-bench-") as tmpname:
        tmp = Path(tmpname)
        try:
            ids, ids_lua = prepare(cfg, tmp)
            report["machine"] = machine_info(cfg)
            report["setup"] = {"setup_seconds": ids["seconds"], "journal_lines": ids["journal_lines"],
                               "participants": len(ids["participants"]) - 1, "rewards": len(ids["rewards"]) - 1}
            report["statements"] = count_statements(cfg, tmp / "ids.json", tmp)
            program_before = program_rows_state(cfg)

            server = Server(cfg, tmp / "gunicorn.log")
            server.start()
            log(f"gunicorn up: {cfg.workers} {cfg.worker_class} worker(s) x {cfg.threads} thread(s) on {cfg.base_url}")
            run_http(cfg, server, ids_lua, tmp, "uniform", 8, cfg.warmup)  # warm-up: connections, caches
            vacuum_hot_tables(cfg)

            healthz = run_http(cfg, server, ids_lua, tmp, "healthz", 32, cfg.duration)
            report["runs"].append(healthz)
            log(describe(healthz))
            drf = run_http(cfg, server, ids_lua, tmp, "drf_get", 32, max(cfg.duration // 2, 3))
            report["runs"].append(drf)
            log(describe(drf))
            if "uniform" in cfg.scenarios and 32 in cfg.clients:
                report["pairs"] = run_pairs(cfg, server, ids_lua, tmp)

            for scenario in cfg.scenarios:
                for clients in cfg.clients:
                    vacuum_hot_tables(cfg)
                    lines = ledger_lines(cfg) if (scenario, clients) == (cfg.scenarios[0], cfg.clients[0]) else None
                    run = run_http(cfg, server, ids_lua, tmp, scenario, clients, cfg.duration)
                    if lines is not None:
                        run["journal_lines"] = lines
                    report["runs"].append(run)
                    log(describe(run))
                report["reconcile"].append(run_reconcile(cfg, f"HTTP {scenario}"))
                if scenario in cfg.baseline_scenarios:
                    for clients in cfg.clients:
                        vacuum_hot_tables(cfg)
                        run = run_pgbench(cfg, server, tmp, scenario, clients, cfg.duration)
                        report["runs"].append(run)
                        log(describe(run))
                        if run["aborted"]:
                            raise BenchFailure(f"pgbench aborted: {run['stderr_tail']}")
                    report["reconcile"].append(run_reconcile(cfg, f"baseline {scenario}"))

            report["program_rows"] = {"before": program_before, "after": program_rows_state(cfg)}

            # Ledger size: the 1-client uniform latency again with the ledger grown.
            small = next((r for r in report["runs"] if r["kind"] == "http" and r["scenario"] == "uniform"
                          and r["clients"] == 1), None)
            if small is not None:
                lines_now = ledger_lines(cfg)
                log(f"growing the ledger from {lines_now:,} to {cfg.ledger_lines:,} journal lines")
                started = time.perf_counter()
                psql_file(cfg, BENCH / "grow_ledger.sql", target=cfg.ledger_lines)
                grow_seconds = time.perf_counter() - started
                vacuum_hot_tables(cfg)
                big_lines = ledger_lines(cfg)
                log(f"ledger grown to {big_lines:,} lines in {grow_seconds:.1f} s")
                big = run_http(cfg, server, ids_lua, tmp, "uniform", 1, cfg.duration, label="uniform (big ledger)")
                big["journal_lines"] = big_lines
                report["runs"].append(big)
                log(describe(big))
                report["ledger_size"] = {
                    "small_lines": small.get("journal_lines"), "small_p50_ms": small["p50_ms"],
                    "small_p99_ms": small["p99_ms"], "big_lines": big_lines, "big_p50_ms": big["p50_ms"],
                    "big_p99_ms": big["p99_ms"], "grow_seconds": round(grow_seconds, 1),
                    "small_other_cores": small["cpu"]["other_cores"], "big_other_cores": big["cpu"]["other_cores"],
                    "small_cpu_ms": cpu_ms(small), "big_cpu_ms": cpu_ms(big),
                }
                server.stop()
                report["reconcile_big"] = time_reconcile_1m(cfg)
                report["reconcile"].append(report["reconcile_big"])
        except BenchFailure as failure:
            report["failure"] = str(failure.args[0])
            if len(failure.args) > 1:
                report["reconcile"].append(failure.args[1])
            log(f"!!! BENCH FAILED: {failure.args[0]}")
            exit_code = 1
        finally:
            PRIORITY.stop()
            if server is not None:
                server.stop()
                log_text = (tmp / "gunicorn.log").read_text() if (tmp / "gunicorn.log").exists() else ""
                errors = [line for line in log_text.splitlines() if "Traceback" in line or "ERROR" in line]
                report["gunicorn_log_errors"] = errors[:20]
    report["elapsed_s"] = round(time.monotonic() - STARTED, 1)
    from report import render_markdown, render_table, targets  # bench/report.py

    report["targets"] = targets(report)
    table = render_table(report)
    print()
    print(table)
    markdown = render_markdown(report)
    (RESULTS / f"{timestamp}.json").write_text(json.dumps(report, indent=2))
    (RESULTS / f"{timestamp}.md").write_text(markdown)
    log(f"written bench/results/{timestamp}.json and .md")
    if not cfg.quick and exit_code == 0 and set(cfg.scenarios) == set(SCENARIOS):
        DOCS.parent.mkdir(exist_ok=True)
        previous = DOCS.read_text() if DOCS.exists() else ""
        notes = previous[previous.index(NOTES_MARKER):] if NOTES_MARKER in previous else ""
        DOCS.write_text(markdown + ("\n" + notes if notes else ""))
        log("written docs/benchmarks.md")
    if report["elapsed_s"] > 15 * 60:
        log(f"!!! the bench took {report['elapsed_s'] / 60:.1f} min: over the 15-minute budget")
    return exit_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", action="store_true", help="profile one uniform 32-client run instead")
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    try:
        cfg = Config(profile=args.profile)
        if args.profile:
            from profile_run import profile  # bench/profile_run.py

            return profile(cfg)
        return bench(cfg)
    except BenchFailure as failure:
        log(f"!!! BENCH FAILED: {failure.args[0]}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
