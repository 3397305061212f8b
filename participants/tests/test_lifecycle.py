"""The points lifecycle in the services: pending lots, release, spending order, put-back, clawback, expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import Account, JournalEntry
from ledger.selectors import account_balance_get, program_account_get
from loyalty.errors import AccrualReversalExceedsRemaining, InsufficientBalance, ValidationFailed
from participants import lifecycle
from participants.models import Accrual, AccrualReversal
from participants.services import accrual_create, accrual_release, accrual_reversal_create
from rewards.models import Redemption
from rewards.services import redemption_create_direct, reversal_create
from tests.ledger_checks import assert_ledger_consistent, wallet_balance, world_snapshot

pytestmark = pytest.mark.django_db

D = Decimal


def accrue(participant, asset, amount="10.00", **kwargs):
    return accrual_create(
        program=asset.program, participant=participant, asset=asset, amount=D(amount), **kwargs
    ).record


def redeem(participant, asset, amount):
    return redemption_create_direct(program=asset.program, participant=participant, asset=asset, amount=D(amount)).record


def pending_balance(participant, asset) -> Decimal:
    account = Account.objects.filter(type="PENDING", participant=participant, asset=asset).first()
    return D(0) if account is None else account.balance


def lot(accrual) -> Accrual:
    return Accrual.objects.get(id=accrual.id)


def later(days=0, **kwargs):
    return timezone.now() + timedelta(days=days, **kwargs)


def run(asset, as_of=None, batch=lifecycle.DEFAULT_BATCH):
    return lifecycle.process_asset(asset=asset, as_of=as_of or timezone.now(), batch=batch)


# --- accruals as lots -----------------------------------------------------------------------


def test_an_accrual_available_at_once_is_a_released_lot_in_the_wallet(participant, asset):
    # when
    accrual = accrue(participant, asset, "10.00")

    # then
    assert (accrual.released, accrual.remaining, accrual.status, accrual.expires_at) == (True, D("10.00"), "AVAILABLE", None)
    assert wallet_balance(participant, asset) == D("10.00")
    assert pending_balance(participant, asset) == 0
    assert_ledger_consistent()


def test_an_accrual_available_later_credits_the_pending_account_not_the_wallet(participant, asset):
    # when
    accrual = accrue(participant, asset, "10.00", available_at=later(3))

    # then
    assert (accrual.released, accrual.status) == (False, "PENDING")
    assert wallet_balance(participant, asset) == 0
    assert pending_balance(participant, asset) == D("10.00")
    assert [line.account.type for line in accrual.journal_entry.lines.order_by("direction")] == ["PENDING", "ISSUANCE"]
    assert_ledger_consistent()


def test_the_asset_policy_gives_the_default_available_at_and_expires_at(participant, asset):
    # given
    asset.pending_days, asset.validity_days = 2, 30
    asset.save()

    # when
    accrual = accrue(participant, asset)

    # then
    assert abs(accrual.available_at - accrual.created_at - timedelta(days=2)) < timedelta(seconds=5)
    assert abs(accrual.expires_at - accrual.created_at - timedelta(days=30)) < timedelta(seconds=5)
    assert accrual.status == "PENDING"


def test_an_explicit_null_expires_at_never_expires_even_with_a_validity_policy(participant, asset):
    # given
    asset.validity_days = 30
    asset.save()

    # when
    accrual = accrue(participant, asset, expires_at=None)

    # then
    assert accrual.expires_at is None


@pytest.mark.parametrize("expires_in", [timedelta(days=-1), timedelta(days=1)])
def test_an_expires_at_in_the_past_or_not_after_available_at_is_refused_and_nothing_moves(participant, asset, expires_in):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(ValidationFailed) as error:
        accrue(participant, asset, available_at=later(2), expires_at=timezone.now() + expires_in)

    # then
    assert error.value.fields.keys() == {"expires_at"}
    assert world_snapshot() == before


def test_available_at_and_expires_at_take_part_in_the_idempotency_fingerprint_as_sent(participant, asset):
    # given
    from loyalty.errors import IdempotencyKeyReused

    accrue(participant, asset, idempotency_key="k")

    # when / then: omitted, then null, are two different requests
    with pytest.raises(IdempotencyKeyReused):
        accrue(participant, asset, idempotency_key="k", expires_at=None)


# --- release --------------------------------------------------------------------------------


def test_releasing_a_pending_lot_moves_its_points_to_the_wallet_in_one_release_entry(participant, asset):
    # given
    accrual = accrue(participant, asset, "10.00", available_at=later(3))

    # when
    released = accrual_release(accrual=accrual)

    # then
    assert (released.released, released.status) == (True, "AVAILABLE")
    assert (wallet_balance(participant, asset), pending_balance(participant, asset)) == (D("10.00"), 0)
    assert JournalEntry.objects.filter(kind="RELEASE").count() == 1
    assert_ledger_consistent()


def test_releasing_a_released_lot_changes_nothing(participant, asset):
    # given
    accrual = accrue(participant, asset, "10.00")
    before = world_snapshot()

    # when
    accrual_release(accrual=accrual)

    # then
    assert world_snapshot() == before


def test_a_pending_lot_cannot_be_spent(participant, asset):
    # given
    accrue(participant, asset, "10.00", available_at=later(3))

    # when / then
    with pytest.raises(InsufficientBalance):
        redeem(participant, asset, "1.00")


# --- spending order and put-back ---------------------------------------------------------------


def test_a_redemption_takes_soonest_expiry_first_never_expiring_last_then_oldest(participant, asset):
    # given
    never = accrue(participant, asset, "10.00")
    late = accrue(participant, asset, "10.00", expires_at=later(20))
    soon = accrue(participant, asset, "10.00", expires_at=later(5))
    also_never = accrue(participant, asset, "10.00")

    # when
    redemption = redeem(participant, asset, "25.00")

    # then
    taken = list(redemption.allocation_rows.order_by("position").values_list("accrual_id", "amount"))
    assert taken == [(soon.id, D("10.00")), (late.id, D("10.00")), (never.id, D("5.00"))]
    assert [lot(a).remaining for a in (soon, late, never, also_never)] == [0, 0, D("5.00"), D("10.00")]
    assert_ledger_consistent()


def test_a_partial_reversal_puts_points_back_last_taken_first(participant, asset):
    # given
    first = accrue(participant, asset, "10.00", expires_at=later(5))
    second = accrue(participant, asset, "10.00", expires_at=later(6))
    redemption = redeem(participant, asset, "15.00")

    # when
    reversal_create(redemption=Redemption.objects.select_related("asset").get(id=redemption.id), amount=D("7.00"))

    # then: 5 back into the second lot (taken last), 2 into the first
    assert (lot(first).remaining, lot(first).spent_amount) == (D("2.00"), D("8.00"))
    assert (lot(second).remaining, lot(second).spent_amount) == (D("10.00"), 0)
    assert_ledger_consistent()


def test_a_full_reversal_after_a_partial_one_restores_every_lot(participant, asset):
    # given
    first = accrue(participant, asset, "10.00")
    second = accrue(participant, asset, "10.00")
    redemption = redeem(participant, asset, "15.00")
    reversal_create(redemption=Redemption.objects.select_related("asset").get(id=redemption.id), amount=D("3.00"))

    # when
    reversal_create(redemption=Redemption.objects.select_related("asset").get(id=redemption.id))

    # then
    assert [lot(first).remaining, lot(second).remaining] == [D("10.00"), D("10.00")]
    assert_ledger_consistent()


# --- clawback ---------------------------------------------------------------------------------


def test_a_clawback_takes_points_from_that_lot_only(participant, asset):
    # given
    other = accrue(participant, asset, "10.00")
    accrual = accrue(participant, asset, "10.00")

    # when
    result = accrual_reversal_create(accrual=accrual, amount=D("4.00"), reason="returned")

    # then
    assert result.created
    assert (lot(accrual).remaining, lot(accrual).reversed_amount) == (D("6.00"), D("4.00"))
    assert lot(other).remaining == D("10.00")
    assert wallet_balance(participant, asset) == D("16.00")
    assert result.record.journal_entry.kind == "ACCRUAL_REVERSAL"
    assert_ledger_consistent()


def test_a_clawback_of_a_pending_lot_takes_from_the_pending_account(participant, asset):
    # given
    accrual = accrue(participant, asset, "10.00", available_at=later(3))

    # when
    accrual_reversal_create(accrual=accrual)

    # then
    assert pending_balance(participant, asset) == 0
    assert lot(accrual).status == "CLOSED"
    assert_ledger_consistent()


@pytest.mark.parametrize("amount", ["10.01", None])
def test_a_clawback_beyond_remaining_is_refused_and_nothing_moves(participant, asset, amount):
    # given
    accrual = accrue(participant, asset, "10.00")
    if amount is None:  # nothing remains
        accrual_reversal_create(accrual=accrual)
    before = world_snapshot()

    # when
    with pytest.raises(AccrualReversalExceedsRemaining):
        accrual_reversal_create(accrual=accrual, amount=None if amount is None else D(amount))

    # then
    assert world_snapshot() == before


def test_a_repeated_clawback_with_its_key_returns_the_first(participant, asset):
    # given
    accrual = accrue(participant, asset, "10.00")
    first = accrual_reversal_create(accrual=accrual, amount=D("1.00"), idempotency_key="c-1")

    # when
    again = accrual_reversal_create(accrual=accrual, amount=D("1.00"), idempotency_key="c-1")

    # then
    assert (again.created, again.record.id) == (False, first.record.id)
    assert AccrualReversal.objects.count() == 1


# --- the periodic run -----------------------------------------------------------------------------


def test_the_run_releases_due_pending_lots_with_one_entry_per_pending_account(participant, asset):
    # given
    a = accrue(participant, asset, "10.00", available_at=later(1))
    b = accrue(participant, asset, "5.00", available_at=later(1))

    assert run(asset).released == 0  # not due yet
    Accrual.objects.filter(id__in=[a.id, b.id]).update(available_at=later(-1))

    # when
    totals = run(asset)

    # then
    assert (totals.released, totals.released_amount, totals.entries) == (2, D("15.00"), 1)
    assert wallet_balance(participant, asset) == D("15.00")
    assert_ledger_consistent()


def test_the_run_expires_what_remains_of_due_lots_with_one_entry_per_wallet(participant, asset):
    # given
    a = accrue(participant, asset, "10.00", expires_at=later(1))
    accrue(participant, asset, "10.00", expires_at=later(1))
    accrue(participant, asset, "10.00")
    redeem(participant, asset, "4.00")
    Accrual.objects.filter(expires_at__isnull=False).update(expires_at=later(-1))

    # when
    totals = run(asset)

    # then
    assert (totals.expired, totals.expired_amount, totals.entries) == (2, D("16.00"), 1)
    assert wallet_balance(participant, asset) == D("10.00")
    assert (lot(a).expired_amount, lot(a).spent_amount, lot(a).remaining) == (D("6.00"), D("4.00"), 0)
    assert account_balance_get(account=program_account_get(asset_id=asset.id, type="EXPIRED")) == D("16.00")
    assert_ledger_consistent()


def test_a_second_run_changes_nothing(participant, asset):
    # given
    accrue(participant, asset, "10.00", expires_at=later(1))
    Accrual.objects.update(expires_at=later(-1))
    run(asset)
    before = world_snapshot()

    # when
    totals = run(asset)

    # then
    assert totals.expired == 0
    assert world_snapshot() == before


def test_a_pending_lot_that_expires_before_release_expires_from_the_pending_account(participant, asset):
    # given
    accrual = accrue(participant, asset, "10.00", available_at=later(2), expires_at=later(3))
    Accrual.objects.filter(id=accrual.id).update(available_at=later(-2), expires_at=later(-1))

    # when
    run(asset)

    # then
    assert (lot(accrual).expired_amount, pending_balance(participant, asset), wallet_balance(participant, asset)) == (
        D("10.00"), 0, 0,
    )
    assert_ledger_consistent()


def test_the_run_honours_as_of(participant, asset):
    # given
    accrue(participant, asset, "10.00", expires_at=later(1))
    Accrual.objects.update(expires_at=later(-1))

    # when: as of two days ago nothing was due yet
    totals = run(asset, as_of=later(-2))

    # then
    assert totals.expired == 0
    assert wallet_balance(participant, asset) == D("10.00")


def test_the_run_works_in_small_batches(participant, asset):
    # given
    for _ in range(5):
        accrue(participant, asset, "1.00", expires_at=later(1))
    Accrual.objects.update(expires_at=later(-1))

    # when
    totals = run(asset, batch=2)

    # then
    assert (totals.expired, totals.batches) == (5, 3)
    assert wallet_balance(participant, asset) == 0
    assert_ledger_consistent()


def test_points_put_back_into_an_expired_lot_expire_at_the_next_run(participant, asset):
    # given
    accrual = accrue(participant, asset, "10.00", expires_at=later(1))
    redemption = redeem(participant, asset, "4.00")
    Accrual.objects.update(expires_at=later(-1))
    run(asset)
    reversal_create(redemption=Redemption.objects.select_related("asset").get(id=redemption.id))

    # when
    run(asset)

    # then
    assert (lot(accrual).expired_amount, lot(accrual).remaining) == (D("10.00"), 0)
    assert_ledger_consistent()


def test_the_dry_run_reports_what_is_due_and_changes_nothing(participant, asset):
    # given
    accrue(participant, asset, "10.00", expires_at=later(1))
    accrue(participant, asset, "3.00", available_at=later(1))
    Accrual.objects.update(expires_at=None, available_at=later(-1))
    Accrual.objects.filter(amount=D("10.00")).update(expires_at=later(-1))
    before = world_snapshot()

    # when
    totals = lifecycle.due_totals(asset=asset, as_of=timezone.now())

    # then
    assert (totals.expired, totals.expired_amount, totals.released, totals.released_amount) == (1, D("10.00"), 1, D("3.00"))
    assert world_snapshot() == before
