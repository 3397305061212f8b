"""The audit trail: a record per change, in the change's transaction, from the API, the admin and the commands."""

from __future__ import annotations

import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import transaction

from ledger.tests.factories import AssetFactory
from loyalty.models import ApiKey, AuditEvent, Membership, Program, Tenant
from loyalty.services import program_update
from loyalty.tests.admin_helpers import admin_url, redeem
from loyalty.tests.factories import ProgramFactory, TenantFactory
from rewards.models import Reward
from rewards.tests.factories import RewardFactory


def only(**filters) -> AuditEvent:
    return AuditEvent.objects.get(**filters)


def actor(event: AuditEvent) -> tuple[str, str]:
    return event.actor_type, event.actor_id


# --- programs ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_program_created_through_the_api_is_recorded_with_the_key_as_actor(make_client):
    # given
    client = make_client(all_programs=True)

    # when
    response = client.post("/api/v1/programs", {"name": "Coffee Club"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    event = only(object_type="program", action="create")
    assert actor(event) == ("api_key", client.api_key.prefix)
    assert event.object_id == response.json()["id"] == str(event.program_id)
    assert event.changes == {"name": [None, "Coffee Club"], "status": [None, "ACTIVE"]}


@pytest.mark.django_db
def test_a_program_update_through_the_api_records_the_changed_fields_only(client_for, program):
    # when
    response = client_for.patch(f"/api/v1/programs/{program.id}", {"status": "INACTIVE"})

    # then
    assert response.status_code == HTTPStatus.OK
    assert only(object_type="program", action="update").changes == {"status": ["ACTIVE", "INACTIVE"]}


@pytest.mark.django_db
def test_a_program_deleted_in_the_admin_is_recorded_with_the_user(superuser_client, superuser):
    # given
    program = ProgramFactory(name="Short-lived")

    # when
    response = superuser_client.post(admin_url(Program, "delete", program.pk), {"post": "yes"})

    # then
    assert response.status_code == HTTPStatus.FOUND
    event = only(object_type="program", action="delete")
    assert actor(event) == ("user", superuser.username)
    assert event.changes == {"name": ["Short-lived", None], "status": ["ACTIVE", None]}


# --- assets -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_asset_created_through_the_api_is_recorded(client_for, program):
    # when
    response = client_for.post("/api/v1/assets", {"program_id": str(program.id), "code": "PTS", "name": "Points",
                                                  "scale": 2, "pending_days": 14, "validity_days": 365})

    # then
    assert response.status_code == HTTPStatus.CREATED
    event = only(object_type="asset", action="create")
    assert (event.object_id, event.program_id) == (response.json()["id"], program.id)
    assert event.changes == {"program_id": [None, str(program.id)], "code": [None, "PTS"], "name": [None, "Points"],
                             "scale": [None, 2], "pending_days": [None, 14], "validity_days": [None, 365]}


@pytest.mark.django_db
def test_an_asset_policy_change_through_the_api_records_the_changed_fields(client_for, asset):
    # given
    assert (asset.pending_days, asset.validity_days) == (0, None)

    # when
    response = client_for.patch(f"/api/v1/assets/{asset.id}", {"pending_days": 7, "validity_days": 90,
                                                                "name": asset.name})

    # then
    assert response.status_code == HTTPStatus.OK, response.content
    event = only(object_type="asset", action="update")
    assert actor(event) == ("api_key", client_for.api_key.prefix)
    assert event.changes == {"pending_days": [0, 7], "validity_days": [None, 90]}


@pytest.mark.django_db
def test_an_asset_renamed_in_the_admin_is_recorded(superuser_client, asset):
    # when
    response = superuser_client.post(admin_url(type(asset), "change", asset.pk), {"name": "Miles"})

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert only(object_type="asset", action="update").changes == {"name": ["Points", "Miles"]}


# --- rewards ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reward_created_through_the_api_is_recorded_with_decimal_strings(client_for, program, asset):
    # when
    response = client_for.post("/api/v1/rewards", {"program_id": str(program.id), "asset_id": str(asset.id),
                                                   "name": "Mug", "type": "UNIT_BASED", "unit_cost": "150.00",
                                                   "max_total": 10})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.content
    changes = only(object_type="reward", action="create").changes
    assert changes["unit_cost"] == [None, "150.00"] and changes["max_total"] == [None, 10]
    assert "min_amount" not in changes  # only the fields set


@pytest.mark.django_db
def test_a_reward_price_and_stock_change_through_the_api_is_recorded(client_for, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=5)

    # when
    response = client_for.patch(f"/api/v1/rewards/{reward.id}", {"unit_cost": "12.50", "max_total": 8})

    # then
    assert response.status_code == HTTPStatus.OK, response.content
    event = only(object_type="reward", action="update")
    assert actor(event) == ("api_key", client_for.api_key.prefix)
    assert event.changes == {"unit_cost": ["10.00", "12.50"], "max_total": [5, 8]}


@pytest.mark.django_db
def test_a_reward_deactivated_by_the_admin_action_is_recorded(superuser_client, superuser, asset):
    # given
    reward = RewardFactory(asset=asset)

    # when
    superuser_client.post(admin_url(Reward, "changelist"), {"action": "deactivate", "_selected_action": [reward.pk]})

    # then
    event = only(object_type="reward", action="update")
    assert actor(event) == ("user", superuser.username) and event.changes == {"status": ["ACTIVE", "INACTIVE"]}


@pytest.mark.django_db
def test_a_reward_deleted_in_the_admin_is_recorded(superuser_client, asset):
    # given
    reward = RewardFactory(asset=asset, name="Gone", unit_cost=Decimal("3.00"))

    # when
    response = superuser_client.post(admin_url(Reward, "delete", reward.pk), {"post": "yes"})

    # then
    assert response.status_code == HTTPStatus.FOUND
    changes = only(object_type="reward", action="delete").changes
    assert changes["name"] == ["Gone", None] and changes["unit_cost"] == ["3.00", None]


# --- reversals ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reversal_through_the_api_is_recorded_on_the_redemption(client_for, program, asset, participant):
    # given
    redemption = redeem(participant=participant, reward=RewardFactory(asset=asset, unit_cost=Decimal("10.00")),
                        quantity=2)

    # when
    response = client_for.post(f"/api/v1/redemptions/{redemption.id}/reversals", {"quantity": 1})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.content
    event = only(object_type="redemption", action="reverse")
    assert (event.object_id, event.program_id) == (str(redemption.id), program.id)
    assert event.changes == {"reversed_amount": ["0.00", "10.00"], "reversed_quantity": [0, 1],
                             "status": ["COMPLETED", "PARTIALLY_REVERSED"]}


# --- release and clawback (accrual) --------------------------------------------------------------


def _pending_lot(participant, asset, amount="10.00"):
    from datetime import timedelta

    from django.utils import timezone

    from participants.services import accrual_create

    return accrual_create(program=asset.program, participant=participant, asset=asset, amount=Decimal(amount),
                          available_at=timezone.now() + timedelta(days=3)).record


@pytest.mark.django_db
def test_a_release_through_the_api_is_recorded_on_the_accrual(client_for, program, asset, participant):
    # given
    lot = _pending_lot(participant, asset)

    # when
    response = client_for.post(f"/api/v1/accruals/{lot.id}/release")

    # then
    assert response.status_code == HTTPStatus.OK, response.content
    event = only(object_type="accrual", action="release")
    assert actor(event) == ("api_key", client_for.api_key.prefix)
    assert (event.object_id, event.program_id) == (str(lot.id), program.id)
    assert event.changes == {"status": ["PENDING", "AVAILABLE"]}


@pytest.mark.django_db
def test_a_release_of_a_lot_already_released_records_nothing(client_for, asset, participant):
    # given
    lot = _pending_lot(participant, asset)
    assert client_for.post(f"/api/v1/accruals/{lot.id}/release").status_code == HTTPStatus.OK

    # when
    response = client_for.post(f"/api/v1/accruals/{lot.id}/release")

    # then
    assert response.status_code == HTTPStatus.OK
    assert AuditEvent.objects.filter(object_type="accrual", action="release").count() == 1


@pytest.mark.django_db
def test_a_clawback_through_the_api_is_recorded_once_with_the_amounts(client_for, program, asset, participant):
    # given
    from ledger.tests.factories import fund

    lot = fund(participant, asset, "10.00")
    body = {"amount": "4.00", "reason": "fraud", "idempotency_key": "claw-1"}

    # when
    first = client_for.post(f"/api/v1/accruals/{lot.id}/reversals", body)
    repeat = client_for.post(f"/api/v1/accruals/{lot.id}/reversals", body)

    # then
    assert (first.status_code, repeat.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK), first.content
    event = only(object_type="accrual", action="clawback")
    assert actor(event) == ("api_key", client_for.api_key.prefix)
    assert (event.object_id, event.program_id) == (str(lot.id), program.id)
    assert event.changes == {"remaining": ["10.00", "6.00"], "reversed_amount": ["0.00", "4.00"]}


@pytest.mark.django_db
def test_a_clawback_refused_records_nothing(client_for, asset, participant):
    # given
    from ledger.tests.factories import fund

    lot = fund(participant, asset, "10.00")

    # when
    response = client_for.post(f"/api/v1/accruals/{lot.id}/reversals", {"amount": "11.00"})

    # then
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not AuditEvent.objects.filter(object_type="accrual").exists()


@pytest.mark.django_db
def test_a_clawback_by_the_admin_action_is_recorded_with_the_user(superuser_client, superuser, asset, participant):
    # given
    from ledger.tests.factories import fund
    from participants.models import Accrual

    lot = fund(participant, asset, "10.00")

    # when
    response = superuser_client.post(
        admin_url(Accrual, "changelist"), {"action": "claw_back_remaining", "_selected_action": [str(lot.pk)]}
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    event = only(object_type="accrual", action="clawback")
    assert actor(event) == ("user", superuser.username)
    assert event.changes == {"status": ["AVAILABLE", "CLOSED"], "remaining": ["10.00", "0.00"],
                             "reversed_amount": ["0.00", "10.00"]}


@pytest.mark.django_db
def test_the_admin_history_of_an_accrual_shows_its_clawback(superuser_client, asset, participant):
    # given
    from ledger.tests.factories import fund
    from participants.models import Accrual
    from participants.services import accrual_reversal_create

    lot = fund(participant, asset, "10.00")
    accrual_reversal_create(accrual=lot, amount=Decimal("1.00"))

    # when
    response = superuser_client.get(admin_url(Accrual, "history", lot.pk))

    # then
    assert response.status_code == HTTPStatus.OK
    assert [event.action for event in response.context["audit_events"]] == ["clawback"]


# --- reward codes (counts, never the codes) ------------------------------------------------------

SECRET_CODES = ["GIFT-SECRET-0001", "GIFT-SECRET-0002", "GIFT-SECRET-0003"]


@pytest.mark.django_db
def test_codes_added_through_the_api_are_recorded_as_counts_never_codes(client_for, program, asset):
    # given
    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)

    # when
    response = client_for.post(f"/api/v1/rewards/{reward.id}/codes", {"codes": SECRET_CODES})

    # then
    assert response.status_code == HTTPStatus.CREATED, response.content
    event = only(object_type="reward", action="add_codes")
    assert actor(event) == ("api_key", client_for.api_key.prefix)
    assert (event.object_id, event.program_id) == (str(reward.id), program.id)
    assert event.changes == {"codes_available": [0, 3]}
    assert "SECRET" not in str(AuditEvent.objects.values_list("changes", flat=True))


@pytest.mark.django_db
def test_codes_that_are_all_duplicates_record_nothing(client_for, asset):
    # given
    from rewards.services import reward_codes_add

    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)
    reward_codes_add(reward=reward, codes=SECRET_CODES)

    # when
    response = client_for.post(f"/api/v1/rewards/{reward.id}/codes", {"codes": SECRET_CODES})

    # then
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.CREATED), response.content
    assert AuditEvent.objects.filter(action="add_codes").count() == 1  # the service's own add, as the system


