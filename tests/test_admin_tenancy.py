"""
The admin walked by an operator of tenant A with tenant B's ids.

``admin_routes()`` reads every URL pattern of the admin site (every
registered model's views, the custom ones such as the Reverse form and the
dashboards, and the site's own pages), so a new admin page is tried here
the day it is added; a route with an object id whose model has no object of
B in ``b_objects`` fails the walk.

- Every URL with an object id, with B's object and with a missing id, GET
  and POST: the two answers are the same (status, body and headers, the id
  aside), 404 where the operator may view the model and 403 where they may
  not; A's own object answers normally (the control).
- Every other URL (change lists with searches and filters naming B, add
  forms, the dashboards' index, the site's pages): nothing of B on the page
  (no id, name or e-mail), and no row of B in a change list.
- Add forms posted with B's objects in every foreign key: refused on the
  field, nothing created.
- The autocomplete of every autocomplete field: none of B's objects.

Nothing changes anywhere (the whole database is compared before and after).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver

from events.models import Delivery, Event, WebhookEndpoint
from ledger.models import Account, Asset, JournalEntry
from loyalty.models import ApiKey, AuditEvent, IdempotencyRecord, Membership, Program, Tenant
from loyalty.tests.admin_helpers import make_operator, operator_group
from participants.models import Accrual, Participant
from rewards.models import Redemption, Reversal, Reward
from tests.ledger_checks import world_snapshot
from tests.tenancy import TenantWorld, two_tenants
from tests.test_hardening_input import everything

pytestmark = pytest.mark.django_db

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
MISSING_INT_ID = 987654321
IGNORED_HEADERS = {"Date", "Expires", "Set-Cookie", "Content-Length"}  # clocks, cookies, and the body's length


@dataclass(frozen=True)
class AdminRoute:
    route: str  # under /admin/, as the URLconf writes it
    name: str | None
    model: type[models.Model] | None  # the ModelAdmin's model whose URLs include it; None for the site's own

    @property
    def is_regex(self) -> bool:
        """The site's app index and catch-all, written as regular expressions (tried per app and once)."""
        return "(?P<" in self.route

    @property
    def parameters(self) -> list[str]:
        return [] if self.is_regex else PARAMETER.findall(self.route)


def admin_routes() -> list[AdminRoute]:
    """Every URL pattern of the admin site, with the model of the ModelAdmin that serves it."""
    by_prefix = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    routes: list[AdminRoute] = []

    def walk(patterns, prefix: str, model) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, by_prefix.get(route, model))
            else:
                assert isinstance(pattern, URLPattern)
                routes.append(AdminRoute(route, pattern.name, model))

    walk(admin.site.urls[0], "", None)
    return routes


