"""
The OpenAPI document is valid, complete and truthful: every operation of the
contract, the ``X-API-Key`` scheme, strict request bodies, every error status
with its codes, and the contract's examples. The schema and the docs are
public and the docs load nothing from a CDN.

The rules that make it a document client generators love (one error type,
a ``default`` answer, enum components, extensible response enums, no null
ids or timestamps on a resource, cursors a client can pass back) are checked
over every operation and every component, so that a new operation that
breaks one fails here; each rule also has a test that it catches a violation.
"""

from __future__ import annotations

import copy
import io
import json
import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
from openapi_spec_validator import validate
from rest_framework.exceptions import ValidationError

from ledger.tests.factories import AssetFactory, fund
from loyalty.api.fields import POSITIVE_DECIMAL_STRING_PATTERN, DecimalStringField
from loyalty.api.schema_hook import refs, response_components
from loyalty.errors import ErrorCode
from loyalty.tests.factories import ProgramFactory
from loyalty.tests.helpers import assert_error, db_state
from rewards.tests.factories import RewardFactory

API_OPERATIONS = {
    ("get", "/api/v1/programs"),
    ("post", "/api/v1/programs"),
    ("get", "/api/v1/programs/{program_id}"),
    ("patch", "/api/v1/programs/{program_id}"),
    ("get", "/api/v1/assets"),
    ("post", "/api/v1/assets"),
    ("get", "/api/v1/assets/{asset_id}"),
    ("patch", "/api/v1/assets/{asset_id}"),
    ("get", "/api/v1/participants"),
    ("post", "/api/v1/participants"),
    ("get", "/api/v1/participants/{participant_id}"),
    ("get", "/api/v1/participants/{participant_id}/balances"),
    ("post", "/api/v1/participants/{participant_id}/accruals"),
    ("get", "/api/v1/participants/{participant_id}/accruals"),
    ("get", "/api/v1/accruals/{accrual_id}"),
    ("post", "/api/v1/accruals/{accrual_id}/release"),
    ("post", "/api/v1/accruals/{accrual_id}/reversals"),
    ("get", "/api/v1/accruals/{accrual_id}/reversals"),
    ("get", "/api/v1/rewards"),
    ("post", "/api/v1/rewards"),
    ("get", "/api/v1/rewards/{reward_id}"),
    ("patch", "/api/v1/rewards/{reward_id}"),
    ("post", "/api/v1/rewards/{reward_id}/codes"),
    ("get", "/api/v1/rewards/{reward_id}/codes"),
    ("post", "/api/v1/participants/{participant_id}/redemptions/catalog"),
    ("post", "/api/v1/participants/{participant_id}/redemptions"),
    ("get", "/api/v1/participants/{participant_id}/redemptions"),
    ("get", "/api/v1/redemptions"),
    ("get", "/api/v1/redemptions/{redemption_id}"),
    ("post", "/api/v1/redemptions/{redemption_id}/reversals"),
    ("get", "/api/v1/redemptions/{redemption_id}/reversals"),
    ("get", "/api/v1/journal-entries"),
    ("get", "/api/v1/journal-entries/{entry_id}"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/events/{event_id}"),
    ("get", "/api/v1/webhook-endpoints"),
    ("post", "/api/v1/webhook-endpoints"),
    ("get", "/api/v1/webhook-endpoints/{endpoint_id}"),
    ("patch", "/api/v1/webhook-endpoints/{endpoint_id}"),
    ("delete", "/api/v1/webhook-endpoints/{endpoint_id}"),
    ("post", "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret"),
    ("get", "/api/v1/webhook-endpoints/{endpoint_id}/deliveries"),
    ("post", "/api/v1/webhook-deliveries/{delivery_id}/retry"),
    ("get", "/api/v1/audit-events"),
}
SERVICE_OPERATIONS = {("get", "/healthz")}

MOVEMENTS = {
    ("post", "/api/v1/participants/{participant_id}/accruals"): ["program_not_active", "participant_not_enrolled"],
    ("post", "/api/v1/participants/{participant_id}/redemptions/catalog"): [
        "program_not_active",
        "participant_not_enrolled",
        "reward_not_active",
        "reward_not_available",
        "amount_out_of_range",
        "reward_out_of_stock",
        "participant_limit_exceeded",
        "insufficient_balance",
    ],
    ("post", "/api/v1/participants/{participant_id}/redemptions"): [
        "program_not_active",
        "participant_not_enrolled",
        "insufficient_balance",
    ],
    ("post", "/api/v1/redemptions/{redemption_id}/reversals"): [
        "redemption_fully_reversed",
        "reversal_exceeds_remaining",
    ],
    ("post", "/api/v1/accruals/{accrual_id}/reversals"): ["accrual_reversal_exceeds_remaining"],
}

STATUS_CODES = {
    "400": ["validation_error"],
    "401": ["authentication_failed"],
    "403": ["permission_denied"],
    "404": ["not_found"],
    "409": ["idempotency_key_reused"],
    "413": ["payload_too_large"],
    "415": ["unsupported_media_type"],
    "429": ["rate_limited"],
    "503": ["service_unavailable"],
}

AMOUNT_FIELDS = {
    "AccrualCreateRequest": ["amount"],
    "CatalogRedemptionCreateRequest": ["amount"],
    "DirectRedemptionCreateRequest": ["amount"],
    "ReversalCreateRequest": ["amount"],
    "AccrualReversalCreateRequest": ["amount"],
    "RewardCreateRequest": ["unit_cost", "min_amount", "max_amount"],
    "PatchedRewardUpdateRequest": ["unit_cost", "min_amount", "max_amount"],
}


@pytest.fixture(scope="module")
def openapi() -> dict:
    """The document as served (JSON round trip, so no lazy strings or tuples)."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def documented_codes(response: dict) -> list[str]:
    """The error codes a response's description names (backquoted), in order."""
    return re.findall(r"`([a-z_]+)`", response["description"])


def example_codes(response: dict) -> list[str]:
    return [
        example["value"]["error"]["code"]
        for media in response["content"].values()
        for example in media.get("examples", {}).values()
    ]


def request_schema(schema: dict, method: str, path: str) -> dict:
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return component(schema, body["$ref"])


# --- the document -----------------------------------------------------------------------


def test_the_generated_schema_is_a_valid_openapi_3_document(openapi):
    # when
    validate(openapi)  # raises on an invalid document

    # then
    assert openapi["openapi"].startswith("3.")


def test_the_spectacular_command_validates_the_schema_without_warnings_or_errors(tmp_path):
    # given
    GENERATOR_STATS.reset()
    target = tmp_path / "schema.yaml"
    stderr = io.StringIO()

    # when
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=stderr)

    # then
    assert not GENERATOR_STATS
    assert stderr.getvalue() == ""
    assert "/api/v1/participants/{participant_id}/redemptions/catalog" in target.read_text()


