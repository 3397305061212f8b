"""
Time ``manage.py process_points`` expiring one million due lots.

    .venv/bin/python bench/expire_1m.py [--lots 1000000] [--wallets 100000] [--batch 10000] [--workers 2] [--keep]

1. Creates and migrates a scratch PostgreSQL database, ``loyalty_bench_expiry`` on the server of
   ``DATABASE_URL`` (or the local default), dropped at the end unless ``--keep``.
2. Fills it with set-based SQL (``generate_series``; under ``session_replication_role = replica``, like
   ``bench/reconcile_1m.py --fast-load``): one program and asset, ``--wallets`` enrolled participants with
   wallets, and ``--lots`` accruals (lots of 10.00, released, expired a day ago) spread evenly over them,
   each with its balanced ACCRUAL entry; wallets hold their lots.
3. Runs ``VACUUM ANALYZE`` and a ``CHECKPOINT`` (the fill's writes are flushed before the timed run, not
   by the checkpointer during it: with a 1 GB ``max_wal_size`` that cost the run 10-15 s), then times
   ``manage.py process_points --batch N --workers W`` end to end (process start to exit) and checks that every lot expired, that the EXPIRED account holds them all, and that
   ``reconcile`` is clean (its time is printed too).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "loyalty_bench_expiry"


def server_url() -> str:
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loyalty")


def with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def manage(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    # As production runs it: DEBUG off (DEBUG logs every statement's SQL, which on statements this size
    # costs a third of the run), a secret key, and no rate-limit cache needed by a management command.
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench-expiry-not-secret",
           "RATE_LIMIT_PER_PROCESS": "true"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=check)


def fill(url: str, lots: int, wallets: int) -> None:
    program, asset = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(url, autocommit=True) as conn:
        tenant = conn.execute("SELECT id FROM loyalty_tenant ORDER BY created_at LIMIT 1").fetchone()[0]
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "INSERT INTO loyalty_program (id, tenant_id, name, status, created_at, updated_at) "
            "VALUES (%s, %s, 'Bench expiry', 'ACTIVE', now(), now())", [program, tenant])
        conn.execute(
            "INSERT INTO ledger_asset (id, tenant_id, program_id, code, name, scale, pending_days, validity_days, "
            "created_at) VALUES (%s, %s, %s, 'POINTS', 'Points', 2, 0, NULL, now())", [asset, tenant, program])
        for kind in ("ISSUANCE", "REDEMPTIONS", "EXPIRED"):
            conn.execute(
                "INSERT INTO ledger_account (id, tenant_id, program_id, asset_id, type, participant_id, balance, "
                "created_at) VALUES (gen_random_uuid(), %s, %s, %s, %s, NULL, NULL, now())", [tenant, program, asset, kind])
        per_wallet = lots // wallets
        conn.execute(
            "CREATE TEMP TABLE bp AS SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS wallet "
            "FROM generate_series(1, %s) i", [wallets])
        conn.execute(
            "INSERT INTO participants_participant (id, tenant_id, external_id, display_name, email, created_at, "
            "updated_at) SELECT id, %s, 'bench-' || i, '', '', now(), now() FROM bp", [tenant])
        conn.execute(
            "INSERT INTO participants_enrollment (tenant_id, participant_id, program_id, created_at) "
            "SELECT %s, id, %s, now() FROM bp", [tenant, program])
        conn.execute(
            "INSERT INTO ledger_account (id, tenant_id, program_id, asset_id, type, participant_id, balance, created_at, "
            "updated_at) SELECT wallet, %s, %s, %s, 'WALLET', id, %s, now(), now() FROM bp",
            [tenant, program, asset, 10 * per_wallet])
        issuance = conn.execute(
            "SELECT id FROM ledger_account WHERE asset_id = %s AND type = 'ISSUANCE'", [asset]).fetchone()[0]
        conn.execute(
            "CREATE TEMP TABLE bl AS SELECT n, gen_random_uuid() AS id, gen_random_uuid() AS entry, p.id AS participant, "
            "p.wallet FROM generate_series(0, %s - 1) n JOIN bp p ON p.i = n %% %s + 1", [per_wallet * wallets, wallets])
        conn.execute(
            "INSERT INTO ledger_journalentry (id, tenant_id, program_id, kind, description, reverses_id, created_at) "
            "SELECT entry, %s, %s, 'ACCRUAL', 'Accrual', NULL, now() - interval '400 days' FROM bl", [tenant, program])
        conn.execute(
            "INSERT INTO ledger_journalline (id, tenant_id, entry_id, account_id, asset_id, direction, amount) "
            "SELECT gen_random_uuid(), %s, entry, %s, %s, 'DEBIT', 10 FROM bl "
            "UNION ALL SELECT gen_random_uuid(), %s, entry, wallet, %s, 'CREDIT', 10 FROM bl",
            [tenant, issuance, asset, tenant, asset])
        conn.execute(
            "INSERT INTO participants_accrual (id, tenant_id, program_id, participant_id, asset_id, amount, description, "
            "journal_entry_id, idempotency_key, available_at, expires_at, released, remaining, spent_amount, "
            "expired_amount, reversed_amount, created_at) SELECT id, %s, %s, participant, %s, 10, 'Accrual', entry, NULL, "
            "now() - interval '400 days', now() - interval '1 day', true, 10, 0, 0, 0, now() - interval '400 days' "
            "FROM bl", [tenant, program, asset])
        conn.execute("SET session_replication_role = origin")
        conn.execute("VACUUM ANALYZE")
        # The fill's own writes are flushed before the timed run (not left to the checkpointer during it).
        conn.execute("CHECKPOINT")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lots", type=int, default=1_000_000)
    parser.add_argument("--wallets", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="process_points --workers (one per core here)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    admin_url = with_db(server_url(), "postgres")
    url = with_db(server_url(), DB_NAME)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    try:
        manage(url, "migrate", "--no-input", "-v0")
        started = time.monotonic()
        fill(url, args.lots, args.wallets)
        print(f"filled {args.lots} due lots over {args.wallets} wallets in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        run = manage(url, "process_points", "--batch", str(args.batch), "--workers", str(args.workers))
        seconds = time.monotonic() - started
        print(run.stdout.strip().splitlines()[-1])
        print(f"process_points --workers {args.workers} expired {args.lots} lots in {seconds:.1f} s "
              f"({args.lots / seconds:,.0f} lots/s; target: 1,000,000 in under 60 s)")
        with psycopg.connect(url) as conn:
            left = conn.execute("SELECT count(*) FROM participants_accrual WHERE remaining > 0").fetchone()[0]
        started = time.monotonic()
        reconcile = manage(url, "reconcile", check=False)
        print(f"lots left unexpired: {left}; reconcile exit {reconcile.returncode} in {time.monotonic() - started:.1f} s")
        return 0 if left == 0 and reconcile.returncode == 0 else 1
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")


if __name__ == "__main__":
    sys.exit(main())
