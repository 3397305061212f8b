"""``GET /api/v1/me``: the key's tenant and what it may see now."""

from http import HTTPStatus

import pytest

from loyalty.services import program_create
from loyalty.tests.factories import ProgramFactory, TenantFactory
from loyalty.tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_me_answers_the_tenant_and_the_key_in_the_contracts_shape(make_client):
    # given
    tenant = TenantFactory(name="Alpha Coffee")
    client = make_client(all_programs=True, name="Till 1", tenant=tenant)

    # when
    response = client.get("/api/v1/me")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "tenant": {"id": str(tenant.id), "name": "Alpha Coffee"},
        "key": {"prefix": client.api_key.prefix, "name": "Till 1", "all_programs": True, "program_ids": []},
    }


def test_an_all_programs_key_sees_every_program_of_its_tenant_now_and_none_of_another(make_client):
    # given
    tenant = TenantFactory()
    first = ProgramFactory(tenant=tenant)
    ProgramFactory(tenant=TenantFactory())
    client = make_client(all_programs=True, tenant=tenant)
    later = program_create(tenant_id=tenant.id, name="Opened later")

    # when
    key = client.get("/api/v1/me").json()["key"]

    # then: newest first
    assert key["program_ids"] == [str(later.id), str(first.id)]


def test_a_key_scoped_to_some_programs_lists_only_them(make_client):
    # given
    tenant = TenantFactory()
    mine, _other_of_the_tenant = ProgramFactory(tenant=tenant), ProgramFactory(tenant=tenant)
    client = make_client(programs=[mine])

    # when
    response = client.get("/api/v1/me")

    # then
    assert response.json()["key"]["all_programs"] is False
    assert response.json()["key"]["program_ids"] == [str(mine.id)]
    assert response.json()["tenant"]["id"] == str(tenant.id)


def test_me_without_a_key_is_401(anon_client):
    # when
    response = anon_client.get("/api/v1/me")

    # then
    assert_error(response, HTTPStatus.UNAUTHORIZED, "authentication_failed")
