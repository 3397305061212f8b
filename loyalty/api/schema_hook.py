"""
The one drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS
["POSTPROCESSING_HOOKS"]``): the rules that make the document one that client
generators turn into a pleasant SDK, applied to the whole document so that a
new view or serializer follows them without asking:

- one enum component per choice set (drf-spectacular's own enum hook, run
  from here), and query parameters that reference those components instead
  of repeating the values inline (``?status=`` is ``RedemptionStatusEnum``);
- enums in responses are extensible: ``anyOf: [XEnum, string]``, so a client
  generated today keeps working when a later version adds a value (a new
  status, a new error code); request bodies and query parameters keep the
  closed enum (a client only sends values it knows);
- a field that is always null (``NullField``: the dry run's ``id``) is
  ``{enum: [null], nullable: true}`` (``None`` in a generated client);
- a response whose body is one of several resources is an inline ``oneOf``;
- every operation answers ``default`` with the shared ``ErrorResponse`` (500,
  503, 405, codes added later), every operation that needs the key lists 401,
  429 and 503 too, and 429/503 carry ``Retry-After``;
- optional query parameters accept an empty value (``?status=`` filters
  nothing), ``/healthz`` and the API's description are added.

``loyalty/tests/test_openapi.py`` checks these rules over every operation and
every component of the generated document.
"""

from __future__ import annotations

from drf_spectacular.hooks import postprocess_schema_enums
from drf_spectacular.plumbing import load_enum_name_overrides
from inflection import camelize

from loyalty.api.schema import COMMON_ERRORS, DEFAULT_ERROR, STATUS_ERRORS, _StatusError

COMPONENTS = "#/components/schemas/"
ERROR_RESPONSE = "ErrorResponse"
NULL_ONLY = "x-null-only"  # set by loyalty.api.serializers.NullField, replaced here
_ENUM_ID = "x-spec-enum-id"  # drf-spectacular's hash of a choice set (removed by its enum hook)
_QUERY_ENUM_ID = "x-loyalty-query-enum-id"  # the same hash, kept here for the query parameters

EXTENSIBLE_ENUM_NOTE = "One of `{name}`; a later version may add values, so a client accepts any string here."

RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer", "minimum": 1},
}


def postprocess_schema(result, generator, request, public):
    for parameter in _query_parameters(result):
        if _ENUM_ID in parameter["schema"]:
            parameter[_QUERY_ENUM_ID] = parameter["schema"][_ENUM_ID]
    result = postprocess_schema_enums(result, generator)
    _reference_query_enums(result)
    _null_only_fields(result)
    _inline_one_of_responses(result)
    _extensible_response_enums(result)
    _error_answers(result)
    for parameter in _query_parameters(result):
        if not parameter.get("required"):
            parameter["allowEmptyValue"] = True
    result["info"]["description"] = API_DESCRIPTION
    result["paths"]["/healthz"] = HEALTHZ_PATH
    return result


# --- walking the document ---------------------------------------------------------------


def _operations(result):
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            yield path, method, operation


def _query_parameters(result):
    for _, _, operation in _operations(result):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                yield parameter


