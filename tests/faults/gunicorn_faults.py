"""
gunicorn settings of the fault harness only (``-c tests/faults/gunicorn_faults.py``).

A request that carries ``X-Fault: kill-after-commit`` is served in full (its
transaction commits) and then its worker SIGKILLs itself before a byte of
the answer is sent: the one crash that idempotency keys exist for, made
deterministic. Nothing of this is loaded outside the harness.
"""

import os
import signal


def post_worker_init(worker):
    app = worker.wsgi

    def faulty(environ, start_response):
        if environ.get("HTTP_X_FAULT") != "kill-after-commit":
            return app(environ, start_response)
        result = app(environ, lambda *args, **kwargs: None)
        try:
            b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        os.kill(os.getpid(), signal.SIGKILL)

    worker.wsgi = faulty
