"""
Webhook delivery throughput: events delivered per second by 1 and 2 worker
processes (``manage.py deliver_webhooks --once``) to a local receiver.

    .venv/bin/python bench/webhooks.py [--events 5000] [--workers 1,2]

Drops, creates and migrates ``BENCH_WEBHOOKS_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/loyalty_bench_webhooks``; the name must
start with ``loyalty_``), records the events through
``events.services.event_record`` (one endpoint subscribed to everything, so
one delivery each), starts a receiver (a separate process: a threading
HTTP/1.1 server on 127.0.0.1 answering 204), then for each worker count
makes every delivery due again and times the workers until all are
DELIVERED. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/loyalty_bench_webhooks"

RECEIVER = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass

class S(ThreadingHTTPServer):
    request_queue_size = 1024  # the default 5 resets connections when a worker opens 100 at once

server = S(("127.0.0.1", int(sys.argv[1])), H)
server.daemon_threads = True
server.serve_forever()
"""


def env_for(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_REPLICA_URL": "",
        "DJANGO_SETTINGS_MODULE": "loyalty.settings",
        "SECRET_KEY": "bench-" + "x" * 50,
        "DEBUG": "false",
        "RATE_LIMIT_PER_PROCESS": "true",
        "WEBHOOK_ALLOW_HTTP": "true",
        "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "LOG_LEVEL": "WARNING",
    }


def recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("loyalty_"):
        raise SystemExit(f"refusing to drop {name!r}: the bench database's name must start with loyalty_")
    with psycopg.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(url: str, events: int, port: int) -> None:
    env = env_for(url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    script = f"""
import django; django.setup()
from django.db import transaction
from events.models import WebhookEndpoint
from events.services import event_record
from loyalty.models import Program, Tenant
tenant = Tenant.objects.get_or_create(name="Bench")[0]
program = Program.objects.create(tenant=tenant, name="Bench")
WebhookEndpoint.objects.create(tenant=tenant, url="http://127.0.0.1:{port}/hooks", event_types=["*"],
                               all_programs=True, secret="whsec_" + "A" * 43 + "=")
data = {{"id": "0", "amount": "150.00", "description": "x" * 200}}
for start in range(0, {events}, 500):
    with transaction.atomic():
        for _ in range(min(500, {events} - start)):
            event_record(tenant_id=tenant.id, type="redemption.created", program_id=program.id, data=data)
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


def psql(url: str, query: str) -> str:
    return subprocess.run(["psql", url, "-Atc", query], capture_output=True, text=True, check=True).stdout.strip()


def run(url: str, workers: int, events: int) -> float:
    psql(url, "UPDATE events_delivery SET status = 'PENDING', attempts = 0, next_attempt_at = now() - interval '1 s', "
              "locked_until = NULL, locked_by = '', delivered_at = NULL")
    env = env_for(url)
    started = time.monotonic()
    procs = [
        subprocess.Popen([sys.executable, "manage.py", "deliver_webhooks", "--once", "--batch-size", "100"],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit("a worker failed")
    elapsed = time.monotonic() - started
    delivered = int(psql(url, "SELECT count(*) FROM events_delivery WHERE status = 'DELIVERED'"))
    if delivered != events:
        raise SystemExit(f"{delivered} of {events} delivered")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    url = os.environ.get("BENCH_WEBHOOKS_DATABASE_URL", DEFAULT_URL)
    recreate(url)
    setup(url, args.events, args.port)
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(args.port)])
    try:
        time.sleep(0.5)
        rows = []
        for workers in (int(w) for w in args.workers.split(",")):
            elapsed = run(url, workers, args.events)
            rows.append((workers, args.events, elapsed, args.events / elapsed))
    finally:
        receiver.terminate()
        receiver.wait()
    print(f"\nbench/webhooks.py --events {args.events} (os.cpu_count() = {os.cpu_count()})\n")
    print("| workers | events | seconds | events/s |")
    print("| --- | --- | --- | --- |")
    for workers, events, elapsed, rate in rows:
        print(f"| {workers} | {events} | {elapsed:.1f} | {rate:.0f} |")


if __name__ == "__main__":
    main()