def test_the_schema_has_exactly_the_operations_of_the_contract(openapi):
    # when
    documented = {(method, path) for method, path, _ in operations(openapi)}

    # then
    assert documented == API_OPERATIONS | SERVICE_OPERATIONS


def test_every_api_operation_requires_the_api_key_and_healthz_does_not(openapi):
    # given
    scheme = openapi["components"]["securitySchemes"]["ApiKeyAuth"]

    # when
    security = {(method, path): operation.get("security") for method, path, operation in operations(openapi)}

    # then
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")
    assert all(security[operation] == [{"ApiKeyAuth": []}] for operation in API_OPERATIONS)
    assert security[("get", "/healthz")] == []


# --- responses --------------------------------------------------------------------------


def test_every_api_operation_documents_the_errors_any_request_can_get(openapi):
    # when
    missing = {
        (method, path): {"401", "429", "503"} - set(operation["responses"])
        for method, path, operation in operations(openapi)
        if path.startswith("/api/v1/")
    }

    # then
    assert all(not statuses for statuses in missing.values()), missing


def test_every_operation_with_a_body_documents_400_413_and_415(openapi):
    # when
    with_body = [(method, path, op) for method, path, op in operations(openapi) if "requestBody" in op]

    # then
    assert len(with_body) == 15
    for method, path, operation in with_body:
        assert {"400", "413", "415"} <= set(operation["responses"]), (method, path)


