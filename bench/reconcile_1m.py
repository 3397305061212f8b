"""
Time ``manage.py reconcile`` on a ledger of about one million journal lines.

    .venv/bin/python bench/reconcile_1m.py [--lines 1000000] [--runs 3] [--rebuild] [--fast-load]

1. Creates (if missing) and migrates a separate PostgreSQL database,
   ``loyalty_bench_reconcile`` on the server of ``DATABASE_URL`` (or the
   local default), or the one given by ``--database-url``.
2. Fills it, once, with set-based SQL (``generate_series``, no Python loop
   over rows): 10,000 enrolled participants with wallets, a UNIT_BASED and an
   AMOUNT_BASED reward, and the rows the services would write for accruals
   (50% of the entries), catalog and direct redemptions (40%) and partial and
   full reversals with restock (10%): every entry is balanced (two lines),
   records point at their entries, reversal entries at the redeemed entry,
   wallets, ``redeemed_count``, the per-participant counts and idempotency
   records agree. The ledger's guard triggers and deferred foreign keys stay
   on and check every row at COMMIT (slow: minutes); ``--fast-load`` loads
   under ``session_replication_role = replica`` instead, and the clean
   reconcile below is then what proves the data would have passed them.
3. Runs ``VACUUM ANALYZE`` (what autovacuum does to a real database), then
   times ``manage.py reconcile --format json`` end to end (process start to
   exit) ``--runs`` times and prints each time, the per-check times and the
   verdict against the 30 s target. Exits 1 if a run is not clean.

A second invocation reuses the data (``--rebuild`` to start again).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "loyalty_bench_reconcile"
TARGET_SECONDS = 30.0
PARTICIPANTS = 10_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def database_url(explicit: str | None) -> str:
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loyalty")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{DEFAULT_DB}"))


def maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def ensure_database(url: str, *, rebuild: bool) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            log(f"dropping database {name}")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def django_env(url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url}
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    env.setdefault("RATE_LIMIT_PER_PROCESS", "true")  # commands only: no request is limited
    return env


def manage(url: str, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT, env=django_env(url), text=True, capture_output=capture, check=False,
    )


# --- the data --------------------------------------------------------------------------------------

SETUP = """
INSERT INTO loyalty_tenant (id, name, created_at, updated_at)
VALUES (%(tenant)s, 'Reconcile bench', now(), now());
INSERT INTO loyalty_program (tenant_id, id, name, status, created_at, updated_at)
VALUES (%(tenant)s, %(program)s, 'Reconcile bench', 'ACTIVE', now(), now());
INSERT INTO ledger_asset (tenant_id, id, program_id, code, name, scale, pending_days, validity_days, created_at)
VALUES (%(tenant)s, %(asset)s, %(program)s, 'POINTS', 'Points', 2, 0, NULL, now() - interval '60 days');
INSERT INTO ledger_account (tenant_id, id, program_id, asset_id, type, participant_id, balance, created_at, updated_at)
VALUES (%(tenant)s, %(issuance)s, %(program)s, %(asset)s, 'ISSUANCE', NULL, NULL, now() - interval '60 days', NULL),
       (%(tenant)s, %(redemptions_account)s, %(program)s, %(asset)s, 'REDEMPTIONS', NULL, NULL, now() - interval '60 days', NULL),
       (%(tenant)s, gen_random_uuid(), %(program)s, %(asset)s, 'EXPIRED', NULL, NULL, now() - interval '60 days', NULL);
INSERT INTO rewards_reward (tenant_id, id, program_id, asset_id, name, description, type, unit_cost, min_amount, max_amount,
                            status, max_total, redeemed_count, max_per_participant, available_from,
                            available_until, created_at, updated_at)
VALUES (%(tenant)s, %(unit_reward)s, %(program)s, %(asset)s, 'Bench gift card', '', 'UNIT_BASED', 10, NULL, NULL,
        'ACTIVE', NULL, 0, NULL, NULL, NULL, now(), now()),
       (%(tenant)s, %(amount_reward)s, %(program)s, %(asset)s, 'Bench donation', '', 'AMOUNT_BASED', NULL, NULL, NULL,
        'ACTIVE', NULL, 0, NULL, NULL, NULL, now(), now());

