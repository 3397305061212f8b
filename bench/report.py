"""The benchmark's verdicts and tables (text for the terminal, Markdown for bench/results and docs)."""

from __future__ import annotations

import os

SCENARIO_TITLES = {
    "uniform": "uniform",
    "hot_reward": "hot reward",
    "hot_participant": "hot participant",
}


def find(report: dict, kind: str, scenario: str, clients: int) -> dict | None:
    for run in report.get("runs", []):
        if run["kind"] == kind and run["scenario"] == scenario and run["clients"] == clients and run["label"] == scenario:
            return run
    return None


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return a / b


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


NOISY_CORES = 0.25  # other work on the machine during a run above this: the run is marked *


def targets(report: dict) -> list[dict]:
    """Issues 7 and 18's targets, each with what was measured and whether it is met (None: not measured)."""
    out = []

    def add(name, measured, target, met):
        out.append({"name": name, "measured": measured, "target": target, "met": met})

    u32 = find(report, "http", "uniform", 32)
    b32 = find(report, "baseline", "uniform", 32)
    h32 = find(report, "http", "healthz", 32)
    r = ratio(u32 and u32["rps"], b32 and b32["rps"])
    add("uniform, 32 clients: HTTP / PL/pgSQL baseline", pct(r), ">= 10%", None if r is None else r >= 0.10)
    add("uniform, 32 clients: HTTP / PL/pgSQL baseline (issue 18)", pct(r), ">= 20%",
        None if r is None else r >= 0.20)
    r = ratio(u32 and u32["rps"], h32 and h32["rps"])
    add("uniform, 32 clients: HTTP / our /healthz", pct(r), ">= 30%", None if r is None else r >= 0.30)

    drf = find(report, "http", "drf_get", 32)
    r = ratio(u32 and u32["rps"], drf and drf["rps"])
    add("(for reference) uniform, 32 clients / a DRF read with key auth (GET /api/v1/programs/{id}), "
        "one run of each", pct(r), "-", None)
    pairs = report.get("pairs") or []
    if pairs:
        median = sorted(pair["ratio"] for pair in pairs)[len(pairs) // 2]
        each = ", ".join(pct(pair["ratio"]) for pair in pairs)
        add(f"uniform, 32 clients / a DRF read with key auth, median of {len(pairs)} alternated pairs (issue 18)",
            f"{pct(median)} (pairs: {each})", ">= 40%", median >= 0.40)

    u1 = find(report, "http", "uniform", 1)
    add("uniform, 1 client: p50 latency", f"{u1['p50_ms']:.2f} ms" if u1 else "n/a", "< 10 ms",
        None if u1 is None else u1["p50_ms"] < 10)
    if u32:
        tail = u32["p99_ms"] / u32["p50_ms"] if u32["p50_ms"] else None
        add("uniform, 32 clients: p99 / p50", f"{tail:.2f}x ({u32['p99_ms']:.1f} / {u32['p50_ms']:.1f} ms)",
            "<= 3x", None if tail is None else tail <= 3)

    hr32 = find(report, "http", "hot_reward", 32)
    hr64 = find(report, "http", "hot_reward", 64)
    r = ratio(hr32 and hr32["rps"], u32 and u32["rps"])
    add("hot reward, 32 clients / uniform, 32 clients", pct(r), ">= 50%", None if r is None else r >= 0.5)
    r = ratio(hr64 and hr64["rps"], hr32 and hr32["rps"])
    add("hot reward, 64 clients / 32 clients (no collapse)", pct(r), ">= 95% (no worse, 5% noise)",
        None if r is None else r >= 0.95)

    rows = report.get("program_rows")
    if rows:
        before, after = rows["before"], rows["after"]
        same_accounts = before["program_accounts"] == after["program_accounts"] and all(
            balance is None for _, balance, _ in after["program_accounts"]
        )
        updates = after["program_updates"] - before["program_updates"]
        add("program-level rows updated by redemptions",
            f"{updates} program row updates; program accounts {'untouched' if same_accounts else 'CHANGED'}",
            "none", updates == 0 and same_accounts)

    statements = report.get("statements", {}).get("statements_per_redemption")
    add("SQL statements per catalog redemption (BEGIN/COMMIT incl.)",
        "n/a" if statements is None else str(statements), "<= 10",
        None if statements is None else statements <= 10)

    size = report.get("ledger_size")
    if size:
        r = ratio(size["big_p50_ms"], size["small_p50_ms"])
        noisy = max(size.get("small_other_cores", 0), size.get("big_other_cores", 0)) > NOISY_CORES
        add(f"1-client p50 at {size['big_lines']:,} vs {size['small_lines'] or 0:,} journal lines",
            f"{size['big_p50_ms']:.2f} vs {size['small_p50_ms']:.2f} ms ({pct(r)})"
            + (f"; other work on the machine {size.get('small_other_cores', 0):.2f} / "
               f"{size.get('big_other_cores', 0):.2f} cores: noisy" if noisy else ""),
            "<= 120%", None if r is None else r <= 1.2)
    big = report.get("reconcile_big")
    if big and big.get("status") in ("ok", "DISCREPANCY", "ERROR"):
        met = big["status"] == "ok" and big["seconds"] < 30
        add(f"reconcile on {big['lines']:,} journal lines", f"{big['seconds']:.1f} s ({big['status']})",
            "< 30 s and OK on >= 1,000,000 lines", met if big["lines"] >= 1_000_000 or not met else None)
    elif big:
        add("reconcile on 1M journal lines", "reconcile unavailable", "< 30 s", None)
    return out


def _errors(run: dict) -> str:
    if not run["errors"]:
        return "0"
    return "; ".join(f"{k}: {v}" for k, v in sorted(run["errors"].items()))


def _rps(run: dict) -> str:
    return f"{run['rps']:.0f}" + ("*" if run["cpu"]["other_cores"] > NOISY_CORES else "")


def _cpu_ms(http: dict | None, base: dict | None) -> str:
    """CPU milliseconds per redemption: HTTP app / HTTP PG (baseline PG)."""
    parts = []
    if http and http["rps"]:
        parts.append(f"{1000 * http['cpu']['app_cores'] / http['rps']:.1f} / {1000 * http['cpu']['postgres_cores'] / http['rps']:.2f}")
    if base and base["rps"]:
        parts.append(f"(baseline PG {1000 * base['cpu']['postgres_cores'] / base['rps']:.2f})")
    return " ".join(parts) or "-"


def rows(report: dict) -> list[list[str]]:
    config = report["config"]
    table = []
    for scenario in config["scenarios"]:
        for clients in config["clients"]:
            http = find(report, "http", scenario, clients)
            base = find(report, "baseline", scenario, clients)
            if http is None and base is None:
                continue
            r = ratio(http and http["rps"], base and base["rps"])
            table.append([
                SCENARIO_TITLES.get(scenario, scenario),
                str(clients),
                _rps(http) if http else "-",
                f"{http['p50_ms']:.1f} / {http['p95_ms']:.1f} / {http['p99_ms']:.1f}" if http else "-",
                _errors(http) if http else "-",
                _rps(base) if base else "-",
                f"{base['p50_ms']:.1f} / {base['p95_ms']:.1f} / {base['p99_ms']:.1f}" if base else "-",
                _errors(base) if base else "-",
                pct(r),
                f"{http['cpu']['loadgen_cores']:.3f}" if http else "-",
                (f"{http['cpu']['app_cores']:.2f} / {http['cpu']['postgres_cores']:.2f} / "
                 f"{http['cpu']['other_cores']:.2f}") if http else "-",
                _cpu_ms(http, base),
            ])
    return table


HEADERS = ["scenario", "clients", "HTTP req/s", "HTTP p50/p95/p99 ms", "HTTP errors", "baseline tx/s",
           "baseline p50/p95/p99 ms", "baseline errors", "HTTP / baseline", "wrk CPU (cores)",
           "app / PG / other CPU (cores)", "CPU ms per request (app / PG)"]


def render_table(report: dict) -> str:
    table = rows(report)
    widths = [max(len(h), *(len(r[i]) for r in table)) if table else len(h) for i, h in enumerate(HEADERS)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in table:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    lines.append(f"* = other work on the machine used more than {NOISY_CORES} cores during that run (noisy)")
    h = find(report, "http", "healthz", 32)
    if h:
        lines.append(f"GET /healthz, 32 clients: {h['rps']:.0f} req/s, p50/p95/p99 {h['p50_ms']:.1f} / "
                     f"{h['p95_ms']:.1f} / {h['p99_ms']:.1f} ms, errors {_errors(h)}")
    d = find(report, "http", "drf_get", 32)
    if d:
        lines.append(f"GET /api/v1/programs/{{id}} (DRF, key auth), 32 clients: {d['rps']:.0f} req/s, p50/p99 "
                     f"{d['p50_ms']:.1f} / {d['p99_ms']:.1f} ms, errors {_errors(d)}")
    lines.append("")
    lines.append("targets:")
    for t in report.get("targets", []):
        verdict = {True: "MET    ", False: "NOT MET", None: "n/a    "}[t["met"]]
        lines.append(f"  {verdict} {t['name']}: {t['measured']} (target {t['target']})")
    for entry in report.get("reconcile", []):
        if entry.get("status") != "ok":
            lines.append(f"  reconcile after {entry['label']}: {entry.get('status')}")
    if report.get("failure"):
        lines.append(f"FAILED: {report['failure']}")
    lines.append(f"elapsed: {report.get('elapsed_s', 0) / 60:.1f} min")
    return "\n".join(lines)


def _md_table(headers: list[str], body: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in body]
    return "\n".join(out)


def render_markdown(report: dict) -> str:
    m = report.get("machine", {})
    c = report["config"]
    g = c["gunicorn"]
    lines = [
        "# Benchmarks: catalog redemption next to the database's own limit",
        "",
        f"Produced by `make bench` (bench/run.py) on {report['timestamp']}"
        + (" in QUICK mode (not representative)" if c["quick"] else "")
        + f"; {c['duration_s']} s per run; the whole run took {report.get('elapsed_s', 0) / 60:.1f} min.",
        "How it works and how to read it: [bench/README.md](../bench/README.md).",
        "",
        "## Machine",
        "",
        f"- {m.get('nproc')} CPUs ({m.get('cpu_model', '')}), {m.get('memory_gib')} GiB memory, Linux {m.get('kernel')}",
        f"- {m.get('postgresql')}, settings as found: "
        + ", ".join(f"{k}={v}" for k, v in sorted(m.get("postgresql_settings", {}).items())),
        f"- Python {m.get('python')}; gunicorn {g['workers']} `{g['worker_class']}` workers x {g['threads']} thread(s), "
        f"persistent DB connections (DB_CONN_MAX_AGE=600), "
        f"DB_SERVER_SIDE_BINDING={os.environ.get('DB_SERVER_SIDE_BINDING', 'true (default)')}, "
        f"DB_PREPARE_THRESHOLD={os.environ.get('DB_PREPARE_THRESHOLD', '5 (default)')}, DEBUG off, LOG_LEVEL=WARNING",
        f"- load generator: {report['tools'].get('wrk')} (1 thread, Lua script), baseline: {report['tools'].get('pgbench')}",
        f"- API key scoped to {c['api_key_scope']} (as integrators' keys are); git commit {m.get('git_commit')}",
        f"- background load before the run (other work on the machine): "
        f"{report.get('background_cores_before', 0):.2f} cores busy"
        + (f"; the bench's processes (gunicorn, wrk, pgbench, the bench database's backends) ran at nice "
           f"{c['priority']} (BENCH_PRIORITY) to shield them from it" if c.get("priority") else ""),
        "",
        "## Results",
        "",
        "HTTP = `POST /api/v1/participants/{id}/redemptions/catalog` through gunicorn, each request with a new "
        "idempotency key; baseline = the same transaction as one PL/pgSQL function (bench/baseline.sql) driven by "
        "pgbench at the same client count. req/s counts 2xx answers only. CPU columns: cores used during the HTTP run "
        "by wrk, by the gunicorn workers, by the PostgreSQL backends of the bench database, and by everything else "
        "(PostgreSQL's WAL writer and checkpointer, other work on the machine); CPU ms per request = cores / req/s.",
        "",
        _md_table(HEADERS, rows(report)),
        "",
        f"\\* = other work on the machine used more than {NOISY_CORES} cores during that run (noisy figure).",
        "",
    ]
    h = find(report, "http", "healthz", 32)
    if h:
        lines += [f"`GET /healthz` (one `SELECT 1`, the framework ceiling), 32 clients: **{h['rps']:.0f} req/s**, "
                  f"p50/p95/p99 {h['p50_ms']:.1f} / {h['p95_ms']:.1f} / {h['p99_ms']:.1f} ms, errors {_errors(h)}; "
                  f"CPU app {h['cpu']['app_cores']:.2f}, PG {h['cpu']['postgres_cores']:.2f}, "
                  f"wrk {h['cpu']['loadgen_cores']:.3f} cores. /healthz is a plain Django view (no DRF, no auth).", ""]
    d = find(report, "http", "drf_get", 32)
    if d:
        lines += [f"For reference, `GET /api/v1/programs/{{id}}` (DRF, X-API-Key auth, one program read), "
                  f"32 clients: **{d['rps']:.0f} req/s**, p50/p99 {d['p50_ms']:.1f} / {d['p99_ms']:.1f} ms, "
                  f"errors {_errors(d)}; CPU app {d['cpu']['app_cores']:.2f} cores = "
                  f"{1000 * d['cpu']['app_cores'] / (d['rps'] or 1):.2f} ms per request.", ""]
    if report.get("pairs"):
        lines += ["Alternated pairs (issue 18's ratio; `bench/run.py`'s `run_pairs`): "
                  + "; ".join(f"{pair['uniform']['rps']:.0f} / {pair['read']['rps']:.0f} req/s = {pct(pair['ratio'])}"
                              for pair in report["pairs"])
                  + f" ({report['pairs'][0]['read']['seconds']:.0f} s per run).", ""]
    lines += ["## Targets (issues 7 and 18)", "", _md_table(
        ["target", "measured", "goal", "met"],
        [[t["name"], t["measured"], t["target"], {True: "yes", False: "**no**", None: "n/a"}[t["met"]]]
         for t in report.get("targets", [])],
    ), ""]
    size = report.get("ledger_size")
    if size:
        lines += ["## Ledger size", "",
                  f"1-client uniform redemption latency with {size['small_lines'] or 0:,} journal lines: p50 "
                  f"{size['small_p50_ms']:.2f} ms, p99 {size['small_p99_ms']:.2f} ms; after growing the ledger to "
                  f"{size['big_lines']:,} lines (set-based balanced accrual entries, {size['grow_seconds']} s): p50 "
                  f"{size['big_p50_ms']:.2f} ms, p99 {size['big_p99_ms']:.2f} ms. CPU per redemption (app / PG): "
                  f"{size.get('small_cpu_ms', '?')} ms at the small size, {size.get('big_cpu_ms', '?')} ms at the big "
                  f"size; other work on the machine during the two runs: {size.get('small_other_cores', 0):.2f} / "
                  f"{size.get('big_other_cores', 0):.2f} cores (a 1-client latency is sensitive to it).", ""]
    rec = report.get("reconcile", [])
    if rec:
        lines += ["## Reconcile", "", "`manage.py reconcile` after every block (the run stops on any discrepancy):", "",
                  _md_table(["after", "journal lines", "seconds (incl. ~1 s Django start)", "result"],
                            [[e["label"], f"{e.get('lines', 0):,}", f"{e.get('seconds', 0):.1f}", e.get("status", "?")]
                             for e in rec]), ""]
    st = report.get("statements")
    if st:
        lines += ["## SQL statements per catalog redemption", "",
                  f"{st['statements_per_redemption']} statements (BEGIN and COMMIT included), plus "
                  f"{st['health_check_round_trips']} connection health check (`CONN_HEALTH_CHECKS`) per request "
                  "(bench/count_statements.py, counted at the psycopg level):", "",
                  "    " + "\n    ".join(st["statements"]), ""]
    if report.get("failure"):
        lines += ["## FAILED", "", report["failure"], ""]
    command = ("BENCH_PRIORITY=" + str(c["priority"]) + " " if c.get("priority") else "") + "make bench"
    lines += ["## Reproduce", "", f"This table: `{command}`. Other ways to run it:", "", "```",
              "make bench                         # full run, ~12 min",
              "BENCH_PRIORITY=-15 make bench      # same, shielded from other work on a shared machine (root)",
              "BENCH_QUICK=1 make bench           # 3 s runs, for development",
              ".venv/bin/python bench/run.py --profile   # where the time goes",
              "```", ""]
    return "\n".join(lines)