def test_every_path_with_an_id_and_every_list_documents_404(openapi):
    # when
    needing_404 = [
        (method, path, op)
        for method, path, op in operations(openapi)
        if path.startswith("/api/v1/") and ("{" in path or method == "get") and path != "/api/v1/me"  # not a list
    ]

    # then
    assert len(needing_404) == 39
    assert all("404" in operation["responses"] for _, _, operation in needing_404)


def test_only_creating_a_program_documents_403(openapi):
    # when
    with_403 = {(method, path) for method, path, op in operations(openapi) if "403" in op["responses"]}

    # then
    assert with_403 == {("post", "/api/v1/programs")}


def test_only_movements_document_409_and_422(openapi):
    # when
    with_409 = {(method, path) for method, path, op in operations(openapi) if "409" in op["responses"]}
    with_422 = {(method, path) for method, path, op in operations(openapi) if "422" in op["responses"]}

    # then
    assert with_409 == with_422 == set(MOVEMENTS)


@pytest.mark.parametrize(("operation_key", "codes"), MOVEMENTS.items(), ids=lambda v: str(v))
def test_the_422_of_a_movement_lists_exactly_its_rule_codes_in_the_contract_order(openapi, operation_key, codes):
    # given
    method, path = operation_key
    operation = openapi["paths"][path][method]

    # when
    documented = documented_codes(operation["responses"]["422"])

    # then
    assert documented == codes
    assert set(example_codes(operation["responses"]["422"])) <= set(codes)


def test_every_other_error_status_names_only_its_own_code(openapi):
    # when
    named = {
        (method, path, status): (documented_codes(response)[:1], example_codes(response))
        for method, path, op in operations(openapi)
        if path.startswith("/api/v1/")
        for status, response in op["responses"].items()
        if status in STATUS_CODES
    }

    # then
    assert len(named) > 100
    assert all(
        first == examples == STATUS_CODES[status] for (_, _, status), (first, examples) in named.items()
    ), named