@dataclass
class Walk:
    a: TenantWorld
    b: TenantWorld
    operator: object  # A's operator
    client: Client
    b_objects: dict
    requests: int = 0

    def get(self, url: str, **params):
        self.requests += 1
        return self.client.get(url, params)

    def post(self, url: str, data: dict):
        self.requests += 1
        return self.client.post(url, data)

    def b_leaks(self, text: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
        """B's identifiers in ``text``, apart from the ``allowed`` ones (the request's own parameters)."""
        for value in allowed:
            text = text.replace(value, "")
        return sorted(identifier for identifier in self.b.identifiers() if identifier in text)


@pytest.fixture
def walk() -> Walk:
    a, b = two_tenants()
    operator = make_operator("alpha-operator", tenants=[a.tenant])
    b_operator = make_operator("bravo-operator", tenants=[b.tenant])
    client = Client()
    client.force_login(operator)
    for world in (a, b):
        world.event = Event.objects.filter(program=world.program).order_by("created_at").first()
        world.endpoint = WebhookEndpoint.objects.create(
            tenant=world.tenant, url=f"https://hooks.{world.tenant.id}.example/in", event_types=["*"],
            program_ids=[str(world.program.id)], secret="whsec_c2VjcmV0",
        )
        world.delivery = Delivery.objects.create(tenant=world.tenant, endpoint=world.endpoint, event=world.event)
    b_objects = {
        Event: b.event,
        WebhookEndpoint: b.endpoint,
        Delivery: b.delivery,
        Tenant: b.tenant,
        Program: b.program,
        ApiKey: b.api_key,
        IdempotencyRecord: b.idempotency_record(),
        Asset: b.asset,
        Account: b.wallet,
        JournalEntry: b.entry,
        Participant: b.participant,
        Reward: b.reward,
        Redemption: b.redemption,
        Reversal: b.reversal,
        Accrual: b.accrual,
        AuditEvent: AuditEvent.objects.filter(tenant=b.tenant).first(),
        get_user_model(): b_operator,
        Group: operator_group(),  # platform-wide: superusers only
    }
    return Walk(a, b, operator, client, b_objects)


def whole_database() -> dict:
    return {
        **everything(),
        **world_snapshot(),
        "tenants": sorted(Tenant.objects.values_list("id", "name")),
        "memberships": sorted(Membership.objects.values_list("user_id", "tenant_id")),
        "users": sorted(get_user_model().objects.values_list("id", "username", "is_staff", "is_superuser")),
        "groups": sorted(Group.objects.values_list("id", "name")),
        "api_keys": sorted(ApiKey.objects.values_list("id", "name", "tenant_id", "revoked_at")),
    }


def a_object(walk: Walk, model) -> models.Model:
    a = walk.a
    return {
        Tenant: a.tenant, Program: a.program, ApiKey: a.api_key, IdempotencyRecord: a.idempotency_record(),
        Asset: a.asset, Account: a.wallet, JournalEntry: a.entry, Participant: a.participant, Reward: a.reward,
        Redemption: a.redemption, Reversal: a.reversal, Accrual: a.accrual, get_user_model(): walk.operator,
        Group: operator_group(), Event: a.event, WebhookEndpoint: a.endpoint, Delivery: a.delivery,
        AuditEvent: AuditEvent.objects.filter(tenant=a.tenant).first(),
    }[model]


def missing_id(model) -> str:
    return str(MISSING_INT_ID) if isinstance(model._meta.pk, models.AutoField) else str(uuid.uuid4())


def url_of(route: AdminRoute, values: dict[str, str]) -> str:
    return "/admin/" + PARAMETER.sub(lambda match: values[match.group(1)], route.route)


def comparable(response, object_id: str) -> tuple:
    """Status, body and headers of a response, with the object id it was asked for taken out."""
    asked = re.compile(rf"\b{re.escape(object_id)}\b")
    headers = {
        name: asked.sub("<id>", value) for name, value in response.headers.items() if name not in IGNORED_HEADERS
    }
    return response.status_code, asked.sub("<id>", response.content.decode()), headers


def may_view(user, model) -> bool:
    model_admin = admin.site._registry[model]
    request = type("Request", (), {"user": user})()
    return model_admin.has_view_permission(request)


# --- URLs that name an object --------------------------------------------------------------------


def object_urls(walk: Walk):
    """(route, model, url with B's object, url with a missing id, B's id, url with A's object)."""
    for route in admin_routes():
        if not route.parameters:
            continue
        if route.name == "view_on_site":  # r/<content_type_id>/<object_id>/: every registered model
            for model in admin.site._registry:
                content_type = str(ContentType.objects.get_for_model(model).pk)
                b_id, gone = str(walk.b_objects[model].pk), missing_id(model)
                yield (
                    route, model,
                    url_of(route, {"content_type_id": content_type, "object_id": b_id}),
                    url_of(route, {"content_type_id": content_type, "object_id": gone}),
                    b_id, gone,
                    url_of(route, {"content_type_id": content_type, "object_id": str(a_object(walk, model).pk)}),
                )
            continue
        assert route.model is not None, f"{route.route}: an object URL outside a ModelAdmin"
        assert route.model in walk.b_objects, f"{route.route}: give tenant B an object of {route.model.__name__}"
        (parameter,) = route.parameters
        b_id, gone = str(walk.b_objects[route.model].pk), missing_id(route.model)
        yield (
            route, route.model,
            url_of(route, {parameter: b_id}), url_of(route, {parameter: gone}), b_id, gone,
            url_of(route, {parameter: str(a_object(walk, route.model).pk)}),
        )


# The pages that show an object to whoever may view its model (the others need a permission first).
VIEWS_OF_AN_OBJECT = ("_change", "_history", "_reverse", "_dashboard")
POST_BODY = {"post": "yes", "name": "Taken over", "quantity": "1", "reason": "x", "idempotency_key": str(uuid.uuid4())}


def test_every_admin_url_with_an_object_of_another_tenant_answers_like_a_missing_one(walk):
    # given
    before = whole_database()
    tried = 0

    for route, model, b_url, missing_url, b_id, gone, a_url in object_urls(walk):
        # when
        answers = {
            "GET": (walk.get(b_url), walk.get(missing_url)),
            "POST": (walk.post(b_url, POST_BODY), walk.post(missing_url, POST_BODY)),
        }
        tried += 4

        # then
        for method, (for_b, for_missing) in answers.items():
            where = f"{method} {route.route} ({model.__name__})"
            assert comparable(for_b, b_id) == comparable(for_missing, gone), where
            if route.name is None:  # <id>/: Django's redirect to <id>/change/, whatever the id
                assert for_b.status_code == HTTPStatus.FOUND, where
                continue
            assert for_b.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN), where
            if method == "GET" and may_view(walk.operator, model) and route.name.endswith(VIEWS_OF_AN_OBJECT):
                assert for_b.status_code == HTTPStatus.NOT_FOUND, where
        control = walk.get(a_url)
        if may_view(walk.operator, model) and route.name != "view_on_site":
            assert control.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN), route.route
    assert whole_database() == before
    print(f"\nadmin URLs with an object id tried as tenant A's operator with tenant B's ids: {tried}")
    assert tried > 0