INSERT INTO participants_participant (tenant_id, id, external_id, display_name, email, created_at, updated_at)
SELECT %(tenant)s, md5('p' || i)::uuid, 'bench-' || i, '', '', now() - interval '60 days', now()
FROM generate_series(1, %(participants)s) AS i;
INSERT INTO participants_enrollment (tenant_id, participant_id, program_id, created_at)
SELECT %(tenant)s, md5('p' || i)::uuid, %(program)s, now() - interval '60 days' FROM generate_series(1, %(participants)s) AS i;
INSERT INTO ledger_account (tenant_id, id, program_id, asset_id, type, participant_id, balance, created_at, updated_at)
SELECT %(tenant)s, md5('w' || i)::uuid, %(program)s, %(asset)s, 'WALLET', md5('p' || i)::uuid, 0,
       now() - interval '60 days', NULL
FROM generate_series(1, %(participants)s) AS i;
"""

# One row per planned movement, with everything derived from its number.
PLAN = """
CREATE TEMPORARY TABLE plan_accrual ON COMMIT DROP AS
SELECT i, 1 + i %% %(participants)s AS p, (100 + i %% 7)::numeric AS amount,
       now() - interval '50 days' + i * interval '1 millisecond' AS at
FROM generate_series(1, %(accruals)s) AS i;

CREATE TEMPORARY TABLE plan_redemption ON COMMIT DROP AS
SELECT j, p, c, q, amount, reversed, at,
       CASE c WHEN 0 THEN 2.00 WHEN 1 THEN 10.00 ELSE amount END AS refund,
       CASE c WHEN 0 THEN 0 ELSE q END AS stock_units,
       CASE WHEN reversed AND c > 0 THEN 1 ELSE 0 END AS stock_returned
FROM (
    SELECT j, 1 + (j * 7) %% %(participants)s AS p, j %% 3 AS c,
           CASE j %% 3 WHEN 1 THEN 1 + (j / 3) %% 2 ELSE 1 END AS q,
           CASE j %% 3 WHEN 0 THEN 5.00 WHEN 1 THEN 10.00 * (1 + (j / 3) %% 2) ELSE 7.50 END AS amount,
           j %% 4 = 0 AS reversed,
           now() - interval '40 days' + j * interval '1 millisecond' AS at
    FROM generate_series(1, %(redemptions)s) AS j
) planned;
"""

ACCRUALS = """
INSERT INTO ledger_journalentry (tenant_id, id, program_id, kind, description, reverses_id, created_at)
SELECT %(tenant)s, md5('ea' || i)::uuid, %(program)s, 'ACCRUAL', 'Accrual', NULL, at FROM plan_accrual;
INSERT INTO ledger_journalline (tenant_id, id, entry_id, account_id, asset_id, direction, amount)
SELECT %(tenant)s, md5('la' || i)::uuid, md5('ea' || i)::uuid, %(issuance)s, %(asset)s, 'DEBIT', amount FROM plan_accrual
UNION ALL
SELECT %(tenant)s, md5('lb' || i)::uuid, md5('ea' || i)::uuid, md5('w' || p)::uuid, %(asset)s, 'CREDIT', amount FROM plan_accrual;
INSERT INTO participants_accrual (tenant_id, id, program_id, participant_id, asset_id, amount, description,
                                  journal_entry_id, idempotency_key, created_at, available_at, expires_at, released,
                                  remaining, spent_amount, expired_amount, reversed_amount)
SELECT %(tenant)s, md5('a' || i)::uuid, %(program)s, md5('p' || p)::uuid, %(asset)s, amount, 'Accrual',
       md5('ea' || i)::uuid, CASE WHEN i %% 2 = 0 THEN 'acc-' || i END, at, at, NULL, true, amount, 0, 0, 0