def test_the_error_components_are_the_contract_envelope_with_every_known_code(openapi):
    # given
    schemas = openapi["components"]["schemas"]

    # when
    envelope, error = schemas["ErrorResponse"], schemas["Error"]

    # then
    assert envelope["required"] == ["error"]
    assert envelope["properties"]["error"]["allOf"] == [{"$ref": "#/components/schemas/Error"}]
    assert sorted(error["required"]) == ["code", "fields", "message"]
    assert error["properties"]["code"]["anyOf"] == [{"$ref": "#/components/schemas/ErrorCode"}, {"type": "string"}]
    assert schemas["ErrorCode"]["enum"] == [code.value for code in ErrorCode]
    assert error["properties"]["fields"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_rate_limited_and_unavailable_answers_document_retry_after(openapi):
    # when
    headers = [
        response.get("headers", {})
        for _, _, op in operations(openapi)
        for status, response in op["responses"].items()
        if status in ("429", "503")
    ]

    # then
    assert len(headers) == len(API_OPERATIONS) * 2 + 1
    assert all("Retry-After" in response_headers for response_headers in headers)


# --- rules over the whole document (a new operation or serializer that breaks one fails here) -------

ERROR_RESPONSE_REF = {"$ref": "#/components/schemas/ErrorResponse"}
CATALOG = "/api/v1/participants/{participant_id}/redemptions/catalog"
# Null by the contract: a balance that never moved has no updated_at.
NULLABLE_BY_CONTRACT = {("Balance", "updated_at")}
# Not a resource: the dry run's answer, whose ids and timestamps the contract sends as null.
PREVIEWS = {"RedemptionPreview"}
ID_AND_TIMESTAMPS = ("id", "journal_entry_id", "created_at", "updated_at")


def json_body(response: dict) -> dict:
    return response.get("content", {}).get("application/json", {}).get("schema", {})


def response_properties(schema: dict):
    """``(component, property, property schema)`` of every component a response can contain."""
    for name in sorted(response_components(schema)):
        for prop, spec in schema["components"]["schemas"][name].get("properties", {}).items():
            yield name, prop, spec


def missing_default_answers(schema: dict) -> list[str]:
    """Every operation answers `default` with ErrorResponse (added by loyalty.api.schema_hook)."""
    return [
        f"{method} {path}"
        for method, path, op in operations(schema)
        if json_body(op["responses"].get("default", {})) != ERROR_RESPONSE_REF
    ]


def error_answers_outside_the_envelope(schema: dict) -> list[str]:
    """Every error answer is ErrorResponse: list it with loyalty.api.schema.error_responses(...), not a serializer."""
    return [
        f"{method} {path} {status}"
        for method, path, op in operations(schema)
        for status, response in op["responses"].items()
        if (status == "default" or status >= "400")
        and json_body(response) != ERROR_RESPONSE_REF
        and (path, status) != ("/healthz", "503")  # the health check's own body, by the contract
    ]


def inline_parameter_enums(schema: dict) -> list[str]:
    """A parameter's enum is a component: name its choices in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]."""
    return [
        f"{method} {path} ?{parameter['name']}"
        for method, path, op in operations(schema)
        for parameter in op.get("parameters", [])
        if "enum" in parameter["schema"] or "enum" in parameter["schema"].get("items", {})
    ]


def closed_enums_in_responses(schema: dict) -> list[str]:
    """Response enums are extensible (anyOf [XEnum, string]): use a ChoiceField, the hook does the rest."""
    enums = {name for name, c in schema["components"]["schemas"].items() if "enum" in c}
    out = []
    for component, prop, spec in response_properties(schema):
        spec = spec.get("items", spec)
        if spec.get("enum", [None]) != [None] or (
            set(refs(spec)) & enums and spec.get("anyOf", [None])[-1] != {"type": "string"}
        ):
            out.append(f"{component}.{prop}")
    return out


def null_ids_or_timestamps_on_resources(schema: dict) -> list[str]:
    """A resource's id, journal_entry_id and timestamps are never null (a preview is its own component)."""
    out = []
    for component, prop, spec in response_properties(schema):
        if prop not in ID_AND_TIMESTAMPS or component in PREVIEWS or (component, prop) in NULLABLE_BY_CONTRACT:
            continue
        required = prop in schema["components"]["schemas"][component].get("required", [])
        if spec.get("nullable") or not required:
            out.append(f"{component}.{prop}")
    return out


def cursor_lists_without_a_cursor_to_pass_back(schema: dict) -> list[str]:
    """A cursor list answers next_cursor and previous_cursor (loyalty.api.pagination.LedgerCursorPagination)."""
    out = []
    for method, path, op in operations(schema):
        if not any(parameter["name"] == "cursor" for parameter in op.get("parameters", [])):
            continue
        page = component(schema, json_body(op["responses"]["200"])["$ref"])
        for name in ("next_cursor", "previous_cursor"):
            spec = page["properties"].get(name, {})
            if (spec.get("type"), spec.get("nullable"), name in page["required"]) != ("string", True, True):
                out.append(f"{method} {path} {name}")
    return out


def _drop_default(schema):
    del schema["paths"]["/api/v1/programs"]["get"]["responses"]["default"]


def _own_error_body(schema):
    schema["paths"]["/api/v1/programs"]["get"]["responses"]["404"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Program"
    }


def _inline_enum(schema):
    (status,) = [p for p in schema["paths"]["/api/v1/rewards"]["get"]["parameters"] if p["name"] == "status"]
    status["schema"] = {"type": "string", "enum": ["ACTIVE", "INACTIVE", "OUT_OF_STOCK"]}


def _closed_enum(schema):
    schema["components"]["schemas"]["Redemption"]["properties"]["status"] = {
        "$ref": "#/components/schemas/RedemptionStatusEnum"
    }


def _nullable_id(schema):
    schema["components"]["schemas"]["Redemption"]["properties"]["id"]["nullable"] = True


def _no_cursor(schema):
    del schema["components"]["schemas"]["PaginatedJournalEntryList"]["properties"]["next_cursor"]


RULES = {
    missing_default_answers: _drop_default,
    error_answers_outside_the_envelope: _own_error_body,
    inline_parameter_enums: _inline_enum,
    closed_enums_in_responses: _closed_enum,
    null_ids_or_timestamps_on_resources: _nullable_id,
    cursor_lists_without_a_cursor_to_pass_back: _no_cursor,
}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_every_operation_and_component_follows_the_rule(openapi, rule):
    # when
    violations = rule(openapi)

    # then
    assert violations == [], rule.__doc__


@pytest.mark.parametrize(("rule", "break_it"), RULES.items(), ids=lambda value: value.__name__)
def test_the_rule_catches_an_operation_that_breaks_it(openapi, rule, break_it):
    # given
    broken = copy.deepcopy(openapi)
    break_it(broken)

    # when
    violations = rule(broken)

    # then
    assert len(violations) == 1


def test_the_rules_see_every_resource_and_every_cursor_list(openapi):
    # when
    resources = {name for name, prop, _ in response_properties(openapi) if prop == "id"}
    cursor_lists = {
        (method, path)
        for method, path, op in operations(openapi)
        if any(parameter["name"] == "cursor" for parameter in op.get("parameters", []))
    }

    # then
    assert resources == {
        "Program", "Asset", "Participant", "Accrual", "AccrualReversal", "Reward", "Redemption", "RedemptionPreview",
        "Reversal", "JournalEntry", "TenantSummary", "Event", "WebhookEndpoint", "WebhookEndpointWithSecret", "Delivery",
        "AuditEvent", "AuditActor",
    }
    assert cursor_lists == {
        ("get", "/api/v1/redemptions"),
        ("get", "/api/v1/participants/{participant_id}/redemptions"),
        ("get", "/api/v1/redemptions/{redemption_id}/reversals"),
        ("get", "/api/v1/journal-entries"),
        ("get", "/api/v1/participants/{participant_id}/accruals"),
        ("get", "/api/v1/accruals/{accrual_id}/reversals"),
        ("get", "/api/v1/audit-events"),
    }


def test_the_catalog_redemption_answers_200_with_a_redemption_or_its_preview(openapi):
    # given
    operation = openapi["paths"][CATALOG]["post"]

    # when
    ok, created = json_body(operation["responses"]["200"]), json_body(operation["responses"]["201"])

    # then
    assert ok == {
        "oneOf": [{"$ref": "#/components/schemas/Redemption"}, {"$ref": "#/components/schemas/RedemptionPreview"}]
    }
    assert created == {"$ref": "#/components/schemas/Redemption"}


def test_the_preview_has_the_redemptions_fields_with_null_ids_and_timestamps(openapi):
    # given
    schemas = openapi["components"]["schemas"]

    # when
    preview, redemption = schemas["RedemptionPreview"], schemas["Redemption"]
    always_null = {name for name, spec in preview["properties"].items() if spec.get("enum") == [None]}

    # then
    assert list(preview["properties"]) == list(redemption["properties"])
    assert always_null == {
        "id", "journal_entry_id", "codes", "voided_codes", "idempotency_key", "created_at", "updated_at"
    }
    assert all(preview["properties"][name]["nullable"] is True for name in always_null)
    assert sorted(preview["required"]) == sorted(redemption["required"])


@pytest.mark.parametrize(
    ("path", "parameter", "enum"),
    [
        ("/api/v1/rewards", "type", "RewardTypeEnum"),
        ("/api/v1/rewards", "status", "RewardStatusEnum"),
        ("/api/v1/redemptions", "status", "RedemptionStatusEnum"),
        ("/api/v1/participants/{participant_id}/redemptions", "status", "RedemptionStatusEnum"),
        ("/api/v1/journal-entries", "kind", "JournalEntryKindEnum"),
        ("/api/v1/audit-events", "actor_type", "AuditActorTypeEnum"),
    ],
)
def test_a_query_enum_references_the_component_its_resource_uses(openapi, path, parameter, enum):
    # when
    (spec,) = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == parameter]

    # then
    assert spec["schema"] == {"$ref": f"#/components/schemas/{enum}"}


