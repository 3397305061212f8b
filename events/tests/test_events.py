"""Every event type is recorded in its change's transaction, with ``data`` equal to what GET answers then."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from events.models import Delivery, Event, WebhookEndpoint
from events.services import event_record, events_prune
from ledger.tests.factories import fund
from participants.services import accrual_create, participant_enrol
from rewards.services import redemption_create_catalog, redemption_create_direct, reversal_create, reward_update
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


def only(type: str) -> Event:
    (event,) = Event.objects.filter(type=type)
    return event


@pytest.fixture
def all_key(make_client, program):
    return make_client(all_programs=True, tenant=program.tenant)


def test_creating_a_participant_records_created_and_enrolled_with_the_participant(program, all_key):
    # when
    participant = participant_enrol(program=program, external_id="ev-1", display_name="Eve").record

    # then
    got = all_key.get(f"/api/v1/participants/{participant.id}").json()
    for type in ("participant.created", "participant.enrolled"):
        event = only(type)
        assert (event.program_id, event.tenant_id, event.data) == (program.id, program.tenant_id, got)


def test_enrolling_an_existing_participant_records_enrolled_only(program, all_key):
    # given
    from loyalty.tests.factories import ProgramFactory

    other = ProgramFactory(tenant=program.tenant)
    participant = participant_enrol(program=program, external_id="ev-2").record
    Event.objects.all().delete()

    # when
    participant_enrol(program=other, external_id="ev-2")
    participant_enrol(program=other, external_id="ev-2")  # already enrolled: nothing

    # then
    event = only("participant.enrolled")
    assert event.program_id == other.id
    assert event.data == all_key.get(f"/api/v1/participants/{participant.id}").json()
    assert Event.objects.count() == 1


def test_an_accrual_records_accrual_created_with_the_accrual_as_the_api_answers_it(
    program, participant, asset, all_key
):
    # when: (an accrual has no GET: its 201 answer is the object)
    response = all_key.post(
        f"/api/v1/participants/{participant.id}/accruals",
        {"program_id": str(program.id), "asset_id": str(asset.id), "amount": "12.50"},
    )

    # then
    assert response.status_code == 201
    assert only("accrual.created").data == response.json()


def test_a_catalog_redemption_records_redemption_created_with_the_redemption(program, participant, asset, all_key):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))

    # when
    redemption = redemption_create_catalog(program=program, participant=participant, reward=reward, quantity=2).record

    # then
    assert only("redemption.created").data == all_key.get(f"/api/v1/redemptions/{redemption.id}").json()


def test_a_direct_redemption_records_redemption_created_with_the_redemption(program, participant, asset, all_key):
    # given
    fund(participant, asset, "100.00")

    # when
    redemption = redemption_create_direct(
        program=program, participant=participant, asset=asset, amount=Decimal("5.00")
    ).record

    # then
    assert only("redemption.created").data == all_key.get(f"/api/v1/redemptions/{redemption.id}").json()


def test_a_reversal_records_redemption_reversed_with_the_reversal_and_its_redemption(
    program, participant, asset, all_key
):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))
    redemption = redemption_create_catalog(program=program, participant=participant, reward=reward, quantity=2).record

    # when
    reversal = reversal_create(redemption=redemption, quantity=1).record

    # then
    listed = all_key.get(f"/api/v1/redemptions/{redemption.id}/reversals").json()["results"]
    data = only("redemption.reversed").data
    assert data == next(item for item in listed if item["id"] == str(reversal.id))
    assert data["redemption"] == all_key.get(f"/api/v1/redemptions/{redemption.id}").json()


def test_creating_and_changing_a_reward_record_reward_created_and_updated(asset, all_key):
    # when
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))
    created = only("reward.created").data
    reward_update(reward=reward, name="Renamed")

    # then
    got = all_key.get(f"/api/v1/rewards/{reward.id}").json()
    assert only("reward.updated").data == got
    assert created == {**got, "name": created["name"], "updated_at": created["updated_at"]}


def test_taking_the_last_unit_records_reward_out_of_stock(program, participant, asset, all_key):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=2)

    # when
    redemption_create_catalog(program=program, participant=participant, reward=reward, quantity=1)
    assert not Event.objects.filter(type="reward.out_of_stock").exists()
    redemption_create_catalog(program=program, participant=participant, reward=reward, quantity=1)

    # then
    data = only("reward.out_of_stock").data
    assert data["status"] == "OUT_OF_STOCK"
    assert data == all_key.get(f"/api/v1/rewards/{reward.id}").json()


def test_a_restocking_reversal_records_reward_back_in_stock(program, participant, asset, all_key):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=1)
    redemption = redemption_create_catalog(program=program, participant=participant, reward=reward).record

    # when
    reversal_create(redemption=redemption)

    # then
    data = only("reward.back_in_stock").data
    assert data["status"] == "ACTIVE"
    assert data == all_key.get(f"/api/v1/rewards/{reward.id}").json()


def test_raising_max_total_of_a_sold_out_reward_records_updated_and_back_in_stock(program, participant, asset):
    # given
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=1)
    redemption_create_catalog(program=program, participant=participant, reward=reward)

    # when
    reward_update(reward=reward, max_total=5)

    # then
    assert only("reward.back_in_stock").data["status"] == "ACTIVE"
    assert only("reward.updated").data["max_total"] == 5


def test_a_change_rolled_back_leaves_no_event_and_no_delivery(program, participant, asset):
    # given
    WebhookEndpoint.objects.create(tenant=program.tenant, url="https://x.example/h", event_types=["*"],
                                   all_programs=True, secret="whsec_AA==")

    # when
    with pytest.raises(RuntimeError), transaction.atomic():
        accrual_create(program=program, participant=participant, asset=asset, amount=Decimal("1.00"))
        raise RuntimeError("the caller's transaction fails after the accrual")

    # then
    assert not Event.objects.filter(type="accrual.created").exists()
    assert not Delivery.objects.exists()


def test_an_event_gets_a_delivery_per_matching_enabled_endpoint_only(program, participant, asset):
    # given
    from loyalty.tests.factories import ProgramFactory

    other = ProgramFactory(tenant=program.tenant)
    tenant = program.tenant

    def endpoint(**fields):
        return WebhookEndpoint.objects.create(tenant=tenant, url="https://x.example/h", secret="whsec_AA==", **fields)

    everything = endpoint(event_types=["*"], all_programs=True)
    accruals_here = endpoint(event_types=["accrual.created"], program_ids=[str(program.id)])
    endpoint(event_types=["accrual.created"], program_ids=[str(other.id)])  # another program
    endpoint(event_types=["redemption.created"], all_programs=True)  # another type
    endpoint(event_types=["*"], all_programs=True, enabled=False)  # disabled

    # when
    event_id = event_record(tenant_id=tenant.id, type="accrual.created", program_id=program.id, data={"x": 1})

    # then
    assert set(Delivery.objects.filter(event_id=event_id).values_list("endpoint_id", flat=True)) == {
        everything.id, accruals_here.id
    }
    assert set(Delivery.objects.values_list("status", "attempts")) == {("PENDING", 0)}


def test_recording_an_unknown_type_is_refused(program):
    with pytest.raises(ValueError):
        event_record(tenant_id=program.tenant_id, type="reward.exploded", program_id=program.id, data={})


def test_pruning_deletes_old_events_but_keeps_those_with_pending_deliveries(program, settings):
    # given
    from datetime import timedelta

    from django.utils import timezone

    settings.EVENT_RETENTION_DAYS = 30
    endpoint = WebhookEndpoint.objects.create(tenant=program.tenant, url="https://x.example/h", event_types=["*"],
                                              all_programs=True, secret="whsec_AA==")
    ids = [event_record(tenant_id=program.tenant_id, type="reward.created", program_id=program.id, data={})
           for _ in range(3)]
    Delivery.objects.filter(event_id=ids[1]).update(status="DELIVERED")
    Delivery.objects.filter(event_id=ids[2]).update(status="FAILED")
    later = timezone.now() + timedelta(days=31)

    # when
    deleted = events_prune(now=later, batch_size=1)

    # then: the pending one stays; the others went with their deliveries
    assert deleted == 2
    assert list(Event.objects.values_list("id", flat=True)) == [ids[0]]
    assert list(Delivery.objects.values_list("event_id", flat=True)) == [ids[0]]
    assert endpoint.deliveries.count() == 1


@pytest.mark.postgres
def test_postgresql_refuses_to_change_an_event(program):
    # given
    from django.db import DatabaseError

    event_id = event_record(tenant_id=program.tenant_id, type="reward.created", program_id=program.id, data={})

    # when / then: events are insert-only
    with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
        Event.objects.filter(id=event_id).update(data={"forged": True})
    assert Event.objects.get(id=event_id).data == {}


@pytest.mark.postgres
def test_an_event_carries_the_id_of_the_transaction_that_recorded_it(program):
    # given
    from django.db import connection

    # when
    with transaction.atomic():
        first = event_record(tenant_id=program.tenant_id, type="reward.created", program_id=program.id, data={})
        second = event_record(tenant_id=program.tenant_id, type="reward.updated", program_id=program.id, data={})
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
            (txid,) = cursor.fetchone()

    # then
    assert set(Event.objects.filter(id__in=[first, second]).values_list("txid", flat=True)) == {txid}