# --- URLs without an object: lists, searches, filters, add forms, the site's pages ---------------------


def related_filter_lookups(walk: Walk, model) -> dict[str, str]:
    """For every related-field filter of the model's change list: its lookup with B's object."""
    lookups = {}
    for entry in admin.site._registry[model].list_filter:
        name = entry if isinstance(entry, str) else entry[0]
        field = model._meta.get_field(name)
        if field.is_relation:
            related = walk.b_objects[field.related_model]
            lookups[f"{name}__{field.target_field.name}__exact"] = str(related.pk)
    return lookups


def b_search_terms(walk: Walk, model) -> list[str]:
    b = walk.b
    return [str(walk.b_objects[model].pk), b.participant.display_name, b.participant.email, b.program.name, "cust-42"]


def test_every_change_list_search_and_filter_shows_nothing_of_another_tenant(walk):
    # given
    before = whole_database()
    b_pks = {model: {walk.b_objects[model].pk} for model in walk.b_objects}
    tried = 0

    for route in admin_routes():
        if route.model is None or not (route.name or "").endswith("_changelist"):
            continue
        queries = [{}] + [{"q": term} for term in b_search_terms(walk, route.model)]
        queries += [{lookup: value} for lookup, value in related_filter_lookups(walk, route.model).items()]
        for query in queries:
            # when
            response = walk.get(url_of(route, {}), **query)
            tried += 1

            # then
            where = f"{route.route}?{query}"
            if not may_view(walk.operator, route.model):
                assert response.status_code == HTTPStatus.FORBIDDEN, where
                continue
            assert response.status_code == HTTPStatus.OK, where
            shown = {obj.pk for obj in response.context["cl"].result_list}
            assert not shown & b_pks[route.model], where
            assert walk.b_leaks(response.content.decode(), allowed=tuple(query.values())) == [], where
        if may_view(walk.operator, route.model) and route.model is not get_user_model():
            control = walk.get(url_of(route, {}))
            assert control.context["cl"].result_count > 0, f"{route.route}: A's objects show"
    assert whole_database() == before
    print(f"\nchange lists, searches and filters tried as tenant A's operator: {tried}")


def test_every_other_admin_page_shows_nothing_of_another_tenant(walk):
    # given
    before = whole_database()
    tried = 0
    pages = []
    for route in admin_routes():
        if route.parameters or (route.name or "").endswith("_changelist"):
            continue
        if route.name == "app_list":  # one page per app
            pages += [f"/admin/{app}/" for app in sorted({m._meta.app_label for m in admin.site._registry})]
        elif route.is_regex:  # the catch-all
            pages.append("/admin/no-such-page/")
        else:
            pages.append(url_of(route, {}))

    for page in pages:
        # when
        response = walk.get(page)
        tried += 1

        # then
        assert response.status_code in (
            HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED,
        ), page
        body = b"".join(response.streaming_content) if response.streaming else response.content  # CSV exports stream
        assert walk.b_leaks(body.decode()) == [], page
    assert whole_database() == before
    print(f"\nother admin pages tried as tenant A's operator: {tried}")


