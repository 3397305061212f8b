"""reversal_create: refunds, stock, status, the REVERSAL entry, errors and authorship."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from ledger.models import Account, JournalEntry
from ledger.selectors import account_balance_get, program_account_get
from ledger.tests.factories import fund
from loyalty.errors import (
    IdempotencyKeyReused,
    RedemptionFullyReversed,
    ReversalExceedsRemaining,
    ValidationFailed,
)
from loyalty.models import Program
from loyalty.services import api_key_create, program_update
from rewards.models import ParticipantRewardCount, Redemption, Reversal, Reward
from rewards.services import (
    redemption_create_catalog,
    redemption_create_direct,
    reversal_create,
    reward_update,
)
from rewards.tests.factories import RewardFactory
from tests.ledger_checks import assert_ledger_consistent, wallet_balance, world_snapshot

pytestmark = pytest.mark.django_db

AMOUNT_BASED = Reward.Type.AMOUNT_BASED


@pytest.fixture
def funded(participant, asset):
    fund(participant, asset, "1000.00")
    return participant


@pytest.fixture
def gift(asset):
    return RewardFactory(asset=asset, name="Gift Card", unit_cost=Decimal("10.00"), max_total=10)


@pytest.fixture
def voucher(asset):
    return RewardFactory(asset=asset, name="Voucher", type=AMOUNT_BASED, max_total=10)


@pytest.fixture
def units(program, funded, gift):
    """A redemption of 5 units of ``gift`` (50.00)."""
    return redemption_create_catalog(program=program, participant=funded, reward=gift, quantity=5).record


@pytest.fixture
def amount_based(program, funded, voucher):
    """A redemption of ``voucher`` for 40.00."""
    return redemption_create_catalog(
        program=program, participant=funded, reward=voucher, amount=Decimal("40.00")
    ).record


@pytest.fixture
def cash_out(program, funded, asset):
    """A direct redemption of 30.00."""
    return redemption_create_direct(program=program, participant=funded, asset=asset, amount=Decimal("30.00")).record


def reload(obj):
    return type(obj).objects.get(id=obj.id)


def count_of(reward, participant) -> int:
    row = ParticipantRewardCount.objects.filter(reward=reward, participant=participant).first()
    return 0 if row is None else row.count


def refused(error_class, redemption, **kwargs):
    before = world_snapshot()
    with pytest.raises(error_class) as exc:
        reversal_create(redemption=redemption, **kwargs)
    assert world_snapshot() == before
    return exc.value


# --- UNIT_BASED ---------------------------------------------------------------------------


def test_reversing_units_refunds_quantity_times_the_unit_cost(funded, asset, units):
    # when
    result = reversal_create(redemption=units, quantity=2)

    # then
    reversal = result.record
    assert result.created is True
    assert (reversal.amount, reversal.quantity, reversal.restock, reversal.stock_returned) == (
        Decimal("20.00"),
        2,
        True,
        2,
    )
    assert wallet_balance(funded, asset) == Decimal("970.00")
    assert_ledger_consistent()


def test_reversing_units_refunds_at_the_unit_cost_snapshot_not_the_current_price(funded, asset, gift, units):
    # given
    reward_update(reward=gift, unit_cost=Decimal("99.00"))

    # when
    reversal = reversal_create(redemption=units, quantity=1).record

    # then
    assert reversal.amount == Decimal("10.00")
    assert wallet_balance(funded, asset) == Decimal("960.00")


def test_reversing_units_returns_them_to_stock_and_to_the_participants_count(funded, gift, units):
    # when
    reversal_create(redemption=units, quantity=2)

    # then
    assert reload(gift).redeemed_count == 3
    assert count_of(gift, funded) == 3


def test_reversing_units_without_restock_refunds_but_keeps_the_stock_taken(funded, asset, gift, units):
    # when
    reversal = reversal_create(redemption=units, quantity=2, restock=False).record

    # then
    assert (reversal.restock, reversal.stock_returned) == (False, 0)
    assert wallet_balance(funded, asset) == Decimal("970.00")
    assert reload(gift).redeemed_count == 5
    assert count_of(gift, funded) == 5
    assert_ledger_consistent()


def test_a_partial_reversal_marks_the_redemption_partially_reversed(units):
    # when
    reversal_create(redemption=units, quantity=2)

    # then
    redemption = reload(units)
    assert (redemption.status, redemption.reversed_quantity, redemption.reversed_amount) == (
        Redemption.Status.PARTIALLY_REVERSED,
        2,
        Decimal("20.00"),
    )
    assert redemption.updated_at > units.updated_at


def test_an_empty_reversal_reverses_the_remaining_units(funded, asset, gift, units):
    # given
    reversal_create(redemption=units, quantity=2)

    # when
    reversal = reversal_create(redemption=units).record

    # then
    redemption = reload(units)
    assert (reversal.quantity, reversal.amount) == (3, Decimal("30.00"))
    assert (redemption.status, redemption.reversed_quantity, redemption.reversed_amount) == (
        Redemption.Status.FULLY_REVERSED,
        5,
        Decimal("50.00"),
    )
    assert reload(gift).redeemed_count == 0
    assert wallet_balance(funded, asset) == Decimal("1000.00")
    assert_ledger_consistent()


def test_a_reversal_reactivates_an_out_of_stock_reward(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=2)
    redemption = redemption_create_catalog(program=program, participant=funded, reward=reward, quantity=2).record
    assert reload(reward).status == Reward.Status.OUT_OF_STOCK

    # when
    reversal_create(redemption=redemption, quantity=1)

    # then
    reward = reload(reward)
    assert (reward.status, reward.redeemed_count) == (Reward.Status.ACTIVE, 1)


def test_a_reversal_without_restock_leaves_an_out_of_stock_reward_out_of_stock(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=2)
    redemption = redemption_create_catalog(program=program, participant=funded, reward=reward, quantity=2).record

    # when
    reversal_create(redemption=redemption, quantity=1, restock=False)

    # then
    reward = reload(reward)
    assert (reward.status, reward.redeemed_count) == (Reward.Status.OUT_OF_STOCK, 2)


def test_a_reversal_returning_stock_to_an_inactive_reward_keeps_it_inactive(program, funded, asset):
    # given: sold out, then switched off by an operator
    reward = RewardFactory(asset=asset, max_total=2)
    redemption = redemption_create_catalog(program=program, participant=funded, reward=reward, quantity=2).record
    reward_update(reward=reward, status=Reward.Status.INACTIVE)

    # when
    reversal_create(redemption=redemption, quantity=2)

    # then
    reward = reload(reward)
    assert (reward.status, reward.redeemed_count) == (Reward.Status.INACTIVE, 0)


# --- AMOUNT_BASED and direct -----------------------------------------------------------------


def test_a_partial_amount_based_reversal_keeps_its_unit_counted(funded, asset, voucher, amount_based):
    # when
    reversal = reversal_create(redemption=amount_based, amount=Decimal("15.00")).record

    # then
    assert (reversal.amount, reversal.quantity, reversal.restock, reversal.stock_returned) == (
        Decimal("15.00"),
        None,
        True,
        0,
    )
    assert reload(amount_based).status == Redemption.Status.PARTIALLY_REVERSED
    assert (reload(voucher).redeemed_count, count_of(voucher, funded)) == (1, 1)
    assert wallet_balance(funded, asset) == Decimal("975.00")


def test_completing_an_amount_based_reversal_releases_its_one_unit(funded, voucher, amount_based):
    # given
    reversal_create(redemption=amount_based, amount=Decimal("15.00"))

    # when
    reversal = reversal_create(redemption=amount_based, amount=Decimal("25.00")).record

    # then
    assert reversal.stock_returned == 1
    assert reload(amount_based).status == Redemption.Status.FULLY_REVERSED
    assert (reload(voucher).redeemed_count, count_of(voucher, funded)) == (0, 0)
    assert_ledger_consistent()


def test_completing_an_amount_based_reversal_without_restock_keeps_its_unit_counted(funded, voucher, amount_based):
    # when
    reversal = reversal_create(redemption=amount_based, restock=False).record

    # then
    assert (reversal.amount, reversal.stock_returned) == (Decimal("40.00"), 0)
    assert reload(amount_based).status == Redemption.Status.FULLY_REVERSED
    assert (reload(voucher).redeemed_count, count_of(voucher, funded)) == (1, 1)
    assert_ledger_consistent()


def test_a_full_amount_based_reversal_reactivates_its_sold_out_reward(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, type=AMOUNT_BASED, max_total=1)
    redemption = redemption_create_catalog(
        program=program, participant=funded, reward=reward, amount=Decimal("5.00")
    ).record

    # when
    reversal_create(redemption=redemption)

    # then
    reward = reload(reward)
    assert (reward.status, reward.redeemed_count) == (Reward.Status.ACTIVE, 0)


def test_reversing_a_direct_redemption_by_amount_refunds_it(funded, asset, cash_out):
    # when
    reversal = reversal_create(redemption=cash_out, amount=Decimal("12.34")).record

    # then
    assert (reversal.amount, reversal.quantity, reversal.restock, reversal.stock_returned) == (
        Decimal("12.34"),
        None,
        None,
        0,
    )
    assert reload(cash_out).status == Redemption.Status.PARTIALLY_REVERSED
    assert wallet_balance(funded, asset) == Decimal("982.34")
    assert_ledger_consistent()


def test_an_empty_reversal_of_a_direct_redemption_refunds_the_remainder(funded, asset, cash_out):
    # given
    reversal_create(redemption=cash_out, amount=Decimal("0.01"))

    # when
    reversal = reversal_create(redemption=cash_out).record

    # then
    assert reversal.amount == Decimal("29.99")
    assert reload(cash_out).status == Redemption.Status.FULLY_REVERSED
    assert wallet_balance(funded, asset) == Decimal("1000.00")


# --- the REVERSAL entry -------------------------------------------------------------------------


def test_the_reversal_entry_credits_the_wallet_debits_redemptions_and_points_at_the_original(
    program, funded, asset, units
):
    # when
    reversal = reversal_create(redemption=units, quantity=2, reason="Damaged").record

    # then
    entry = reversal.journal_entry
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=funded, asset=asset)
    redemptions_account = program_account_get(asset_id=asset.id, type=Account.Type.REDEMPTIONS)
    assert (entry.kind, entry.program_id, entry.description) == (JournalEntry.Kind.REVERSAL, program.id, "Damaged")
    assert entry.reverses_id == units.journal_entry_id
    assert sorted(entry.lines.values_list("account_id", "direction", "amount")) == sorted(
        [(wallet.id, "CREDIT", Decimal("20.00")), (redemptions_account.id, "DEBIT", Decimal("20.00"))]
    )
    assert account_balance_get(account=redemptions_account) == Decimal("30.00")


def test_the_original_redemption_entry_is_left_as_it_was(units):
    # given
    lines = sorted(units.journal_entry.lines.values_list("id", "account_id", "direction", "amount"))

    # when
    reversal_create(redemption=units, quantity=5)

    # then
    assert sorted(units.journal_entry.lines.values_list("id", "account_id", "direction", "amount")) == lines
    assert JournalEntry.objects.get(id=units.journal_entry_id).kind == JournalEntry.Kind.REDEMPTION


def test_a_reversal_without_reason_gets_a_descriptive_entry(units):
    # when
    reversal = reversal_create(redemption=units, quantity=1).record

    # then
    assert reversal.reason == ""
    assert reversal.journal_entry.description == f"Reversal of redemption {units.id}"


# --- errors ------------------------------------------------------------------------------------


def test_reversing_a_fully_reversed_redemption_is_refused(units):
    # given
    reversal_create(redemption=units)

    # when
    error = refused(RedemptionFullyReversed, units, quantity=1)

    # then
    assert (error.code, error.status) == ("redemption_fully_reversed", 422)


def test_an_empty_reversal_of_a_fully_reversed_redemption_is_refused(cash_out):
    # given
    reversal_create(redemption=cash_out)

    # when
    error = refused(RedemptionFullyReversed, cash_out)

    # then
    assert error.code == "redemption_fully_reversed"


def test_reversing_more_units_than_remain_is_refused(units):
    # given
    reversal_create(redemption=units, quantity=3)

    # when
    error = refused(ReversalExceedsRemaining, units, quantity=3)

    # then
    assert (error.code, error.message) == ("reversal_exceeds_remaining", "3 unit(s) asked, 2 left to reverse.")


def test_reversing_more_than_the_remaining_amount_is_refused(amount_based):
    # given
    reversal_create(redemption=amount_based, amount=Decimal("30.00"))

    # when
    error = refused(ReversalExceedsRemaining, amount_based, amount=Decimal("10.01"))

    # then
    assert error.message == "10.01 asked, 10.00 left to reverse."


@pytest.mark.parametrize(
    ("target", "fields", "field"),
    [
        ("units", {"amount": Decimal("10.00")}, "amount"),
        ("amount_based", {"quantity": 1}, "quantity"),
        ("cash_out", {"quantity": 1}, "quantity"),
        ("cash_out", {"restock": False}, "restock"),
        ("units", {"quantity": 0}, "quantity"),
        ("amount_based", {"amount": Decimal("1.001")}, "amount"),
        ("cash_out", {"amount": Decimal("0.00")}, "amount"),
    ],
    ids=[
        "amount-on-unit-based",
        "quantity-on-amount-based",
        "quantity-on-direct",
        "restock-on-direct",
        "quantity-zero",
        "too-many-decimals",
        "amount-zero",
    ],
)
def test_a_reversal_of_the_wrong_shape_is_a_validation_error(request, target, fields, field):
    # given
    redemption = request.getfixturevalue(target)

    # when
    error = refused(ValidationFailed, redemption, **fields)

    # then
    assert list(error.fields) == [field]


def test_a_reversal_stays_allowed_in_an_inactive_program(program, funded, asset, units):
    # given
    program_update(program=program, status=Program.Status.INACTIVE)

    # when
    result = reversal_create(redemption=units, quantity=1)

    # then
    assert result.created is True
    assert wallet_balance(funded, asset) == Decimal("960.00")


# --- idempotency and authorship --------------------------------------------------------------------


def test_a_reversal_repeat_with_the_same_key_returns_the_first(units):
    # given
    first = reversal_create(redemption=units, quantity=1, idempotency_key="rev-1")
    before = world_snapshot()

    # when
    repeat = reversal_create(redemption=units, quantity=1, idempotency_key="rev-1")

    # then
    assert (first.created, repeat.created) == (True, False)
    assert repeat.record.id == first.record.id
    assert world_snapshot() == before


def test_a_reversal_repeat_answers_even_after_the_redemption_was_fully_reversed(units):
    # given
    first = reversal_create(redemption=units, idempotency_key="rev-1").record

    # when
    repeat = reversal_create(redemption=units, idempotency_key="rev-1")

    # then
    assert (repeat.created, repeat.record.id) == (False, first.id)


def test_a_reversal_repeat_with_the_default_restock_equals_restock_true(units):
    # given
    first = reversal_create(redemption=units, quantity=1, idempotency_key="rev-1").record

    # when
    repeat = reversal_create(redemption=units, quantity=1, restock=True, idempotency_key="rev-1")

    # then
    assert (repeat.created, repeat.record.id) == (False, first.id)


def test_a_used_reversal_key_with_another_quantity_is_refused(units):
    # given
    reversal_create(redemption=units, quantity=1, idempotency_key="rev-1")

    # when
    error = refused(IdempotencyKeyReused, units, quantity=2, idempotency_key="rev-1")

    # then
    assert error.code == "idempotency_key_reused"


def test_a_redemption_key_cannot_be_reused_for_a_reversal(program, funded, gift):
    # given
    redemption = redemption_create_catalog(
        program=program, participant=funded, reward=gift, idempotency_key="k-1"
    ).record

    # when
    error = refused(IdempotencyKeyReused, redemption, idempotency_key="k-1")

    # then
    assert error.code == "idempotency_key_reused"


def test_a_failed_reversal_does_not_consume_its_key(units):
    # given
    with pytest.raises(ReversalExceedsRemaining):
        reversal_create(redemption=units, quantity=6, idempotency_key="rev-1")

    # when
    result = reversal_create(redemption=units, quantity=5, idempotency_key="rev-1")

    # then
    assert result.created is True


def test_a_reversal_records_the_api_key_that_made_it(program, units):
    # given
    api_key, _ = api_key_create(name="shop", program_ids=[program.id])

    # when
    reversal = reversal_create(redemption=units, quantity=1, api_key=api_key).record

    # then
    stored = Reversal.objects.get(id=reversal.id)
    assert (stored.created_by_api_key_id, stored.created_by_user_id) == (api_key.id, None)


def test_a_reversal_records_the_operator_who_made_it(units):
    # given
    operator = get_user_model().objects.create_user(username="operator", password="x")

    # when
    reversal = reversal_create(redemption=units, quantity=1, user=operator).record

    # then
    stored = Reversal.objects.get(id=reversal.id)
    assert (stored.created_by_user_id, stored.created_by_api_key_id) == (operator.id, None)
