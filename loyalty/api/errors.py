"""
The one place that renders errors in the contract's shape::

    {"error": {"code": "...", "message": "...", "fields": {...}}}

It covers domain errors, DRF's own exceptions (parse errors, 401, 403, 404,
405, 415, throttling), database unavailability (503) and anything unexpected
(500, logged with its traceback, never a traceback or an internal
message in the body; a domain error with a 5xx status other than 503 is a
broken invariant and answers the same generic 500). Django-level 404/500 and the
413 body limit use :func:`error_response` too.
"""

from __future__ import annotations

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from loyalty.errors import DomainError, ErrorCode

logger = logging.getLogger("loyalty.api")

RETRY_AFTER_SECONDS = 1

_DRF_CODES: list[tuple[type[Exception], ErrorCode]] = [
    (drf.NotAuthenticated, ErrorCode.AUTHENTICATION_FAILED),
    (drf.AuthenticationFailed, ErrorCode.AUTHENTICATION_FAILED),
    (drf.PermissionDenied, ErrorCode.PERMISSION_DENIED),
    (drf.NotFound, ErrorCode.NOT_FOUND),
    (drf.MethodNotAllowed, ErrorCode.METHOD_NOT_ALLOWED),
    (drf.UnsupportedMediaType, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (drf.Throttled, ErrorCode.RATE_LIMITED),
    (drf.ParseError, ErrorCode.VALIDATION_ERROR),
    (drf.ValidationError, ErrorCode.VALIDATION_ERROR),
    (drf.NotAcceptable, ErrorCode.VALIDATION_ERROR),
]


def error_body(code: ErrorCode | str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": str(getattr(code, "value", code)), "message": message, "fields": fields or {}}}


def error_response(status: int, code: ErrorCode | str, message: str, fields=None, headers=None) -> JsonResponse:
    """A plain Django response in the error shape (for middleware and URL handlers)."""
    response = JsonResponse(error_body(code, message, fields), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _flatten_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into ``{"field": ["message", ...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors" and not prefix:
                name = "non_field_errors"
            out.update(_flatten_fields(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten_fields(item, f"{prefix}[{index}]"))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _summary(fields: dict[str, list[str]]) -> str:
    parts = [f"{name}: {' '.join(messages)}" for name, messages in fields.items()]
    return "Invalid request. " + "; ".join(parts) if parts else "Invalid request."


def is_database_unavailable(exc: BaseException) -> bool:
    """True for lost connections, lock/statement timeouts and similar transient failures."""
    return isinstance(exc, (OperationalError, InterfaceError))


def exception_handler(exc, context):
    if isinstance(exc, DomainError) and exc.status >= 500 and exc.status != 503:
        # A broken invariant (LedgerInvariantViolation, ...) is a bug: its text is for the logs only.
        return _internal_error(exc)
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.status == 503 else None
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status, headers=headers)

    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    if isinstance(exc, drf.APIException):
        code = next((code for cls, code in _DRF_CODES if isinstance(exc, cls)), ErrorCode.INTERNAL_ERROR)
        headers = {}
        if code is ErrorCode.VALIDATION_ERROR and isinstance(exc, drf.ValidationError):
            fields = _flatten_fields(exc.detail)
            message = _summary(fields)
        elif code is ErrorCode.VALIDATION_ERROR:
            fields = {}
            message = f"Malformed request: {exc.detail}"
        else:
            fields = {}
            message = str(exc.detail)
        if isinstance(exc, drf.Throttled):
            wait = math.ceil(exc.wait) if exc.wait is not None else RETRY_AFTER_SECONDS
            headers["Retry-After"] = str(max(wait, 1))
            message = f"Request rate exceeded; retry after {headers['Retry-After']} s."
        status = exc.status_code
        if status == 403 and code is ErrorCode.AUTHENTICATION_FAILED:
            status = 401
        return Response(error_body(code, message, fields), status=status, headers=headers)

    if isinstance(exc, DatabaseError) and is_database_unavailable(exc):
        logger.warning("database unavailable: %s", exc.__class__.__name__)
        return Response(
            error_body(ErrorCode.SERVICE_UNAVAILABLE, "The database is unavailable or busy; nothing was changed. Retry later."),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    return _internal_error(exc)


def _internal_error(exc: BaseException) -> Response:
    """Log the error with its traceback; answer the generic 500 (never the error's own text)."""
    logger.error("unhandled error: %s", exc.__class__.__name__, exc_info=exc)
    return Response(error_body(ErrorCode.INTERNAL_ERROR, "Internal error."), status=500)


# Django-level handlers (requests that never reach a DRF view).


def handler404(request, exception=None):
    return error_response(404, ErrorCode.NOT_FOUND, "Not found.")


def handler500(request):
    return error_response(500, ErrorCode.INTERNAL_ERROR, "Internal error.")


def handler400(request, exception=None):
    return error_response(400, ErrorCode.VALIDATION_ERROR, "Bad request.")


def handler403(request, exception=None):
    return error_response(403, ErrorCode.PERMISSION_DENIED, "Forbidden.")
