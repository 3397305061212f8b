"""The create_tenant, create_api_key and revoke_api_key management commands."""

from http import HTTPStatus
from io import StringIO
from uuid import uuid4

import pytest
from django.core.management import CommandError, call_command

from conftest import KeyClient
from loyalty.auth import KEY_PATTERN, hash_key
from loyalty.models import ApiKey, Tenant
from loyalty.tests.factories import ProgramFactory, TenantFactory
from loyalty.tests.helpers import assert_error, db_state

pytestmark = pytest.mark.django_db


def create_api_key(*args) -> list[str]:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().splitlines()


def test_create_api_key_prints_the_plain_key_alone_on_the_last_line():
    # when
    lines = create_api_key("--name", "POS", "--all-programs")

    # then
    assert KEY_PATTERN.match(lines[-1])
    api_key = ApiKey.objects.get()
    assert (api_key.name, api_key.all_programs) == ("POS", True)
    assert api_key.key_hash == hash_key(lines[-1])


def test_the_printed_key_is_not_stored_in_plain_text():
    # when
    plain = create_api_key("--name", "POS", "--all-programs")[-1]

    # then
    stored = ApiKey.objects.values().get()
    assert plain not in {str(value) for value in stored.values()}


def test_an_all_programs_key_from_the_command_authenticates_and_sees_every_program():
    # given
    programs = ProgramFactory.create_batch(2)
    client = KeyClient(create_api_key("--name", "POS", "--all-programs")[-1])

    # when
    response = client.get("/api/v1/programs")

    # then
    assert response.status_code == HTTPStatus.OK
    assert {item["id"] for item in response.json()["results"]} == {str(p.id) for p in programs}


def test_a_key_for_listed_programs_sees_only_those_programs():
    # given
    first, second, hidden = ProgramFactory.create_batch(3)
    client = KeyClient(create_api_key("--name", "Shop", "--program", str(first.id), "--program", str(second.id))[-1])

    # when
    response = client.get("/api/v1/programs")

    # then
    assert {item["id"] for item in response.json()["results"]} == {str(first.id), str(second.id)}
    assert ApiKey.objects.get().all_programs is False


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "X"],
        ["--name", "X", "--all-programs", "--program", "PROGRAM"],
        ["--name", "X", "--program", "not-a-uuid"],
        ["--name", "X", "--program", "UNKNOWN"],
        ["--name", " ", "--all-programs"],
        ["--all-programs"],
        ["--name", "X", "--tenant", "not-a-uuid", "--all-programs"],
        ["--name", "X", "--tenant", "UNKNOWN", "--all-programs"],
    ],
    ids=[
        "no-scope", "both-scopes", "malformed-program", "unknown-program", "blank-name", "no-name",
        "malformed-tenant", "unknown-tenant",
    ],
)
def test_create_api_key_refuses_bad_arguments_with_a_command_error(args):
    # given
    program = ProgramFactory()
    args = [str(program.id) if a == "PROGRAM" else str(uuid4()) if a == "UNKNOWN" else a for a in args]
    before = db_state()

    # when
    with pytest.raises(CommandError) as excinfo:
        create_api_key(*args)

    # then
    assert str(excinfo.value)
    assert db_state() == before


# --- tenants ------------------------------------------------------------------------------


def create_tenant(*args) -> list[str]:
    out = StringIO()
    call_command("create_tenant", *args, stdout=out)
    return out.getvalue().splitlines()


def test_create_tenant_prints_the_new_tenants_id_alone_on_the_last_line():
    # when
    lines = create_tenant("Bravo Tea")

    # then
    tenant = Tenant.objects.get(name="Bravo Tea")
    assert lines[-1] == str(tenant.id)