# --- request bodies ----------------------------------------------------------------------


def test_every_request_body_rejects_unknown_fields(openapi):
    # when
    bodies = {name: c for name, c in openapi["components"]["schemas"].items() if name.endswith("Request")}

    # then
    assert len(bodies) == 15
    assert all(body["additionalProperties"] is False for body in bodies.values())


def test_amounts_in_request_bodies_are_decimal_strings_with_the_positive_amount_pattern(openapi):
    # when
    fields = [
        openapi["components"]["schemas"][name]["properties"][field]
        for name, names in AMOUNT_FIELDS.items()
        for field in names
    ]

    # then
    assert len(fields) == 11
    assert all(f["type"] == "string" and f["pattern"] == POSITIVE_DECIMAL_STRING_PATTERN for f in fields)


@pytest.mark.parametrize(
    "value",
    [
        "1000.00", "0.5", "0.0001", "7", "999999999999.99", "999999999999.9",
        "0", "0.00", "0.0000", "00.5", "1e3", "-1.00", "+1", " 1.00", "1.", ".5", "1.00000",
        "1000000000000", "1,00", "\u0661", "NaN", "Infinity", "0x10", "", "1.00\n",
    ],
)
def test_the_amount_pattern_accepts_exactly_what_the_amount_field_accepts(value):
    # given
    field = DecimalStringField()
    ecma_pattern = POSITIVE_DECIMAL_STRING_PATTERN.removesuffix("$") + r"\Z"  # ECMA "$" is the end of input

    # when
    try:
        field.run_validation(value)
        accepted = True
    except ValidationError:
        accepted = False

    # then
    assert bool(re.search(ecma_pattern, value)) is accepted