def add_payloads(b: TenantWorld) -> dict:
    """What an operator may add, posted with B's objects in every foreign key."""
    enrolments = {
        "enrollments-TOTAL_FORMS": "1", "enrollments-INITIAL_FORMS": "0",
        "enrollments-MIN_NUM_FORMS": "0", "enrollments-MAX_NUM_FORMS": "1000",
        "enrollments-0-program": str(b.program.pk),
    }
    return {
        Program: {"tenant": str(b.tenant.pk), "name": "Stolen program", "status": "ACTIVE"},
        Asset: {"program": str(b.program.pk), "code": "STOLEN", "name": "Stolen", "scale": "2"},
        Participant: {
            "tenant": str(b.tenant.pk), "external_id": "stolen", "display_name": "", "email": "", **enrolments
        },
        Reward: {
            "program": str(b.program.pk), "asset": str(b.asset.pk), "name": "Stolen", "description": "",
            "type": "UNIT_BASED", "unit_cost": "1.00", "status": "ACTIVE",
        },
    }


def test_add_forms_refuse_another_tenants_objects_in_every_foreign_key(walk):
    # given
    before = whole_database()
    payloads = add_payloads(walk.b)
    addable = {
        model for model, model_admin in admin.site._registry.items()
        if model_admin.has_add_permission(type("Request", (), {"user": walk.operator})())
    }
    tried = 0

    # then: every form an operator may post has its payload here
    assert addable == set(payloads)
    for model, data in payloads.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"

        # when
        page = walk.get(url)
        response = walk.post(url, data)
        tried += 2

        # then
        assert page.status_code == HTTPStatus.OK and walk.b_leaks(page.content.decode()) == [], url
        assert response.status_code == HTTPStatus.OK, url  # the form again, with its errors
        form = response.context["adminform"].form
        foreign_keys = [name for name in data if name in form.fields and name in ("tenant", "program", "asset")]
        for name in foreign_keys:
            assert name in form.errors, (url, name, form.errors)
        assert walk.b_leaks(response.content.decode(), allowed=tuple(data.values())) == [], url
    assert whole_database() == before
    print(f"\nadd forms tried as tenant A's operator with tenant B's objects: {tried}")


def autocomplete_fields() -> list[tuple[type[models.Model], str]]:
    """(source model, field) of every autocomplete field of every registered admin and inline."""
    found = []
    for model, model_admin in admin.site._registry.items():
        found += [(model, name) for name in model_admin.autocomplete_fields]
        for inline in model_admin.inlines:
            found += [(inline.model, name) for name in inline.autocomplete_fields]
    return found


def test_no_autocomplete_offers_another_tenants_objects(walk):
    # given
    fields = autocomplete_fields()
    tried = 0

    for model, name in fields:
        remote = model._meta.get_field(name).related_model
        for term in ("", walk.b.program.name[:5], walk.b.asset.code):
            # when
            response = walk.get(
                "/admin/autocomplete/",
                app_label=model._meta.app_label, model_name=model._meta.model_name, field_name=name, term=term,
            )
            tried += 1

            # then
            if not may_view(walk.operator, remote):
                assert response.status_code == HTTPStatus.FORBIDDEN, (model, name)
                continue
            assert response.status_code == HTTPStatus.OK, (model, name)
            offered = {result["id"] for result in response.json()["results"]}
            assert str(walk.b_objects[remote].pk) not in offered, (model, name, term)
            if term == "":
                assert str(a_object(walk, remote).pk) in offered, (model, name)
    assert fields, "the admin has autocomplete fields (program, asset, user)"
    print(f"\nautocomplete requests tried as tenant A's operator: {tried}")


def test_a_superuser_sees_every_tenant(walk, superuser_client):
    # when
    response = superuser_client.get("/admin/participants/participant/", {"q": "cust-42"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert {obj.pk for obj in response.context["cl"].result_list} == {walk.a.participant.pk, walk.b.participant.pk}
