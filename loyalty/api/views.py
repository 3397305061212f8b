"""Core API views: the landing page and /healthz."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from loyalty import ratelimit
from loyalty.api.errors import error_response
from loyalty.errors import ErrorCode


@require_GET
def landing(request):
    return render(request, "landing.html")


@csrf_exempt  # no session or form: a POST must get the 405, not the CSRF middleware's 403 page
def healthz(request):
    """
    ``{"status": "ok", "database": "ok", "cache": "ok"}``, or 503 when the
    database is unreachable. A cache that is down (``"cache": "down"``) still
    answers 200: the rate limits fail open and every request is served.
    Another method is 405 in the error envelope (the schema's ``default``).
    """
    if request.method != "GET":
        return error_response(
            405, ErrorCode.METHOD_NOT_ALLOWED, f'Method "{request.method}" not allowed.', headers={"Allow": "GET"}
        )
    cache = ratelimit.cache_status()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse(
            {"status": "error", "database": "unavailable", "cache": cache}, status=503, headers={"Retry-After": "1"}
        )
    return JsonResponse({"status": "ok", "database": "ok", "cache": cache})
