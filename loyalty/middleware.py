"""Request middleware of the core."""

import re

from django.conf import settings

from loyalty.api.errors import error_response
from loyalty.errors import ErrorCode

# The one route whose body may be larger: up to 10,000 reward codes of up to 100 characters each.
LARGE_BODY_PATH = re.compile(r"^/api/v1/rewards/[^/]+/codes$")


def body_limit(path: str) -> int:
    """The body limit of a request to ``path``: 64 KiB, more for adding reward codes."""
    if LARGE_BODY_PATH.match(path):
        return settings.MAX_CODES_BODY_BYTES
    return settings.MAX_REQUEST_BODY_BYTES


class BodySizeLimitMiddleware:
    """Answer 413 ``payload_too_large`` before reading a body over the limit (64 KiB; see ``body_limit``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request.path)
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
