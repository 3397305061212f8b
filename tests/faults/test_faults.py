"""
Faults while requests are in flight, against gunicorn on PostgreSQL.

1. Crashes: workers are SIGKILLed several times, and once the whole server
   (master and workers); the server is restarted; clients retry every
   request that got no answer with the same idempotency key.
2. Database connection loss: the server's PostgreSQL backends are
   terminated under load; requests answer 503 or succeed, and the service
   recovers without a restart.
3. Lock timeouts: a row lock held from another connection makes a request
   answer 503 within the lock timeout instead of hanging a worker.

After each load: every logical request happened exactly once (records and
journal entries per idempotency key), nothing is half-written, no wallet is
negative and ``manage.py reconcile`` exits 0. Bounded to well under a
minute of load in total.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from http import HTTPStatus

import pytest

from tests.faults.harness import (
    FIGURES,
    HTTP_ERRORS,
    LOCK_TIMEOUT_MS,
    Load,
    request,
    response_problem,
    verify_exactly_once,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CRASH_SCHEDULE = (  # seconds into the load -> fault
    (1.5, "worker"), (3.0, "worker"), (4.5, "worker"), (6.0, "server"),
    (8.0, "worker"), (9.5, "worker"), (11.0, "worker"),
)
CRASH_LOAD_SECONDS = 13.0
TERMINATIONS = 6
TERMINATION_INTERVAL_S = 1.2


def _run_load(load: Load, seconds: float, at_times: list[tuple[float, callable]]) -> None:
    started = time.monotonic()
    load.start()
    try:
        for offset, fault in at_times:
            time.sleep(max(0.0, started + offset - time.monotonic()))
            fault()
        time.sleep(max(0.0, started + seconds - time.monotonic()))
    finally:
        load.stop()


def _assert_books_and_record(name, database, load, entries_before, extra) -> None:
    outcome = verify_exactly_once(database, load.ops)
    half_written = database.half_written()
    reconcile = database.reconcile()
    entries_made = database.journal_entry_count() - entries_before
    succeeded = sum(1 for op in load.ops if op.succeeded)
    figures = load.figures
    FIGURES[name] = {
        "logical requests": figures.logical,
        "HTTP requests sent": figures.requests,
        "retries": figures.retries,
        "attempts without an answer": figures.no_answer,
        "503 answers": figures.status_counts[503],
        "answered 200 on a retry (lost 201)": figures.answered_after_retry_with_200,
        "succeeded": succeeded,
        "duplicates": outcome["duplicates"],
        "reconcile exit": reconcile.returncode,
        **extra,
        "statuses": dict(sorted(figures.status_counts.items())),
    }

    assert load.violations == [], load.violations[:10]
    assert outcome["problems"] == [], outcome["problems"][:10]
    assert outcome["duplicates"] == 0
    assert entries_made == succeeded
    assert half_written == dict.fromkeys(half_written, 0)
    assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr


def test_killed_workers_and_a_killed_server_lose_and_duplicate_no_request(fault_database, fault_server):
    # given
    database, server = fault_database, fault_server
    rng = random.Random(8)
    load = Load(port=server.port, seed_data=database.seed_data, phase="crash", kill_after_commit_every=25)
    entries_before = database.journal_entry_count()
    kills = {"worker kills": 0, "server kills": 0}

    def kill_worker():
        if server.kill_worker(rng) is not None:
            kills["worker kills"] += 1

    def kill_server():
        server.kill_all()
        kills["server kills"] += 1
        time.sleep(0.5)  # clients meet a closed port meanwhile
        server.start()

    faults = [(offset, kill_worker if what == "worker" else kill_server) for offset, what in CRASH_SCHEDULE]

    # when
    _run_load(load, CRASH_LOAD_SECONDS, faults)

    # then
    assert kills == {"worker kills": 6, "server kills": 1}
    assert load.figures.retries > 0  # the faults did hit requests in flight
    lost = [op for op in load.ops if op.kill_after_commit]
    assert lost and all(op.attempts > 1 for op in lost)  # their first answer always died with the worker
    kills["worker kills after a commit (X-Fault)"] = load.figures.killed_after_commit
    _assert_books_and_record("crashes", database, load, entries_before, kills)


def test_terminated_database_connections_answer_503_and_recover_without_a_restart(fault_database, fault_server):
    # given
    database, server = fault_database, fault_server
    load = Load(port=server.port, seed_data=database.seed_data, phase="dbloss")
    entries_before = database.journal_entry_count()
    processes_before = (server.master_pid, sorted(server.worker_pids()), server.starts)
    terminated = []

    def terminate():
        terminated.append(database.terminate_backends())

    faults = [(1.0 + TERMINATION_INTERVAL_S * n, terminate) for n in range(TERMINATIONS)]

    # when
    _run_load(load, 1.0 + TERMINATION_INTERVAL_S * TERMINATIONS + 1.0, faults)

    # then: no process was restarted, and every worker serves again at once
    assert (server.master_pid, sorted(server.worker_pids()), server.starts) == processes_before
    program_path = f"/api/v1/programs/{database.seed_data['program_id']}"
    after = [
        request(server.port, "GET", program_path, headers={"X-API-Key": database.seed_data["api_key"]})[0]
        for _ in range(3 * server.workers)
    ]
    assert after == [HTTPStatus.OK] * (3 * server.workers)
    assert sum(terminated) > 0
    _assert_books_and_record(
        "connection loss", database, load, entries_before,
        {"backend terminations": len(terminated), "backends terminated": sum(terminated)},
    )


def _top_up(server, seed, participant) -> None:
    """Credit 50.00 so that the loads before cannot have drained the wallet a test spends from."""
    status, _, raw = request(
        server.port, "POST", f"/api/v1/participants/{participant}/accruals",
        body={"program_id": seed["program_id"], "asset_id": seed["asset_id"], "amount": "50.00"},
        headers={"X-API-Key": seed["api_key"]},
    )
    assert status == HTTPStatus.CREATED, raw


def _movement_cases(seed, redemption_id=None):
    participant, program_id, asset_id = seed["participants"][1], seed["program_id"], seed["asset_id"]
    return {
        "accrual": (
            f"/api/v1/participants/{participant}/accruals",
            {"program_id": program_id, "asset_id": asset_id, "amount": "3.00"}, "participants_accrual",
        ),
        "direct redemption": (
            f"/api/v1/participants/{participant}/redemptions",
            {"program_id": program_id, "asset_id": asset_id, "amount": "2.00"}, "rewards_redemption",
        ),
        "catalog redemption": (
            f"/api/v1/participants/{participant}/redemptions/catalog",
            {"program_id": program_id, "reward_id": seed["rewards"]["deep"], "quantity": 2}, "rewards_redemption",
        ),
        "reversal": (f"/api/v1/redemptions/{redemption_id}/reversals", {"quantity": 1}, "rewards_reversal"),
    }


@pytest.mark.parametrize("case", ["accrual", "direct redemption", "catalog redemption", "reversal"])
def test_a_worker_killed_after_its_commit_loses_the_answer_but_the_retry_gets_the_movement(
    fault_database, fault_server, case
):
    # given
    database, server, seed = fault_database, fault_server, fault_database.seed_data
    headers = {"X-API-Key": seed["api_key"]}
    _top_up(server, seed, seed["participants"][1])
    redemption_path, redemption_body, _ = _movement_cases(seed)["catalog redemption"]
    created, _, raw = request(server.port, "POST", redemption_path, body=redemption_body, headers=headers)
    assert created == HTTPStatus.CREATED, raw
    path, body, table = _movement_cases(seed, json.loads(raw)["id"])[case]
    key = f"lost-{uuid.uuid4().hex}"
    headers["Idempotency-Key"] = key
    workers_before = set(server.worker_pids())

    # when: the worker commits, then dies before answering; the client retries with the same key
    with pytest.raises(HTTP_ERRORS):
        request(server.port, "POST", path, body=body, headers={**headers, "X-Fault": "kill-after-commit"})
    stored_before_retry = database.scalar(f"SELECT count(*) FROM {table} WHERE idempotency_key = %s", [key])
    status, _, raw = request(server.port, "POST", path, body=body, headers=headers)

    # then
    assert stored_before_retry == 1
    assert status == HTTPStatus.OK, raw
    assert database.scalar(
        f"SELECT id::text FROM {table} WHERE idempotency_key = %s", [key]
    ) == json.loads(raw)["id"]
    assert database.scalar(f"SELECT count(*) FROM {table} WHERE idempotency_key = %s", [key]) == 1
    assert set(server.worker_pids()) != workers_before  # the worker really died
    server.wait_ready()
    figures = FIGURES.setdefault("lost answers", {"killed after commit, retried, answered 200 once": 0})
    figures["killed after commit, retried, answered 200 once"] += 1


def _lock_cases(seed):
    participant = seed["participants"][0]
    wallet_sql = "SELECT id FROM ledger_account WHERE participant_id = %s AND type = 'WALLET' FOR UPDATE"
    reward_sql = "SELECT id FROM rewards_reward WHERE id = %s FOR UPDATE"
    return {
        "direct redemption, wallet locked": (
            wallet_sql, participant, f"/api/v1/participants/{participant}/redemptions",
            {"program_id": seed["program_id"], "asset_id": seed["asset_id"], "amount": "1.00"}, "rewards_redemption",
        ),
        "accrual, wallet locked": (
            wallet_sql, participant, f"/api/v1/participants/{participant}/accruals",
            {"program_id": seed["program_id"], "asset_id": seed["asset_id"], "amount": "1.00"}, "participants_accrual",
        ),
        "catalog redemption, reward locked": (
            reward_sql, seed["rewards"]["deep"], f"/api/v1/participants/{participant}/redemptions/catalog",
            {"program_id": seed["program_id"], "reward_id": seed["rewards"]["deep"]}, "rewards_redemption",
        ),
    }


@pytest.mark.parametrize(
    "case", ["direct redemption, wallet locked", "accrual, wallet locked", "catalog redemption, reward locked"]
)
def test_a_row_lock_held_elsewhere_answers_503_within_the_lock_timeout(fault_database, fault_server, case):
    # given
    database, server = fault_database, fault_server
    lock_sql, locked_id, path, body, table = _lock_cases(database.seed_data)[case]
    _top_up(server, database.seed_data, database.seed_data["participants"][0])
    key = f"lock-{uuid.uuid4().hex}"
    headers = {"X-API-Key": database.seed_data["api_key"], "Idempotency-Key": key}
    entries_before = database.journal_entry_count()
    holder = database.connect(autocommit=False)
    try:
        holder.execute(lock_sql, [locked_id]).fetchall()

        # when
        started = time.monotonic()
        status, response_headers, raw = request(server.port, "POST", path, body=body, headers=headers)
        elapsed = time.monotonic() - started
        still_locked = holder.execute("SELECT 1").fetchone() == (1,)
    finally:
        holder.rollback()
        holder.close()

    # then: 503 with the envelope and Retry-After, after waiting about the lock timeout, not forever
    assert status == HTTPStatus.SERVICE_UNAVAILABLE, raw
    assert response_problem(status, response_headers, raw) is None
    assert response_headers["retry-after"] == "1"
    assert still_locked
    assert LOCK_TIMEOUT_MS / 1000 * 0.9 <= elapsed < 10
    assert database.journal_entry_count() == entries_before
    assert database.scalar(f"SELECT count(*) FROM {table} WHERE idempotency_key = %s", [key]) == 0
    # and the key was not consumed: the retry, once the lock is gone, succeeds
    retry_status, _, retry_raw = request(server.port, "POST", path, body=body, headers=headers)
    assert retry_status == HTTPStatus.CREATED, retry_raw
    FIGURES.setdefault("lock timeouts", {"503 within the lock timeout": 0})["503 within the lock timeout"] += 1
