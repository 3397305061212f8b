"""
OpenAPI (drf-spectacular) pieces that views use: the ``X-API-Key`` security
scheme, the shared error components, the error responses views list in
``extend_schema``, and the common parameters.

Every error answer references one component, ``ErrorResponse``
(``{"error": Error}``, ``Error`` being ``{code, message, fields}``), so "any
error" is one type in a generated client; each response's description names
the codes that status can carry for that operation (a 422 lists its rule
codes in the contract's order). What every operation gets without asking
(401/429/503 and the ``default`` answer, ``Retry-After``, extensible enums,
...) is added by the one postprocessing hook, ``loyalty.api.schema_hook``.

``loyalty.apps.LoyaltyConfig.ready`` imports this module so that the
authentication extension is registered before a schema is generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from loyalty.errors import ErrorCode
from loyalty.idempotency import MAX_KEY_LENGTH

API_KEY_SCHEME = "ApiKeyAuth"


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "loyalty.auth.ApiKeyAuthentication"
    name = API_KEY_SCHEME

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


class StrictInputSerializerSchema(OpenApiSerializerExtension):
    """Input bodies reject unknown fields (400): say so with ``additionalProperties: false``."""

    target_class = "loyalty.api.fields.StrictInputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        # The base class's docstring is about parsing, not about this body.
        if "__doc__" not in type(self.target).__dict__ or not type(self.target).__doc__:
            schema.pop("description", None)
        return schema


# --- error bodies ---------------------------------------------------------------------

ERROR_CODE_CHOICES = [(code.value, code.name) for code in ErrorCode]  # as ENUM_NAME_OVERRIDES["ErrorCode"] reads it


class ErrorSerializer(serializers.Serializer):
    """An error: a stable `code`, a `message` for humans, and `fields` (for `validation_error`)."""

    # Describes what loyalty.api.errors.error_body renders (the one place that builds error bodies).
    code = serializers.ChoiceField(
        choices=ERROR_CODE_CHOICES,
        read_only=True,
        help_text="Stable machine-readable code; the status's description says which codes it can carry.",
    )
    message = serializers.CharField(read_only=True, help_text="Human-readable explanation; may change.")
    # Named like Serializer.fields: DRF's metaclass takes declared fields out of the class body, so no clash.
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        help_text="For `validation_error`: request field (dotted for nested values, `non_field_errors` for the "
        "body as a whole) -> its messages. `{}` for every other code.",
    )


class ErrorResponseSerializer(serializers.Serializer):
    """The body of every error answer: `{"error": {"code", "message", "fields"}}`."""

    error = ErrorSerializer(read_only=True)


@dataclass(frozen=True)
class _StatusError:
    code: ErrorCode
    description: str
    example: dict


def _example(code: ErrorCode, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code.value, "message": message, "fields": fields or {}}}


def _status_error(code: ErrorCode, description: str, message: str, fields=None) -> _StatusError:
    return _StatusError(code=code, description=description, example=_example(code, message, fields))


STATUS_ERRORS: dict[HTTPStatus, _StatusError] = {
    HTTPStatus.BAD_REQUEST: _status_error(
        ErrorCode.VALIDATION_ERROR,
        "`validation_error`: malformed JSON, wrong types, missing, unknown or read-only fields, out-of-range "
        "values, or a field that does not apply to the named objects; `fields` says which.",
        "Invalid request. quantity: A JSON integer is required.",
        {"quantity": ["A JSON integer is required."]},
    ),
    HTTPStatus.UNAUTHORIZED: _status_error(
        ErrorCode.AUTHENTICATION_FAILED,
        "`authentication_failed`: no, unknown or revoked `X-API-Key`.",
        "Unknown or revoked API key.",
    ),
    HTTPStatus.FORBIDDEN: _status_error(
        ErrorCode.PERMISSION_DENIED,
        "`permission_denied`: the key is valid but may not do this.",
        "Creating a program needs an API key for all programs.",
    ),
    HTTPStatus.NOT_FOUND: _status_error(
        ErrorCode.NOT_FOUND,
        "`not_found`: an unknown or malformed id in the path, an id in the body that names nothing the key "
        "may see, or an object of another tenant or outside the key's programs.",
        "Unknown participant.",
    ),
    HTTPStatus.CONFLICT: _status_error(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "`idempotency_key_reused`: the idempotency key was used before with a different request; nothing "
        "changed.",
        "The idempotency key was used before with a different request.",
    ),
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: _status_error(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "`payload_too_large`: the body is over 64 KiB.",
        "The request body is larger than 65536 bytes.",
    ),
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: _status_error(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "`unsupported_media_type`: the body is not `application/json`.",
        'Unsupported media type "text/plain" in request.',
    ),
    HTTPStatus.TOO_MANY_REQUESTS: _status_error(
        ErrorCode.RATE_LIMITED,
        "`rate_limited`: the key exceeded its request rate; retry after `Retry-After` seconds.",
        "Request rate exceeded; retry after 3 s.",
    ),
    HTTPStatus.SERVICE_UNAVAILABLE: _status_error(
        ErrorCode.SERVICE_UNAVAILABLE,
        "`service_unavailable`: the database is unreachable or a lock wait timed out; nothing was changed; "
        "retry after `Retry-After` seconds.",
        "The database is unavailable or busy; nothing was changed. Retry later.",
    ),
}

# The `default` answer of every operation: whatever status it has not listed.
DEFAULT_ERROR = _status_error(
    ErrorCode.INTERNAL_ERROR,
    "Any other error, in the same envelope: 500 `internal_error` (a bug; never a traceback), 503 "
    "`service_unavailable` (`Retry-After`), 405 `method_not_allowed`, and codes that a later version adds.",
    "Internal error.",
)


class BusinessRules:
    """The 422 answers of one operation: its rule codes, in the order they are checked."""

    def __init__(self, *codes: ErrorCode, example: tuple[ErrorCode, str]):
        listed = ", ".join(f"`{code.value}`" for code in codes)
        self.codes = codes
        self.description = (
            f"A business rule refuses the request; nothing changed. The first failing rule answers, in this "
            f"order: {listed}."
        )
        self.example = _example(*example)

    def response(self) -> OpenApiResponse:
        return OpenApiResponse(
            ErrorResponseSerializer,
            description=self.description,
            examples=[error_example(self.example, HTTPStatus.UNPROCESSABLE_ENTITY)],
        )


def error_example(value: dict, status: HTTPStatus | str) -> OpenApiExample:
    status = str(int(status)) if isinstance(status, HTTPStatus) else status
    return OpenApiExample(value["error"]["code"], value=value, response_only=True, status_codes=[status])


# Every authenticated operation answers these (the schema hook adds them where a view does not list them).
COMMON_ERRORS = (HTTPStatus.UNAUTHORIZED, HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE)
# Every endpoint that reads a body can answer these as well.
BODY_ERRORS = (HTTPStatus.BAD_REQUEST, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
# Every paginated list: a malformed filter or page size is 400; an unknown page number or a malformed cursor is 404.
LIST_BAD_REQUEST = "`validation_error`: a malformed filter value or `page_size` (a positive integer)."
LIST_NOT_FOUND = "`not_found`: an unknown page (`?page=` past the end) or a malformed `?cursor=`."
SUBLIST_NOT_FOUND = (
    "`not_found`: an unknown or malformed id in the path, an object of another tenant or outside the key's programs, "
    "an unknown page (`?page=` past the end) or a malformed `?cursor=`."
)


def error_responses(
    *statuses: int, rules: BusinessRules | None = None, descriptions: dict[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """
    ``{status: OpenApiResponse}`` for ``extend_schema(responses=...)``: the
    given statuses, and 422 with ``rules``, each an ``ErrorResponse``. (401,
    429, 503 and ``default`` are added to every operation by the schema hook.)
    """
    descriptions = descriptions or {}
    out: dict[int, OpenApiResponse] = {}
    for status in sorted({HTTPStatus(status) for status in statuses}):
        if status == HTTPStatus.UNPROCESSABLE_ENTITY:
            raise ValueError("Pass the operation's 422 codes as rules=BusinessRules(...).")
        error = STATUS_ERRORS[status]
        out[int(status)] = OpenApiResponse(
            ErrorResponseSerializer,
            description=descriptions.get(status, error.description),
            examples=[error_example(error.example, status)],
        )
    if rules is not None:
        out[int(HTTPStatus.UNPROCESSABLE_ENTITY)] = rules.response()
    return out


def list_error_responses(*, path_ids: bool = False) -> dict[int, OpenApiResponse]:
    """
    The error responses of a paginated list: 400 for a malformed filter or
    ``page_size``, 404 for a bad page or cursor (or the path's object).
    """
    not_found = SUBLIST_NOT_FOUND if path_ids else LIST_NOT_FOUND
    return error_responses(
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.NOT_FOUND,
        descriptions={HTTPStatus.BAD_REQUEST: LIST_BAD_REQUEST, HTTPStatus.NOT_FOUND: not_found},
    )


# --- parameters ---------------------------------------------------------------------------


def path_uuid(name: str, description: str) -> OpenApiParameter:
    """A UUID path parameter (routes use ``<str:...>`` so that a malformed id answers 404 after auth)."""
    return OpenApiParameter(
        name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=f"{description} A malformed id is 404."
    )


IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    OpenApiParameter.HEADER,
    required=False,
    description=f"Alternative to the body's `idempotency_key` (1-{MAX_KEY_LENGTH} characters); both with "
    "different values is 400.",
)
