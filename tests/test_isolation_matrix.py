"""
Isolation, endpoint by endpoint, at both boundaries: a key of program A sees
nothing of program B of its own tenant, and a key of tenant A (for all its
programs) sees nothing of tenant B.

``CASES`` holds, for every route and method of the API, the requests a
curious or malicious holder of A's key would try against B: B's objects in
the path (404), B's ids in the body (404), B's ids as list filters (an empty
list), and plain lists (no identifier of B anywhere in the response). Every
404 and every empty list is compared with the same request naming ids that
do not exist: status, code, message and headers are the same, so nothing
tells B's objects from missing ones. Each case runs in both ``BOUNDARIES``.
At the program boundary one participant is enrolled in both programs and
shows only its A side; at the tenant boundary the participant ``cust-42``
exists in both tenants, as two participants that never see each other's
fields, and enrolling B's external id from A creates a new participant.
Writes assert that nothing changed. ``test_the_matrix_covers_every_route_and_method``
keeps the matrix complete as the URLconf grows. Revoked keys get 401
everywhere, at once.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from events.models import Delivery, Event, WebhookEndpoint
from ledger.models import Account, JournalEntry
from ledger.tests.factories import AssetFactory, fund
from loyalty.models import Program
from loyalty.services import api_key_revoke
from loyalty.tests.factories import ProgramFactory, TenantFactory
from loyalty.tests.helpers import assert_error
from participants.models import Accrual, Participant
from participants.services import accrual_reversal_create
from participants.tests.factories import ParticipantFactory
from rewards.services import redemption_create_catalog, reversal_create
from rewards.tests.factories import RewardFactory
from tests.ledger_checks import world_snapshot
from tests.test_hardening_input import everything

BOUNDARIES = ("program", "tenant")


class Tenants:
    """
    A (the key's) and B, each with an asset, a participant, a reward, a redemption. At the ``program``
    boundary B is another program of A's tenant and ``shared`` is enrolled in both; at the ``tenant``
    boundary B is a program of another tenant and ``shared`` is A's ``cust-42``, whose twin ``cust-42``
    of B (its own participant, name and e-mail) redeemed there.
    """

    def __init__(self, program_a, boundary: str):
        self.boundary = boundary
        self.a = program_a
        other_tenant = boundary == "tenant"
        self.b = ProgramFactory(tenant=TenantFactory(name="Bravo Tea") if other_tenant else self.a.tenant, name="Program B")
        self.asset_a, self.asset_b = AssetFactory(program=self.a), AssetFactory(program=self.b)
        self.pa = ParticipantFactory(programs=[self.a])
        self.pb = ParticipantFactory(programs=[self.b], external_id="b-only-member", display_name="Bea Bravo")
        if other_tenant:
            self.shared = ParticipantFactory(programs=[self.a], external_id="cust-42", display_name="Ada Alpha")
            self.twin = ParticipantFactory(
                programs=[self.b], external_id="cust-42", display_name="Bob Bravo", email="bob@bravo.example"
            )
        else:
            self.shared = self.twin = ParticipantFactory(programs=[self.a, self.b])
        for participant, asset in [(self.pa, self.asset_a), (self.pb, self.asset_b),
                                   (self.shared, self.asset_a), (self.twin, self.asset_b)]:
            fund(participant, asset, "100.00")
        self.reward_a = RewardFactory(asset=self.asset_a, unit_cost=Decimal("10.00"))
        self.reward_b = RewardFactory(asset=self.asset_b, unit_cost=Decimal("10.00"), name="Bravo Matcha")
        self.redemption_a = redemption_create_catalog(
            program=self.a, participant=self.pa, reward=self.reward_a, quantity=2
        ).record
        self.redemption_b = redemption_create_catalog(
            program=self.b, participant=self.pb, reward=self.reward_b, quantity=2
        ).record
        redemption_create_catalog(program=self.a, participant=self.shared, reward=self.reward_a, quantity=1)
        self.shared_redemption_b = redemption_create_catalog(
            program=self.b, participant=self.twin, reward=self.reward_b, quantity=1
        ).record
        self.reversal_b = reversal_create(redemption=self.redemption_b, quantity=1).record
        self.entry_b = self.redemption_b.journal_entry
        self.accrual_b = Accrual.objects.filter(participant=self.pb, asset=self.asset_b).first()
        self.clawback_b = accrual_reversal_create(accrual=self.accrual_b, amount=Decimal("1.00")).record
        self.event_b = Event.objects.filter(program=self.b).order_by("created_at").last()
        self.endpoint_a = WebhookEndpoint.objects.create(
            tenant=self.a.tenant, url="https://hooks.alpha.example/in", event_types=["*"],
            program_ids=[str(self.a.id)], secret="whsec_YWxwaGE=",
        )
        self.endpoint_b = WebhookEndpoint.objects.create(
            tenant=self.b.tenant, url="https://hooks.bravo.example/in", event_types=["*"],
            program_ids=[str(self.b.id)], secret="whsec_YnJhdm8=",
        )
        self.delivery_b = Delivery.objects.create(tenant=self.b.tenant, endpoint=self.endpoint_b, event=self.event_b)

    def b_ids(self) -> set[str]:
        """Every id of B's side."""
        ids = {self.b.id, self.asset_b.id, self.pb.id, self.reward_b.id, self.redemption_b.id,
               self.shared_redemption_b.id, self.reversal_b.id, self.clawback_b.id, self.endpoint_b.id,
               self.delivery_b.id}
        ids |= set(Accrual.objects.filter(program=self.b).values_list("id", flat=True))
        ids |= set(Event.objects.filter(program=self.b).values_list("id", flat=True))
        ids |= set(JournalEntry.objects.filter(program=self.b).values_list("id", flat=True))
        ids |= set(Account.objects.filter(program=self.b).values_list("id", flat=True))
        if self.boundary == "tenant":
            ids |= {self.b.tenant_id, self.twin.id}
        return {str(value) for value in ids}

    def b_identifiers(self) -> set[str]:
        """Every id, name or external id that would betray B's data."""
        names = {self.pb.external_id, self.pb.display_name, self.reward_b.name, self.endpoint_b.url}
        if self.boundary == "tenant":
            names |= {self.b.tenant.name, self.twin.display_name, self.twin.email}
        return self.b_ids() | names


@dataclass
class Case:
    route: str  # the URL pattern under /api/v1/
    method: str
    path: Callable[[Tenants], str]
    # "404", "403", "400 after" (400 on ``after``, like a missing id), "empty" (an empty list, or 404), "hides" (no identifier of B), or a case's own check:
    # "created in A" (a new program of the key's tenant), "new participant" (201: a participant of A's
    # tenant with the fields sent) or "enrolled" (200: the tenant's existing participant, enrolled in A).
    expect: str
    body: Callable[[Tenants], dict] | None = None
    at_tenant_boundary: str | None = None  # another expectation where B is another tenant

    def expected(self, boundary: str) -> str:
        return self.at_tenant_boundary if boundary == "tenant" and self.at_tenant_boundary else self.expect


def _a(t):  # body fields naming program A and its asset
    return {"program_id": str(t.a.id), "asset_id": str(t.asset_a.id)}


def _b(t):
    return {"program_id": str(t.b.id), "asset_id": str(t.asset_b.id)}


CASES: dict[str, Case] = {
    # the key itself
    "who am I": Case("me", "GET", lambda t: "/api/v1/me", "hides"),
    # programs
    "list programs": Case("programs", "GET", lambda t: "/api/v1/programs", "hides"),
    "create a program": Case(
        "programs", "POST", lambda t: "/api/v1/programs", "403", lambda t: {"name": "Mine"},
        at_tenant_boundary="created in A",
    ),
    "get program B": Case("programs/<str:program_id>", "GET", lambda t: f"/api/v1/programs/{t.b.id}", "404"),
    "deactivate program B": Case(
        "programs/<str:program_id>", "PATCH", lambda t: f"/api/v1/programs/{t.b.id}", "404",
        lambda t: {"status": "INACTIVE"},
    ),
    # assets
    "list assets": Case("assets", "GET", lambda t: "/api/v1/assets", "hides"),
    "list assets of program B": Case("assets", "GET", lambda t: f"/api/v1/assets?program_id={t.b.id}", "empty"),
    "create an asset in B": Case(
        "assets", "POST", lambda t: "/api/v1/assets", "404",
        lambda t: {"program_id": str(t.b.id), "code": "STOLEN", "name": "Stolen"},
    ),
    "get asset B": Case("assets/<str:asset_id>", "GET", lambda t: f"/api/v1/assets/{t.asset_b.id}", "404"),
    "change asset B's policy": Case(
        "assets/<str:asset_id>", "PATCH", lambda t: f"/api/v1/assets/{t.asset_b.id}", "404",
        lambda t: {"name": "Mine", "validity_days": 1},
    ),
    # journal entries
    "list journal entries": Case("journal-entries", "GET", lambda t: "/api/v1/journal-entries", "hides"),
    "list audit events": Case("audit-events", "GET", lambda t: "/api/v1/audit-events", "hides"),
    "audit events of B's program": Case(
        "audit-events", "GET", lambda t: f"/api/v1/audit-events?program_id={t.b.id}", "empty"
    ),
    "audit events of B's asset": Case(
        "audit-events", "GET", lambda t: f"/api/v1/audit-events?object_type=asset&object_id={t.asset_b.id}", "empty"
    ),
    "audit events of B's redemption": Case(
        "audit-events", "GET", lambda t: f"/api/v1/audit-events?object_id={t.redemption_b.id}", "empty"
    ),
    "list journal entries of B": Case(
        "journal-entries", "GET", lambda t: f"/api/v1/journal-entries?program_id={t.b.id}", "empty"
    ),
    "list journal entries of B's participant": Case(
        "journal-entries", "GET", lambda t: f"/api/v1/journal-entries?participant_id={t.pb.id}", "empty"
    ),
    "list journal entries of the shared participant": Case(
        "journal-entries", "GET", lambda t: f"/api/v1/journal-entries?participant_id={t.shared.id}", "hides"
    ),
    "get a journal entry of B": Case(
        "journal-entries/<str:entry_id>", "GET", lambda t: f"/api/v1/journal-entries/{t.entry_b.id}", "404"
    ),
    # participants
    "list participants": Case("participants", "GET", lambda t: "/api/v1/participants", "hides"),
    "list participants of B": Case(
        "participants", "GET", lambda t: f"/api/v1/participants?program_id={t.b.id}", "empty"
    ),
    "find B's participant by external id": Case(
        "participants", "GET", lambda t: f"/api/v1/participants?external_id={t.pb.external_id}", "empty"
    ),
    "enrol B's external id in A": Case(
        "participants", "POST", lambda t: "/api/v1/participants", "enrolled",
        lambda t: {"program_id": str(t.a.id), "external_id": t.pb.external_id, "display_name": "Mine",
                   "email": "mine@alpha.example"},
        at_tenant_boundary="new participant",
    ),
    "enrol a participant in B": Case(
        "participants", "POST", lambda t: "/api/v1/participants", "404",
        lambda t: {"program_id": str(t.b.id), "external_id": "new-in-b"},
    ),
    "get B's participant": Case(
        "participants/<str:participant_id>", "GET", lambda t: f"/api/v1/participants/{t.pb.id}", "404"
    ),
    "get the shared participant": Case(
        "participants/<str:participant_id>", "GET", lambda t: f"/api/v1/participants/{t.shared.id}", "hides"
    ),
    "balances of B's participant": Case(
        "participants/<str:participant_id>/balances", "GET",
        lambda t: f"/api/v1/participants/{t.pb.id}/balances", "404",
    ),
    "balances of the shared participant": Case(
        "participants/<str:participant_id>/balances", "GET",
        lambda t: f"/api/v1/participants/{t.shared.id}/balances", "hides",
    ),
    "balances of the shared participant in B": Case(
        "participants/<str:participant_id>/balances", "GET",
        lambda t: f"/api/v1/participants/{t.shared.id}/balances?program_id={t.b.id}", "empty",
    ),
    # accruals
    "accrue to B's participant": Case(
        "participants/<str:participant_id>/accruals", "POST",
        lambda t: f"/api/v1/participants/{t.pb.id}/accruals", "404", lambda t: {**_a(t), "amount": "5.00"},
    ),
    "accrue in B to the shared participant": Case(
        "participants/<str:participant_id>/accruals", "POST",
        lambda t: f"/api/v1/participants/{t.shared.id}/accruals", "404", lambda t: {**_b(t), "amount": "5.00"},
    ),
    "accrue B's asset in A": Case(
        "participants/<str:participant_id>/accruals", "POST",
        lambda t: f"/api/v1/participants/{t.shared.id}/accruals", "404",
        lambda t: {**_a(t), "asset_id": str(t.asset_b.id), "amount": "5.00"},
    ),
    "list accruals of B's participant": Case(
        "participants/<str:participant_id>/accruals", "GET",
        lambda t: f"/api/v1/participants/{t.pb.id}/accruals", "404",
    ),
    "list accruals of the shared participant": Case(
        "participants/<str:participant_id>/accruals", "GET",
        lambda t: f"/api/v1/participants/{t.shared.id}/accruals", "hides",
    ),
    "list accruals of the shared participant in B": Case(
        "participants/<str:participant_id>/accruals", "GET",
        lambda t: f"/api/v1/participants/{t.shared.id}/accruals?program_id={t.b.id}", "empty",
    ),
    "get accrual B": Case("accruals/<str:accrual_id>", "GET", lambda t: f"/api/v1/accruals/{t.accrual_b.id}", "404"),
    "release accrual B": Case(
        "accruals/<str:accrual_id>/release", "POST", lambda t: f"/api/v1/accruals/{t.accrual_b.id}/release", "404"
    ),
    "claw back accrual B": Case(
        "accruals/<str:accrual_id>/reversals", "POST", lambda t: f"/api/v1/accruals/{t.accrual_b.id}/reversals",
        "404", lambda t: {"amount": "1.00"},
    ),
    "list clawbacks of accrual B": Case(
        "accruals/<str:accrual_id>/reversals", "GET", lambda t: f"/api/v1/accruals/{t.accrual_b.id}/reversals", "404"
    ),
    # rewards
    "list rewards": Case("rewards", "GET", lambda t: "/api/v1/rewards", "hides"),
    "list rewards of B": Case("rewards", "GET", lambda t: f"/api/v1/rewards?program_id={t.b.id}", "empty"),
    "create a reward in B": Case(
        "rewards", "POST", lambda t: "/api/v1/rewards", "404",
        lambda t: {**_b(t), "name": "Stolen", "type": "UNIT_BASED", "unit_cost": "1.00"},
    ),
    "create a reward in A costing B's asset": Case(
        "rewards", "POST", lambda t: "/api/v1/rewards", "404",
        lambda t: {**_a(t), "asset_id": str(t.asset_b.id), "name": "Odd", "type": "UNIT_BASED", "unit_cost": "1.00"},
    ),
    "get reward B": Case("rewards/<str:reward_id>", "GET", lambda t: f"/api/v1/rewards/{t.reward_b.id}", "404"),
    "change reward B": Case(
        "rewards/<str:reward_id>", "PATCH", lambda t: f"/api/v1/rewards/{t.reward_b.id}", "404",
        lambda t: {"status": "INACTIVE", "max_total": 1},
    ),
    "add codes to reward B": Case(
        "rewards/<str:reward_id>/codes", "POST", lambda t: f"/api/v1/rewards/{t.reward_b.id}/codes", "404",
        lambda t: {"codes": ["GIFT-0001"]},
    ),
    "count the codes of reward B": Case(
        "rewards/<str:reward_id>/codes", "GET", lambda t: f"/api/v1/rewards/{t.reward_b.id}/codes", "404"
    ),
    # redemptions of a participant
    "list redemptions of B's participant": Case(
        "participants/<str:participant_id>/redemptions", "GET",
        lambda t: f"/api/v1/participants/{t.pb.id}/redemptions", "404",
    ),
    "list redemptions of the shared participant": Case(
        "participants/<str:participant_id>/redemptions", "GET",
        lambda t: f"/api/v1/participants/{t.shared.id}/redemptions", "hides",
    ),
    "redeem directly from B's participant": Case(
        "participants/<str:participant_id>/redemptions", "POST",
        lambda t: f"/api/v1/participants/{t.pb.id}/redemptions", "404", lambda t: {**_a(t), "amount": "5.00"},
    ),
    "redeem directly in B from the shared participant": Case(
        "participants/<str:participant_id>/redemptions", "POST",
        lambda t: f"/api/v1/participants/{t.shared.id}/redemptions", "404", lambda t: {**_b(t), "amount": "5.00"},
    ),
    "redeem B's asset directly in A": Case(
        "participants/<str:participant_id>/redemptions", "POST",
        lambda t: f"/api/v1/participants/{t.shared.id}/redemptions", "404",
        lambda t: {**_a(t), "asset_id": str(t.asset_b.id), "amount": "5.00"},
    ),
    "redeem from the catalog for B's participant": Case(
        "participants/<str:participant_id>/redemptions/catalog", "POST",
        lambda t: f"/api/v1/participants/{t.pb.id}/redemptions/catalog", "404",
        lambda t: {"program_id": str(t.a.id), "reward_id": str(t.reward_a.id)},
    ),
    "redeem reward B in B for the shared participant": Case(
        "participants/<str:participant_id>/redemptions/catalog", "POST",
        lambda t: f"/api/v1/participants/{t.shared.id}/redemptions/catalog", "404",
        lambda t: {"program_id": str(t.b.id), "reward_id": str(t.reward_b.id)},
    ),
    "redeem reward B in A": Case(
        "participants/<str:participant_id>/redemptions/catalog", "POST",
        lambda t: f"/api/v1/participants/{t.shared.id}/redemptions/catalog", "404",
        lambda t: {"program_id": str(t.a.id), "reward_id": str(t.reward_b.id)},
    ),
    "dry-run reward B in A": Case(
        "participants/<str:participant_id>/redemptions/catalog", "POST",
        lambda t: f"/api/v1/participants/{t.shared.id}/redemptions/catalog?dry_run=true", "404",
        lambda t: {"program_id": str(t.a.id), "reward_id": str(t.reward_b.id)},
    ),
    # redemptions
    "list redemptions": Case("redemptions", "GET", lambda t: "/api/v1/redemptions", "hides"),
    "list redemptions of B": Case("redemptions", "GET", lambda t: f"/api/v1/redemptions?program_id={t.b.id}", "empty"),
    "list redemptions of B's participant by filter": Case(
        "redemptions", "GET", lambda t: f"/api/v1/redemptions?participant_id={t.pb.id}", "empty"
    ),
    "list redemptions of reward B": Case(
        "redemptions", "GET", lambda t: f"/api/v1/redemptions?reward_id={t.reward_b.id}", "empty"
    ),
    "list redemptions of the shared participant by filter": Case(
        "redemptions", "GET", lambda t: f"/api/v1/redemptions?participant_id={t.shared.id}", "hides"
    ),
    "get redemption B": Case(
        "redemptions/<str:redemption_id>", "GET", lambda t: f"/api/v1/redemptions/{t.redemption_b.id}", "404"
    ),
    "get the shared participant's redemption in B": Case(
        "redemptions/<str:redemption_id>", "GET", lambda t: f"/api/v1/redemptions/{t.shared_redemption_b.id}", "404"
    ),
    # reversals
    "list reversals of redemption B": Case(
        "redemptions/<str:redemption_id>/reversals", "GET",
        lambda t: f"/api/v1/redemptions/{t.redemption_b.id}/reversals", "404",
    ),
    "reverse redemption B": Case(
        "redemptions/<str:redemption_id>/reversals", "POST",
        lambda t: f"/api/v1/redemptions/{t.redemption_b.id}/reversals", "404", lambda t: {},
    ),
    "reverse one unit of the shared participant's redemption in B": Case(
        "redemptions/<str:redemption_id>/reversals", "POST",
        lambda t: f"/api/v1/redemptions/{t.shared_redemption_b.id}/reversals", "404",
        lambda t: {"quantity": 1, "idempotency_key": "steal-1"},
    ),
    # events
    "list events": Case("events", "GET", lambda t: "/api/v1/events", "hides"),
    "list events of B": Case("events", "GET", lambda t: f"/api/v1/events?program_id={t.b.id}", "empty"),
    "list events after one of B": Case("events", "GET", lambda t: f"/api/v1/events?after={t.event_b.id}", "400 after"),
    "get an event of B": Case("events/<str:event_id>", "GET", lambda t: f"/api/v1/events/{t.event_b.id}", "404"),
    # webhooks
    "list webhook endpoints": Case("webhook-endpoints", "GET", lambda t: "/api/v1/webhook-endpoints", "hides"),
    "register an endpoint for B": Case(
        "webhook-endpoints", "POST", lambda t: "/api/v1/webhook-endpoints", "404",
        lambda t: {"url": "https://127.0.0.1/x", "event_types": ["*"], "program_ids": [str(t.b.id)]},
    ),
    "get endpoint B": Case(
        "webhook-endpoints/<str:endpoint_id>", "GET", lambda t: f"/api/v1/webhook-endpoints/{t.endpoint_b.id}", "404"
    ),
    "change endpoint B": Case(
        "webhook-endpoints/<str:endpoint_id>", "PATCH", lambda t: f"/api/v1/webhook-endpoints/{t.endpoint_b.id}",
        "404", lambda t: {"enabled": False},
    ),
    "delete endpoint B": Case(
        "webhook-endpoints/<str:endpoint_id>", "DELETE", lambda t: f"/api/v1/webhook-endpoints/{t.endpoint_b.id}",
        "404",
    ),
    "rotate the secret of endpoint B": Case(
        "webhook-endpoints/<str:endpoint_id>/rotate-secret", "POST",
        lambda t: f"/api/v1/webhook-endpoints/{t.endpoint_b.id}/rotate-secret", "404", lambda t: {},
    ),
    "deliveries of endpoint B": Case(
        "webhook-endpoints/<str:endpoint_id>/deliveries", "GET",
        lambda t: f"/api/v1/webhook-endpoints/{t.endpoint_b.id}/deliveries", "404",
    ),
    "retry a delivery of B": Case(
        "webhook-deliveries/<str:delivery_id>/retry", "POST",
        lambda t: f"/api/v1/webhook-deliveries/{t.delivery_b.id}/retry", "404", lambda t: {},
    ),
}


@pytest.fixture(params=BOUNDARIES)
def boundary(request) -> str:
    return request.param


@pytest.fixture
def tenants(program, boundary):
    return Tenants(program, boundary)


@pytest.fixture
def key_a(make_client, tenants):
    """At the program boundary a key of program A only; at the tenant boundary a key for all of tenant A."""
    if tenants.boundary == "tenant":
        return make_client(all_programs=True, tenant=tenants.a.tenant, name="all of tenant A")
    return make_client(programs=[tenants.a], name="program A only")


def send(client, case: Case, tenants: Tenants, *, missing: bool = False):
    """The case's request; with ``missing``, every id (and external id) of B replaced by one that names nothing."""
    path, body = case.path(tenants), case.body(tenants) if case.body else None
    if missing:
        ghosts = {identifier: str(uuid.uuid4()) for identifier in tenants.b_ids()}
        ghosts[tenants.pb.external_id] = "nobody-by-this-id"
        pattern = re.compile("|".join(re.escape(identifier) for identifier in ghosts))
        path = pattern.sub(lambda match: ghosts[match.group(0)], path)
        if body is not None:
            body = json.loads(pattern.sub(lambda match: ghosts[match.group(0)], json.dumps(body)))
    if case.method == "GET":
        return client.get(path)
    return getattr(client, case.method.lower())(path, body)


def answer(response) -> tuple:
    """What a client can observe: status, body and headers (but the clock's)."""
    return response.status_code, response.content, {k: v for k, v in response.headers.items() if k != "Date"}


def everything_but_programs() -> dict:
    return {key: value for key, value in {**everything(), **world_snapshot()}.items() if key != "programs"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_a_key_of_a_sees_and_changes_nothing_of_b_and_b_answers_like_nothing(key_a, tenants, name):
    # given
    case = CASES[name]
    expect = case.expected(tenants.boundary)
    before = {**everything(), **world_snapshot()}
    untouched = everything_but_programs()

    # when
    response = send(key_a, case, tenants)

    # then
    if expect in ("404", "empty"):
        if expect == "404":
            assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
        elif response.status_code == HTTPStatus.OK:
            assert response.json()["results"] == []
        else:
            assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
        assert answer(response) == answer(send(key_a, case, tenants, missing=True)), "B is told from a missing id"
    elif expect == "403":
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
    elif expect == "400 after":
        assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
        assert list(response.json()["error"]["fields"]) == ["after"]
        assert answer(response) == answer(send(key_a, case, tenants, missing=True)), "B is told from a missing id"
    elif expect == "hides":
        assert response.status_code == HTTPStatus.OK, response.content
        text = json.dumps(response.json())
        assert response.json().get("results", [response.json()]), "a list that hides B must still show A"
        leaked = sorted(identifier for identifier in tenants.b_identifiers() if identifier in text)
        assert leaked == []
    elif expect == "created in A":
        assert response.status_code == HTTPStatus.CREATED, response.content
        assert Program.objects.get(id=response.json()["id"]).tenant_id == tenants.a.tenant_id
        assert everything_but_programs() == untouched
        return
    elif expect in ("new participant", "enrolled"):
        check_enrolment_by_external_id(response, tenants, expect)
        return
    else:  # pragma: no cover - a typo in CASES
        raise AssertionError(f"unknown expectation {expect!r}")
    assert {**everything(), **world_snapshot()} == before


def check_enrolment_by_external_id(response, tenants: Tenants, expect: str) -> None:
    """
    B's external id sent from A: at the tenant boundary a new participant of A's tenant with the fields
    sent (201); at the program boundary the tenant's existing participant, enrolled in A (200, fields kept).
    """
    body = response.json()
    b_participant = Participant.objects.get(id=tenants.pb.id)
    assert body["external_id"] == tenants.pb.external_id and body["program_ids"] == [str(tenants.a.id)]
    assert (b_participant.display_name, b_participant.email) == (tenants.pb.display_name, tenants.pb.email)
    if expect == "new participant":
        assert response.status_code == HTTPStatus.CREATED, body
        assert body["id"] != str(tenants.pb.id)
        assert (body["display_name"], body["email"]) == ("Mine", "mine@alpha.example")
        assert Participant.objects.get(id=body["id"]).tenant_id == tenants.a.tenant_id
        assert list(b_participant.programs.all()) == [tenants.b]
    else:
        assert response.status_code == HTTPStatus.OK, body
        assert body["id"] == str(tenants.pb.id)
        assert (body["display_name"], body["email"]) == (tenants.pb.display_name, tenants.pb.email)


@pytest.mark.django_db
def test_the_shared_participant_shows_only_its_program_a_enrolment(key_a, tenants):
    # when
    response = key_a.get(f"/api/v1/participants/{tenants.shared.id}")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["program_ids"] == [str(tenants.a.id)]


@pytest.mark.django_db
@pytest.mark.parametrize("boundary", ["tenant"])
def test_each_tenant_finds_its_own_cust_42_by_external_id(key_a, tenants):
    # when
    found = key_a.get("/api/v1/participants?external_id=cust-42").json()["results"]

    # then
    assert [(item["id"], item["display_name"]) for item in found] == [(str(tenants.shared.id), "Ada Alpha")]


def test_the_matrix_size():
    # then: routes x methods of the URLconf, each at both boundaries
    size = len(api_routes()) * len(BOUNDARIES)
    print(f"\nisolation matrix: {len(api_routes())} routes x methods x {len(BOUNDARIES)} boundaries = {size}; "
          f"{len(CASES)} cases x {len(BOUNDARIES)} = {len(CASES) * len(BOUNDARIES)} requests")
    assert size == len({(case.route, case.method) for case in CASES.values()}) * len(BOUNDARIES)


def api_routes() -> set[tuple[str, str]]:
    """Every (route under /api/v1/, HTTP method) the URLconf serves, except the public schema and docs."""
    routes: set[tuple[str, str]] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            assert isinstance(pattern, URLPattern)
            if not route.startswith("api/v1/") or route in ("api/v1/schema", "api/v1/docs"):
                continue
            callback = pattern.callback
            actions = getattr(callback, "actions", None)
            if actions is not None:
                methods = set(actions)
            else:
                methods = {m for m in ("get", "post", "put", "patch", "delete") if hasattr(callback.view_class, m)}
            methods -= {"head", "options"}  # HEAD mirrors GET; OPTIONS is 405 everywhere
            routes.update((route.removeprefix("api/v1/"), method.upper()) for method in methods)

    walk(get_resolver().url_patterns, "")
    return routes


def test_the_matrix_covers_every_route_and_method():
    # given
    covered = {(case.route, case.method) for case in CASES.values()}

    # then
    assert api_routes() - covered == set()
    assert covered - api_routes() == set()


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_a_revoked_key_is_401_on_every_route_at_once(key_a, tenants, name):
    # given
    case = CASES[name]
    assert key_a.get(f"/api/v1/programs/{tenants.a.id}").status_code == HTTPStatus.OK
    api_key_revoke(prefix=key_a.api_key.prefix)
    before = {**everything(), **world_snapshot()}

    # when
    response = send(key_a, case, tenants)

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")
    assert {**everything(), **world_snapshot()} == before


@pytest.mark.django_db
def test_a_key_revoked_by_the_command_is_refused_on_its_next_request(key_a, tenants):
    # given
    path = f"/api/v1/participants/{tenants.pa.id}/accruals"
    body = {**_a(tenants), "amount": "1.00"}
    assert key_a.post(path, body).status_code == HTTPStatus.CREATED
    call_command("revoke_api_key", key_a.api_key.prefix, stdout=open("/dev/null", "w"))
    before = {**everything(), **world_snapshot()}

    # when
    response = key_a.post(path, body)

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")
    assert {**everything(), **world_snapshot()} == before
