"""
``python bench/run.py --profile``: where the time of a catalog redemption goes.

On a fresh bench database (same data as ``make bench``):

A. server-side statement durations: ``log_min_duration_statement = 0`` on the
   bench database only, one client for a few seconds; the PostgreSQL log's
   ``duration:`` lines give what each statement costs inside the server;
B. under load (uniform, 32 clients): py-spy samples the gunicorn workers
   (Python CPU by layer), the workers time each SQL statement client-side
   (bench/gunicorn.conf.py, BENCH_SQL_PROFILE) and pg_stat_activity is sampled
   every 50 ms (what the bench's backends wait on).

Writes bench/results/profile-<timestamp>.md and .json. Needs py-spy in the
venv (``.venv/bin/pip install py-spy==0.4.1``).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from run import (  # bench/run.py
    PRIORITY,
    RESULTS,
    VENV_BIN,
    BenchFailure,
    Config,
    Server,
    db_connect,
    log,
    prepare,
    run_http,
    vacuum_hot_tables,
)
from sql_kind import statement_kind  # bench/sql_kind.py

PG_LOG = Path("/var/log/postgresql/postgresql-15-main.log")
# "statement: ..." (simple protocol) or "parse|bind|execute <name>: ..." (extended protocol: the
# app binds server-side; each statement's parse/bind/execute times add up, its execute counts it).
DURATION_LINE = re.compile(
    r"\[(\d+)\] \S+@(\S+) LOG:\s+duration: ([\d.]+) ms\s+(statement|parse|bind|execute)[^:]*: (.*)"
)
LITERALS = re.compile(r"'(?:[^']|'')*'(::\w+)?|\b\d+(\.\d+)?\b")


def _normalize(sql: str) -> str:
    return statement_kind(LITERALS.sub("?", sql))


def server_statement_times(cfg: Config, ids_lua: Path, tmp: Path) -> dict:
    """Phase A: per-statement durations inside PostgreSQL at 1 client."""
    if not PG_LOG.exists():
        return {"unavailable": f"{PG_LOG} not found"}
    with db_connect(cfg) as conn:
        conn.execute(f'ALTER DATABASE "{cfg.db_name}" SET log_min_duration_statement = 0')
    server = Server(cfg, tmp / "gunicorn-a.log")
    try:
        server.start()
        run_http(cfg, server, ids_lua, tmp, "uniform", 1, 2)  # connections + caches
        offset = PG_LOG.stat().st_size
        run = run_http(cfg, server, ids_lua, tmp, "uniform", 1, 5)
        time.sleep(0.5)
        with PG_LOG.open("rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
    finally:
        server.stop()
        with db_connect(cfg) as conn:
            conn.execute(f'ALTER DATABASE "{cfg.db_name}" RESET log_min_duration_statement')
    totals: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])
    for match in DURATION_LINE.finditer(text):
        if match.group(2) != cfg.db_name:
            continue
        key = _normalize(match.group(5))
        totals[key][0] += match.group(4) in ("statement", "execute")
        totals[key][1] += float(match.group(3))
    requests = run["ok"] or 1
    statements = sorted(
        ({"statement": k, "per_request": c / requests, "mean_ms": s / c, "ms_per_request": s / requests}
         for k, (c, s) in totals.items()),
        key=lambda row: -row["ms_per_request"],
    )
    return {
        "requests": run["ok"],
        "request_p50_ms": run["p50_ms"],
        "server_ms_per_request": sum(r["ms_per_request"] for r in statements),
        "statements_per_request": sum(r["per_request"] for r in statements),
        "statements": statements,
    }


def sample_activity(cfg: Config, stop: threading.Event, samples: collections.Counter) -> None:
    with db_connect(cfg) as conn:
        while not stop.is_set():
            rows = conn.execute(
                "SELECT state, coalesce(wait_event_type, '-'), coalesce(wait_event, '-') FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                (cfg.db_name,),
            ).fetchall()
            for state, wait_type, wait_event in rows:
                if state == "idle":
                    continue
                samples[f"{state}: {wait_type}/{wait_event}"] += 1
            samples["_samples"] += 1
            time.sleep(0.05)


# py-spy: a sample belongs to the first (innermost-first) rule its stack matches.
CATEGORIES = [
    ("waiting on PostgreSQL (psycopg wait/send)", ("psycopg/connection.py:wait", "psycopg/client_cursor.py:_execute_send", "psycopg/_connection_base.py:_exec_command", "psycopg/waiting.py")),
    ("psycopg (adapting parameters, parsing rows)", ("psycopg/",)),
    ("ORM: building and compiling SQL", ("django/db/models/sql/", "django/db/models/expressions.py", "django/db/models/lookups.py", "django/db/models/query_utils.py")),
    ("ORM: querysets, model instances, save()", ("django/db/",)),
    ("DRF serializers and fields", ("rest_framework/serializers.py", "rest_framework/fields.py", "rest_framework/utils/")),
    ("JSON rendering/parsing", ("rest_framework/renderers.py", "rest_framework/parsers.py", "json/")),
    ("DRF request/response machinery", ("rest_framework/",)),
    ("Django request handling and middleware", ("django/core/handlers/", "django/middleware/", "django/utils/", "django/http/", "django/urls/", "whitenoise/", "django/contrib/")),
    ("gunicorn (HTTP parsing, sockets)", ("gunicorn/",)),
]
# Inclusive: share of samples under these frames (a sample counts in every frame on its stack).
LAYERS = [
    ("authentication (X-API-Key lookup)", "authenticate", "loyalty/auth.py"),
    ("rate limit (throttle)", "check_throttles", "rest_framework/views.py"),
    ("request.data (JSON parsing)", "data", "rest_framework/request.py"),
    ("input serializer (is_valid)", "is_valid", "rest_framework/serializers.py"),
    ("service: redemption_create_catalog", "redemption_create_catalog", "rewards/services/"),
    ("  service: journal_entry_post", "journal_entry_post", "ledger/services.py"),
    ("output serializer (.data)", "data", "rest_framework/serializers.py"),
    ("JSON renderer", "render", "rest_framework/renderers.py"),
    ("connection health check (is_usable)", "is_usable", "django/db/backends/"),
    ("request log line (logging)", "info", "logging/"),
]


def _frame_key(frame: str) -> tuple[str, str]:
    match = re.match(r"(.*) \((.*):\d+\)$", frame)
    if not match:
        return frame, ""
    path = match.group(2).split("site-packages/")[-1]
    path = re.sub(r"^.*/lib/python3\.\d+/", "", path)
    path = re.sub(r"^/work/\w+/", "", path)
    return match.group(1), path


def analyze_pyspy(raw: Path, project_dirs: tuple[str, ...]) -> dict:
    categories: collections.Counter = collections.Counter()
    layers: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_frame_key(f) for f in stack.split(";")]
        if not any("handle_request" == name for name, _ in frames):
            continue  # a worker waiting for a connection, the master
        total += n
        chosen = "our code (loyalty, ledger, participants, rewards)"
        for name, path in reversed(frames):
            key = f"{path}:{name}"
            hit = next((title for title, needles in CATEGORIES if any(needle in key for needle in needles)), None)
            if hit:
                chosen = hit
                break
            if path.startswith(project_dirs):
                break
        categories[chosen] += n
        keys = {f"{name} ({path})" for name, path in frames}
        for title, function, where in LAYERS:
            if any(name == function and where in path for name, path in frames):
                layers[title] += n
        for key in keys:
            inclusive[key] += n
    if not total:
        return {"samples": 0}
    ours = [(k, v) for k, v in inclusive.most_common() if k.split("(")[-1].startswith(project_dirs)]
    return {
        "samples": total,
        "categories": [(k, round(100 * v / total, 1)) for k, v in categories.most_common()],
        "layers": [(title, round(100 * layers[title] / total, 1)) for title, _, _ in LAYERS],
        "our_frames": [(k, round(100 * v / total, 1)) for k, v in ours[:25]],
    }


def aggregate_sql_profiles(directory: Path) -> dict:
    statements: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])
    totals = collections.Counter()
    for path in directory.glob("sql-*.json"):
        data = json.loads(path.read_text())
        row = data["by_path"].get("redemption")
        if row:
            totals["requests"] += row[0]
            totals["statements"] += row[1]
            totals["request_s"] += row[2]
            totals["sql_s"] += row[3]
        for sql, (count, seconds) in data["statements"].items():
            key = _normalize(sql)
            statements[key][0] += count
            statements[key][1] += seconds
    n = totals["requests"] or 1
    return {
        "requests": totals["requests"],
        "request_ms": 1000 * totals["request_s"] / n,
        "sql_ms": 1000 * totals["sql_s"] / n,
        "statements_per_request": totals["statements"] / n,
        "statements": sorted(
            ({"statement": k, "per_request": c / n, "mean_ms": 1000 * s / c, "ms_per_request": 1000 * s / n}
             for k, (c, s) in statements.items()),
            key=lambda row: -row["ms_per_request"],
        ),
    }


def profile(cfg: Config) -> int:
    pyspy = VENV_BIN / "py-spy"
    if not pyspy.exists():
        raise BenchFailure("py-spy is missing: .venv/bin/pip install py-spy==0.4.1")
    timestamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    duration = max(cfg.duration, 10)
    clients = 32
    result: dict = {"timestamp": timestamp, "config": cfg.as_dict()}
    with tempfile.TemporaryDirectory(prefix="loyalty-profile-") as tmpname:
        tmp = Path(tmpname)
        ids, ids_lua = prepare(cfg, tmp)
        PRIORITY.start(cfg)
        log("phase A: server-side statement durations, 1 client")
        result["server"] = server_statement_times(cfg, ids_lua, tmp)
        vacuum_hot_tables(cfg)

        log(f"phase B: uniform, {clients} clients, {duration} s: py-spy + client-side SQL timings + pg_stat_activity")
        sql_dir = tmp / "sql"
        sql_dir.mkdir()
        server = Server(cfg, tmp / "gunicorn-b.log", BENCH_SQL_PROFILE=str(sql_dir))
        server.start()
        try:
            run_http(cfg, server, ids_lua, tmp, "uniform", 8, 3)  # warm-up
            for stale in sql_dir.glob("*"):
                stale.unlink()
            raw = tmp / "pyspy.txt"
            spy = subprocess.Popen(
                [str(pyspy), "record", "--subprocesses", "--nonblocking", "--gil", "-p", str(server.proc.pid),
                 "-d", str(duration - 2), "-r", "97", "-f", "raw", "-o", str(raw)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )
            activity: collections.Counter = collections.Counter()
            stop = threading.Event()
            sampler = threading.Thread(target=sample_activity, args=(cfg, stop, activity))
            sampler.start()
            run = run_http(cfg, server, ids_lua, tmp, "uniform", clients, duration)
            stop.set()
            sampler.join()
            spy.wait(timeout=60)
            result["run"] = run
        finally:
            server.stop()  # workers write their SQL profiles on exit
            PRIORITY.stop()
        result["sql_client"] = aggregate_sql_profiles(sql_dir)
        n = activity.pop("_samples", 1)
        result["pg_activity"] = [(k, round(v / n, 2)) for k, v in activity.most_common(12)]
        result["pyspy"] = analyze_pyspy(raw, ("loyalty/", "ledger/", "participants/", "rewards/")) if raw.exists() else {
            "error": spy.stderr.read() if spy.stderr else "no output"}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"profile-{timestamp}.json").write_text(json.dumps(result, indent=2))
    markdown = render(result)
    (RESULTS / f"profile-{timestamp}.md").write_text(markdown)
    print(markdown)
    log(f"written bench/results/profile-{timestamp}.json and .md")
    return 0


def render(result: dict) -> str:
    run = result.get("run", {})
    cpu = run.get("cpu", {})
    rps = run.get("rps") or 1
    lines = [f"# Profile of a catalog redemption ({result['timestamp']})", ""]
    if run:
        lines += [
            f"Uniform, 32 clients: {run['rps']:.0f} req/s (with py-spy attached), p50 {run['p50_ms']:.1f} ms, "
            f"p99 {run['p99_ms']:.1f} ms. CPU: gunicorn workers {cpu['app_cores']:.2f} cores = "
            f"**{1000 * cpu['app_cores'] / rps:.1f} ms of Python CPU per redemption**; PostgreSQL "
            f"{cpu['postgres_cores']:.2f} cores = {1000 * cpu['postgres_cores'] / rps:.2f} ms per redemption; "
            f"wrk {cpu['loadgen_cores']:.3f}; other work on the machine {cpu['other_cores']:.2f} cores.",
            "",
        ]
    client = result.get("sql_client", {})
    if client.get("requests"):
        lines += [
            "## Client-side (in the worker, round trip included)",
            "",
            f"{client['requests']} redemptions: {client['request_ms']:.1f} ms per request in the WSGI app, of which "
            f"{client['sql_ms']:.1f} ms in {client['statements_per_request']:.1f} cursor statements "
            "(BEGIN/COMMIT are sent by psycopg outside the cursor and not in this count; under load this includes "
            "waiting for the CPU).",
            "",
            "| statement | per request | mean ms | ms per request |",
            "|---|---|---|---|",
        ]
        lines += [f"| {r['statement']} | {r['per_request']:.2f} | {r['mean_ms']:.2f} | {r['ms_per_request']:.2f} |"
                  for r in client["statements"][:20]]
        lines.append("")
    server = result.get("server", {})
    if server.get("statements"):
        lines += [
            "## Server-side (PostgreSQL log, 1 client)",
            "",
            f"{server['requests']} redemptions at 1 client (p50 {server['request_p50_ms']:.1f} ms): "
            f"{server['statements_per_request']:.1f} statements, **{server['server_ms_per_request']:.2f} ms inside "
            "PostgreSQL per redemption** (COMMIT includes the deferred ledger checks and the WAL flush).",
            "",
            "| statement | per request | mean ms | ms per request |",
            "|---|---|---|---|",
        ]
        lines += [f"| {r['statement']} | {r['per_request']:.2f} | {r['mean_ms']:.3f} | {r['ms_per_request']:.3f} |"
                  for r in server["statements"][:20]]
        lines.append("")
    spy = result.get("pyspy", {})
    if spy.get("samples"):
        lines += ["## py-spy: where the workers' active time goes", "",
                  f"{spy['samples']} samples of the workers' threads holding the GIL (running Python) while "
                  "handling requests (`py-spy record --gil`).", "",
                  "By category (each sample counted once, innermost library frame):", "",
                  "| category | share |", "|---|---|"]
        lines += [f"| {k} | {v}% |" for k, v in spy["categories"]]
        lines += ["", "By layer (inclusive):", "", "| layer | share |", "|---|---|"]
        lines += [f"| {k} | {v}% |" for k, v in spy["layers"]]
        lines += ["", "Our frames (inclusive):", "", "| frame | share |", "|---|---|"]
        lines += [f"| `{k}` | {v}% |" for k, v in spy["our_frames"]]
        lines.append("")
    if result.get("pg_activity"):
        lines += ["## pg_stat_activity (bench backends, sampled every 50 ms)", "",
                  "Average number of the bench's backends in each state:", "",
                  "| state: wait | backends |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in result["pg_activity"]]
        lines.append("")
    return "\n".join(lines)
