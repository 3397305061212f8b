"""
The plain API key is a secret the server holds for one moment: it never
appears in logs, the admin, error responses or the database.

A scenario creates a key with the command, uses it for successful and
failing requests (and sends wrong keys with its prefix), and opens the admin
as a superuser, while every log record (SQL statements included) is
captured in its JSON form. Then the captured logs, every response and a dump
of every table (and, on PostgreSQL, ``pg_dump``) are searched for the key
and for its secret part.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import subprocess
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client

from conftest import KeyClient
from ledger.tests.factories import fund
from loyalty import auth
from loyalty.logging import JsonFormatter
from loyalty.models import ApiKey, IdempotencyRecord, Program
from loyalty.tests.admin_helpers import admin_url
from participants.models import Participant
from rewards.tests.factories import RewardFactory


class JsonLines(logging.Handler):
    """Keep every record as the JSON line production would write (``extra`` fields included)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def captured_logs():
    handler = JsonLines()
    root, sql = logging.getLogger(), logging.getLogger("django.db.backends")
    levels = (root.level, sql.level)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sql.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        yield handler.lines
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(handler)
        root.setLevel(levels[0])
        sql.setLevel(levels[1])


def create_key_with_the_command(program) -> str:
    out = io.StringIO()
    call_command("create_api_key", "--name", "secret scenario", "--program", str(program.id), stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def run_scenario(plain_key: str, program, asset, participant) -> list:
    """Requests that succeed and fail with the key, wrong keys with its prefix, and admin pages."""
    responses = []
    client = KeyClient(plain_key)
    accruals = f"/api/v1/participants/{participant.id}/accruals"
    body = {"program_id": str(program.id), "asset_id": str(asset.id), "amount": "5.00", "idempotency_key": "s-1"}
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1000.00"))
    responses += [
        client.get(f"/api/v1/programs/{program.id}"),
        client.get("/api/v1/participants"),
        client.post(accruals, body),  # 201
        client.post(accruals, body),  # 200, idempotent repeat
        client.post(accruals, {**body, "amount": "6.00"}),  # 409
        client.post(accruals, {**body, "amount": "1e3", "idempotency_key": "s-2"}),  # 400
        client.post(  # 422 insufficient balance
            f"/api/v1/participants/{participant.id}/redemptions/catalog",
            {"program_id": str(program.id), "reward_id": str(reward.id)},
        ),
        client.get("/api/v1/participants/00000000-0000-0000-0000-000000000000"),  # 404
        client.delete(f"/api/v1/programs/{program.id}"),  # 405
        client.generic("POST", accruals, b"amount=5", content_type="text/plain"),  # 415
        client.post("/api/v1/programs", {"name": "Not allowed"}),  # 403
        client.get(f"/api/v1/programs?api_key={plain_key}"),  # a key misplaced in the query string
    ]
    prefix, secret = plain_key[3:11], plain_key[12:]
    for wrong in (f"lk_{prefix}_{secret[::-1]}", f"lk_{prefix}_{secret}x", f"{plain_key} ", plain_key.upper()):
        responses.append(KeyClient(wrong).get(f"/api/v1/programs/{program.id}"))  # 401

    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "root-pass-x9y8"))
    api_key = ApiKey.objects.get(prefix=prefix)
    responses += [
        admin.get("/admin/"),
        admin.get(admin_url(ApiKey, "changelist")),
        admin.get(admin_url(ApiKey, "changelist") + f"?q={prefix}"),
        admin.get(admin_url(ApiKey, "change", api_key.pk)),
        admin.get(admin_url(ApiKey, "add")),
        admin.get(admin_url(Program, "change", program.pk)),
        admin.get(admin_url(IdempotencyRecord, "changelist")),
        admin.get(admin_url(Participant, "change", participant.pk)),
        admin.post(admin_url(ApiKey, "changelist"), {"action": "revoke", "_selected_action": [api_key.pk]}),
        admin.get(admin_url(ApiKey, "change", api_key.pk)),  # now revoked
    ]
    responses.append(client.get(f"/api/v1/programs/{program.id}"))  # 401: revoked
    return responses


def table_dump() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(chunks)


def response_text(response) -> str:
    return response.content.decode(errors="replace") + repr(sorted(response.items()))


@pytest.mark.django_db
def test_the_plain_key_is_never_in_the_logs_the_responses_the_admin_or_the_database(
    program, asset, participant, captured_logs
):
    # given
    fund(participant, asset, "10.00")
    plain_key = create_key_with_the_command(program)
    secret = plain_key[12:]

    # when
    responses = run_scenario(plain_key, program, asset, participant)
    dump = table_dump()

    # then
    statuses = [response.status_code for response in responses]
    assert {200, 201, 400, 401, 403, 404, 405, 409, 415, 422} <= set(statuses), statuses
    for text in [*(response_text(r) for r in responses), *captured_logs, dump]:
        assert plain_key not in text
        assert secret not in text
    # and the search looked where the key could have been
    assert any(f'"key_prefix": "{plain_key[3:11]}"' in line for line in captured_logs)
    assert any("SELECT" in line for line in captured_logs)
    assert hashlib.sha256(plain_key.encode()).hexdigest() in dump


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_after_the_scenario_holds_no_plain_key(program, asset, participant, captured_logs):
    # given
    fund(participant, asset, "10.00")
    plain_key = create_key_with_the_command(program)
    run_scenario(plain_key, program, asset, participant)
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}

    # when
    dump = subprocess.run(
        ["pg_dump", "--data-only", "--no-owner", "-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432),
         "-U", db.get("USER") or "postgres", db["NAME"]],
        capture_output=True, text=True, timeout=120, env=env,
    )

    # then
    assert dump.returncode == 0, dump.stderr
    assert plain_key not in dump.stdout
    assert plain_key[12:] not in dump.stdout
    assert hashlib.sha256(plain_key.encode()).hexdigest() in dump.stdout


@pytest.mark.django_db
def test_keys_are_checked_by_comparing_hashes_in_constant_time(monkeypatch, client_for, program):
    # given
    calls = []
    real_compare = auth.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    plain = client_for.plain_key
    wrong = plain[:-1] + ("A" if plain[-1] != "A" else "B")

    # when
    good = client_for.get(f"/api/v1/programs/{program.id}")
    bad = KeyClient(wrong).get(f"/api/v1/programs/{program.id}")

    # then
    assert (good.status_code, bad.status_code) == (HTTPStatus.OK, HTTPStatus.UNAUTHORIZED)
    stored = client_for.api_key.key_hash
    assert calls == [(stored, hashlib.sha256(plain.encode()).hexdigest()),
                     (stored, hashlib.sha256(wrong.encode()).hexdigest())]
    assert plain not in stored


@pytest.mark.django_db
def test_the_command_prints_the_key_alone_on_its_last_line_and_stores_only_its_hash(program):
    # when
    plain_key = create_key_with_the_command(program)

    # then
    assert auth.KEY_PATTERN.match(plain_key)
    api_key = ApiKey.objects.get(prefix=plain_key[3:11])
    assert api_key.key_hash == hashlib.sha256(plain_key.encode()).hexdigest()
    assert plain_key not in table_dump()
