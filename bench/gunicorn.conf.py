"""
gunicorn settings for the benchmark (``gunicorn -c bench/gunicorn.conf.py loyalty.wsgi``).

Worker model (measured on this 2-core machine, see docs/benchmarks.md): the
app is CPU-bound Python and each request also waits on 10 database round
trips (7 statements and the connection health check), so a few more
single-threaded processes than cores keep both cores busy while one worker
waits on PostgreSQL, without GIL contention. Override
with BENCH_WORKERS / BENCH_WORKER_CLASS / BENCH_THREADS / BENCH_PORT.

With BENCH_SQL_PROFILE=DIR each worker times every SQL statement it sends
(Django's execute_wrapper: client-side wall time, round trip included) and
every request, and writes DIR/sql-<pid>.json when it exits. Only the
profiling run of ``bench/run.py --profile`` sets it: it costs a little.
"""

import json
import os
import re
import threading
import time

bind = f"127.0.0.1:{os.environ.get('BENCH_PORT', '8765')}"
workers = int(os.environ.get("BENCH_WORKERS", "4"))
worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
threads = int(os.environ.get("BENCH_THREADS", "1"))
backlog = 2048
keepalive = 5
timeout = 60
graceful_timeout = 10
preload_app = True  # import Django once in the master; connections open in the workers
accesslog = None
errorlog = "-"
loglevel = "warning"
proc_name = "loyalty-bench"

_PROFILE_DIR = os.environ.get("BENCH_SQL_PROFILE")
_LITERALS = re.compile(r"'[^']*'|\b\d+\b")


class _SqlProfile:
    """Per-worker totals: statements by SQL text, and request wall time."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statements = {}  # sql -> [count, seconds]
        self.requests = 0
        self.request_seconds = 0.0
        self.sql_seconds = 0.0
        self.sql_count = 0
        self.by_path = {}  # path kind -> [requests, statements, request_s, sql_s]

    def wrapper(self, local):
        def execute(execute_, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute_(sql, params, many, context)
            finally:
                elapsed = time.perf_counter() - started
                key = _LITERALS.sub("?", sql)[:4000]
                with self.lock:
                    entry = self.statements.setdefault(key, [0, 0.0])
                    entry[0] += 1
                    entry[1] += elapsed
                local.count += 1
                local.sql += elapsed

        return execute

    def wrap_app(self, app):
        from django.db import connection

        local = threading.local()

        def profiled(environ, start_response):
            local.count = 0
            local.sql = 0.0
            started = time.perf_counter()
            with connection.execute_wrapper(self.wrapper(local)):
                result = app(environ, start_response)
                body = b"".join(result)
                if hasattr(result, "close"):
                    result.close()
            elapsed = time.perf_counter() - started
            kind = "redemption" if environ.get("PATH_INFO", "").endswith("/redemptions/catalog") else environ.get(
                "PATH_INFO", ""
            )
            with self.lock:
                self.requests += 1
                self.request_seconds += elapsed
                self.sql_seconds += local.sql
                self.sql_count += local.count
                row = self.by_path.setdefault(kind, [0, 0, 0.0, 0.0])
                row[0] += 1
                row[1] += local.count
                row[2] += elapsed
                row[3] += local.sql
            return [body]

        return profiled

    def dump(self, path):
        with self.lock:
            data = {
                "pid": os.getpid(),
                "requests": self.requests,
                "request_seconds": self.request_seconds,
                "sql_seconds": self.sql_seconds,
                "sql_count": self.sql_count,
                "by_path": self.by_path,
                "statements": self.statements,
            }
        with open(path, "w") as fh:
            json.dump(data, fh)


_profile = _SqlProfile() if _PROFILE_DIR else None


def post_worker_init(worker):
    if _profile is not None:
        worker.wsgi = _profile.wrap_app(worker.wsgi)


def worker_exit(server, worker):
    if _profile is not None:
        _profile.dump(os.path.join(_PROFILE_DIR, f"sql-{os.getpid()}.json"))
