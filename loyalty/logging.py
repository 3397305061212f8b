"""
Structured logs: one JSON object per line, and one line per API request.

The request line carries method, path, status, duration, the API key's
8-character prefix (never the key), the idempotency key and, where a view
annotated it, the id of the record it created (``annotate_request``). Values
a client sent are escaped and cut by :func:`log_safe`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import UTC, datetime

request_logger = logging.getLogger("loyalty.request")

# What a client sends is logged escaped and cut: no control character (a
# newline would forge a line in the ``plain`` format) and no unbounded value.
MAX_LOGGED_PATH = 1024
MAX_LOGGED_HEADER = 255  # the longest valid idempotency key
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")


def log_safe(value: str | None, limit: int = MAX_LOGGED_HEADER) -> str | None:
    """``value`` cut to ``limit`` characters (saying how long it was) with control characters and ``\\`` escaped."""
    if value is None:
        return None
    text = _UNSAFE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), value[:limit])
    return text if len(value) <= limit else f"{text}...[{len(value)} chars]"

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line; ``extra=`` fields become keys."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def annotate_request(request, **fields) -> None:
    """Add fields (e.g. ``redemption_id``) to the request's log line."""
    target = getattr(request, "_request", request)  # DRF Request wraps the HttpRequest
    context = getattr(target, "_log_context", None)
    if context is None:
        context = target._log_context = {}
    context.update(fields)


def key_prefix(header_value: str | None) -> str | None:
    """The 8-character prefix of an ``lk_<prefix>_<secret>`` key, or None."""
    if header_value and header_value.startswith("lk_") and len(header_value) > 11 and header_value[11] == "_":
        return header_value[3:11]
    return None


class RequestLogMiddleware:
    """Log one structured line per /api/ request, without secrets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        fields = {
            "method": log_safe(request.method, 16),
            "path": log_safe(request.path, MAX_LOGGED_PATH),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "key_prefix": log_safe(key_prefix(request.META.get("HTTP_X_API_KEY"))),
            "idempotency_key": log_safe(request.META.get("HTTP_IDEMPOTENCY_KEY")),
        }
        fields.update(
            (name, log_safe(value) if isinstance(value, str) else value)
            for name, value in getattr(request, "_log_context", {}).items()
        )
        request_logger.info("%s %s %s", fields["method"], fields["path"], response.status_code, extra=fields)
        return response