@pytest.mark.parametrize("value", ["999999999999.991", "999999999999.9999"])
def test_an_amount_above_the_contracts_largest_is_refused_though_the_pattern_cannot_say_so(value):
    # given: the largest accepted amount is 999999999999.99 (a regular expression cannot bound a value)
    field = DecimalStringField()

    # when / then
    with pytest.raises(ValidationError, match="at most 999999999999.99"):
        field.run_validation(value)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/participants/{participant_id}/redemptions/catalog"),
        ("post", "/api/v1/redemptions/{redemption_id}/reversals"),
    ],
)
def test_quantity_is_an_integer_from_1_to_10000(openapi, method, path):
    # when
    quantity = request_schema(openapi, method, path)["properties"]["quantity"]

    # then
    assert (quantity["type"], quantity["minimum"], quantity["maximum"]) == ("integer", 1, 10000)


def test_ids_in_request_bodies_are_uuids(openapi):
    # when
    ids = [
        (name, field, spec)
        for name, body in openapi["components"]["schemas"].items()
        if name.endswith("Request")
        for field, spec in body["properties"].items()
        if field.endswith("_id") and field != "external_id"
    ]

    # then
    assert len(ids) == 10
    assert all(spec == {**spec, "type": "string", "format": "uuid"} for _, _, spec in ids)


def test_the_redemption_bodies_document_their_lengths_and_the_reward_type_enum(openapi):
    # when
    catalog = request_schema(openapi, "post", "/api/v1/participants/{participant_id}/redemptions/catalog")
    reward = request_schema(openapi, "post", "/api/v1/rewards")

    # then
    assert catalog["properties"]["description"]["maxLength"] == 500
    key = catalog["properties"]["idempotency_key"]
    assert (key["minLength"], key["maxLength"]) == (1, 255)
    assert reward["properties"]["type"]["allOf"] == [{"$ref": "#/components/schemas/RewardTypeEnum"}]
    assert openapi["components"]["schemas"]["RewardTypeEnum"]["enum"] == ["UNIT_BASED", "AMOUNT_BASED"]
    assert reward["properties"]["status"]["allOf"] == [{"$ref": "#/components/schemas/RewardSettableStatusEnum"}]
    assert openapi["components"]["schemas"]["RewardSettableStatusEnum"]["enum"] == ["ACTIVE", "INACTIVE"]


