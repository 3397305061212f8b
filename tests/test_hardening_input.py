"""
Hostile input: every malformed body, media type, amount, key or text a script
might send gets a 4xx in the error envelope and changes nothing.

The bodies are sent as raw bytes (``client.generic``) so that what reaches
the server is exactly what is written here. ``everything()`` snapshots every
row a request could write; each error test asserts it is unchanged.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cached_property
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ledger.models import JournalEntry
from ledger.tests.factories import fund
from loyalty.models import Program
from loyalty.tests.admin_helpers import admin_url
from loyalty.tests.helpers import assert_error, db_state
from participants.models import Accrual, Participant
from rewards.models import Redemption, Reversal, Reward
from rewards.services import redemption_create_catalog, redemption_create_direct
from rewards.tests.factories import RewardFactory
from tests.ledger_checks import world_snapshot

BODY_LIMIT = 64 * 1024


def everything() -> dict:
    return {**db_state(), **world_snapshot()}


class World:
    """
    A program with an asset and a funded participant; rewards of both types and two redemptions
    are made on first use (each test pays only for what its endpoint needs).
    """

    def __init__(self, program, asset, participant):
        fund(participant, asset, "500.00")
        self.program, self.asset, self.participant = program, asset, participant

    @cached_property
    def unit_reward(self) -> Reward:
        return RewardFactory(asset=self.asset, unit_cost=Decimal("10.00"), max_total=50)

    @cached_property
    def amount_reward(self) -> Reward:
        return RewardFactory(
            asset=self.asset, type=Reward.Type.AMOUNT_BASED, min_amount=Decimal("1.00"), max_amount=Decimal("100.00")
        )

    @cached_property
    def unit_redemption(self) -> Redemption:
        return redemption_create_catalog(
            program=self.program, participant=self.participant, reward=self.unit_reward, quantity=3
        ).record

    @cached_property
    def direct_redemption(self) -> Redemption:
        return redemption_create_direct(
            program=self.program, participant=self.participant, asset=self.asset, amount=Decimal("20.00")
        ).record

    def endpoint(self, name: str) -> tuple[str, str, dict]:
        """``(method, path, a valid body)`` of the named endpoint."""
        p, program_id, asset_id = self.participant.id, str(self.program.id), str(self.asset.id)
        endpoints = {
            "accrual": lambda: (
                "POST", f"/api/v1/participants/{p}/accruals",
                {"program_id": program_id, "asset_id": asset_id, "amount": "5.00"},
            ),
            "direct redemption": lambda: (
                "POST", f"/api/v1/participants/{p}/redemptions",
                {"program_id": program_id, "asset_id": asset_id, "amount": "5.00"},
            ),
            "catalog redemption (units)": lambda: (
                "POST", f"/api/v1/participants/{p}/redemptions/catalog",
                {"program_id": program_id, "reward_id": str(self.unit_reward.id), "quantity": 1},
            ),
            "catalog redemption (amount)": lambda: (
                "POST", f"/api/v1/participants/{p}/redemptions/catalog",
                {"program_id": program_id, "reward_id": str(self.amount_reward.id), "amount": "5.00"},
            ),
            "reversal (units)": lambda: (
                "POST", f"/api/v1/redemptions/{self.unit_redemption.id}/reversals", {"quantity": 1},
            ),
            "reversal (amount)": lambda: (
                "POST", f"/api/v1/redemptions/{self.direct_redemption.id}/reversals", {"amount": "1.00"},
            ),
            "participant": lambda: (
                "POST", "/api/v1/participants", {"program_id": program_id, "external_id": "new-member"},
            ),
            "asset": lambda: ("POST", "/api/v1/assets", {"program_id": program_id, "code": "MILES", "name": "Miles"}),
            "reward": lambda: (
                "POST", "/api/v1/rewards",
                {"program_id": program_id, "asset_id": asset_id, "name": "Mug", "type": "UNIT_BASED", "unit_cost": "5.00"},
            ),
            "reward change": lambda: ("PATCH", f"/api/v1/rewards/{self.unit_reward.id}", {"name": "Big mug"}),
            "program change": lambda: ("PATCH", f"/api/v1/programs/{self.program.id}", {"name": "Renamed"}),
        }
        return endpoints[name]()


ENDPOINTS = [
    "accrual", "direct redemption", "catalog redemption (units)", "catalog redemption (amount)",
    "reversal (units)", "reversal (amount)", "participant", "asset", "reward", "reward change", "program change",
]
MOVEMENTS = ENDPOINTS[:6]
# Where a money-like string is read: (endpoint, field).
AMOUNT_FIELDS = [
    ("accrual", "amount"), ("direct redemption", "amount"), ("catalog redemption (amount)", "amount"),
    ("reversal (amount)", "amount"), ("reward", "unit_cost"),
]
TEXT_LIMITS = [  # (endpoint, field, max length)
    ("accrual", "description", 500), ("direct redemption", "description", 500),
    ("catalog redemption (units)", "description", 500), ("reversal (units)", "reason", 500),
]


@pytest.fixture
def world(program, asset, participant):
    return World(program, asset, participant)


def send(client, method: str, path: str, raw: bytes | str, content_type: str = "application/json", **extra):
    if isinstance(raw, str):
        raw = raw.encode()
    return client.generic(method, path, raw, content_type=content_type, **extra)


def send_json(client, endpoint: tuple[str, str, dict], **changes):
    """Send the endpoint's valid body with ``changes``."""
    method, path, body = endpoint
    return send(client, method, path, json.dumps({**body, **changes}))


