"""participant_enrol and accrual_create."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from ledger.models import Account, JournalEntry
from ledger.selectors import program_account_get
from ledger.tests.factories import AssetFactory
from loyalty.errors import (
    IdempotencyKeyReused,
    NotFound,
    ParticipantNotEnrolled,
    ProgramNotActive,
    ValidationFailed,
)
from loyalty.models import IdempotencyRecord, Program
from loyalty.services import program_update
from loyalty.tests.factories import ProgramFactory, TenantFactory
from participants.models import Accrual, Enrollment, Participant
from participants.services import accrual_create as accrual_create_service
from participants.services import participant_enrol
from participants.tests.factories import ParticipantFactory
from tests.ledger_checks import assert_ledger_consistent, wallet_balance, world_snapshot

pytestmark = pytest.mark.django_db


def accrue(program, participant, asset, amount="10.00", **kwargs):
    return accrual_create_service(
        program=program, participant=participant, asset=asset, amount=Decimal(amount), **kwargs
    )


# --- participant_enrol --------------------------------------------------------------


def test_enrolling_a_new_external_id_creates_the_participant_enrolled_in_the_program(program):
    # when
    result = participant_enrol(program=program, external_id="ext-1", display_name="Ada", email="ada@example.com")

    # then
    participant = Participant.objects.get(external_id="ext-1")
    assert result.created is True
    assert result.record == participant
    assert (participant.display_name, participant.email) == ("Ada", "ada@example.com")
    assert list(participant.programs.all()) == [program]


def test_enrolling_an_existing_external_id_enrols_it_in_another_program_and_reports_not_created(program):
    # given
    existing = participant_enrol(program=program, external_id="ext-1", display_name="Ada").record
    other = ProgramFactory()

    # when
    result = participant_enrol(program=other, external_id="ext-1", display_name="Someone else")

    # then
    assert result.created is False
    assert result.record.id == existing.id
    assert Participant.objects.count() == 1
    assert Participant.objects.get().display_name == "Ada"
    assert set(existing.programs.all()) == {program, other}


def test_the_same_external_id_in_another_tenant_is_another_participant_with_its_own_fields(program):
    # given
    ours = participant_enrol(program=program, external_id="cust-42", display_name="Ada", email="ada@a.example").record
    theirs_program = ProgramFactory(tenant=TenantFactory())

    # when
    result = participant_enrol(
        program=theirs_program, external_id="cust-42", display_name="Bea", email="bea@b.example"
    )

    # then
    theirs = result.record
    assert result.created is True
    assert theirs.id != ours.id
    assert (theirs.tenant_id, theirs.display_name, theirs.email) == (
        theirs_program.tenant_id, "Bea", "bea@b.example"
    )
    assert list(theirs.programs.all()) == [theirs_program]
    assert Participant.objects.get(id=ours.id).display_name == "Ada"
    assert list(Enrollment.objects.filter(participant=theirs).values_list("tenant_id", flat=True)) == [
        theirs_program.tenant_id
    ]


def test_enrolling_an_existing_participant_again_in_the_same_program_keeps_one_enrolment(program):
    # given
    participant_enrol(program=program, external_id="ext-1")
    before = world_snapshot()

    # when
    result = participant_enrol(program=program, external_id="ext-1")

    # then
    assert result.created is False
    assert world_snapshot() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolments_with_one_external_id_create_one_participant():
    # given: 12 requests, spread over 3 programs, for one new external id
    programs = [ProgramFactory() for _ in range(3)]
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    results = [None] * threads_count

    def enrol(i):
        try:
            barrier.wait()
            results[i] = participant_enrol(program=programs[i % 3], external_id="racer")
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            results[i] = exc
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=enrol, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    participant = Participant.objects.get(external_id="racer")
    assert sum(r.created for r in results) == 1
    assert {r.record.id for r in results} == {participant.id}
    assert set(participant.programs.all()) == set(programs)
    assert Enrollment.objects.count() == 3


# --- accrual_create --------------------------------------------------------------------


def test_accrual_credits_the_wallet_from_the_issuance_account_in_one_balanced_entry(program, participant, asset):
    # when
    accrual = accrue(program, participant, asset, "25.50").record

    # then
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=asset)
    issuance = program_account_get(asset_id=asset.id, type=Account.Type.ISSUANCE)
    entry = accrual.journal_entry
    assert (entry.kind, entry.program_id, entry.description) == (JournalEntry.Kind.ACCRUAL, program.id, "Accrual")
    assert sorted(entry.lines.values_list("account_id", "direction", "amount")) == sorted(
        [(issuance.id, "DEBIT", Decimal("25.50")), (wallet.id, "CREDIT", Decimal("25.50"))]
    )
    assert (accrual.amount, accrual.description, accrual.idempotency_key) == (Decimal("25.50"), "Accrual", None)
    assert wallet.balance == Decimal("25.50")
    assert_ledger_consistent()


def test_first_accrual_creates_the_wallet_and_later_ones_reuse_it(program, participant, asset):
    # given
    assert not Account.objects.filter(type=Account.Type.WALLET, participant=participant).exists()

    # when
    accrue(program, participant, asset, "10.00")
    accrue(program, participant, asset, "0.05")

    # then
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=asset)
    assert (wallet.program_id, wallet.balance) == (program.id, Decimal("10.05"))
    assert wallet.updated_at is not None
    assert_ledger_consistent()


def test_accrual_keeps_a_given_description(program, participant, asset):
    # when
    accrual = accrue(program, participant, asset, description="Purchase #42").record

    # then
    assert accrual.description == accrual.journal_entry.description == "Purchase #42"


def test_accrual_repeat_with_the_same_key_returns_the_first_accrual_and_moves_nothing(program, participant, asset):
    # given
    first = accrue(program, participant, asset, "10.00", idempotency_key="order-1")
    before = world_snapshot()

    # when
    repeat = accrue(program, participant, asset, "10.00", idempotency_key="order-1")

    # then
    assert (first.created, repeat.created) == (True, False)
    assert repeat.record.id == first.record.id
    assert repeat.record.journal_entry_id == first.record.journal_entry_id
    assert world_snapshot() == before


def test_accrual_repeat_equals_the_first_request_once_the_default_description_applies(program, participant, asset):
    # given
    first = accrue(program, participant, asset, "10.00", idempotency_key="order-1")

    # when
    repeat = accrue(program, participant, asset, "10.00", description="Accrual", idempotency_key="order-1")

    # then
    assert (repeat.created, repeat.record.id) == (False, first.record.id)


@pytest.mark.parametrize(
    "change",
    [{"amount": "10.01"}, {"description": "other"}, {"other_asset": True}, {"other_participant": True}],
    ids=["amount", "description", "asset", "participant"],
)
def test_accrual_with_a_used_key_and_a_different_request_is_refused(program, participant, asset, change):
    # given
    accrue(program, participant, asset, "10.00", idempotency_key="order-1")
    target = ParticipantFactory(programs=[program]) if change.get("other_participant") else participant
    target_asset = AssetFactory(program=program) if change.get("other_asset") else asset
    before = world_snapshot()

    # when
    with pytest.raises(IdempotencyKeyReused) as exc:
        accrue(
            program,
            target,
            target_asset,
            change.get("amount", "10.00"),
            description=change.get("description"),
            idempotency_key="order-1",
        )

    # then
    assert exc.value.code == "idempotency_key_reused"
    assert world_snapshot() == before


def test_the_same_key_in_another_program_is_another_key(program, participant, asset):
    # given
    accrue(program, participant, asset, "10.00", idempotency_key="order-1")
    other_asset = AssetFactory(program=ProgramFactory())
    other = ParticipantFactory(programs=[other_asset.program])

    # when
    result = accrue(other_asset.program, other, other_asset, "10.00", idempotency_key="order-1")

    # then
    assert result.created is True
    assert IdempotencyRecord.objects.filter(key="order-1").count() == 2


def test_a_failed_accrual_does_not_consume_its_key(program, participant, asset):
    # given: the program is inactive, so the first attempt fails
    program_update(program=program, status=Program.Status.INACTIVE)
    with pytest.raises(ProgramNotActive):
        accrue(program, participant, asset, "10.00", idempotency_key="order-1")
    assert not IdempotencyRecord.objects.filter(key="order-1").exists()

    # when: the program is active again and the same request is retried
    program_update(program=program, status=Program.Status.ACTIVE)
    result = accrue(program, participant, asset, "10.00", idempotency_key="order-1")

    # then
    assert result.created is True
    assert wallet_balance(participant, asset) == Decimal("10.00")
    assert IdempotencyRecord.objects.get(key="order-1").resource_id == result.record.id


def test_a_failed_accrual_lets_a_different_request_take_its_key(program, participant, asset):
    # given
    outsider = ParticipantFactory()
    with pytest.raises(ParticipantNotEnrolled):
        accrue(program, outsider, asset, "99.00", idempotency_key="order-1")

    # when
    result = accrue(program, participant, asset, "10.00", idempotency_key="order-1")

    # then
    assert result.created is True


def test_accrual_in_an_inactive_program_is_refused_and_changes_nothing(program, participant, asset):
    # given
    program_update(program=program, status=Program.Status.INACTIVE)
    before = world_snapshot()

    # when
    with pytest.raises(ProgramNotActive) as exc:
        accrue(program, participant, asset, "10.00")

    # then
    assert (exc.value.code, exc.value.status) == ("program_not_active", 422)
    assert world_snapshot() == before


def test_accrual_for_a_participant_not_enrolled_is_refused_and_creates_no_wallet(program, asset):
    # given
    outsider = ParticipantFactory(programs=[ProgramFactory()])
    before = world_snapshot()

    # when
    with pytest.raises(ParticipantNotEnrolled) as exc:
        accrue(program, outsider, asset, "10.00")

    # then
    assert (exc.value.code, exc.value.status) == ("participant_not_enrolled", 422)
    assert world_snapshot() == before


def test_accrual_for_a_participant_with_a_wallet_but_no_enrolment_is_refused(program, participant, asset):
    # given: a wallet exists, then the enrolment is gone (removed by an operator, say)
    accrue(program, participant, asset, "10.00")
    Enrollment.objects.filter(participant=participant, program=program).delete()
    before = world_snapshot()

    # when
    with pytest.raises(ParticipantNotEnrolled):
        accrue(program, participant, asset, "10.00")

    # then
    assert world_snapshot() == before


def test_an_inactive_program_is_reported_before_a_missing_enrolment(program, asset):
    # given
    program_update(program=program, status=Program.Status.INACTIVE)
    outsider = ParticipantFactory()
    before = world_snapshot()

    # when
    with pytest.raises(ProgramNotActive):
        accrue(program, outsider, asset, "10.00")

    # then
    assert world_snapshot() == before


def test_a_reused_key_is_reported_before_an_inactive_program(program, participant, asset):
    # given
    accrue(program, participant, asset, "10.00", idempotency_key="order-1")
    program_update(program=program, status=Program.Status.INACTIVE)
    before = world_snapshot()

    # when
    with pytest.raises(IdempotencyKeyReused):
        accrue(program, participant, asset, "20.00", idempotency_key="order-1")

    # then
    assert world_snapshot() == before


def test_a_repeat_answers_with_the_accrual_even_after_the_program_was_deactivated(program, participant, asset):
    # given
    first = accrue(program, participant, asset, "10.00", idempotency_key="order-1").record
    program_update(program=program, status=Program.Status.INACTIVE)

    # when
    repeat = accrue(program, participant, asset, "10.00", idempotency_key="order-1")

    # then
    assert (repeat.created, repeat.record.id) == (False, first.id)


def test_accrual_with_more_decimals_than_the_asset_scale_is_a_validation_error(program, participant, asset):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        accrue(program, participant, asset, "1.001")

    # then
    assert list(exc.value.fields) == ["amount"]
    assert world_snapshot() == before


def test_accrual_of_an_asset_of_another_program_is_not_found(program, participant):
    # given
    foreign_asset = AssetFactory(program=ProgramFactory())
    before = world_snapshot()

    # when
    with pytest.raises(NotFound) as exc:
        accrue(program, participant, foreign_asset, "10.00")

    # then
    assert (exc.value.code, exc.value.status) == ("not_found", 404)
    assert world_snapshot() == before


def test_accrual_amounts_stay_decimal_to_the_asset_scale(program, participant):
    # given
    asset = AssetFactory(program=program, scale=4)

    # when
    for amount in ("0.1000", "0.2000", "0.0001"):
        accrue(program, participant, asset, amount)

    # then
    balance = wallet_balance(participant, asset)
    assert isinstance(balance, Decimal)
    assert balance == Decimal("0.3001")
    assert Accrual.objects.filter(participant=participant).count() == 3