def test_enums_have_names_that_say_what_they_are(openapi):
    # when
    enums = {name for name, c in openapi["components"]["schemas"].items() if "enum" in c}

    # then
    assert enums == {
        "ErrorCode",
        "ProgramStatusEnum",
        "RewardTypeEnum",
        "RewardStatusEnum",
        "RewardSettableStatusEnum",
        "RewardFulfilmentEnum",
        "RedemptionStatusEnum",
        "JournalEntryKindEnum",
        "AccountTypeEnum",
        "LineDirectionEnum",
        "AccrualStatusEnum",
        "EventTypeEnum",
        "SubscribedEventTypeEnum",
        "DeliveryStatusEnum",
        "AuditActorTypeEnum",
    }


# --- examples -----------------------------------------------------------------------------


def test_the_redemption_example_has_the_contract_values(openapi):
    # given
    operation = openapi["paths"]["/api/v1/participants/{participant_id}/redemptions/catalog"]["post"]

    # when
    examples = operation["responses"]["201"]["content"]["application/json"]["examples"]
    (example,) = [example for example in examples.values() if example["value"]["codes"] is None]

    # then
    assert {key: example["value"][key] for key in ("amount", "quantity", "unit_cost", "status")} == {
        "amount": "1000.00",
        "quantity": 2,
        "unit_cost": "500.00",
        "status": "COMPLETED",
    }
    assert example["value"]["description"] == "Redeemed: Gift Card"
    assert example["value"]["idempotency_key"] == "redeem-item-12345"
    assert example["value"]["id"] == "550e8400-e29b-41d4-a716-446655440000"


def test_the_422_example_of_a_catalog_redemption_is_insufficient_balance(openapi):
    # given
    operation = openapi["paths"]["/api/v1/participants/{participant_id}/redemptions/catalog"]["post"]

    # when
    (example,) = operation["responses"]["422"]["content"]["application/json"]["examples"].values()

    # then
    assert example["value"] == {
        "error": {
            "code": "insufficient_balance",
            "message": "Balance 120.00 is less than the cost 1000.00.",
            "fields": {},
        }
    }


def test_every_documented_example_matches_its_schema(openapi):
    # given
    def errors(schema, value, validator_class):
        rooted = {**schema, "components": openapi["components"]}  # so that "#/components/..." resolves
        return [error.message for error in validator_class(rooted).iter_errors(value)]

    # when
    responses = [
        (method, path, status, media["schema"], example["value"])
        for method, path, op in operations(openapi)
        for status, response in op["responses"].items()
        for media in response.get("content", {}).values()
        for example in media.get("examples", {}).values()
    ]
    requests = [
        (method, path, "request", media["schema"], example["value"])
        for method, path, op in operations(openapi)
        for media in op.get("requestBody", {}).get("content", {}).values()
        for example in media.get("examples", {}).values()
    ]

    # then
    assert len(responses) > 100 and len(requests) == 4
    for method, path, where, schema, value in responses:
        assert errors(schema, value, OAS30ReadValidator) == [], (method, path, where)
    for method, path, where, schema, value in requests:
        assert errors(schema, value, OAS30WriteValidator) == [], (method, path, where)


# --- serving ------------------------------------------------------------------------------


def test_the_schema_is_served_without_a_key(anon_client):
    # when
    response = anon_client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    # then
    assert response.status_code == HTTPStatus.OK
    served = json.loads(response.content)
    assert {(method, path) for method, path, _ in operations(served)} == API_OPERATIONS | SERVICE_OPERATIONS