# --- the bases are valid --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_valid_bodies_the_hostile_ones_start_from_are_accepted(client_for, world, name):
    # when
    response = send_json(client_for, world.endpoint(name))

    # then
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.CREATED), response.content


# --- size ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_body_over_64_kib_is_413_payload_too_large(client_for, world, name):
    # given
    method, path, _ = world.endpoint(name)
    raw = b'{"description": "' + b"a" * BODY_LIMIT + b'"}'
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")
    assert everything() == before


@pytest.mark.django_db
def test_a_body_over_the_limit_is_413_before_the_key_is_checked(anon_client, world):
    # given
    method, path, _ = world.endpoint("accrual")
    before = everything()

    # when
    response = send(anon_client, method, path, b"[" * (BODY_LIMIT + 1))

    # then
    assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")
    assert everything() == before


@pytest.mark.django_db
def test_a_body_of_exactly_64_kib_is_read_and_judged_on_its_content(client_for, world):
    # given
    method, path, body = world.endpoint("accrual")
    prefix = json.dumps({**body, "description": ""})[:-2]  # ends with the description's opening quote
    raw = prefix + "a" * (BODY_LIMIT - len(prefix) - 2) + '"}'
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    assert len(raw) == BODY_LIMIT
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="description")
    assert everything() == before


@pytest.mark.django_db
def test_a_negative_content_length_is_400(client_for, world):
    # given
    method, path, _ = world.endpoint("accrual")
    before = everything()

    # when
    response = send(client_for, method, path, b"{}", CONTENT_LENGTH="-1")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert everything() == before


# --- nesting and huge documents ------------------------------------------------------------

