"""
OpenAPI (drf-spectacular) helpers: the ``X-API-Key`` security scheme, the
error body, and the error responses views list in ``extend_schema``.

``loyalty.apps.LoyaltyConfig.ready`` imports this module so that the
authentication extension is registered before a schema is generated.
"""

from __future__ import annotations

from http import HTTPStatus

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from loyalty.errors import ErrorCode


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "loyalty.auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": (
                "An API key `lk_<prefix>_<secret>`, scoped to some programs or to all. "
                "Missing, unknown or revoked: 401 `authentication_failed`."
            ),
        }


class DecimalStringFieldSchema(OpenApiSerializerFieldExtension):
    """Input amounts: a plain positive decimal string, never a JSON number."""

    target_class = "loyalty.api.fields.DecimalStringField"

    def map_serializer_field(self, auto_schema, direction):
        from loyalty.api.fields import DECIMAL_STRING_PATTERN

        return {
            "type": "string",
            "pattern": DECIMAL_STRING_PATTERN,
            "example": "50.00",
            "description": "A positive decimal string (no sign, exponent or spaces), at most 12 integer digits "
            "and the asset's scale in decimal places. A JSON number is 400.",
        }


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[code.value for code in ErrorCode], help_text="Stable machine-readable error code."
    )
    message = serializers.CharField(help_text="Human-readable explanation.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Request field -> messages (validation_error only); {} otherwise.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_DESCRIPTIONS = {
    HTTPStatus.BAD_REQUEST: "`validation_error`: malformed JSON, wrong types, missing, unknown or read-only fields, "
    "out-of-range values.",
    HTTPStatus.UNAUTHORIZED: "`authentication_failed`: no, unknown or revoked `X-API-Key`.",
    HTTPStatus.FORBIDDEN: "`permission_denied`: the key may not do this.",
    HTTPStatus.NOT_FOUND: "`not_found`: unknown id, malformed id in the path, or an object outside the key's programs.",
    HTTPStatus.CONFLICT: "`idempotency_key_reused`: the idempotency key was used before with a different request.",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "`payload_too_large`: the body is over 64 KiB.",
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: "`unsupported_media_type`: the body is not `application/json`.",
    HTTPStatus.UNPROCESSABLE_ENTITY: "A business rule refuses the request (see the error `code`).",
    HTTPStatus.TOO_MANY_REQUESTS: "`rate_limited`: the key exceeded its request rate; see `Retry-After`.",
    HTTPStatus.SERVICE_UNAVAILABLE: "`service_unavailable`: the database is unreachable or busy; nothing was changed; "
    "see `Retry-After`.",
}

# Every authenticated endpoint can answer these.
COMMON_ERRORS = (HTTPStatus.UNAUTHORIZED, HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE)
# Every endpoint that reads a body can answer these as well.
BODY_ERRORS = (HTTPStatus.BAD_REQUEST, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)


def error_responses(*statuses: int, descriptions: dict[int, str] | None = None) -> dict[int, OpenApiResponse]:
    """``{status: OpenApiResponse(ErrorSerializer)}`` for ``extend_schema(responses=...)``, plus the common ones."""
    descriptions = descriptions or {}
    out = {}
    for status in (*statuses, *COMMON_ERRORS):
        status = HTTPStatus(status)
        out[int(status)] = OpenApiResponse(ErrorSerializer, description=descriptions.get(status, _DESCRIPTIONS[status]))
    return out


def path_uuid(name: str, description: str) -> OpenApiParameter:
    """A UUID path parameter (routes use ``<str:...>`` so that a malformed id answers 404 after auth)."""
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Alternative to the body's `idempotency_key` (1-255 characters); both and different is 400.",
)