FROM plan_accrual;
INSERT INTO loyalty_idempotencyrecord (tenant_id, program_id, key, fingerprint, kind, resource_id, created_at)
SELECT %(tenant)s, %(program)s, 'acc-' || i, md5('fa' || i) || md5('fb' || i), 'ACCRUAL', md5('a' || i)::uuid, at
FROM plan_accrual WHERE i %% 2 = 0;
"""

REDEMPTIONS = """
INSERT INTO ledger_journalentry (tenant_id, id, program_id, kind, description, reverses_id, created_at)
SELECT %(tenant)s, md5('er' || j)::uuid, %(program)s, 'REDEMPTION', 'Redemption', NULL, at FROM plan_redemption;
INSERT INTO ledger_journalline (tenant_id, id, entry_id, account_id, asset_id, direction, amount)
SELECT %(tenant)s, md5('lc' || j)::uuid, md5('er' || j)::uuid, md5('w' || p)::uuid, %(asset)s, 'DEBIT', amount FROM plan_redemption
UNION ALL
SELECT %(tenant)s, md5('ld' || j)::uuid, md5('er' || j)::uuid, %(redemptions_account)s, %(asset)s, 'CREDIT', amount
FROM plan_redemption;
INSERT INTO rewards_redemption (tenant_id, id, program_id, participant_id, asset_id, reward_id, amount, quantity, unit_cost,
                                description, journal_entry_id, status, reversed_amount, reversed_quantity,
                                stock_units, allocations_tracked, idempotency_key, created_at, updated_at)
SELECT %(tenant)s, md5('r' || j)::uuid, %(program)s, md5('p' || p)::uuid, %(asset)s,
       CASE c WHEN 0 THEN NULL WHEN 1 THEN %(unit_reward)s::uuid ELSE %(amount_reward)s::uuid END,
       amount, CASE WHEN c = 1 THEN q END, CASE WHEN c = 1 THEN 10.00 END, 'Redemption', md5('er' || j)::uuid,
       CASE WHEN NOT reversed THEN 'COMPLETED' WHEN refund = amount THEN 'FULLY_REVERSED'
            ELSE 'PARTIALLY_REVERSED' END,
       CASE WHEN reversed THEN refund ELSE 0 END,
       CASE WHEN c = 1 THEN CASE WHEN reversed THEN 1 ELSE 0 END END,
       stock_units, false, CASE WHEN j %% 5 = 0 THEN 'red-' || j END, at, at
FROM plan_redemption;
INSERT INTO loyalty_idempotencyrecord (tenant_id, program_id, key, fingerprint, kind, resource_id, created_at)
SELECT %(tenant)s, %(program)s, 'red-' || j, md5('fr' || j) || md5('fs' || j), 'REDEMPTION', md5('r' || j)::uuid, at
FROM plan_redemption WHERE j %% 5 = 0;
"""

REVERSALS = """
INSERT INTO ledger_journalentry (tenant_id, id, program_id, kind, description, reverses_id, created_at)
SELECT %(tenant)s, md5('ev' || j)::uuid, %(program)s, 'REVERSAL', 'Reversal', md5('er' || j)::uuid, at + interval '1 hour'
FROM plan_redemption WHERE reversed;
INSERT INTO ledger_journalline (tenant_id, id, entry_id, account_id, asset_id, direction, amount)
SELECT %(tenant)s, md5('le' || j)::uuid, md5('ev' || j)::uuid, %(redemptions_account)s, %(asset)s, 'DEBIT', refund
FROM plan_redemption WHERE reversed
UNION ALL
SELECT %(tenant)s, md5('lf' || j)::uuid, md5('ev' || j)::uuid, md5('w' || p)::uuid, %(asset)s, 'CREDIT', refund
FROM plan_redemption WHERE reversed;
INSERT INTO rewards_reversal (tenant_id, id, program_id, redemption_id, amount, quantity, reason, restock, stock_returned,
                              journal_entry_id, idempotency_key, created_by_api_key_id, created_by_user_id,
                              created_at)