NESTED_AND_HUGE = {
    "100000 nested arrays": ("[" * 100_000 + "]" * 100_000, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large"),
    "30000 nested arrays": ("[" * 30_000 + "]" * 30_000, HTTPStatus.BAD_REQUEST, "validation_error"),
    "10000 nested objects": ('{"a":' * 10_000 + "1" + "}" * 10_000, HTTPStatus.BAD_REQUEST, "validation_error"),
    "a field nested 100 deep": (
        '{"description": ' + "[" * 100 + "]" * 100 + "}", HTTPStatus.BAD_REQUEST, "validation_error",
    ),
    "an array of 20000 numbers": ("[" + ",".join(["0"] * 20_000) + "]", HTTPStatus.BAD_REQUEST, "validation_error"),
    "an object of 4000 keys": (
        json.dumps({f"k{n}": n for n in range(4000)}), HTTPStatus.BAD_REQUEST, "validation_error",
    ),
    "a 5000-digit integer": ('{"amount": ' + "9" * 5000 + "}", HTTPStatus.BAD_REQUEST, "validation_error"),
    "a 60000-character string": (
        json.dumps({"description": "x" * 60_000}), HTTPStatus.BAD_REQUEST, "validation_error",
    ),
    "a string as the body": ('"just a string"', HTTPStatus.BAD_REQUEST, "validation_error"),
    "null as the body": ("null", HTTPStatus.BAD_REQUEST, "validation_error"),
    "truncated JSON": ('{"amount": "5.00"', HTTPStatus.BAD_REQUEST, "validation_error"),
    "two documents": ('{"amount": "5.00"} {"amount": "6.00"}', HTTPStatus.BAD_REQUEST, "validation_error"),
    "a byte order mark": ("\ufeff{}", HTTPStatus.BAD_REQUEST, "validation_error"),
}


# Every case on the accrual endpoint; the nesting cases on every movement endpoint too.
NESTED_AND_HUGE_CASES = [("accrual", case) for case in NESTED_AND_HUGE] + [
    (name, case) for name in MOVEMENTS[1:] for case in ("100000 nested arrays", "30000 nested arrays")
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, case", NESTED_AND_HUGE_CASES)
def test_deep_huge_or_broken_json_is_a_4xx_and_changes_nothing(client_for, world, name, case):
    # given
    raw, status, code = NESTED_AND_HUGE[case]
    method, path, _ = world.endpoint(name)
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    assert_error(response, status, code)
    assert everything() == before


# --- encoding ----------------------------------------------------------------------------

BAD_TEXT = {
    "an invalid UTF-8 byte": b'{"description": "\xff"}',
    "a truncated UTF-8 sequence": b'{"description": "\xc3"}',
    "an overlong UTF-8 encoding": b'{"description": "\xc0\xaf"}',
    "an invalid byte in a key": b'{"descr\xc3\x28iption": "x"}',
    "UTF-16 declared as UTF-8": '{"description": "x"}'.encode("utf-16"),
    "a lone surrogate escape": b'{"description": "\\ud800"}',
    "a NUL character": b'{"description": "a\\u0000b"}',
}


BAD_TEXT_CASES = [("accrual", case) for case in BAD_TEXT] + [
    (name, case)
    for name in ("direct redemption", "catalog redemption (units)", "participant")
    for case in ("an invalid UTF-8 byte", "a lone surrogate escape", "a NUL character")
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, case", BAD_TEXT_CASES)
def test_text_that_is_not_valid_unicode_is_400(client_for, world, name, case):
    # given
    method, path, body = world.endpoint(name)
    raw = BAD_TEXT[case]
    if raw.startswith(b'{"description"') and name == "participant":
        raw = raw.replace(b'"description"', b'"display_name"')
    if not raw.startswith(b"\xff\xfe"):  # keep the endpoint's required fields around the bad text
        raw = json.dumps(body).encode()[:-1] + b", " + raw[1:]
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert everything() == before


# --- media type --------------------------------------------------------------------------

WRONG_MEDIA_TYPES = [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/xml",
    "text/json", "application/jsonx", "application/json-patch+json", "",
]


# Every media type on the accrual endpoint; every endpoint with text/plain.
MEDIA_TYPE_CASES = [("accrual", content_type) for content_type in WRONG_MEDIA_TYPES] + [
    (name, "text/plain") for name in ENDPOINTS[1:]
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, content_type", MEDIA_TYPE_CASES)
def test_a_body_that_is_not_application_json_is_415(client_for, world, name, content_type):
    # given
    method, path, body = world.endpoint(name)
    before = everything()

    # when
    response = send(client_for, method, path, json.dumps(body), content_type=content_type)

    # then
    assert_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    assert everything() == before


@pytest.mark.django_db
def test_the_media_type_is_checked_before_the_key(anon_client, world):
    # given
    method, path, body = world.endpoint("accrual")
    before = everything()

    # when
    response = send(anon_client, method, path, json.dumps(body), content_type="text/plain")

    # then
    assert_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    assert everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("charset, encoding", [("x-klingon", "utf-8"), ("utf-16", "utf-16"), ("latin-1", "latin-1")])
def test_a_body_declared_in_a_charset_other_than_utf_8_is_400(client_for, world, charset, encoding):
    # given
    method, path, body = world.endpoint("accrual")
    raw = json.dumps({**body, "description": "caf\u00e9"}, ensure_ascii=False).encode(encoding)
    before = everything()

    # when
    response = send(client_for, method, path, raw, content_type=f"application/json; charset={charset}")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8"])
def test_a_body_declared_as_utf_8_is_accepted(client_for, world, charset):
    # given
    method, path, body = world.endpoint("accrual")
    raw = json.dumps({**body, "description": "caf\u00e9"}, ensure_ascii=False).encode()

    # when
    response = send(client_for, method, path, raw, content_type=f"application/json; charset={charset}")

    # then
    assert response.status_code == HTTPStatus.CREATED, response.content
    assert response.json()["description"] == "caf\u00e9"


# --- duplicate keys, non-finite numbers ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_duplicate_json_key_is_400(client_for, world, name):
    # given: the same field twice, the second value valid too (which one would a proxy have logged?)
    method, path, body = world.endpoint(name)
    field, value = next(iter(body.items()))
    raw = json.dumps(body)[:-1] + f", {json.dumps(field)}: {json.dumps(value)}}}"
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    error = assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert "Duplicate key" in error["message"]
    assert everything() == before


@pytest.mark.django_db
def test_a_duplicate_key_in_a_nested_object_is_400(client_for, world):
    # given
    method, path, body = world.endpoint("accrual")
    raw = json.dumps(body)[:-1] + ', "description": {"a": 1, "a": 2}}'
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("name, field", [*AMOUNT_FIELDS, ("catalog redemption (units)", "quantity")])
def test_nan_and_infinity_are_400(client_for, world, name, field, constant):
    # given
    method, path, body = world.endpoint(name)
    raw = json.dumps({**body, field: "PLACEHOLDER"}).replace('"PLACEHOLDER"', constant)
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert everything() == before


# --- amounts -----------------------------------------------------------------------------

BAD_AMOUNTS = [
    "1e3", "1E3", "0x10", " 5", "5 ", "5\n", "\t5", "5.", ".5", "-0", "-5", "+5", "0", "0.00", "-0.00",
    "1" * 40, "0." + "1" * 40, "1" * 13, "1000000000000.00", "999999999999.999", "5.001",
    "NaN", "nan", "Infinity", "-Infinity", "sNaN", "1_000", "1,000", "1 000", "５", "٥", "", "five", "0b101",
    "5.00.00", "\u00a05",
]
BAD_AMOUNT_JSON = ["5", "5.0", "1e3", "1234567890123456789012345678901234567890", "true", "null", "[]", "{}", '["5"]']


# The issue's own list, on every field that reads an amount; the whole list on the accrual's.
ISSUE_AMOUNTS = ["1e3", "0x10", " 5", "5.", "-0", "1" * 40, "5\n", "NaN"]
AMOUNT_CASES = [("accrual", "amount", amount) for amount in BAD_AMOUNTS] + [
    (name, field, amount) for name, field in AMOUNT_FIELDS[1:] for amount in ISSUE_AMOUNTS
]
AMOUNT_JSON_CASES = [("accrual", "amount", literal) for literal in BAD_AMOUNT_JSON] + [
    (name, field, literal) for name, field in AMOUNT_FIELDS[1:] for literal in ("5", BAD_AMOUNT_JSON[3])
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, field, amount", AMOUNT_CASES)
def test_an_amount_string_that_is_not_a_plain_positive_decimal_is_400(client_for, world, name, field, amount):
    # given
    endpoint = world.endpoint(name)
    before = everything()

    # when
    response = send_json(client_for, endpoint, **{field: amount})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)
    assert everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name, field, literal", AMOUNT_JSON_CASES)
def test_an_amount_that_is_not_a_json_string_is_400(client_for, world, name, field, literal):
    # given
    method, path, body = world.endpoint(name)
    raw = json.dumps({**body, field: "PLACEHOLDER"}).replace('"PLACEHOLDER"', literal)
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)
    assert everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "literal", ["0", "-1", "10001", "1.5", '"1"', "true", "1e2", "99999999999999999999999999999999999999999"]
)
def test_a_quantity_that_is_not_an_integer_from_1_to_10000_is_400(client_for, world, literal):
    # given
    method, path, body = world.endpoint("catalog redemption (units)")
    raw = json.dumps({**body, "quantity": "PLACEHOLDER"}).replace('"PLACEHOLDER"', literal)
    before = everything()

    # when
    response = send(client_for, method, path, raw)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="quantity")
    assert everything() == before


# --- idempotency keys and text lengths -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["k" * 256, ""])
@pytest.mark.parametrize("name", MOVEMENTS)
def test_an_idempotency_key_in_the_body_outside_1_to_255_characters_is_400(client_for, world, name, key):
    # given
    endpoint = world.endpoint(name)
    before = everything()

    # when
    response = send_json(client_for, endpoint, idempotency_key=key)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="idempotency_key")
    assert everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", MOVEMENTS)
