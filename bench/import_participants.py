"""
Time ``manage.py import_participants`` on a file of 100,000 participants, each with an opening balance.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_x .venv/bin/python bench/import_participants.py [--rows 100000]

Migrates the database of ``DATABASE_URL`` (PostgreSQL), creates a tenant, a
program and its asset of its own (a fresh one per run), writes the CSV file
(``external_id,display_name,email,opening_balance,expires_at``), then times
the command end to end (process start to exit) twice: the first run posts
every opening balance through the accrual service, the second finds every
row imported and creates nothing (the repeat). Prints both times and rows/s,
and runs ``reconcile --program`` at the end (exit 1 if the books disagree).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    # As production runs it: DEBUG off (DEBUG logs every statement's SQL), a secret key, and no shared
    # rate-limit cache needed by a management command.
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-import-not-secret", "RATE_LIMIT_PER_PROCESS": "true",
           "LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own.")
    manage("migrate", "--no-input", "-v0")
    stamp = str(int(time.time()))
    tenant_id = manage("create_tenant", f"Import bench {stamp}").stdout.strip().splitlines()[-1]
    program_id = manage(
        "shell", "-c",
        "from loyalty.services import program_create; from ledger.services import asset_create; "
        f"p = program_create(tenant_id='{tenant_id}', name='Import bench {stamp}'); "
        "asset_create(program=p, code='POINTS', name='Points', scale=2); print(p.id)",
    ).stdout.strip().splitlines()[-1]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "members.csv"
        with open(path, "w") as out:
            out.write("external_id,display_name,email,opening_balance,expires_at\n")
            for n in range(options.rows):
                out.write(f"m-{n},Member {n},m{n}@example.com,{100 + n % 900}.{n % 100:02d},\n")
        size = path.stat().st_size
        for label in ("first run", "repeat"):
            started = time.monotonic()
            result = manage("import_participants", str(path), "--program", program_id)
            seconds = time.monotonic() - started
            print(f"{label}: {options.rows:,} rows ({size / 1e6:.1f} MB) in {seconds:.1f} s, "
                  f"{options.rows / seconds:,.0f} rows/s; {result.stdout.strip()}", flush=True)
            print("  last progress line:", result.stderr.strip().splitlines()[-1])
    # Fresh statistics first: autovacuum may be off (it is on this machine), and reconcile's plans on the
    # statistics of the empty tables scan for minutes.
    manage("shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")
    started = time.monotonic()
    reconcile = manage("reconcile", "--program", program_id, check=False)
    print(f"reconcile ({time.monotonic() - started:.1f} s):", (reconcile.stdout.strip().splitlines() or ["?"])[-1],
          flush=True)
    sys.exit(reconcile.returncode)


if __name__ == "__main__":
    main()