SELECT %(tenant)s, md5('v' || j)::uuid, %(program)s, md5('r' || j)::uuid, refund, CASE WHEN c = 1 THEN 1 END, '',
       CASE WHEN c > 0 THEN true END, stock_returned, md5('ev' || j)::uuid,
       CASE WHEN j %% 8 = 0 THEN 'rev-' || j END, NULL, NULL, at + interval '1 hour'
FROM plan_redemption WHERE reversed;
INSERT INTO loyalty_idempotencyrecord (tenant_id, program_id, key, fingerprint, kind, resource_id, created_at)
SELECT %(tenant)s, %(program)s, 'rev-' || j, md5('fv' || j) || md5('fw' || j), 'REVERSAL', md5('v' || j)::uuid,
       at + interval '1 hour'
FROM plan_redemption WHERE reversed AND j %% 8 = 0;
"""

# The derived state, computed from the plan (not from the lines reconcile compares it with).
DERIVED = """
UPDATE ledger_account a SET balance = m.balance, updated_at = now()
FROM (
    SELECT p, sum(delta) AS balance FROM (
        SELECT p, amount AS delta FROM plan_accrual
        UNION ALL SELECT p, -amount FROM plan_redemption
        UNION ALL SELECT p, refund FROM plan_redemption WHERE reversed
    ) moves GROUP BY p
) m
WHERE a.id = md5('w' || m.p)::uuid;
UPDATE participants_accrual l
SET remaining = LEAST(l.amount, GREATEST(w.balance - x.newer, 0)),
    spent_amount = l.amount - LEAST(l.amount, GREATEST(w.balance - x.newer, 0))
FROM (
    SELECT id, participant_id,
           sum(amount) OVER (PARTITION BY participant_id ORDER BY created_at DESC, id DESC) - amount AS newer
    FROM participants_accrual
) x
JOIN ledger_account w ON w.participant_id = x.participant_id AND w.type = 'WALLET'
WHERE l.id = x.id;
UPDATE rewards_reward w SET redeemed_count = s.units
FROM (
    SELECT CASE c WHEN 1 THEN %(unit_reward)s::uuid ELSE %(amount_reward)s::uuid END AS reward_id,
           sum(stock_units - stock_returned) AS units
    FROM plan_redemption WHERE c > 0 GROUP BY 1
) s
WHERE w.id = s.reward_id;
INSERT INTO rewards_participantrewardcount (tenant_id, reward_id, participant_id, count)
SELECT %(tenant)s, CASE c WHEN 1 THEN %(unit_reward)s::uuid ELSE %(amount_reward)s::uuid END, md5('p' || p)::uuid,
       sum(stock_units - stock_returned)