def test_an_idempotency_key_header_of_256_characters_is_400(client_for, world, name):
    # given
    method, path, body = world.endpoint(name)
    before = everything()

    # when
    response = send(client_for, method, path, json.dumps(body), HTTP_IDEMPOTENCY_KEY="k" * 256)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="idempotency_key")
    assert everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", MOVEMENTS)
def test_an_idempotency_key_of_255_characters_is_accepted(client_for, world, name):
    # when
    response = send_json(client_for, world.endpoint(name), idempotency_key="k" * 255)

    # then
    assert response.status_code == HTTPStatus.CREATED, response.content
    assert response.json().get("idempotency_key", "k" * 255) == "k" * 255


@pytest.mark.django_db
@pytest.mark.parametrize("name, field, limit", TEXT_LIMITS)
def test_a_text_one_character_over_its_limit_is_400(client_for, world, name, field, limit):
    # given
    endpoint = world.endpoint(name)
    before = everything()

    # when
    response = send_json(client_for, endpoint, **{field: "d" * (limit + 1)})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)
    assert everything() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name, field, limit", TEXT_LIMITS)
def test_a_text_at_its_limit_is_accepted(client_for, world, name, field, limit):
    # when
    response = send_json(client_for, world.endpoint(name), **{field: "d" * limit})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.content


