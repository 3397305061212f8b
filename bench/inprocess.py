#!/usr/bin/env python3
"""
CPU per catalog redemption without an HTTP server: the whole Django stack
(middleware, DRF, auth, view, service) called in this process through its
WSGI handler, one request after another on one database connection.

The HTTP runs of ``make bench`` share two cores between gunicorn, wrk and
PostgreSQL, and two 8 s runs of the same code can differ by 10-20%. This
measures the two costs that decide throughput, with much less noise: the
Python CPU of this process and the CPU of its PostgreSQL backend (from
/proc), per redemption. Use it to compare two versions of the hot path, or
two settings (``DB_SERVER_SIDE_BINDING=false``, ``DB_PREPARE_THRESHOLD=0``).
It prints the mean of five chunks and the best chunk: other work on a shared
machine only ever adds time, so the best chunk is the steadier A/B figure.

    .venv/bin/python bench/inprocess.py [REDEMPTIONS]     # default 2000
    .venv/bin/python bench/inprocess.py --reads [READS]  # the reference read instead
    .venv/bin/python bench/inprocess.py --ratio [N]      # both, alternated: their ratio

``--reads`` measures the bench's reference read (``GET /api/v1/programs/{id}``
with the key, wrk's ``drf_get``) the same way. ``--ratio`` alternates ten
chunks of each and prints the median of the ten ratios of their CPU (Python +
PostgreSQL). It leaves out what HTTP adds to both (gunicorn's parsing, wrk,
and the cost of each round trip when workers and backends share two busy
cores, which weighs more on the redemption's eight than on the read's three),
so it is not the HTTP ratio; use it to compare versions of the code.

Needs the bench database of an earlier ``make bench`` (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/loyalty_bench) on this machine.
Each run adds REDEMPTIONS redemptions to it.
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import time
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loyalty_bench")
os.environ.update(
    DJANGO_SETTINGS_MODULE="loyalty.settings",
    DEBUG="false",
    SECRET_KEY="bench-inprocess-" + "x" * 40,
    ALLOWED_HOSTS="testserver",
    LOG_LEVEL="WARNING",
    DB_CONN_MAX_AGE="600",
    API_RATE_LIMIT="100000000/min",
    RATE_LIMIT_PER_PROCESS=os.environ.get("RATE_LIMIT_PER_PROCESS", "true"),  # unless CACHE_URL is shared
    SECURE_SSL_REDIRECT="false",
)

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic here

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402

from loyalty.models import Program  # noqa: E402
from loyalty.services import api_key_create  # noqa: E402

WARM_UP = 100
CHUNKS = 5  # the best chunk is the figure least disturbed by other work on the machine
PAIRS = 10  # --ratio: chunks of redemptions and of reads, alternated


def backend_cpu_seconds() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(count: int, *, mode: str = "redemptions") -> None:
    program = Program.objects.get(name="Bench program")
    _, plain_key = api_key_create(name="bench inprocess", program_ids=[program.id])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM bench_participant WHERE idx > 0")
        participants = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM bench_reward WHERE idx > 0")
        rewards = [row[0] for row in cursor.fetchall()]
    app = WSGIHandler()

    def call(method: str, path: str, body: bytes, expected: str) -> None:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "HTTP_X_API_KEY": plain_key,
        }
        if body:
            environ.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)))
        statuses = []
        b"".join(app(environ, lambda status, headers: statuses.append(status)))
        if not statuses[0].startswith(expected):
            raise SystemExit(f"{method} {path} answered {statuses[0]}")

    def redeem() -> None:
        body = {"program_id": str(program.id), "reward_id": str(random.choice(rewards)), "idempotency_key": uuid.uuid4().hex}
        participant = random.choice(participants)
        call("POST", f"/api/v1/participants/{participant}/redemptions/catalog", json.dumps(body).encode(), "201")

    def read() -> None:  # the bench's reference read (wrk's drf_get): GET /api/v1/programs/{id} with the key
        call("GET", f"/api/v1/programs/{program.id}", b"", "200")

    def measure(work, size: int) -> tuple[float, float, float]:
        """Python CPU, PostgreSQL CPU and wall time per call of ``work``, over ``size`` calls."""
        pg_before, cpu_before, wall_before = backend_cpu_seconds(), time.process_time(), time.perf_counter()
        for _ in range(size):
            work()
        wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
        return cpu / size, (backend_cpu_seconds() - pg_before) / size, wall / size

    options = connection.settings_dict["OPTIONS"]
    settings = (
        f"server_side_binding={options.get('server_side_binding')}, "
        f"prepare_threshold={options.get('prepare_threshold')}"
    )
    if mode == "ratio":
        for _ in range(WARM_UP):
            redeem()
            read()
        ratios = []
        for _ in range(PAIRS):  # alternated, so a change in the machine's speed hits both alike
            redemption = measure(redeem, max(count // PAIRS, 1))
            reference = measure(read, max(count // PAIRS, 1))
            ratios.append((reference[0] + reference[1]) / (redemption[0] + redemption[1]))
        ratios.sort()
        print(
            f"{count} redemptions and {count} reads, alternated in {PAIRS} pairs of chunks ({settings}): "
            f"CPU (Python + PostgreSQL) of a read / of a redemption: median {100 * ratios[PAIRS // 2]:.1f}% "
            f"(range {100 * ratios[0]:.1f}-{100 * ratios[-1]:.1f}%)"
        )
        return

    work, label = (read, "reads (GET /api/v1/programs/{id})") if mode == "reads" else (redeem, "redemptions")
    for _ in range(WARM_UP):  # caches, prepared statements
        work()
    size = max(count // CHUNKS, 1)
    chunks = [measure(work, size) for _ in range(CHUNKS)]

    def ms(values) -> str:
        return f"{1000 * sum(values) / len(values):.2f} ms (best chunk {1000 * min(values):.2f})"

    python_cpu, pg_cpu, wall = zip(*chunks, strict=True)
    print(
        f"{size * CHUNKS} {label} ({settings}): each "
        f"wall {ms(wall)}, Python CPU {ms(python_cpu)}, PostgreSQL CPU {ms(pg_cpu)}"
    )

if __name__ == "__main__":
    flags = {"--reads": "reads", "--ratio": "ratio"}
    arguments = [argument for argument in sys.argv[1:] if argument not in flags]
    modes = [flags[argument] for argument in sys.argv[1:] if argument in flags]
    main(int(arguments[0]) if arguments else 2000, mode=modes[0] if modes else "redemptions")
