"""
Create the benchmark's data set in the (freshly migrated) bench database.

Run by ``bench/run.py`` as ``python bench/setup_data.py OUT.json`` with
DATABASE_URL pointing at the bench database. The program, its asset and the
API key come from the real services; the bulk (participants, enrolments,
wallets, one funding accrual each, rewards) is created with set-based SQL
that writes exactly the rows the services would write: every accrual is a
balanced journal entry (DEBIT issuance, CREDIT wallet) with its Accrual row,
and each wallet's stored balance equals the sum of its lines. The ledger's
guard triggers stay on (they check each entry at commit).

Writes OUT.json: program, asset and key ids, the plain API key, and the
participant/reward ids by index (index 0 = the hot participant / the hot
reward). The ids are also kept in the tables ``bench_participant`` and
``bench_reward`` for pgbench.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings")

import django  # noqa: E402
import psycopg  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from ledger.models import Account  # noqa: E402
from ledger.services import asset_create  # noqa: E402
from loyalty.services import api_key_create, program_create, tenant_create  # noqa: E402

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "10000"))
REWARDS = int(os.environ.get("BENCH_REWARDS", "100"))
FUNDING = "1000000.00"  # per participant: far more than a run can spend
HOT_FUNDING = "10000000000.00"  # the hot participant
HOT_STOCK = 100_000_000  # the hot reward's max_total: large, but a real limit (guarded UPDATE path)
HOT_UNIT_COST = "10.00"

SETUP_SQL = """
CREATE TABLE bench_participant (idx integer PRIMARY KEY, id uuid NOT NULL UNIQUE);
CREATE TABLE bench_reward (idx integer PRIMARY KEY, id uuid NOT NULL UNIQUE, program_id uuid NOT NULL);

INSERT INTO bench_participant (idx, id)
SELECT g, gen_random_uuid() FROM generate_series(0, %(participants)s) AS g;

INSERT INTO participants_participant (id, tenant_id, external_id, display_name, email, created_at, updated_at)
SELECT id, %(tenant)s, 'bench-' || idx,
       CASE WHEN idx = 0 THEN 'Hot participant' ELSE 'Bench participant ' || idx END,
       'bench-' || idx || '@example.com', now(), now()
FROM bench_participant;

INSERT INTO participants_enrollment (tenant_id, participant_id, program_id, created_at)
SELECT %(tenant)s, id, %(program)s, now() FROM bench_participant;

CREATE TEMPORARY TABLE bench_fund ON COMMIT DROP AS
SELECT idx, id AS participant_id, gen_random_uuid() AS wallet_id, gen_random_uuid() AS entry_id,
       gen_random_uuid() AS accrual_id,
       (CASE WHEN idx = 0 THEN %(hot_funding)s ELSE %(funding)s END)::numeric(16, 4) AS amount
FROM bench_participant;

INSERT INTO ledger_account (id, tenant_id, type, balance, created_at, updated_at, participant_id, program_id,
                            asset_id)
SELECT wallet_id, %(tenant)s, 'WALLET', amount, now(), now(), participant_id, %(program)s, %(asset)s FROM bench_fund;

INSERT INTO ledger_journalentry (id, tenant_id, kind, description, created_at, program_id, reverses_id)
SELECT entry_id, %(tenant)s, 'ACCRUAL', 'Bench funding', now(), %(program)s, NULL FROM bench_fund;

INSERT INTO ledger_journalline (id, tenant_id, direction, amount, account_id, asset_id, entry_id)
SELECT gen_random_uuid(), %(tenant)s, 'DEBIT', amount, %(issuance)s, %(asset)s, entry_id FROM bench_fund
UNION ALL
SELECT gen_random_uuid(), %(tenant)s, 'CREDIT', amount, wallet_id, %(asset)s, entry_id FROM bench_fund;

INSERT INTO participants_accrual (id, tenant_id, amount, description, idempotency_key, created_at, asset_id,
                                  journal_entry_id, program_id, participant_id, available_at, expires_at, released,
                                  remaining, spent_amount, expired_amount, reversed_amount)
SELECT accrual_id, %(tenant)s, amount, 'Bench funding', NULL, now(), %(asset)s, entry_id, %(program)s, participant_id,
       now(), NULL, true, amount, 0, 0, 0
FROM bench_fund;

INSERT INTO bench_reward (idx, id, program_id)
SELECT g, gen_random_uuid(), %(program)s FROM generate_series(0, %(rewards)s) AS g;

INSERT INTO rewards_reward (id, tenant_id, name, description, type, unit_cost, min_amount, max_amount, status,
                            max_total, redeemed_count, max_per_participant, available_from,
                            available_until, created_at, updated_at, asset_id, program_id)
SELECT id, %(tenant)s,
       CASE WHEN idx = 0 THEN 'Hot reward' ELSE 'Reward ' || idx END,
       '', 'UNIT_BASED',
       CASE WHEN idx = 0 THEN %(hot_unit_cost)s::numeric ELSE (1 + idx %% 50)::numeric END,
       NULL, NULL, 'ACTIVE',
       CASE WHEN idx = 0 THEN %(hot_stock)s ELSE NULL END,
       0, NULL, NULL, NULL, now(), now(), %(asset)s, %(program)s
FROM bench_reward;

-- The guard triggers run per row at COMMIT; let the planner see the new rows
-- first (else it may scan the whole table for each of the 30,000 checks).
ANALYZE ledger_journalentry;
ANALYZE ledger_journalline;
ANALYZE ledger_account;
"""


def main(out_path: str) -> None:
    started = time.perf_counter()
    tenant = tenant_create(name="Bench tenant")
    program = program_create(tenant_id=tenant.id, name="Bench program")
    asset = asset_create(program=program, code="POINTS", name="Bench points", scale=2)
    issuance = Account.objects.get(asset=asset, type=Account.Type.ISSUANCE, participant__isnull=True)
    scope = os.environ.get("BENCH_KEY_SCOPE", "program")
    if scope == "all":
        api_key, plain = api_key_create(name="bench (all programs)", tenant_id=tenant.id, all_programs=True)
    else:
        api_key, plain = api_key_create(name="bench", program_ids=[program.id])
    # One multi-statement script: a client-side-binding cursor (the app's
    # connections bind server-side, which allows one statement per execute).
    with transaction.atomic(), psycopg.ClientCursor(connection.connection) as cursor:
        cursor.execute(
            SETUP_SQL,
            {
                "participants": PARTICIPANTS,
                "rewards": REWARDS,
                "tenant": tenant.id,
                "program": program.id,
                "asset": asset.id,
                "issuance": issuance.id,
                "funding": FUNDING,
                "hot_funding": HOT_FUNDING,
                "hot_stock": HOT_STOCK,
                "hot_unit_cost": HOT_UNIT_COST,
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT id::text FROM bench_participant ORDER BY idx")
        participants = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id::text FROM bench_reward ORDER BY idx")
        rewards = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM ledger_journalline")
        lines = cursor.fetchone()[0]
    data = {
        "program_id": str(program.id),
        "asset_id": str(asset.id),
        "api_key": plain,
        "api_key_scope": scope,
        "participants": participants,  # [0] is the hot participant
        "rewards": rewards,  # [0] is the hot reward
        "journal_lines": lines,
        "seconds": round(time.perf_counter() - started, 2),
    }
    Path(out_path).write_text(json.dumps(data))
    print(
        f"setup: {len(participants) - 1} participants + 1 hot, {len(rewards) - 1} rewards + 1 hot, "
        f"{lines} journal lines, key scope {scope}, in {data['seconds']} s"
    )


if __name__ == "__main__":
    main(sys.argv[1])
