"""Request middleware of the core."""

from django.conf import settings

from loyalty.api.errors import error_response
from loyalty.errors import ErrorCode


class BodySizeLimitMiddleware:
    """Answer 413 ``payload_too_large`` before reading a body over the limit (64 KiB)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return error_response(400, ErrorCode.VALIDATION_ERROR, "Invalid Content-Length header.")
        if length > limit:
            return error_response(
                413, ErrorCode.PAYLOAD_TOO_LARGE, f"The request body is larger than {limit} bytes."
            )
        return self.get_response(request)
