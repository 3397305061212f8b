"""Admin of the core: the operator group, programs, API keys, idempotency records."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import Resolver404, resolve

from loyalty.admin_base import OPERATOR_GROUP
from loyalty.auth import authenticate_key, hash_key
from loyalty.models import ApiKey, IdempotencyRecord, Membership, Program, Tenant
from loyalty.services import api_key_create
from loyalty.tests.admin_helpers import OPERATOR_PASSWORD, admin_url
from loyalty.tests.factories import ProgramFactory, TenantFactory, default_tenant

pytestmark = pytest.mark.django_db


def _api_key_add(client, **data):
    fields = {"tenant": str(default_tenant().pk), "name": "Shop", "all_programs": "", "programs": [], **data}
    return client.post(admin_url(ApiKey, "add"), fields)


def test_operator_group_from_the_migration_has_exactly_the_operator_permissions():
    # given / when: the group the migration created, by the name the app checks
    group = Group.objects.get(name=OPERATOR_GROUP)

    # then
    permissions = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert permissions == {
        ("loyalty", "view_program"),
        ("loyalty", "add_program"),
        ("loyalty", "change_program"),
        ("loyalty", "view_auditevent"),
        ("ledger", "view_asset"),
        ("ledger", "add_asset"),
        ("ledger", "change_asset"),
        ("ledger", "view_account"),
        ("ledger", "view_journalentry"),
        ("ledger", "view_journalline"),
        ("participants", "view_participant"),
        ("participants", "add_participant"),
        ("participants", "change_participant"),
        ("participants", "view_enrollment"),
        ("participants", "view_accrual"),  # participants/0005: the lots, and the clawback action
        ("participants", "view_accrualreversal"),
        ("participants", "add_accrualreversal"),
        ("participants", "add_enrollment"),
        ("participants", "change_enrollment"),
        ("rewards", "view_reward"),
        ("rewards", "add_reward"),
        ("rewards", "change_reward"),
        ("rewards", "view_redemption"),
        ("rewards", "view_reversal"),
        ("rewards", "add_reversal"),
    }


def test_operator_logs_in_through_the_login_form_and_sees_the_catalog_but_not_api_keys(operator_user):
    # given
    client = Client()

    # when
    login = client.post("/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD, "next": "/admin/"})
    index = client.get("/admin/")

    # then
    assert login.status_code == HTTPStatus.FOUND
    assert index.status_code == HTTPStatus.OK
    models_shown = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert {"Reward", "Redemption", "Reversal", "JournalEntry", "Program", "Participant"} <= models_shown
    assert "ApiKey" not in models_shown
    assert "IdempotencyRecord" not in models_shown


def test_operator_creates_a_program_and_renames_it(operator_client):
    # given
    operator_client.post(
        admin_url(Program, "add"), {"tenant": str(default_tenant().pk), "name": "Coffee Club", "status": "ACTIVE"}
    )
    program = Program.objects.get()

    # when
    response = operator_client.post(
        admin_url(Program, "change", program.pk), {"name": "Tea Club", "status": "INACTIVE"}
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    program.refresh_from_db()
    assert (program.name, program.status) == ("Tea Club", "INACTIVE")


@pytest.mark.parametrize("view", ["changelist", "add"])
def test_operator_is_refused_api_keys(operator_client, view):
    # given
    api_key_create(name="existing", all_programs=True)

    # when
    response = operator_client.get(admin_url(ApiKey, view))

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert ApiKey.objects.count() == 1


def test_operator_cannot_create_an_api_key_by_posting_the_form(operator_client):
    # when
    response = _api_key_add(operator_client, all_programs="on")

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ApiKey.objects.exists()


def test_superuser_creating_an_api_key_sees_the_plain_key_once_and_only_its_hash_is_stored(superuser_client):
    # given
    program = ProgramFactory()

    # when
    response = _api_key_add(superuser_client, programs=[str(program.pk)])

    # then
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    plain = response.context["plain_key"]
    api_key = ApiKey.objects.get()
    assert plain.startswith(f"lk_{api_key.prefix}_") and plain in response.content.decode()
    assert api_key.key_hash == hash_key(plain)
    assert list(api_key.programs.all()) == [program]
    for url in (admin_url(ApiKey, "changelist"), admin_url(ApiKey, "change", api_key.pk)):
        page = superuser_client.get(url)
        assert page.status_code == HTTPStatus.OK
        assert plain not in page.content.decode()


def test_an_api_key_created_in_the_admin_authenticates_for_its_programs(superuser_client):
    # given
    program = ProgramFactory()
    response = _api_key_add(superuser_client, programs=[str(program.pk)])
    plain = response.context["plain_key"]

    # when
    scope = authenticate_key(plain)

    # then
    assert scope is not None
    assert scope.program_ids == frozenset({program.id})


def test_an_api_key_created_in_the_admin_is_accepted_by_the_programs_endpoint(superuser_client):
    try:
        resolve("/api/v1/programs")
    except Resolver404:
        pytest.skip("GET /api/v1/programs is not routed yet")
    # given
    plain = _api_key_add(superuser_client, all_programs="on").context["plain_key"]

    # when
    response = Client().get("/api/v1/programs", HTTP_X_API_KEY=plain)

    # then
    assert response.status_code == HTTPStatus.OK


def test_api_key_form_needs_either_programs_or_all_programs(superuser_client):
    # given
    program = ProgramFactory()

    # when
    neither = _api_key_add(superuser_client)
    both = _api_key_add(superuser_client, all_programs="on", programs=[str(program.pk)])

    # then
    for response in (neither, both):
        assert response.status_code == HTTPStatus.OK
        assert response.context["adminform"].form.non_field_errors()
    assert not ApiKey.objects.exists()


def test_revoke_action_revokes_the_selected_keys_only(superuser_client):
    # given
    revoked, revoked_plain = api_key_create(name="old", all_programs=True)
    kept, kept_plain = api_key_create(name="current", all_programs=True)

    # when
    response = superuser_client.post(
        admin_url(ApiKey, "changelist"), {"action": "revoke", "_selected_action": [str(revoked.pk)]}
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    revoked.refresh_from_db()
    kept.refresh_from_db()
    assert revoked.revoked_at is not None and kept.revoked_at is None
    assert authenticate_key(revoked_plain) is None
    assert authenticate_key(kept_plain) is not None


@pytest.mark.parametrize("method,view", [("post", "change"), ("post", "delete")])
def test_api_keys_are_never_edited_or_deleted_even_by_a_superuser(superuser_client, method, view):
    # given
    api_key, _ = api_key_create(name="Shop", all_programs=True)

    # when
    response = getattr(superuser_client, method)(
        admin_url(ApiKey, view, api_key.pk), {"name": "Renamed", "post": "yes"}
    )

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    api_key.refresh_from_db()
    assert api_key.name == "Shop"


def test_idempotency_records_are_hidden_from_operators(operator_client):
    # when
    response = operator_client.get(admin_url(IdempotencyRecord, "changelist"))

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_idempotency_records_are_read_only_even_for_a_superuser(superuser_client):
    # given
    program = ProgramFactory()
    record = IdempotencyRecord.objects.create(
        tenant=program.tenant,
        program=program,
        key="k-1",
        fingerprint="f" * 64,
        kind="ACCRUAL",
        resource_id="00000000-0000-0000-0000-000000000001",
    )

    # when
    page = superuser_client.get(admin_url(IdempotencyRecord, "change", record.pk))
    change = superuser_client.post(admin_url(IdempotencyRecord, "change", record.pk), {"key": "k-2"})
    add = superuser_client.get(admin_url(IdempotencyRecord, "add"))
    delete = superuser_client.post(admin_url(IdempotencyRecord, "delete", record.pk), {"post": "yes"})

    # then
    assert page.status_code == HTTPStatus.OK
    assert (change.status_code, add.status_code, delete.status_code) == (HTTPStatus.FORBIDDEN,) * 3
    record.refresh_from_db()
    assert record.key == "k-1"


# --- tenants -----------------------------------------------------------------------------------


def test_every_registered_admin_and_inline_is_tenant_scoped():
    # given
    from django.contrib import admin

    from loyalty.admin_base import TenantScopedAdmin

    # when
    unscoped = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, TenantScopedAdmin)
    ]
    unscoped += [
        inline.__name__
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if not issubclass(inline, TenantScopedAdmin)
    ]

    # then
    assert unscoped == []


def test_an_operator_of_one_tenant_finds_it_chosen_on_the_program_form(operator_client):
    # when
    response = operator_client.get(admin_url(Program, "add"))

    # then
    field = response.context["adminform"].form.fields["tenant"]
    assert list(field.queryset) == [default_tenant()]
    assert field.initial == default_tenant().pk and field.empty_label is None


def test_a_staff_user_without_a_membership_sees_no_rows(operator_user, program):
    # given
    Membership.objects.filter(user=operator_user).delete()
    client = Client()
    client.force_login(operator_user)

    # when
    response = client.get(admin_url(Program, "changelist"))
    page = client.get(admin_url(Program, "change", program.pk))

    # then
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == []
    assert page.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("model", [Tenant, get_user_model(), Group, ApiKey])
def test_operators_are_refused_tenants_users_groups_and_keys(operator_client, model):
    # when
    response = operator_client.get(admin_url(model, "changelist"))

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_superuser_creates_a_tenant_and_makes_a_staff_user_its_operator(superuser_client, operator_user):
    # when
    response = superuser_client.post(
        admin_url(Tenant, "add"),
        {
            "name": "Bravo Tea",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": str(operator_user.pk),
        },
    )

    # then
    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["errors"]
    tenant = Tenant.objects.get(name="Bravo Tea")
    assert set(Membership.objects.filter(user=operator_user).values_list("tenant__name", flat=True)) == {
        "Default",
        "Bravo Tea",
    }
    assert tenant.memberships.count() == 1


def test_a_tenant_name_is_unique_in_the_admin(superuser_client):
    # when
    response = superuser_client.post(
        admin_url(Tenant, "add"),
        {"name": "Default", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors
    assert Tenant.objects.filter(name="Default").count() == 1


def test_api_key_form_refuses_a_program_of_another_tenant(superuser_client):
    # given
    theirs = ProgramFactory(tenant=TenantFactory(name="Bravo Tea"))

    # when
    response = _api_key_add(superuser_client, programs=[str(theirs.pk)])

    # then
    assert response.status_code == HTTPStatus.OK
    assert "programs" in response.context["adminform"].form.errors
    assert not ApiKey.objects.exists()
