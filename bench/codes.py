#!/usr/bin/env python3
"""
Reward codes on PostgreSQL, through the HTTP API served by gunicorn (as ``make bench``):

1. **Upload**: a CODES reward gets 100,000 codes (20 characters) in 10 requests of 10,000
   (``POST /api/v1/rewards/{id}/codes``, one after the other); the wall time of the 10 requests.
2. **Hot code reward vs hot reward** (issue 16: at least half the throughput): BENCH_CODES_CLIENTS
   (default 32) client threads, each on its own keep-alive connection, redeem 1 unit at random
   participants, all on one reward, for BENCH_DURATION seconds: first the hot reward of the data
   set (no codes), then the CODES reward, then the hot reward again and the CODES reward again
   (alternated, so that drift on the shared 2-core machine hits both); redemptions per second of
   201 answers, any other answer counted by status. The load generator is Python threads (no wrk
   on this machine), the same for both rewards: the ratio is the figure, not the absolute rate.
3. ``reconcile`` must pass afterwards (exit non-zero otherwise).

Uses bench/run.py's database reset, data set (bench/setup_data.py) and gunicorn setup;
BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/loyalty_bench_codes (dropped
and re-created). Prints a Markdown summary; ``--json OUT`` writes the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loyalty_bench_codes")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (bench/run.py)

CODES = 100_000
BATCH = 10_000


def request(conn: http.client.HTTPConnection, method: str, path: str, key: str, body: dict | None = None):
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def create_code_reward(cfg, ids: dict) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", cfg.port, timeout=60)
    status, body = request(
        conn,
        "POST",
        "/api/v1/rewards",
        ids["api_key"],
        {
            "program_id": ids["program_id"],
            "asset_id": ids["asset_id"],
            "name": "Bench gift card",
            "type": "UNIT_BASED",
            "unit_cost": "10.00",
            "fulfilment": "CODES",
        },
    )
    if status != 201:
        raise bench.BenchFailure(f"creating the CODES reward: {status} {body}")
    return body["id"]


def upload(cfg, ids: dict, reward_id: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", cfg.port, timeout=120)
    codes = [f"GC-{uuid.uuid4().hex[:17].upper()}" for _ in range(CODES)]
    seconds = []
    started = time.perf_counter()
    for start in range(0, CODES, BATCH):
        t0 = time.perf_counter()
        status, body = request(
            conn, "POST", f"/api/v1/rewards/{reward_id}/codes", ids["api_key"], {"codes": codes[start : start + BATCH]}
        )
        seconds.append(time.perf_counter() - t0)
        if status != 201 or body["added"] != BATCH:
            raise bench.BenchFailure(f"upload batch at {start}: {status} {str(body)[:200]}")
    total = time.perf_counter() - started
    return {
        "codes": CODES,
        "batch": BATCH,
        "total_s": round(total, 2),
        "batch_s_max": round(max(seconds), 3),
        "batch_s_median": round(sorted(seconds)[len(seconds) // 2], 3),
    }


def load(cfg, ids: dict, reward_id: str, clients: int, duration: float) -> dict:
    participants = ids["participants"][1:]
    counts: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + duration
    barrier = threading.Barrier(clients)

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", cfg.port, timeout=60)
        rng = random.Random()
        mine: dict[str, int] = {}
        barrier.wait()
        while time.monotonic() < stop:
            participant = rng.choice(participants)
            status, body = request(
                conn,
                "POST",
                f"/api/v1/participants/{participant}/redemptions/catalog",
                ids["api_key"],
                {"program_id": ids["program_id"], "reward_id": reward_id, "idempotency_key": uuid.uuid4().hex},
            )
            label = str(status) if status == 201 else f"{status} {(body or {}).get('error', {}).get('code')}"
            mine[label] = mine.get(label, 0) + 1
        with lock:
            for label, n in mine.items():
                counts[label] = counts.get(label, 0) + n

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"per_s": round(counts.get("201", 0) / elapsed, 1), "answers": counts, "seconds": round(elapsed, 1)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    cfg = bench.Config()
    clients = int(os.environ.get("BENCH_CODES_CLIENTS", "32"))
    duration = float(os.environ.get("BENCH_DURATION", "20"))
    with tempfile.TemporaryDirectory() as tmp:
        ids, _ = bench.prepare(cfg, Path(tmp))
        server = bench.Server(cfg, Path(tmp) / "gunicorn.log")
        server.start()
        try:
            reward_id = create_code_reward(cfg, ids)
            bench.log(f"uploading {CODES} codes in batches of {BATCH}")
            uploaded = upload(cfg, ids, reward_id)
            bench.log(f"upload: {uploaded}")
            runs: dict[str, list[dict]] = {"hot_reward": [], "hot_code_reward": []}
            load(cfg, ids, ids["rewards"][0], clients, 3)  # warm-up
            for _ in range(2):
                for name, target in (("hot_reward", ids["rewards"][0]), ("hot_code_reward", reward_id)):
                    result = load(cfg, ids, target, clients, duration)
                    bench.log(f"{name} at {clients} clients: {result}")
                    runs[name].append(result)
        finally:
            server.stop()
        bench.run_reconcile(cfg, "after the code runs")
    plain = sum(r["per_s"] for r in runs["hot_reward"]) / len(runs["hot_reward"])
    codes = sum(r["per_s"] for r in runs["hot_code_reward"]) / len(runs["hot_code_reward"])
    figures = {
        "upload": uploaded,
        "clients": clients,
        "duration_s": duration,
        "runs": runs,
        "hot_reward_per_s": round(plain, 1),
        "hot_code_reward_per_s": round(codes, 1),
        "ratio": round(codes / plain, 3) if plain else None,
    }
    print(
        f"\n| measure | value |\n|---|---|\n"
        f"| {CODES:,} codes in batches of {BATCH:,} through the API | {uploaded['total_s']} s "
        f"(slowest batch {uploaded['batch_s_max']} s) |\n"
        f"| hot reward, {clients} clients | {figures['hot_reward_per_s']} redemptions/s |\n"
        f"| hot CODES reward, {clients} clients | {figures['hot_code_reward_per_s']} redemptions/s |\n"
        f"| CODES / plain | {figures['ratio']} |"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except bench.BenchFailure as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        sys.exit(1)
