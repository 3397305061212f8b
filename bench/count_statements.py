"""
Count the SQL statements (round trips) of one catalog redemption through the
whole stack (middleware, DRF, auth, the view, the service), on the bench
database, as a long-running worker sees them.

Run by ``bench/run.py`` as ``python bench/count_statements.py IDS.json OUT.json``.
Counts at the psycopg level every statement sent through a cursor (Django's
and the connection health check's raw ``SELECT 1``) and every transaction
command psycopg sends on its own (BEGIN/COMMIT/SAVEPOINT, ``_exec_command``);
Django's ``CaptureQueriesContext`` names the queries. The first request warms the process caches (as a
worker's first request does); the second one is counted.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from psycopg._connection_base import BaseConnection  # noqa: E402
from sql_kind import statement_kind  # noqa: E402  (bench/sql_kind.py)

_sent: list[str] = []  # every round trip, in order
_orig_exec_command = BaseConnection._exec_command
_orig_execute = psycopg.Cursor.execute


def _counting_exec_command(self, command, *args, **kwargs):
    text = command.decode() if isinstance(command, bytes) else str(command)
    _sent.append(text)
    return _orig_exec_command(self, command, *args, **kwargs)


def _counting_execute(self, query, *args, **kwargs):
    try:
        return _orig_execute(self, query, *args, **kwargs)
    finally:  # after the BEGIN psycopg sends first, in the order they went out
        _sent.append(query.decode() if isinstance(query, bytes) else str(query))


BaseConnection._exec_command = _counting_exec_command
psycopg.Cursor.execute = _counting_execute


def main(ids_path: str, out_path: str) -> None:
    ids = json.loads(Path(ids_path).read_text())
    client = Client(HTTP_X_API_KEY=ids["api_key"])
    program = ids["program_id"]

    def redeem(participant: str, reward: str, key: str):
        return client.post(
            f"/api/v1/participants/{participant}/redemptions/catalog",
            data=json.dumps({"program_id": program, "reward_id": reward, "idempotency_key": key}),
            content_type="application/json",
        )

    run = uuid.uuid4().hex[:12]
    warm = redeem(ids["participants"][1], ids["rewards"][1], f"count-statements-warmup-{run}")
    _sent.clear()
    # The test client skips what a server does at each request start (close
    # old connections, then health-check a reused one on first use): do it.
    close_old_connections()
    with CaptureQueriesContext(connection):
        response = redeem(ids["participants"][2], ids["rewards"][2], f"count-statements-{run}")
    if warm.status_code != 201 or response.status_code != 201:
        sys.exit(f"count_statements: expected 201 twice, got {warm.status_code} and {response.status_code}: "
                 f"{response.content[:300]!r}")
    sent = list(_sent)
    health = [s for s in sent if s.strip().upper() == "SELECT 1"]
    statements = [statement_kind(s) for s in sent if s.strip().upper() != "SELECT 1"]
    result = {
        "status": [warm.status_code, response.status_code],
        "statements": statements,
        "statements_per_redemption": len(statements),
        "health_check_round_trips": len(health),
        "round_trips_per_request": len(sent),
    }
    Path(out_path).write_text(json.dumps(result, indent=2))
    print(
        f"statements per catalog redemption (BEGIN and COMMIT included): {len(statements)}; "
        f"plus {len(health)} connection health check(s): {len(sent)} round trips per request"
    )
    for s in statements:
        print(f"    {s}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