@pytest.mark.django_db
def test_the_schema_is_served_whatever_key_is_sent(anon_client):
    # when
    response = anon_client.get("/api/v1/schema", HTTP_X_API_KEY="lk_nosuchke_" + "x" * 40)

    # then
    assert response.status_code == HTTPStatus.OK
    assert b"/api/v1/participants/{participant_id}/accruals" in response.content


def test_the_docs_are_served_without_a_key_and_load_only_local_static_files(anon_client):
    # when
    response = anon_client.get("/api/v1/docs")

    # then
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert not re.search(r"https?://", html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 4
    assert all(url.startswith("/static/drf_spectacular_sidecar/") for url in assets)
    assert 'url: "/api/v1/schema"' in html


def test_the_static_files_of_the_docs_are_served_by_the_app(anon_client):
    # given
    html = anon_client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)

    # when
    statuses = {url: anon_client.get(url).status_code for url in assets}

    # then
    assert statuses == {url: HTTPStatus.OK for url in assets}


def matches(schema: dict, name: str, value: dict) -> bool:
    """Whether ``value`` is valid as the component ``name`` of ``schema`` (as a response)."""
    rooted = {"$ref": f"#/components/schemas/{name}", "components": schema["components"]}
    return OAS30ReadValidator(rooted).is_valid(value)


@pytest.mark.django_db
def test_a_dry_run_answers_a_redemption_preview_and_a_redemption_a_redemption(openapi, client_for, asset, participant):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset)
    url = f"/api/v1/participants/{participant.id}/redemptions/catalog"
    body = {"program_id": str(asset.program_id), "reward_id": str(reward.id)}

    # when
    preview = client_for.post(url + "?dry_run=true", body).json()
    redemption = client_for.post(url, body).json()

    # then
    assert matches(openapi, "RedemptionPreview", preview) and not matches(openapi, "Redemption", preview)
    assert matches(openapi, "Redemption", redemption) and not matches(openapi, "RedemptionPreview", redemption)


# --- behaviour the schema documents ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", ["0", "-1", "abc", "1.5", "null", "٣"])
def test_a_page_size_that_is_not_a_positive_integer_is_400(admin_client_api, page_size):
    # given
    before = db_state()

    # when
    response = admin_client_api.get("/api/v1/programs", {"page_size": page_size})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="page_size")
    assert db_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("page_size", "expected"), [("", 3), ("2", 2), ("0002", 2), ("99999999999999999999", 3)])
def test_a_page_size_that_is_empty_or_huge_is_the_default_or_the_cap(admin_client_api, page_size, expected):
    # given
    ProgramFactory.create_batch(3)

    # when
    response = admin_client_api.get("/api/v1/programs", {"page_size": page_size})

    # then
    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["results"]) == expected


@pytest.mark.django_db
def test_an_empty_filter_is_the_same_as_no_filter(admin_client_api):
    # given
    assets = AssetFactory.create_batch(2)

    # when
    response = admin_client_api.get("/api/v1/assets", {"program_id": ""})

    # then
    assert response.status_code == HTTPStatus.OK
    assert {asset["id"] for asset in response.json()["results"]} == {str(asset.id) for asset in assets}


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/vnd.oai.openapi"])
def test_an_accept_header_that_is_not_json_still_gets_json(admin_client_api, program, accept):
    # when
    response = admin_client_api.get(f"/api/v1/programs/{program.id}", HTTP_ACCEPT=accept)

    # then
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert response.json()["id"] == str(program.id)


@pytest.mark.django_db
def test_a_request_without_a_key_that_asks_for_html_is_401_not_406(anon_client):
    # when
    response = anon_client.get("/api/v1/programs", HTTP_ACCEPT="text/html")

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")


@pytest.mark.django_db
def test_a_post_to_healthz_is_405_in_the_error_envelope_not_the_csrf_page(anon_client):
    # given
    before = db_state()

    # when
    response = anon_client.generic("POST", "/healthz")

    # then
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert response["Allow"] == "GET"
    assert db_state() == before
