"""accruals_create_many: a batch of accruals (the bulk import's opening balances), each under accrual_create's rules."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from events import types as event_types
from events.models import Event
from ledger.models import Account, JournalEntry, JournalLine
from ledger.selectors import program_account_get
from ledger.tests.factories import AssetFactory
from loyalty.errors import IdempotencyKeyReused, ParticipantNotEnrolled, ProgramNotActive, ValidationFailed
from loyalty.services import program_update
from participants.models import Accrual
from participants.services import AccrualRequest, accruals_create_many
from participants.tests.factories import ParticipantFactory
from tests.ledger_checks import assert_ledger_consistent, wallet_balance, world_snapshot

pytestmark = pytest.mark.django_db


def create_many(program, asset, requests):
    with transaction.atomic():
        return accruals_create_many(program=program, asset=asset, requests=requests)


def requests_for(participants, amount="10.00", key_prefix="k-"):
    return [
        AccrualRequest(participant=p, amount=Decimal(amount), idempotency_key=f"{key_prefix}{i}")
        for i, p in enumerate(participants)
    ]


def test_each_accrual_of_a_batch_is_its_own_balanced_entry_credited_to_its_wallet(program, asset):
    # given
    participants = [ParticipantFactory(programs=[program]) for _ in range(3)]

    # when
    results = create_many(program, asset, requests_for(participants, "12.50"))

    # then
    assert [r.created for r in results] == [True, True, True]
    assert [wallet_balance(p, asset) for p in participants] == [Decimal("12.50")] * 3
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.ACCRUAL).count() == 3
    assert {r.record.journal_entry_id for r in results} == set(JournalEntry.objects.values_list("id", flat=True))
    issuance = program_account_get(asset_id=asset.id, type=Account.Type.ISSUANCE)
    debits = JournalLine.objects.filter(account=issuance, direction=JournalLine.Direction.DEBIT)
    assert sorted(debits.values_list("amount", flat=True)) == [Decimal("12.50")] * 3
    assert_ledger_consistent()


def test_each_accrual_of_a_batch_records_its_accrual_created_event(program, asset):
    # given
    participants = [ParticipantFactory(programs=[program]) for _ in range(2)]

    # when
    results = create_many(program, asset, requests_for(participants))

    # then
    events = Event.objects.filter(type=event_types.ACCRUAL_CREATED)
    assert sorted(e.data["id"] for e in events) == sorted(str(r.record.id) for r in results)


def test_a_batch_for_an_asset_with_pending_days_credits_the_pending_accounts(program):
    # given
    asset = AssetFactory(program=program, pending_days=14)
    participant = ParticipantFactory(programs=[program])

    # when
    (result,) = create_many(program, asset, requests_for([participant]))

    # then
    assert result.record.released is False
    assert wallet_balance(participant, asset) == 0
    pending = Account.objects.get(type=Account.Type.PENDING, participant=participant, asset=asset)
    assert pending.balance == Decimal("10.00")
    assert_ledger_consistent()


def test_a_batch_sent_again_returns_the_earlier_accruals_and_moves_nothing(program, asset):
    # given
    participants = [ParticipantFactory(programs=[program]) for _ in range(2)]
    first = create_many(program, asset, requests_for(participants))
    before = world_snapshot()

    # when
    again = create_many(program, asset, requests_for(participants))

    # then
    assert [r.created for r in again] == [False, False]
    assert [r.record.id for r in again] == [r.record.id for r in first]
    assert world_snapshot() == before


def test_a_key_used_before_with_another_amount_is_refused_and_moves_nothing(program, asset):
    # given
    participant = ParticipantFactory(programs=[program])
    create_many(program, asset, requests_for([participant], "10.00"))
    before = world_snapshot()

    # when
    (result,) = create_many(program, asset, requests_for([participant], "99.00"))

    # then
    assert isinstance(result, IdempotencyKeyReused)
    assert result.code == "idempotency_key_reused"  # the 409 of the contract
    assert world_snapshot() == before


def test_an_invalid_accrual_is_refused_alone_and_the_others_are_posted(program, asset):
    # given: the asset has scale 2
    good, bad = ParticipantFactory(programs=[program]), ParticipantFactory(programs=[program])
    requests = [
        AccrualRequest(participant=good, amount=Decimal("5.00"), idempotency_key="good"),
        AccrualRequest(participant=bad, amount=Decimal("5.001"), idempotency_key="bad"),
    ]

    # when
    results = create_many(program, asset, requests)

    # then
    assert results[0].created is True
    assert isinstance(results[1], ValidationFailed)
    assert wallet_balance(good, asset) == Decimal("5.00")
    assert not Account.objects.filter(participant=bad).exists()
    assert not Accrual.objects.filter(participant=bad).exists()


def test_a_batch_for_an_inactive_program_is_refused_and_moves_nothing(program, asset):
    # given
    participant = ParticipantFactory(programs=[program])
    program_update(program=program, status="INACTIVE")
    before = world_snapshot()

    # when
    (result,) = create_many(program, asset, requests_for([participant]))

    # then
    assert isinstance(result, ProgramNotActive)
    assert world_snapshot() == before


def test_an_accrual_for_a_participant_not_enrolled_is_refused(program, asset):
    # given
    stranger = ParticipantFactory()
    before = world_snapshot()

    # when
    (result,) = create_many(program, asset, requests_for([stranger]))

    # then
    assert isinstance(result, ParticipantNotEnrolled)
    assert world_snapshot() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_batch_at_once_post_each_accrual_once(program, asset):
    # given
    participants = [ParticipantFactory(programs=[program]) for _ in range(40)]
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(i):
        try:
            barrier.wait()
            results[i] = create_many(program, asset, requests_for(participants))
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            results[i] = exc
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then: one copy posted everything, the other found every key taken by the same request
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(sum(r.created for r in copy) for copy in results) == [0, 40]
    assert [wallet_balance(p, asset) for p in participants] == [Decimal("10.00")] * 40
    assert Accrual.objects.count() == 40
    assert_ledger_consistent()