# --- SQL and HTML are data -------------------------------------------------------------------

SQL = "x'); DROP TABLE participants_participant; --"
HTML = "<script>alert(1)</script>"
HTML_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.django_db
@pytest.mark.parametrize("text", [SQL, HTML, '" OR 1=1 --', "<img src=x onerror=alert(1)>", "{{ 7*7 }} ${7*7}"])
def test_sql_and_html_in_text_fields_are_stored_verbatim(client_for, world, text):
    # when
    participant = send(client_for, "POST", "/api/v1/participants", json.dumps({
        "program_id": str(world.program.id), "external_id": text, "display_name": text,
    }))
    accrual = send_json(client_for, world.endpoint("accrual"), description=text)
    redemption = send_json(client_for, world.endpoint("catalog redemption (units)"), description=text)
    reversal = send_json(client_for, world.endpoint("reversal (units)"), reason=text)
    reward = send_json(client_for, world.endpoint("reward"), name=text, description=text)

    # then
    assert [r.status_code for r in (participant, accrual, redemption, reversal, reward)] == [HTTPStatus.CREATED] * 5
    stored = Participant.objects.get(id=participant.json()["id"])
    assert (stored.external_id, stored.display_name) == (text, text)
    assert participant.json()["display_name"] == text
    assert Accrual.objects.get(id=accrual.json()["id"]).description == text
    assert JournalEntry.objects.get(id=accrual.json()["journal_entry_id"]).description == text
    assert Redemption.objects.get(id=redemption.json()["id"]).description == text
    assert Reversal.objects.get(id=reversal.json()["id"]).reason == text
    assert Reward.objects.get(id=reward.json()["id"]).name == text
    assert Participant.objects.count() == 2  # the table is still there, with both rows


@pytest.fixture
def superuser_client(db):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "root-test-password-x9")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_html_in_a_participant_name_is_escaped_on_its_admin_pages(superuser_client, program):
    # given
    participant = Participant.objects.create(tenant=program.tenant, external_id="html-member", display_name=HTML)
    participant.programs.add(program, through_defaults={"tenant": program.tenant})

    # when
    change = superuser_client.get(admin_url(Participant, "change", participant.pk))
    changelist = superuser_client.get(admin_url(Participant, "changelist"))

    # then
    for response in (change, changelist):
        assert response.status_code == HTTPStatus.OK
        content = response.content.decode()
        assert HTML not in content
        assert HTML_ESCAPED in content