def refs(node):
    """Every component name that ``node`` references, at any depth."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENTS):
            yield ref.removeprefix(COMPONENTS)
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def _response_schemas(result):
    """The schema of every response body of every operation."""
    for _, _, operation in _operations(result):
        for response in operation.get("responses", {}).values():
            for media in response.get("content", {}).values():
                if "schema" in media:
                    yield media


def response_components(result) -> set[str]:
    """The components a response body can contain (directly or nested)."""
    schemas = result["components"]["schemas"]
    seen: set[str] = set()
    todo = [name for media in _response_schemas(result) for name in refs(media["schema"])]
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(refs(schemas[name]))
    return seen


def _is_enum(schema: dict) -> bool:
    return "enum" in schema and "properties" not in schema


def _add_component(result, name: str, schema: dict) -> None:
    schemas = result["components"]["schemas"]
    schemas[name] = schema
    result["components"]["schemas"] = dict(sorted(schemas.items()))


# --- enums --------------------------------------------------------------------------------


def _reference_query_enums(result) -> None:
    """
    A query parameter's inline enum becomes a reference to the component of
    the same choice set (named by ``ENUM_NAME_OVERRIDES``), created if no
    body uses it. A choice set with no name stays inline (the schema test
    fails and says to name it).
    """
    names = load_enum_name_overrides()
    for parameter in _query_parameters(result):
        enum_id = parameter.pop(_QUERY_ENUM_ID, None)
        schema = parameter["schema"]
        if enum_id is None or enum_id not in names:
            continue
        name = names[enum_id]
        if name not in result["components"]["schemas"]:
            _add_component(result, name, {"type": "string", "enum": schema["enum"]})
        parameter["schema"] = {"$ref": COMPONENTS + name}


def _enum_ref(schema: dict, enums: set[str], nulls: set[str]) -> tuple[str | None, bool]:
    """
    The enum component that a property schema names (``$ref``, ``allOf: [ref]``
    or drf-spectacular's nullable ``oneOf: [ref, NullEnum]``), and whether it is nullable.
    """
    options = [schema] if "$ref" in schema else schema.get("allOf") or schema.get("oneOf") or []
    refs = [option.get("$ref", "").removeprefix(COMPONENTS) for option in options]
    named = [ref for ref in refs if ref in enums]
    if len(named) != 1 or any(ref not in enums | nulls for ref in refs):
        return None, False
    return named[0], schema.get("nullable", False) or any(ref in nulls for ref in refs)


def _extensible_response_enums(result) -> None:
    """Every enum property of a response component becomes ``anyOf: [XEnum, string]``."""
    schemas = result["components"]["schemas"]
    nulls = {name for name, schema in schemas.items() if _is_enum(schema) and schema["enum"] == [None]}
    enums = {name for name, schema in schemas.items() if _is_enum(schema)} - nulls
    for component in sorted(response_components(result)):
        for prop, schema in schemas[component].get("properties", {}).items():
            items = schema.get("type") == "array"
            target = schema["items"] if items else schema
            name, nullable = _enum_ref(target, enums, nulls)
            if name is None:
                continue
            extensible = {
                key: value for key, value in target.items() if key not in ("$ref", "allOf", "oneOf", "nullable")
            }
            extensible["anyOf"] = [{"$ref": COMPONENTS + name}, {"type": "string"}]
            note = EXTENSIBLE_ENUM_NOTE.format(name=name)
            extensible["description"] = f"{extensible['description']} {note}" if "description" in extensible else note
            if nullable:
                extensible["nullable"] = True
            if items:
                schema["items"] = extensible
            else:
                schemas[component]["properties"][prop] = extensible


def _null_only_fields(result) -> None:
    for schema in result["components"]["schemas"].values():
        for prop in schema.get("properties", {}).values():
            if prop.pop(NULL_ONLY, False):
                prop.update({"enum": [None], "nullable": True})


# --- responses ----------------------------------------------------------------------------


def _inline_one_of_responses(result) -> None:
    """A response that references a bare ``oneOf`` component (a PolymorphicProxySerializer) gets the ``oneOf``."""
    schemas = result["components"]["schemas"]
    inlined = set()
    for media in _response_schemas(result):
        name = media["schema"].get("$ref", "").removeprefix(COMPONENTS)
        component = schemas.get(name, {})
        if set(component) == {"oneOf"}:
            media["schema"] = {"oneOf": list(component["oneOf"])}
            inlined.add(name)
    still_used = set(refs(result["paths"])) | set(refs(schemas))
    for name in inlined - still_used:
        del schemas[name]


def error_answer(error: _StatusError, description: str | None = None) -> dict:
    """A response object in the error envelope (what ``loyalty.api.schema.error_responses`` makes, as a dict)."""
    return {
        "content": {
            "application/json": {
                "schema": {"$ref": COMPONENTS + ERROR_RESPONSE},
                "examples": {
                    camelize(error.code.value): {"value": error.example, "summary": error.code.value},
                },
            }
        },
        "description": description or error.description,
    }


def _error_answers(result) -> None:
    for _, _, operation in _operations(result):
        responses = operation.setdefault("responses", {})
        if operation.get("security"):
            for status in COMMON_ERRORS:
                responses.setdefault(str(int(status)), error_answer(STATUS_ERRORS[status]))
        responses.setdefault("default", error_answer(DEFAULT_ERROR))
        for status, response in responses.items():
            if status in ("429", "503"):
                response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER_HEADER
        operation["responses"] = dict(sorted(responses.items(), key=lambda item: (item[0] == "default", item[0])))


# --- what no view describes ---------------------------------------------------------------

HEALTHZ_BODY = {
    "type": "object",
    "required": ["status", "database", "cache"],
    "properties": {
        "status": {"type": "string", "enum": ["ok"]},
        "database": {"type": "string", "enum": ["ok"]},
        "cache": {"type": "string", "enum": ["ok", "down"]},
    },
}

HEALTHZ_PATH = {
    "get": {
        "operationId": "healthz",
        "summary": "Liveness, database and cache check",
        "description": (
            "Public: no `X-API-Key`. Not under `/api/v1`; its 200 and 503 are not in the error shape. A cache "
            "that is down (`\"cache\": \"down\"`) still answers 200: the rate limits fail open."
        ),
        "tags": ["service"],
        "security": [],
        "responses": {
            "200": {
                "description": "The app and its database answer.",
                "content": {
                    "application/json": {
                        "schema": HEALTHZ_BODY,
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
                            **HEALTHZ_BODY,
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
            "default": error_answer(
                DEFAULT_ERROR, "Any other error, in the envelope: 405 `method_not_allowed`, 500."
            ),
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
`?page_size=` up to 200 (default 50; larger values are capped); cursor-paginated lists also answer `next_cursor` and
`previous_cursor`, the values to pass back as `?cursor=`. An empty query parameter (`?status=`) is the same as
leaving it out.

**Evolution.** Responses may gain fields, and enums in responses may gain values (a status, an error code): the
schema says so with `anyOf: [XEnum, string]`, and clients must accept a value they do not know.

**Check order.** Size and media type (413, 415), the key (401, 403), its rate (429), the path's objects (404), the
body's shape (400), the objects the body names (404), checks that depend on them (400), idempotency (409 or the 200
repeat), then the 422 rules in the order each operation lists. A failed request changes nothing.

**Idempotency.** Accruals, redemptions and reversals take an optional `idempotency_key` (or the `Idempotency-Key`
header), scoped to the program: the same request again answers 200 with the original record; a different request
with the same key is 409.

**Errors** are one shape, the `ErrorResponse` component: `{"error": {"code", "message", "fields"}}`; `fields` maps
request fields to messages for `validation_error` and is `{}` otherwise. Besides the statuses each operation lists,
every operation's `default` answer covers 405 `method_not_allowed` (a method the path does not have; `OPTIONS`
included), 413 or 415 (a body on any method), 400 (an invalid `Content-Length`), 500 `internal_error` (a bug: never
with a traceback) and 503 `service_unavailable`.

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