@pytest.mark.parametrize("name", ["Default", " ", "x" * 201])
def test_create_tenant_refuses_a_taken_empty_or_long_name(name):
    # given
    before = list(Tenant.objects.values_list("id", "name"))

    # when
    with pytest.raises(CommandError) as excinfo:
        create_tenant(name)

    # then
    assert str(excinfo.value)
    assert list(Tenant.objects.values_list("id", "name")) == before


def test_a_key_for_a_new_tenant_sees_only_its_programs():
    # given
    tenant_id = create_tenant("Bravo Tea")[-1]
    theirs = ProgramFactory(tenant=Tenant.objects.get(id=tenant_id))
    ProgramFactory()  # the tenant Default's
    client = KeyClient(create_api_key("--name", "Till", "--tenant", tenant_id, "--all-programs")[-1])

    # when
    response = client.get("/api/v1/programs")

    # then
    assert [item["id"] for item in response.json()["results"]] == [str(theirs.id)]
    assert str(ApiKey.objects.get().tenant_id) == tenant_id


def test_the_tenant_is_implied_by_the_programs():
    # given
    theirs = ProgramFactory(tenant=TenantFactory())

    # when
    create_api_key("--name", "Till", "--program", str(theirs.id))

    # then
    assert ApiKey.objects.get().tenant_id == theirs.tenant_id


def test_the_tenant_is_implied_for_all_programs_while_there_is_exactly_one():
    # when: only the tenant Default exists (a fresh installation)
    create_api_key("--name", "Till", "--all-programs")

    # then
    assert ApiKey.objects.get().tenant.name == "Default"


@pytest.mark.parametrize(
    "case", ["programs-of-two-tenants", "program-of-another-tenant", "all-programs-with-two-tenants"]
)
def test_create_api_key_refuses_a_tenant_it_cannot_imply_or_that_does_not_fit(case):
    # given
    ours, theirs = ProgramFactory(), ProgramFactory(tenant=TenantFactory())
    args = {
        "programs-of-two-tenants": ["--program", str(ours.id), "--program", str(theirs.id)],
        "program-of-another-tenant": ["--tenant", str(ours.tenant_id), "--program", str(theirs.id)],
        "all-programs-with-two-tenants": ["--all-programs"],
    }[case]
    before = db_state()

    # when
    with pytest.raises(CommandError) as excinfo:
        create_api_key("--name", "Till", *args)

    # then
    assert "tenant" in str(excinfo.value)
    assert db_state() == before


def test_a_revoked_key_no_longer_authenticates(program):
    # given
    plain = create_api_key("--name", "POS", "--program", str(program.id))[-1]
    client = KeyClient(plain)
    assert client.get("/api/v1/programs").status_code == HTTPStatus.OK
    out = StringIO()

    # when
    call_command("revoke_api_key", ApiKey.objects.get().prefix, stdout=out)

    # then
    assert "Revoked" in out.getvalue()
    assert ApiKey.objects.get().revoked_at is not None
    assert_error(client.get("/api/v1/programs"), HTTPStatus.UNAUTHORIZED, "authentication_failed")


def test_revoking_a_key_twice_keeps_the_first_revocation_time():
    # given
    create_api_key("--name", "POS", "--all-programs")
    api_key = ApiKey.objects.get()
    call_command("revoke_api_key", api_key.prefix, stdout=StringIO())
    first = ApiKey.objects.get().revoked_at

    # when
    call_command("revoke_api_key", api_key.prefix, stdout=StringIO())

    # then
    assert ApiKey.objects.get().revoked_at == first


@pytest.mark.parametrize("prefix", ["zzzzzzzz", "short", "ABCDEFGH", "lk_abcdefgh"])
def test_revoke_api_key_refuses_an_unknown_or_malformed_prefix(prefix):
    # given
    create_api_key("--name", "POS", "--all-programs")
    before = db_state()

    # when
    with pytest.raises(CommandError) as excinfo:
        call_command("revoke_api_key", prefix, stdout=StringIO())

    # then
    assert prefix in str(excinfo.value)
    assert db_state() == before
