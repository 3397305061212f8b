"""
OpenAPI (drf-spectacular) helpers: the ``X-API-Key`` security scheme, the
error bodies, the error responses views list in ``extend_schema``, and the
postprocessing hook that adds what no view describes (``/healthz``, the
``Retry-After`` header, the API's description).

Every error status has its own component whose ``code`` is an enum of the
codes that status can carry (``NotFoundError``: ``not_found``); each
operation that answers 422 gets a component listing exactly the rule codes
it can raise, in the contract's order (``CatalogRedemptionRuleError``).

``loyalty.apps.LoyaltyConfig.ready`` imports this module so that the
authentication extension is registered before a schema is generated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema_field
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

FIELD_MESSAGES_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "description": "Request field (dotted for nested values, `non_field_errors` for the body as a whole) -> "
    "its messages.",
}
NO_FIELDS_SCHEMA = {"type": "object", "maxProperties": 0, "description": "Always `{}` for this error."}


def _error_serializer(name: str, codes: Sequence[ErrorCode], description: str) -> type[serializers.Serializer]:
    """A component ``name``: the error envelope whose ``code`` is one of ``codes``."""
    with_fields = ErrorCode.VALIDATION_ERROR in codes
    body = {
        "type": "object",
        "required": ["code", "message", "fields"],
        "properties": {
            "code": {
                "type": "string",
                "enum": [code.value for code in codes],
                "description": "Stable machine-readable error code.",
            },
            "message": {"type": "string", "description": "Human-readable explanation; may change."},
            "fields": FIELD_MESSAGES_SCHEMA if with_fields else NO_FIELDS_SCHEMA,
        },
    }
    body_field = extend_schema_field(body)(type(f"{name}Body", (serializers.JSONField,), {}))
    return type(
        f"{name}Serializer",
        (serializers.Serializer,),
        {"__module__": __name__, "__doc__": description, "error": body_field()},
    )


@dataclass(frozen=True)
class _StatusError:
    serializer: type[serializers.Serializer]
    description: str
    example: dict


def _example(code: ErrorCode, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code.value, "message": message, "fields": fields or {}}}


def _status_error(name: str, code: ErrorCode, description: str, message: str, fields=None) -> _StatusError:
    return _StatusError(
        serializer=_error_serializer(name, [code], description),
        description=description,
        example=_example(code, message, fields),
    )


STATUS_ERRORS: dict[HTTPStatus, _StatusError] = {
    HTTPStatus.BAD_REQUEST: _status_error(
        "ValidationError",
        ErrorCode.VALIDATION_ERROR,
        "`validation_error`: malformed JSON, wrong types, missing, unknown or read-only fields, out-of-range "
        "values, or a field that does not apply to the named objects; `fields` says which.",
        "Invalid request. quantity: A JSON integer is required.",
        {"quantity": ["A JSON integer is required."]},
    ),
    HTTPStatus.UNAUTHORIZED: _status_error(
        "AuthenticationFailedError",
        ErrorCode.AUTHENTICATION_FAILED,
        "`authentication_failed`: no, unknown or revoked `X-API-Key`.",
        "Unknown or revoked API key.",
    ),
    HTTPStatus.FORBIDDEN: _status_error(
        "PermissionDeniedError",
        ErrorCode.PERMISSION_DENIED,
        "`permission_denied`: the key is valid but may not do this.",
        "Creating a program needs an API key for all programs.",
    ),
    HTTPStatus.NOT_FOUND: _status_error(
        "NotFoundError",
        ErrorCode.NOT_FOUND,
        "`not_found`: an unknown or malformed id in the path, an id in the body that names nothing the key "
        "may see, or an object of another tenant or outside the key's programs.",
        "Unknown participant.",
    ),
    HTTPStatus.CONFLICT: _status_error(
        "IdempotencyKeyReusedError",
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "`idempotency_key_reused`: the idempotency key was used before with a different request; nothing "
        "changed.",
        "The idempotency key was used before with a different request.",
    ),
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: _status_error(
        "PayloadTooLargeError",
        ErrorCode.PAYLOAD_TOO_LARGE,
        "`payload_too_large`: the body is over 64 KiB.",
        "The request body is larger than 65536 bytes.",
    ),
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: _status_error(
        "UnsupportedMediaTypeError",
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "`unsupported_media_type`: the body is not `application/json`.",
        'Unsupported media type "text/plain" in request.',
    ),
    HTTPStatus.TOO_MANY_REQUESTS: _status_error(
        "RateLimitedError",
        ErrorCode.RATE_LIMITED,
        "`rate_limited`: the key exceeded its request rate; retry after `Retry-After` seconds.",
        "Request rate exceeded; retry after 3 s.",
    ),
    HTTPStatus.SERVICE_UNAVAILABLE: _status_error(
        "ServiceUnavailableError",
        ErrorCode.SERVICE_UNAVAILABLE,
        "`service_unavailable`: the database is unreachable or a lock wait timed out; nothing was changed; "
        "retry after `Retry-After` seconds.",
        "The database is unavailable or busy; nothing was changed. Retry later.",
    ),
}


class BusinessRules:
    """The 422 answers of one operation: its rule codes, in the order they are checked."""

    def __init__(self, name: str, *codes: ErrorCode, example: tuple[ErrorCode, str]):
        listed = ", ".join(f"`{code.value}`" for code in codes)
        self.codes = codes
        self.description = (
            f"A business rule refuses the request; nothing changed. The first failing rule answers, in this "
            f"order: {listed}."
        )
        self.serializer = _error_serializer(name, codes, self.description)
        self.example = _example(*example)

    def response(self) -> OpenApiResponse:
        return OpenApiResponse(
            self.serializer,
            description=self.description,
            examples=[_error_example(self.example, HTTPStatus.UNPROCESSABLE_ENTITY)],
        )


def _error_example(value: dict, status: HTTPStatus) -> OpenApiExample:
    return OpenApiExample(value["error"]["code"], value=value, response_only=True, status_codes=[str(int(status))])


# Every authenticated endpoint can answer these.
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
    ``{status: OpenApiResponse}`` for ``extend_schema(responses=...)``: the given
    statuses plus the common ones (401, 429, 503), and 422 with ``rules``.
    """
    descriptions = descriptions or {}
    out: dict[int, OpenApiResponse] = {}
    for status in sorted({HTTPStatus(status) for status in (*statuses, *COMMON_ERRORS)}):
        if status == HTTPStatus.UNPROCESSABLE_ENTITY:
            raise ValueError("Pass the operation's 422 codes as rules=BusinessRules(...).")
        error = STATUS_ERRORS[status]
        out[int(status)] = OpenApiResponse(
            error.serializer,
            description=descriptions.get(status, error.description),
            examples=[_error_example(error.example, status)],
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


# --- postprocessing ------------------------------------------------------------------------

RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer", "minimum": 1},
}