FROM plan_redemption WHERE c > 0 GROUP BY 1, 2, 3;
"""


ANALYZE = """
ANALYZE ledger_account; ANALYZE ledger_asset; ANALYZE ledger_journalentry; ANALYZE ledger_journalline;
ANALYZE participants_participant; ANALYZE participants_accrual; ANALYZE rewards_reward;
ANALYZE rewards_redemption; ANALYZE rewards_reversal; ANALYZE loyalty_program;
"""


def line_count(conn) -> int:
    return conn.execute("SELECT count(*) FROM ledger_journalline").fetchone()[0]


def build(url: str, *, lines: int, fast_load: bool) -> None:
    entries = lines // 2
    participants = max(1, min(PARTICIPANTS, entries // 2 // 25))
    if participants % 7 == 0:  # redemptions spread over participants by (j * 7) mod participants
        participants -= 1
    params = {
        "tenant": uuid.UUID(int=7),
        "program": uuid.UUID(int=1),
        "asset": uuid.UUID(int=2),
        "issuance": uuid.UUID(int=3),
        "redemptions_account": uuid.UUID(int=4),
        "unit_reward": uuid.UUID(int=5),
        "amount_reward": uuid.UUID(int=6),
        # 25 accruals (>= 2,500.00) and 20 redemptions (<= 400.00) each: no wallet goes negative.
        "participants": participants,
        "accruals": entries // 2,
        "redemptions": entries * 2 // 5,
    }
    # Client-side binding: each step is several statements in one round trip.
    with psycopg.connect(url, cursor_factory=psycopg.ClientCursor) as conn:
        conn.execute("SET statement_timeout = 0")
        if fast_load:
            conn.execute("SET session_replication_role = replica")
        steps = [
            ("program, asset, rewards, participants, wallets", SETUP),
            ("plan", PLAN),
            (f"{params['accruals']:,} accruals", ACCRUALS),
            (f"{params['redemptions']:,} redemptions", REDEMPTIONS),
            (f"{params['redemptions'] // 4:,} reversals", REVERSALS),
            ("wallet balances, reward counters", DERIVED),
            # The guard triggers' queries run at COMMIT, planned on these statistics.
            ("ANALYZE", ANALYZE),
        ]
        for label, sql in steps:
            started = time.monotonic()
            conn.execute(sql, params)
            log(f"  {label}: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        log("  COMMIT" + ("" if fast_load else " (the guard triggers and foreign keys check every row now)"))
        conn.commit()
        log(f"  committed in {time.monotonic() - started:.1f} s")


def vacuum_analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET statement_timeout = 0")
        conn.execute("VACUUM (ANALYZE)")


def time_reconcile(url: str) -> tuple[float, dict]:
    started = time.monotonic()
    result = manage(url, "reconcile", "--format", "json", capture=True)
    seconds = time.monotonic() - started
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stderr)
        raise SystemExit(f"reconcile failed with exit {result.returncode}")
    return seconds, json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help=f"default: the DATABASE_URL server, database {DEFAULT_DB}")
    parser.add_argument("--lines", type=int, default=1_000_000, help="journal lines to build (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed reconcile runs (default 3)")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the database again")
    parser.add_argument("--fast-load", action="store_true", help="load with the guard triggers off (replica role)")
    args = parser.parse_args()

    url = database_url(args.database_url)
    ensure_database(url, rebuild=args.rebuild)
    log("migrating")
    if manage(url, "migrate", "--no-input", "-v", "0").returncode != 0:
        return 2
    with psycopg.connect(url) as conn:
        existing = line_count(conn)
    if existing == 0:
        log(f"building a ledger of {args.lines:,} journal lines")
        started = time.monotonic()
        build(url, lines=args.lines, fast_load=args.fast_load)
        log(f"built in {time.monotonic() - started:.1f} s; VACUUM ANALYZE")
        vacuum_analyze(url)
    else:
        log(f"reusing the {existing:,} journal lines already there (--rebuild to start again)")
    with psycopg.connect(url) as conn:
        total_lines = line_count(conn)

    times, clean = [], True
    for run in range(1, args.runs + 1):
        log(f"run {run}/{args.runs}: manage.py reconcile --format json")
        seconds, report = time_reconcile(url)
        times.append(seconds)
        clean &= report["ok"]
        per_check = ", ".join(f"{c['name']} {c['seconds']:.2f}s" for c in report["checks"])
        log(f"  {seconds:.2f} s, ok={report['ok']} ({per_check})")
        if not report["ok"]:
            for check in report["checks"]:
                for example in check["examples"][:3]:
                    log(f"    {check['name']}: {example['message']}")

    best, worst = min(times), max(times)
    print()
    print(f"reconcile on {total_lines:,} journal lines: best {best:.2f} s, worst {worst:.2f} s over {len(times)} runs "
          f"(target < {TARGET_SECONDS:.0f} s: {'met' if worst < TARGET_SECONDS else 'NOT met'}); "
          f"{'clean' if clean else 'DISCREPANCIES FOUND'}")
    print(f"command: DATABASE_URL={url} .venv/bin/python manage.py reconcile --format json")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