@pytest.mark.django_db
def test_html_in_a_reward_name_and_a_redemption_description_is_escaped_in_the_admin(superuser_client, world):
    # given
    reward = RewardFactory(asset=world.asset, name=HTML, description=HTML)
    redemption = redemption_create_catalog(
        program=world.program, participant=world.participant, reward=reward, description=HTML
    ).record

    # when
    pages = [
        superuser_client.get(admin_url(Reward, "change", reward.pk)),
        superuser_client.get(admin_url(Reward, "changelist")),
        superuser_client.get(admin_url(Redemption, "change", redemption.pk)),
        superuser_client.get(admin_url(Redemption, "changelist")),
    ]

    # then
    for response in pages:
        assert response.status_code == HTTPStatus.OK
        content = response.content.decode()
        assert HTML not in content
        assert HTML_ESCAPED in content


@pytest.mark.django_db
def test_a_program_name_with_sql_is_stored_verbatim(admin_client_api):
    # when
    response = admin_client_api.post("/api/v1/programs", {"name": SQL})

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert Program.objects.get(id=response.json()["id"]).name == SQL


# --- paths, query strings and cursors ------------------------------------------------------


def _cursor(raw: bytes) -> str:
    import base64
    from urllib.parse import quote

    return quote(base64.b64encode(raw).decode())


HOSTILE_GETS = {
    "an unknown path": ("/api/v1/nope", HTTPStatus.NOT_FOUND, "not_found"),
    "a dot-dot path": ("/api/v1/participants/../programs", HTTPStatus.NOT_FOUND, "not_found"),
    "a 5000-character path": ("/api/v1/" + "a" * 5000, HTTPStatus.NOT_FOUND, "not_found"),
    "an invalid percent-encoded id": ("/api/v1/participants/%ff", HTTPStatus.NOT_FOUND, "not_found"),
    "a NUL id": ("/api/v1/participants/%00", HTTPStatus.NOT_FOUND, "not_found"),
    "a page size that is not a number": ("/api/v1/participants?page_size=abc", HTTPStatus.BAD_REQUEST, "validation_error"),
    "a NUL in a text filter": ("/api/v1/participants?external_id=%00", HTTPStatus.BAD_REQUEST, "validation_error"),
    "a NUL in a choice filter": ("/api/v1/rewards?status=%00", HTTPStatus.BAD_REQUEST, "validation_error"),
    "a 40-digit id filter": ("/api/v1/participants?program_id=" + "1" * 40, HTTPStatus.BAD_REQUEST, "validation_error"),
    "a page number past int64": ("/api/v1/participants?page=99999999999999999999", HTTPStatus.NOT_FOUND, "not_found"),
    "a cursor that is not base64": ("/api/v1/redemptions?cursor=garbage", HTTPStatus.NOT_FOUND, "not_found"),
    "a cursor positioned at a NUL": (
        "/api/v1/journal-entries?cursor=" + _cursor(b"p=\x00&r=1"), HTTPStatus.NOT_FOUND, "not_found",
    ),
    "a cursor positioned at a word": (
        "/api/v1/redemptions?cursor=" + _cursor(b"o=5&p=x"), HTTPStatus.NOT_FOUND, "not_found",
    ),
    "a cursor positioned at SQL": (
        "/api/v1/journal-entries?cursor=" + _cursor(b"p=2024-01-01' OR '1'='1"), HTTPStatus.NOT_FOUND, "not_found",
    ),
    "a cursor with a huge offset": (
        "/api/v1/journal-entries?cursor=" + _cursor(b"o=99999999999999999999999"), HTTPStatus.OK, None,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(HOSTILE_GETS))
def test_hostile_paths_query_strings_and_cursors_get_a_json_answer_below_500(client_for, world, case):
    # given
    path, status, code = HOSTILE_GETS[case]

    # when
    response = client_for.get(path)

    # then
    assert response["Content-Type"].startswith("application/json")
    if code is None:
        assert response.status_code == status, response.content
    else:
        assert_error(response, status, code)


@pytest.mark.django_db
def test_the_cursor_of_a_next_link_still_pages_through_redemptions(client_for, world):
    # given
    world.unit_redemption, world.direct_redemption  # noqa: B018 - two redemptions exist
    first = client_for.get("/api/v1/redemptions?page_size=1").json()

    # when
    second = client_for.get(first["next"])

    # then
    assert second.status_code == HTTPStatus.OK
    assert len(second.json()["results"]) == 1
    assert second.json()["results"][0]["id"] != first["results"][0]["id"]