HEALTHZ_PATH = {
    "get": {
        "operationId": "healthz",
        "summary": "Liveness, database and cache check",
        "description": (
            "Public: no `X-API-Key`. Not under `/api/v1` and not in the error shape. A cache that is down "
            "(`\"cache\": \"down\"`) still answers 200: the rate limits fail open."
        ),
        "tags": ["service"],
        "security": [],
        "responses": {
            "200": {
                "description": "The app and its database answer.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status", "database", "cache"],
                            "properties": {
                                "status": {"type": "string", "enum": ["ok"]},
                                "database": {"type": "string", "enum": ["ok"]},
                                "cache": {"type": "string", "enum": ["ok", "down"]},
                            },
                        },
                        "example": {"status": "ok", "database": "ok", "cache": "ok"},
                    }
                },
            },
            "503": {
                "description": "The database is unreachable.",
                "headers": {"Retry-After": RETRY_AFTER_HEADER},
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status", "database", "cache"],
                            "properties": {
                                "status": {"type": "string", "enum": ["error"]},
                                "database": {"type": "string", "enum": ["unavailable"]},
                                "cache": {"type": "string", "enum": ["ok", "down"]},
                            },
                        },
                        "example": {"status": "error", "database": "unavailable", "cache": "ok"},
                    }
                },
            },
        },
    }
}

API_DESCRIPTION = """\
Points programs: participants, accruals, a reward catalog, redemptions and reversals, on a double-entry ledger.

**Auth.** Every `/api/v1` request carries `X-API-Key: lk_<prefix>_<secret>` (the schema and the docs are public).
A key belongs to one tenant and sees all of its programs or some (`GET /api/v1/me` says which); an object of another
tenant, or in a program the key may not see, is answered 404, exactly as if it did not exist.

**Types.** JSON in and out. Ids are UUIDs: malformed in a path is 404, in a body 400. Money-like values are decimal
strings (`"50.00"`) with exactly the asset's `scale` places, never JSON numbers. Types are strict and unknown or
read-only body fields are 400. Timestamps are ISO 8601 in UTC. Lists are `{next, previous, results}`, newest first,
`?page_size=` up to 200 (default 50; larger values are capped). An empty query parameter (`?status=`) is the
same as leaving it out.

**Check order.** Size and media type (413, 415), the key (401, 403), its rate (429), the path's objects (404), the
body's shape (400), the objects the body names (404), checks that depend on them (400), idempotency (409 or the 200
repeat), then the 422 rules in the order each operation lists. A failed request changes nothing.

**Idempotency.** Accruals, redemptions and reversals take an optional `idempotency_key` (or the `Idempotency-Key`
header), scoped to the program: the same request again answers 200 with the original record; a different request
with the same key is 409.

**Errors** are `{"error": {"code", "message", "fields"}}`; `fields` maps request fields to messages for
`validation_error` and is `{}` otherwise. Besides the statuses each operation lists, any request can be answered
405 `method_not_allowed` (a method the path does not have; `OPTIONS` included), 413 or 415 (a body on any method),
400 (an invalid `Content-Length`), and 500 `internal_error` (a bug: never with a traceback).

| status | code |
| --- | --- |
| 400 | `validation_error` |
| 401 | `authentication_failed` |
| 403 | `permission_denied` |
| 404 | `not_found` |
| 405 | `method_not_allowed` |
| 409 | `idempotency_key_reused` |
| 413 | `payload_too_large` |
| 415 | `unsupported_media_type` |
| 422 | `program_not_active`, `participant_not_enrolled`, `reward_not_active`, `reward_not_available`, \
`amount_out_of_range`, `reward_out_of_stock`, `participant_limit_exceeded`, `insufficient_balance`, \
`redemption_fully_reversed`, `reversal_exceeds_remaining` |
| 429 | `rate_limited` (`Retry-After`) |
| 500 | `internal_error` |
| 503 | `service_unavailable` (`Retry-After`) |
"""


def postprocess_schema(result, generator, request, public):
    """
    Add ``/healthz``, the ``Retry-After`` header of 429/503 answers and the
    API's description; mark the query parameters of lists as accepting an
    empty value (``?status=`` filters nothing, like leaving it out).
    """
    result["info"]["description"] = API_DESCRIPTION
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method == "get":
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query" and not parameter.get("required"):
                        parameter["allowEmptyValue"] = True
            for status, response in operation.get("responses", {}).items():
                if status in ("429", "503"):
                    response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER_HEADER
    result["paths"]["/healthz"] = HEALTHZ_PATH
    return result
