"""
The events that need the points lifecycle and the reward codes: releases,
clawbacks, expiries, CODES stock flips, and the new fields of redemptions
(allocations, codes, voided_codes) in their events' ``data``, equal to what
``GET`` answers. The periodic run records its events set-based in the
batch's transaction and prunes events older than the retention.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Delivery, Event, WebhookEndpoint
from ledger.models import JournalEntry
from ledger.tests.factories import fund
from participants import lifecycle
from participants.models import Accrual
from participants.services import accrual_create, accrual_release, accrual_reversal_create
from participants.tests.factories import ParticipantFactory
from rewards.models import Reward
from rewards.services import redemption_create_catalog, reversal_create
from rewards.services.codes import reward_codes_add
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

D = Decimal


def of_type(type: str) -> list[Event]:
    return list(Event.objects.filter(type=type).order_by("created_at", "id"))


def only(type: str) -> Event:
    (event,) = of_type(type)
    return event


def process_points() -> None:
    call_command("process_points", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def all_key(make_client, program):
    return make_client(all_programs=True, tenant=program.tenant)


@pytest.fixture
def endpoint(program):
    return WebhookEndpoint.objects.create(
        tenant=program.tenant, url="https://hooks.example.com/in", event_types=["*"], all_programs=True,
        secret="whsec_c2VjcmV0",
    )


def pending_lot(program, participant, asset, amount="10.00", **dates):
    dates.setdefault("available_at", timezone.now() + timedelta(days=3))
    return accrual_create(program=program, participant=participant, asset=asset, amount=D(amount), **dates).record


# --- accrual.released ----------------------------------------------------------------------


def test_releasing_a_lot_by_hand_records_accrual_released_with_the_accrual(program, participant, asset, all_key):
    # given
    lot = pending_lot(program, participant, asset)

    # when
    response = all_key.post(f"/api/v1/accruals/{lot.id}/release")

    # then
    assert response.status_code == 200
    event = only("accrual.released")
    assert (event.program_id, event.data) == (program.id, all_key.get(f"/api/v1/accruals/{lot.id}").json())
    assert event.data["status"] == "AVAILABLE"


def test_releasing_a_released_lot_again_records_nothing(program, participant, asset):
    # given
    lot = pending_lot(program, participant, asset)
    accrual_release(accrual=lot)

    # when
    accrual_release(accrual=lot)

    # then
    assert len(of_type("accrual.released")) == 1


def test_the_periodic_run_records_one_accrual_released_per_released_lot_as_get_answers_it(
    program, participant, asset, all_key, endpoint
):
    # given: two due pending lots of one participant, one of another (a whole second: no microseconds)
    other = ParticipantFactory(tenant=program.tenant, programs=[program])
    whole_second = timezone.now().replace(microsecond=0) + timedelta(days=400)
    lots = [
        pending_lot(program, participant, asset, "10.00"),
        pending_lot(program, participant, asset, "2.50", expires_at=whole_second),
        pending_lot(program, other, asset, "7.25"),
    ]
    Accrual.objects.filter(id__in=[lot.id for lot in lots]).update(available_at=timezone.now() - timedelta(seconds=1))

    # when
    process_points()

    # then: one event per lot, each equal to GET of its accrual, each with its delivery
    events = {event.data["id"]: event for event in of_type("accrual.released")}
    assert set(events) == {str(lot.id) for lot in lots}
    for lot in lots:
        assert events[str(lot.id)].data == all_key.get(f"/api/v1/accruals/{lot.id}").json()
        assert events[str(lot.id)].program_id == program.id
    assert Delivery.objects.filter(event__type="accrual.released", endpoint=endpoint).count() == 3


def test_a_rolled_back_release_batch_leaves_no_event(program, participant, asset, monkeypatch):
    # given: a due pending lot, and a batch that fails after its events
    lot = pending_lot(program, participant, asset)
    Accrual.objects.filter(id=lot.id).update(available_at=timezone.now() - timedelta(seconds=1))
    real = lifecycle._released_events

    def failing(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("killed")

    monkeypatch.setattr(lifecycle, "_released_events", failing)

    # when
    with pytest.raises(RuntimeError):
        lifecycle.process_asset(asset=asset, as_of=timezone.now())

    # then
    assert not Event.objects.filter(type="accrual.released").exists()
    assert Accrual.objects.get(id=lot.id).released is False


# --- accrual.reversed ------------------------------------------------------------------------


def test_a_clawback_records_accrual_reversed_with_the_clawback_and_its_accrual(program, participant, asset, all_key):
    # given
    fund(participant, asset, "30.00")
    lot = Accrual.objects.get(participant=participant)

    # when
    response = all_key.post(f"/api/v1/accruals/{lot.id}/reversals", {"amount": "12.00", "reason": "fraud"})

    # then: the clawback as its 201 answers it, with the accrual as GET answers it
    assert response.status_code == 201
    event = only("accrual.reversed")
    assert (event.program_id, event.data) == (program.id, response.json())
    assert event.data["accrual"] == all_key.get(f"/api/v1/accruals/{lot.id}").json()


def test_a_refused_clawback_records_nothing(program, participant, asset):
    # given
    fund(participant, asset, "5.00")
    lot = Accrual.objects.select_related("asset").get(participant=participant)

    # when
    with pytest.raises(Exception):  # noqa: B017 - AccrualReversalExceedsRemaining, tested in participants
        accrual_reversal_create(accrual=lot, amount=D("6.00"))

    # then
    assert not Event.objects.filter(type="accrual.reversed").exists()


# --- points.expired --------------------------------------------------------------------------


def test_the_periodic_run_records_points_expired_per_wallet_and_pending_account(program, participant, asset):
    # given: two released lots and one pending lot of one participant, all expired
    fund(participant, asset, "10.00")
    fund(participant, asset, "4.50")
    pending = pending_lot(program, participant, asset, "3.00")
    Accrual.objects.filter(participant=participant).update(expires_at=timezone.now() - timedelta(seconds=1))
    released = list(Accrual.objects.filter(participant=participant, released=True).order_by("id"))

    # when
    process_points()

    # then: one event for the PENDING account, one for the wallet, each naming its entry and lots
    events = of_type("points.expired")
    assert len(events) == 2
    by_amount = {event.data["amount"]: event for event in events}
    wallet_event, pending_event = by_amount["14.50"], by_amount["3.00"]
    assert pending_event.data == {
        "participant_id": str(participant.id),
        "asset_id": str(asset.id),
        "amount": "3.00",
        "journal_entry_id": pending_event.data["journal_entry_id"],
        "accruals": [{"accrual_id": str(pending.id), "amount": "3.00"}],
    }
    assert wallet_event.data["accruals"] == [
        {"accrual_id": str(lot.id), "amount": f"{lot.remaining:.2f}"} for lot in released
    ]
    for event in events:
        entry = JournalEntry.objects.get(id=event.data["journal_entry_id"])
        assert (entry.kind, event.program_id) == (JournalEntry.Kind.EXPIRATION, program.id)


def test_a_run_with_nothing_due_records_no_event(program, participant, asset):
    # given
    fund(participant, asset, "10.00")
    Event.objects.all().delete()

    # when
    process_points()

    # then
    assert not Event.objects.exists()


def test_the_periodic_run_prunes_events_older_than_the_retention(program, participant, asset, settings):
    # given
    settings.EVENT_RETENTION_DAYS = 30
    fund(participant, asset, "10.00")
    old = Event.objects.create(
        tenant=program.tenant, program=program, type="accrual.created", data={}, created_at=timezone.now() - timedelta(days=31)
    )
    kept = Event.objects.exclude(id=old.id).count()

    # when
    process_points()

    # then
    assert not Event.objects.filter(id=old.id).exists()
    assert Event.objects.count() == kept


# --- CODES rewards: stock flips, and codes in the redemption events ----------------------------


@pytest.fixture
def code_reward(asset):
    created = RewardFactory(asset=asset, unit_cost=D("10.00"), fulfilment=Reward.Fulfilment.CODES)
    reward_codes_add(reward=created, codes=["A-1", "A-2"])
    return Reward.objects.select_related("asset").get(id=created.id)


def test_issuing_the_last_code_records_reward_out_of_stock(program, participant, asset, code_reward, all_key):
    # given
    fund(participant, asset, "100.00")

    # when
    redemption_create_catalog(program=program, participant=participant, reward=code_reward, quantity=2)

    # then
    event = only("reward.out_of_stock")
    assert event.data == all_key.get(f"/api/v1/rewards/{code_reward.id}").json()
    assert event.data["status"] == "OUT_OF_STOCK"


def test_adding_codes_to_a_sold_out_codes_reward_records_reward_back_in_stock(
    program, participant, asset, code_reward, all_key
):
    # given
    fund(participant, asset, "100.00")
    redemption_create_catalog(program=program, participant=participant, reward=code_reward, quantity=2)
    Event.objects.filter(type="reward.back_in_stock").delete()  # the fixture's first codes' flip

    # when
    reward_codes_add(reward=code_reward, codes=["B-1"])

    # then
    event = only("reward.back_in_stock")
    assert event.data == all_key.get(f"/api/v1/rewards/{code_reward.id}").json()
    assert event.data["status"] == "ACTIVE"


def test_adding_codes_to_an_active_codes_reward_records_no_stock_event(code_reward):
    # given
    Event.objects.all().delete()

    # when
    reward_codes_add(reward=code_reward, codes=["B-2"])

    # then
    assert not Event.objects.exists()


def test_a_new_codes_reward_gets_no_stock_event_for_its_first_codes_before_any_was_issued(asset):
    # given: created without codes it is OUT_OF_STOCK from its creation on
    reward = RewardFactory(asset=asset, unit_cost=D("10.00"), fulfilment=Reward.Fulfilment.CODES)

    # when
    reward_codes_add(reward=reward, codes=["C-1"])

    # then: it comes into stock for the first time
    assert [event.data["status"] for event in of_type("reward.back_in_stock")] == ["ACTIVE"]


def test_redemption_events_carry_allocations_codes_and_voided_codes_as_get_answers(
    program, participant, asset, code_reward, all_key
):
    # given
    fund(participant, asset, "15.00")
    fund(participant, asset, "15.00")
    redemption = redemption_create_catalog(
        program=program, participant=participant, reward=code_reward, quantity=2
    ).record

    # when
    reversal = reversal_create(redemption=redemption, quantity=1).record

    # then: the event of the redemption equals its 201 answer: allocations over two lots and both codes
    created = only("redemption.created").data
    assert created["codes"] == ["A-1", "A-2"]
    assert [a["amount"] for a in created["allocations"]] == ["15.00", "5.00"]
    assert created["voided_codes"] == []
    # and the reversal's event carries the redemption as GET answers it now (one code voided)
    reversed_ = only("redemption.reversed").data
    assert reversed_["id"] == str(reversal.id)
    assert reversed_["redemption"] == all_key.get(f"/api/v1/redemptions/{redemption.id}").json()
    assert reversed_["redemption"]["voided_codes"] == ["A-2"]
    assert [a["amount"] for a in reversed_["redemption"]["allocations"]] == ["10.00"]


def test_a_catalog_redemption_event_equals_the_api_answer(program, participant, asset, code_reward, all_key):
    # given
    fund(participant, asset, "50.00")

    # when
    response = all_key.post(
        f"/api/v1/participants/{participant.id}/redemptions/catalog",
        {"program_id": str(program.id), "reward_id": str(code_reward.id), "quantity": 1},
    )

    # then
    assert response.status_code == 201
    assert only("redemption.created").data == response.json()
    assert response.json()["codes"] == ["A-1"]