@pytest.mark.django_db
def test_codes_uploaded_in_the_admin_are_recorded_with_the_user(superuser_client, superuser, asset):
    # given
    from django.core.files.uploadedfile import SimpleUploadedFile

    reward = RewardFactory(asset=asset, fulfilment=Reward.Fulfilment.CODES)

    # when
    response = superuser_client.post(
        admin_url(Reward, "codes", reward.pk),
        {"file": SimpleUploadedFile("codes.txt", "\n".join(SECRET_CODES).encode())},
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    event = only(object_type="reward", action="add_codes")
    assert actor(event) == ("user", superuser.username)
    assert event.changes == {"codes_available": [0, 3]}
    assert "SECRET" not in str(event.changes)


# --- tenants, members, API keys -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_tenant_created_by_the_command_is_recorded_with_the_command_as_actor():
    # when
    call_command("create_tenant", "Bravo Tea", stdout=io.StringIO())

    # then
    tenant = Tenant.objects.get(name="Bravo Tea")
    event = only(object_type="tenant", action="create")
    assert (actor(event), event.tenant_id, event.changes) == (("command", "create_tenant"), tenant.id,
                                                              {"name": [None, "Bravo Tea"]})


@pytest.mark.django_db
def test_a_tenant_renamed_in_the_admin_is_recorded(superuser_client):
    # given
    tenant = TenantFactory(name="Old name")

    # when
    response = superuser_client.post(admin_url(Tenant, "change", tenant.pk), {
        "name": "New name", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert only(object_type="tenant", action="update").changes == {"name": ["Old name", "New name"]}


@pytest.mark.django_db
def test_a_member_added_and_removed_in_the_admin_is_recorded(superuser_client, operator_user):
    # given
    tenant = TenantFactory(name="Bravo Tea")
    form = {"name": "Bravo Tea", "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(operator_user.pk)}

    # when: added, then removed
    superuser_client.post(admin_url(Tenant, "change", tenant.pk), form)
    membership = Membership.objects.get(tenant=tenant)
    superuser_client.post(admin_url(Tenant, "change", tenant.pk), {
        **form, "memberships-INITIAL_FORMS": "1", "memberships-0-id": str(membership.pk),
        "memberships-0-tenant": str(tenant.pk), "memberships-0-DELETE": "on"})

    # then
    create = only(object_type="membership", action="create")
    delete = only(object_type="membership", action="delete")
    assert create.changes == {"tenant_id": [None, str(tenant.id)], "user": [None, operator_user.username]}
    assert delete.changes == {"tenant_id": [str(tenant.id), None], "user": [operator_user.username, None]}
    assert create.tenant_id == delete.tenant_id == tenant.id
    assert not Membership.objects.filter(tenant=tenant).exists()


@pytest.mark.django_db
def test_an_api_key_created_by_the_command_is_recorded_without_its_secret_or_hash(program):
    # when
    out = io.StringIO()
    call_command("create_api_key", "--name", "Back office", "--program", str(program.id), stdout=out)

    # then
    plain = out.getvalue().strip().splitlines()[-1]
    api_key = ApiKey.objects.get(name="Back office")
    event = only(object_type="api_key", action="create")
    assert actor(event) == ("command", "create_api_key")
    assert event.changes["prefix"] == [None, api_key.prefix]
    assert event.changes["program_ids"] == [None, [str(program.id)]]
    text = str(event.changes)
    assert plain not in text and plain.split("_")[-1] not in text and api_key.key_hash not in text


@pytest.mark.django_db
def test_an_api_key_revoked_by_the_command_is_recorded_once(make_client):
    # given
    api_key = make_client(all_programs=True).api_key

    # when: revoked twice
    call_command("revoke_api_key", api_key.prefix, stdout=io.StringIO())
    call_command("revoke_api_key", api_key.prefix, stdout=io.StringIO())

    # then
    event = only(object_type="api_key", action="revoke")
    assert actor(event) == ("command", "revoke_api_key") and list(event.changes) == ["revoked_at"]


@pytest.mark.django_db
def test_an_api_key_revoked_in_the_admin_is_recorded_with_the_user(superuser_client, superuser, make_client):
    # given
    api_key = make_client(all_programs=True).api_key

    # when
    superuser_client.post(admin_url(ApiKey, "changelist"), {"action": "revoke", "_selected_action": [api_key.pk]})

    # then
    assert actor(only(object_type="api_key", action="revoke")) == ("user", superuser.username)


# --- the transaction ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_record(program):
    # given
    class Boom(Exception):
        pass

    # when
    with pytest.raises(Boom), transaction.atomic():
        program_update(program=program, name="Renamed")
        raise Boom

    # then
    assert not AuditEvent.objects.filter(object_type="program", action="update").exists()


@pytest.mark.django_db
def test_a_refused_change_records_nothing(client_for, asset):
    # given
    reward = RewardFactory(asset=asset)

    # when
    response = client_for.patch(f"/api/v1/rewards/{reward.id}", {"unit_cost": "1.234"})

    # then
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not AuditEvent.objects.filter(object_type="reward", action="update").exists()


# --- GET /api/v1/audit-events -------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_events_list_newest_first_with_filters(client_for, program, asset):
    # given
    reward = RewardFactory(asset=asset)
    client_for.patch(f"/api/v1/rewards/{reward.id}", {"name": "One"})
    client_for.patch(f"/api/v1/rewards/{reward.id}", {"name": "Two"})

    # when
    everything = client_for.get("/api/v1/audit-events").json()["results"]
    of_reward = client_for.get(f"/api/v1/audit-events?object_type=reward&object_id={reward.id}&actor_type=api_key")

    # then
    assert of_reward.status_code == HTTPStatus.OK
    results = of_reward.json()["results"]
    assert [item["changes"]["name"][1] for item in results] == ["Two", "One"]
    assert results[0]["actor"] == {"type": "api_key", "id": client_for.api_key.prefix}
    assert set(results[0]) >= {"id", "created_at", "actor", "action", "object_type", "object_id", "program_id",
                               "changes"}
    assert len(everything) >= 3  # the asset's creation too


@pytest.mark.django_db
def test_a_key_of_some_programs_does_not_see_the_tenants_own_records(client_for, make_client):
    # given: a tenant-wide record (an API key created)
    make_client(all_programs=True, tenant=client_for.api_key.tenant)

    # when
    results = client_for.get("/api/v1/audit-events?object_type=api_key").json()["results"]

    # then
    assert results == []


@pytest.mark.django_db
def test_audit_events_list_refuses_a_malformed_filter(client_for):
    # when
    response = client_for.get("/api/v1/audit-events?program_id=nope")

    # then
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.django_db
def test_an_asset_factory_records_its_creation_as_the_system():
    # when
    asset = AssetFactory()

    # then
    assert actor(only(object_type="asset", object_id=str(asset.id))) == ("command", "system")


# --- admin --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_history_of_a_reward_shows_its_audit_records(superuser_client, client_for, asset):
    # given
    reward = RewardFactory(asset=asset)
    client_for.patch(f"/api/v1/rewards/{reward.id}", {"unit_cost": "99.00"})

    # when
    response = superuser_client.get(admin_url(Reward, "history", reward.pk))

    # then
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "audit-trail" in page and "99.00" in page and client_for.api_key.prefix in page


@pytest.mark.django_db
def test_an_operator_lists_only_their_tenants_audit_records(operator_client, make_client):
    # given: a record of the operator's tenant (Default) and one of another tenant
    ProgramFactory(name="Mine")
    mine = AssetFactory(program=ProgramFactory(name="Ours"))
    theirs = AssetFactory(program=ProgramFactory(tenant=TenantFactory(name="Bravo Tea")))

    # when
    response = operator_client.get(admin_url(AuditEvent, "changelist") + "?object_type__exact=asset")

    # then
    assert response.status_code == HTTPStatus.OK
    shown = {event.object_id for event in response.context["cl"].result_list}
    assert str(mine.id) in shown and str(theirs.id) not in shown


# --- the database guard -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["UPDATE {table} SET action = 'forged'", "DELETE FROM {table}"])
def test_postgresql_refuses_to_change_or_delete_an_audit_record(statement):
    # given
    from django.db import DatabaseError, connection

    AssetFactory()
    before = list(AuditEvent.objects.values_list("id", "action"))

    # when
    with pytest.raises(DatabaseError, match="audit records are insert-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=AuditEvent._meta.db_table))

    # then
    assert list(AuditEvent.objects.values_list("id", "action")) == before


# --- webhook endpoints ---------------------------------------------------------------------------

HOOK_URL = "http://127.0.0.1:9/hooks"


@pytest.fixture
def local_hooks(settings):
    settings.WEBHOOK_ALLOW_HTTP = settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


@pytest.mark.django_db
def test_a_webhook_endpoint_created_through_the_api_is_recorded_without_its_secret(make_client, local_hooks):
    # given
    client = make_client(all_programs=True)

    # when
    response = client.post("/api/v1/webhook-endpoints", {"url": HOOK_URL, "event_types": ["*"]})

    # then
    assert response.status_code == HTTPStatus.CREATED
    event = only(object_type="webhook_endpoint", action="create")
    assert actor(event) == ("api_key", client.api_key.prefix)
    assert event.object_id == response.json()["id"]
    assert event.changes == {"url": [None, HOOK_URL], "event_types": [None, ["*"]], "enabled": [None, True]}
    assert response.json()["secret"] not in str(event.changes)


@pytest.mark.django_db
def test_a_webhook_endpoint_update_delete_and_rotation_are_recorded(make_client, local_hooks):
    # given
    client = make_client(all_programs=True)
    endpoint = client.post("/api/v1/webhook-endpoints", {"url": HOOK_URL, "event_types": ["*"]}).json()
    path = f"/api/v1/webhook-endpoints/{endpoint['id']}"

    # when
    client.patch(path, {"enabled": False, "description": "paused"})
    rotated = client.post(f"{path}/rotate-secret").json()
    client.delete(path)

    # then
    records = {e.action: e for e in AuditEvent.objects.filter(object_type="webhook_endpoint", object_id=endpoint["id"])}
    assert set(records) == {"create", "update", "rotate_secret", "delete"}
    assert records["update"].changes == {"description": ["", "paused"], "enabled": [True, False]}
    assert records["rotate_secret"].changes == {}
    assert records["delete"].changes["url"] == [HOOK_URL, None]
    assert not any(secret in str(r.changes) for r in records.values() for secret in (endpoint["secret"], rotated["secret"]))
