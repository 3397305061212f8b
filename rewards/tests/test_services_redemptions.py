"""redemption_create_catalog and redemption_create_direct: every rule, its order, and what they write."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import Account, JournalEntry
from ledger.selectors import program_account_get
from ledger.tests.factories import AssetFactory, fund
from loyalty.errors import (
    AmountOutOfRange,
    IdempotencyKeyReused,
    InsufficientBalance,
    NotFound,
    ParticipantLimitExceeded,
    ParticipantNotEnrolled,
    ProgramNotActive,
    RewardNotActive,
    RewardNotAvailable,
    RewardOutOfStock,
    ServiceUnavailable,
    ValidationFailed,
)
from loyalty.models import IdempotencyRecord, Program
from loyalty.services import program_update
from loyalty.tests.factories import ProgramFactory
from participants.tests.factories import ParticipantFactory
from rewards.models import ParticipantRewardCount, Redemption, Reward
from rewards.services import redemption_create_catalog, redemption_create_direct, reward_update
from rewards.tests.factories import RewardFactory
from tests.ledger_checks import assert_ledger_consistent, wallet_balance, world_snapshot

pytestmark = pytest.mark.django_db

UNIT_BASED = Reward.Type.UNIT_BASED
AMOUNT_BASED = Reward.Type.AMOUNT_BASED


@pytest.fixture
def funded(participant, asset):
    """The participant, with 1000.00 in its wallet."""
    fund(participant, asset, "1000.00")
    return participant


@pytest.fixture
def gift(asset):
    """A UNIT_BASED reward at 10.00 a unit, unlimited."""
    return RewardFactory(asset=asset, name="Gift Card", unit_cost=Decimal("10.00"))


@pytest.fixture
def voucher(asset):
    """An AMOUNT_BASED reward for 5.00 to 100.00."""
    return RewardFactory(
        asset=asset, name="Voucher", type=AMOUNT_BASED, min_amount=Decimal("5.00"), max_amount=Decimal("100.00")
    )


def redeem(program, participant, reward, **kwargs):
    return redemption_create_catalog(program=program, participant=participant, reward=reward, **kwargs)


def fresh(reward) -> Reward:
    return Reward.objects.select_related("asset").get(id=reward.id)


def count_of(reward, participant) -> int:
    row = ParticipantRewardCount.objects.filter(reward=reward, participant=participant).first()
    return 0 if row is None else row.count


def deactivate(program):
    program_update(program=program, status=Program.Status.INACTIVE)


def refused(error_class, program, participant, reward, **kwargs):
    """Redeem, expect ``error_class``, and check that nothing changed."""
    before = world_snapshot()
    with pytest.raises(error_class) as exc:
        redeem(program, participant, reward, **kwargs)
    assert world_snapshot() == before
    return exc.value


# --- what a catalog redemption writes ---------------------------------------------------


def test_redeeming_units_debits_quantity_times_unit_cost_in_one_balanced_entry(program, funded, asset, gift):
    # when
    result = redeem(program, funded, gift, quantity=3)

    # then
    redemption = result.record
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=funded, asset=asset)
    redemptions_account = program_account_get(asset_id=asset.id, type=Account.Type.REDEMPTIONS)
    assert result.created is True
    assert (redemption.amount, redemption.quantity, redemption.unit_cost) == (Decimal("30.00"), 3, Decimal("10.00"))
    assert (redemption.status, redemption.reversed_amount, redemption.reversed_quantity) == ("COMPLETED", 0, 0)
    assert (redemption.reward_id, redemption.asset_id, redemption.program_id) == (gift.id, asset.id, program.id)
    assert redemption.description == "Redeemed: Gift Card"
    entry = redemption.journal_entry
    assert (entry.kind, entry.description) == (JournalEntry.Kind.REDEMPTION, "Redeemed: Gift Card")
    assert sorted(entry.lines.values_list("account_id", "direction", "amount")) == sorted(
        [(wallet.id, "DEBIT", Decimal("30.00")), (redemptions_account.id, "CREDIT", Decimal("30.00"))]
    )
    assert wallet.balance == Decimal("970.00")
    assert_ledger_consistent()


def test_omitting_the_quantity_redeems_one_unit(program, funded, asset, gift):
    # when
    redemption = redeem(program, funded, gift).record

    # then
    assert (redemption.quantity, redemption.amount) == (1, Decimal("10.00"))
    assert wallet_balance(funded, asset) == Decimal("990.00")


def test_redemption_keeps_a_given_description(program, funded, gift):
    # when
    redemption = redeem(program, funded, gift, description="Birthday gift").record

    # then
    assert redemption.description == redemption.journal_entry.description == "Birthday gift"


def test_redeeming_units_adds_them_to_redeemed_count_and_to_the_participants_count(program, funded, gift):
    # when
    redeem(program, funded, gift, quantity=3)
    redeem(program, funded, gift, quantity=2)

    # then
    assert fresh(gift).redeemed_count == 5
    assert count_of(gift, funded) == 5
    assert ParticipantRewardCount.objects.filter(reward=gift).count() == 1


def test_redeeming_an_amount_based_reward_debits_the_amount_and_counts_one(program, funded, asset, voucher):
    # when
    redemption = redeem(program, funded, voucher, amount=Decimal("42.50")).record
    redeem(program, funded, voucher, amount=Decimal("5.00"))

    # then
    assert (redemption.amount, redemption.quantity, redemption.unit_cost) == (Decimal("42.50"), None, None)
    assert redemption.reversed_quantity is None
    assert fresh(voucher).redeemed_count == 2
    assert count_of(voucher, funded) == 2
    assert wallet_balance(funded, asset) == Decimal("952.50")
    assert_ledger_consistent()


def test_redeeming_the_last_unit_marks_the_reward_out_of_stock(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=5)
    redeem(program, funded, reward, quantity=3)

    # when
    redeem(program, funded, reward, quantity=2)

    # then
    reward = fresh(reward)
    assert (reward.status, reward.redeemed_count) == (Reward.Status.OUT_OF_STOCK, 5)


def test_redeeming_less_than_the_stock_left_keeps_the_reward_active(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=5)

    # when
    redeem(program, funded, reward, quantity=4)

    # then
    reward = fresh(reward)
    assert (reward.status, reward.redeemed_count) == (Reward.Status.ACTIVE, 4)


def test_redeeming_the_last_amount_based_redemption_marks_the_reward_out_of_stock(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, type=AMOUNT_BASED, max_total=1)

    # when
    redeem(program, funded, reward, amount=Decimal("1.00"))

    # then
    assert fresh(reward).status == Reward.Status.OUT_OF_STOCK


def test_redemption_snapshots_the_unit_cost_of_its_time(program, funded, gift):
    # given
    redemption = redeem(program, funded, gift, quantity=2).record

    # when
    reward_update(reward=gift, unit_cost=Decimal("25.00"))

    # then
    redemption.refresh_from_db()
    assert (redemption.unit_cost, redemption.amount) == (Decimal("10.00"), Decimal("20.00"))


def test_a_price_changed_after_the_caller_read_the_reward_is_charged_at_the_current_price(program, funded, asset, gift):
    # given: the caller holds the reward at 10.00; the operator changes it to 12.00
    stale = fresh(gift)
    reward_update(reward=gift, unit_cost=Decimal("12.00"))

    # when
    redemption = redeem(program, funded, stale, quantity=2).record

    # then
    assert (redemption.unit_cost, redemption.amount) == (Decimal("12.00"), Decimal("24.00"))
    assert wallet_balance(funded, asset) == Decimal("976.00")
    assert JournalEntry.objects.filter(kind="REDEMPTION").count() == 1
    assert_ledger_consistent()


def test_a_reward_deactivated_after_the_caller_read_it_is_refused(program, funded, gift):
    # given
    stale = fresh(gift)
    reward_update(reward=gift, status=Reward.Status.INACTIVE)

    # when
    error = refused(RewardNotActive, program, funded, stale)

    # then
    assert error.code == "reward_not_active"


def test_a_reward_sold_out_after_the_caller_read_it_is_refused_whole(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=3)
    stale = fresh(reward)
    redeem(program, funded, reward, quantity=2)

    # when
    error = refused(RewardOutOfStock, program, funded, stale, quantity=2)

    # then
    assert error.code == "reward_out_of_stock"
    assert fresh(reward).redeemed_count == 2


# --- dry run ----------------------------------------------------------------------------


def test_dry_run_returns_the_would_be_redemption_and_writes_nothing(program, funded, gift):
    # given
    before = world_snapshot()

    # when
    result = redeem(program, funded, gift, quantity=2, idempotency_key="k-1", dry_run=True)

    # then
    redemption = result.record
    assert (redemption.id, redemption.journal_entry_id, redemption.idempotency_key) == (None, None, None)
    assert (redemption.created_at, redemption.updated_at) == (None, None)
    assert (redemption.amount, redemption.quantity, redemption.unit_cost) == (Decimal("20.00"), 2, Decimal("10.00"))
    assert (redemption.status, redemption.reversed_amount, redemption.reversed_quantity) == ("COMPLETED", 0, 0)
    assert redemption.description == "Redeemed: Gift Card"
    assert world_snapshot() == before


def test_dry_run_of_an_amount_based_reward_has_no_reversed_quantity(program, funded, voucher):
    # when
    redemption = redeem(program, funded, voucher, amount=Decimal("10.00"), dry_run=True).record

    # then
    assert (redemption.amount, redemption.quantity, redemption.reversed_quantity) == (Decimal("10.00"), None, None)


def test_dry_run_answers_the_error_the_request_would_get_and_writes_nothing(program, participant, gift):
    # given: no balance
    # when
    error = refused(InsufficientBalance, program, participant, gift, dry_run=True)

    # then
    assert error.code == "insufficient_balance"


def test_dry_run_checks_the_participants_limit(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_per_participant=2)
    redeem(program, funded, reward, quantity=2)

    # when
    error = refused(ParticipantLimitExceeded, program, funded, reward, dry_run=True)

    # then
    assert error.code == "participant_limit_exceeded"


def test_dry_run_does_not_claim_the_idempotency_key(program, funded, gift):
    # given
    redeem(program, funded, gift, idempotency_key="k-1", dry_run=True)

    # when
    result = redeem(program, funded, gift, quantity=3, idempotency_key="k-1")

    # then
    assert result.created is True
    assert IdempotencyRecord.objects.get(key="k-1").resource_id == result.record.id


def test_dry_run_is_not_answered_from_an_earlier_redemption_with_its_key(program, funded, gift):
    # given
    first = redeem(program, funded, gift, idempotency_key="k-1").record
    before = world_snapshot()

    # when
    result = redeem(program, funded, gift, idempotency_key="k-1", dry_run=True)

    # then
    assert result.record.id is None and result.record is not first
    assert world_snapshot() == before


# --- idempotency -------------------------------------------------------------------------


def test_a_repeat_with_the_same_key_returns_the_first_redemption(program, funded, gift):
    # given
    first = redeem(program, funded, gift, quantity=2, idempotency_key="k-1")
    before = world_snapshot()

    # when
    repeat = redeem(program, funded, gift, quantity=2, idempotency_key="k-1")

    # then
    assert (first.created, repeat.created) == (True, False)
    assert repeat.record.id == first.record.id
    assert repeat.record.idempotency_key == "k-1"
    assert world_snapshot() == before


def test_a_repeat_of_the_default_quantity_equals_quantity_one(program, funded, gift):
    # given
    first = redeem(program, funded, gift, idempotency_key="k-1").record

    # when
    repeat = redeem(program, funded, gift, quantity=1, idempotency_key="k-1")

    # then
    assert (repeat.created, repeat.record.id) == (False, first.id)


def test_a_repeat_answers_with_the_redemption_even_after_the_reward_ran_out(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=1)
    first = redeem(program, funded, reward, idempotency_key="k-1").record
    assert fresh(reward).status == Reward.Status.OUT_OF_STOCK
    before = world_snapshot()

    # when
    repeat = redeem(program, funded, fresh(reward), idempotency_key="k-1")

    # then
    assert (repeat.created, repeat.record.id) == (False, first.id)
    assert world_snapshot() == before


def test_a_used_key_with_a_different_quantity_is_refused(program, funded, gift):
    # given
    redeem(program, funded, gift, quantity=1, idempotency_key="k-1")

    # when
    error = refused(IdempotencyKeyReused, program, funded, gift, quantity=2, idempotency_key="k-1")

    # then
    assert (error.code, error.status) == ("idempotency_key_reused", 409)


def test_a_key_used_by_a_catalog_redemption_is_refused_for_a_direct_one(program, funded, asset, gift):
    # given
    redeem(program, funded, gift, idempotency_key="k-1")
    before = world_snapshot()

    # when
    with pytest.raises(IdempotencyKeyReused):
        redemption_create_direct(
            program=program, participant=funded, asset=asset, amount=Decimal("10.00"), idempotency_key="k-1"
        )

    # then
    assert world_snapshot() == before


def test_a_failed_redemption_does_not_consume_its_key(program, participant, asset, gift):
    # given
    with pytest.raises(InsufficientBalance):
        redeem(program, participant, gift, idempotency_key="k-1")
    fund(participant, asset, "10.00")

    # when
    result = redeem(program, participant, gift, idempotency_key="k-1")

    # then
    assert result.created is True
    assert wallet_balance(participant, asset) == Decimal("0.00")


# --- each rule ----------------------------------------------------------------------------


def test_redemption_in_an_inactive_program_is_refused(program, funded, gift):
    # given
    deactivate(program)

    # when
    error = refused(ProgramNotActive, program, funded, gift)

    # then
    assert (error.code, error.status) == ("program_not_active", 422)


def test_redemption_for_a_participant_not_enrolled_is_refused(program, asset, gift):
    # given: enrolled in another program only
    outsider = ParticipantFactory(programs=[ProgramFactory()])

    # when
    error = refused(ParticipantNotEnrolled, program, outsider, gift)

    # then
    assert error.code == "participant_not_enrolled"


def test_redemption_of_an_inactive_reward_is_refused(program, funded, gift):
    # given
    reward = reward_update(reward=gift, status=Reward.Status.INACTIVE)

    # when
    error = refused(RewardNotActive, program, funded, reward)

    # then
    assert error.code == "reward_not_active"


@pytest.mark.parametrize(
    ("window", "offset", "allowed"),
    [
        ("from", timedelta(seconds=-1), False),
        ("from", timedelta(0), True),
        ("until", timedelta(seconds=-1), True),
        ("until", timedelta(0), False),
    ],
    ids=["a-second-before-from", "at-from", "a-second-before-until", "at-until"],
)
def test_the_availability_window_includes_from_and_excludes_until(
    program, funded, asset, monkeypatch, window, offset, allowed
):
    # given
    edge = timezone.now().replace(microsecond=0) + timedelta(days=1)
    bounds = (
        {"available_from": edge, "available_until": edge + timedelta(days=1)}
        if window == "from"
        else {"available_from": edge - timedelta(days=1), "available_until": edge}
    )
    reward = RewardFactory(asset=asset, **bounds)
    monkeypatch.setattr(timezone, "now", lambda: edge + offset)

    # when / then
    if allowed:
        assert redeem(program, funded, reward).created is True
        assert fresh(reward).redeemed_count == 1
    else:
        error = refused(RewardNotAvailable, program, funded, reward)
        assert error.code == "reward_not_available"


def test_a_window_in_the_past_is_refused(program, funded, asset):
    # given
    now = timezone.now()
    reward = RewardFactory(asset=asset, available_from=now - timedelta(days=2), available_until=now - timedelta(days=1))

    # when
    error = refused(RewardNotAvailable, program, funded, reward)

    # then
    assert error.code == "reward_not_available"


@pytest.mark.parametrize("amount", ["4.99", "100.01"])
def test_an_amount_outside_the_rewards_range_is_refused(program, funded, voucher, amount):
    # when
    error = refused(AmountOutOfRange, program, funded, voucher, amount=Decimal(amount))

    # then
    assert error.code == "amount_out_of_range"


@pytest.mark.parametrize("amount", ["5.00", "100.00"])
def test_an_amount_at_either_bound_is_accepted(program, funded, voucher, amount):
    # when
    redemption = redeem(program, funded, voucher, amount=Decimal(amount)).record

    # then
    assert redemption.amount == Decimal(amount)


def test_an_out_of_stock_reward_is_refused(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=1)
    redeem(program, funded, reward)

    # when
    error = refused(RewardOutOfStock, program, funded, fresh(reward))

    # then
    assert error.code == "reward_out_of_stock"


def test_asking_for_more_units_than_are_left_fails_whole(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=5)
    redeem(program, funded, reward, quantity=3)

    # when
    error = refused(RewardOutOfStock, program, funded, fresh(reward), quantity=3)

    # then
    assert "Only 2 unit(s)" in error.message
    assert (fresh(reward).redeemed_count, fresh(reward).status) == (3, Reward.Status.ACTIVE)


def test_passing_the_participants_limit_is_refused(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_per_participant=3)
    redeem(program, funded, reward, quantity=2)

    # when
    error = refused(ParticipantLimitExceeded, program, funded, reward, quantity=2)

    # then
    assert error.code == "participant_limit_exceeded"
    assert count_of(reward, funded) == 2


def test_the_participants_limit_counts_per_participant(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_per_participant=1)
    redeem(program, funded, reward)
    other = ParticipantFactory(programs=[program])
    fund(other, asset, "10.00")

    # when
    redeem(program, other, reward)

    # then
    assert (count_of(reward, funded), count_of(reward, other), fresh(reward).redeemed_count) == (1, 1, 2)


def test_a_first_redemption_above_the_participants_limit_is_refused(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_per_participant=2)

    # when
    error = refused(ParticipantLimitExceeded, program, funded, reward, quantity=3)

    # then
    assert error.code == "participant_limit_exceeded"


def test_a_balance_below_the_cost_is_refused(program, participant, asset, gift):
    # given
    fund(participant, asset, "29.99")

    # when
    error = refused(InsufficientBalance, program, participant, gift, quantity=3)

    # then
    assert error.message == "Balance 29.99 is less than the cost 30.00."


def test_a_participant_without_a_wallet_has_a_zero_balance(program, participant, gift):
    # when
    error = refused(InsufficientBalance, program, participant, gift)

    # then
    assert error.message == "Balance 0.00 is less than the cost 10.00."


def test_a_balance_equal_to_the_cost_is_enough_and_leaves_zero(program, participant, asset, gift):
    # given
    fund(participant, asset, "30.00")

    # when
    redeem(program, participant, gift, quantity=3)

    # then
    assert wallet_balance(participant, asset) == Decimal("0.00")


# --- 400 and 404 before anything else ------------------------------------------------------


def test_an_amount_for_a_unit_based_reward_is_a_validation_error(program, funded, gift):
    # when
    error = refused(ValidationFailed, program, funded, gift, amount=Decimal("10.00"))

    # then
    assert list(error.fields) == ["amount"]


def test_a_quantity_for_an_amount_based_reward_is_a_validation_error(program, funded, voucher):
    # when
    error = refused(ValidationFailed, program, funded, voucher, quantity=1, amount=Decimal("10.00"))

    # then
    assert list(error.fields) == ["quantity"]


def test_an_amount_based_reward_needs_an_amount(program, funded, voucher):
    # when
    error = refused(ValidationFailed, program, funded, voucher)

    # then
    assert list(error.fields) == ["amount"]


def test_an_amount_with_more_decimals_than_the_scale_is_a_validation_error(program, funded, voucher):
    # when
    error = refused(ValidationFailed, program, funded, voucher, amount=Decimal("10.001"))

    # then
    assert list(error.fields) == ["amount"]


@pytest.mark.postgres  # the embedded SQLite refuses amounts of 10^10 or more (loyalty/tests/test_money.py)
def test_a_total_cost_above_the_largest_amount_is_a_validation_error(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("999999999999.99"))

    # when
    error = refused(ValidationFailed, program, funded, reward, quantity=2)

    # then
    assert error.code == "validation_error"


def test_a_reward_of_another_program_is_not_found(program, funded):
    # given
    foreign = RewardFactory(asset=AssetFactory(program=ProgramFactory()))

    # when
    error = refused(NotFound, program, funded, foreign)

    # then
    assert (error.code, error.status) == ("not_found", 404)


# --- the order when two rules fail at once ------------------------------------------------


def test_a_validation_error_comes_before_a_reused_key(program, funded, gift, voucher):
    # given
    redeem(program, funded, gift, idempotency_key="k-1")

    # when
    error = refused(ValidationFailed, program, funded, voucher, quantity=1, idempotency_key="k-1")

    # then
    assert list(error.fields) == ["quantity"]


def test_a_reused_key_comes_before_an_inactive_program(program, funded, gift):
    # given
    redeem(program, funded, gift, idempotency_key="k-1")
    deactivate(program)

    # when
    error = refused(IdempotencyKeyReused, program, funded, gift, quantity=2, idempotency_key="k-1")

    # then
    assert error.code == "idempotency_key_reused"


def test_an_inactive_program_comes_before_a_missing_enrolment(program, gift):
    # given
    deactivate(program)
    outsider = ParticipantFactory()

    # when
    error = refused(ProgramNotActive, program, outsider, gift)

    # then
    assert error.code == "program_not_active"


def test_a_missing_enrolment_comes_before_an_inactive_reward(program, gift):
    # given
    reward = reward_update(reward=gift, status=Reward.Status.INACTIVE)
    outsider = ParticipantFactory()

    # when
    error = refused(ParticipantNotEnrolled, program, outsider, reward)

    # then
    assert error.code == "participant_not_enrolled"


def test_an_inactive_reward_comes_before_its_window(program, funded, asset):
    # given
    later = timezone.now() + timedelta(days=1)
    reward = RewardFactory(asset=asset, status=Reward.Status.INACTIVE, available_from=later)

    # when
    error = refused(RewardNotActive, program, funded, reward)

    # then
    assert error.code == "reward_not_active"


def test_an_inactive_reward_comes_before_its_stock(program, funded, asset):
    # given: sold out, then switched off
    reward = RewardFactory(asset=asset, max_total=1)
    redeem(program, funded, reward)
    reward = reward_update(reward=reward, status=Reward.Status.INACTIVE)

    # when
    error = refused(RewardNotActive, program, funded, reward)

    # then
    assert error.code == "reward_not_active"


def test_the_window_comes_before_the_amount_range(program, funded, asset):
    # given
    later = timezone.now() + timedelta(days=1)
    reward = RewardFactory(asset=asset, type=AMOUNT_BASED, min_amount=Decimal("5.00"), available_from=later)

    # when
    error = refused(RewardNotAvailable, program, funded, reward, amount=Decimal("1.00"))

    # then
    assert error.code == "reward_not_available"


def test_the_amount_range_comes_before_the_stock(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, type=AMOUNT_BASED, max_amount=Decimal("50.00"), max_total=1)
    redeem(program, funded, reward, amount=Decimal("10.00"))

    # when
    error = refused(AmountOutOfRange, program, funded, fresh(reward), amount=Decimal("60.00"))

    # then
    assert error.code == "amount_out_of_range"


def test_the_stock_comes_before_the_participants_limit(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_total=2, max_per_participant=2)
    redeem(program, funded, reward, quantity=2)

    # when
    error = refused(RewardOutOfStock, program, funded, fresh(reward))

    # then
    assert error.code == "reward_out_of_stock"


def test_the_participants_limit_comes_before_the_balance(program, participant, asset):
    # given
    fund(participant, asset, "10.00")
    reward = RewardFactory(asset=asset, max_per_participant=1)
    redeem(program, participant, reward)

    # when: the balance is zero and the limit is reached
    error = refused(ParticipantLimitExceeded, program, participant, reward)

    # then
    assert error.code == "participant_limit_exceeded"


def test_the_stock_comes_before_the_balance_even_when_the_caller_read_the_reward_before_it_ran_out(
    program, participant, asset
):
    # given: the caller read the reward with one unit left; then someone else took it
    reward = RewardFactory(asset=asset, max_total=1)
    stale = fresh(reward)
    other = ParticipantFactory(programs=[program])
    fund(other, asset, "10.00")
    redeem(program, other, reward)

    # when: this participant has no balance either
    error = refused(RewardOutOfStock, program, participant, stale)

    # then
    assert error.code == "reward_out_of_stock"


def test_the_stock_comes_before_the_participants_limit_even_when_the_caller_read_the_reward_earlier(
    program, funded, asset
):
    # given
    reward = RewardFactory(asset=asset, max_total=3, max_per_participant=1)
    stale = fresh(reward)
    redeem(program, funded, reward)
    for _ in range(2):
        other = ParticipantFactory(programs=[program])
        fund(other, asset, "10.00")
        redeem(program, other, reward)

    # when
    error = refused(RewardOutOfStock, program, funded, stale)

    # then
    assert error.code == "reward_out_of_stock"


def test_a_limit_raised_after_the_caller_read_the_reward_applies(program, funded, asset):
    # given
    reward = RewardFactory(asset=asset, max_per_participant=1)
    redeem(program, funded, reward)
    stale = fresh(reward)
    reward_update(reward=reward, max_per_participant=2)

    # when
    result = redeem(program, funded, stale)

    # then
    assert result.created is True
    assert count_of(reward, funded) == 2


# --- direct redemption -----------------------------------------------------------------------


def direct(program, participant, asset, amount="25.00", **kwargs):
    return redemption_create_direct(
        program=program, participant=participant, asset=asset, amount=Decimal(amount), **kwargs
    )


def test_a_direct_redemption_debits_the_wallet_and_has_no_catalog_fields(program, funded, asset):
    # when
    result = direct(program, funded, asset, "25.00")

    # then
    redemption = result.record
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=funded, asset=asset)
    redemptions_account = program_account_get(asset_id=asset.id, type=Account.Type.REDEMPTIONS)
    assert result.created is True
    assert (redemption.reward_id, redemption.quantity, redemption.unit_cost, redemption.reversed_quantity) == (
        None,
        None,
        None,
        None,
    )
    assert (redemption.amount, redemption.description, redemption.stock_units) == (Decimal("25.00"), "Redemption", 0)
    assert sorted(redemption.journal_entry.lines.values_list("account_id", "direction", "amount")) == sorted(
        [(wallet.id, "DEBIT", Decimal("25.00")), (redemptions_account.id, "CREDIT", Decimal("25.00"))]
    )
    assert wallet.balance == Decimal("975.00")
    assert_ledger_consistent()


def test_a_direct_redemption_repeat_with_the_same_key_returns_the_first(program, funded, asset):
    # given
    first = direct(program, funded, asset, idempotency_key="cash-1").record
    before = world_snapshot()

    # when
    repeat = direct(program, funded, asset, idempotency_key="cash-1")

    # then
    assert (repeat.created, repeat.record.id) == (False, first.id)
    assert world_snapshot() == before


@pytest.mark.parametrize(
    ("setup", "error_class"),
    [
        ("inactive_program", ProgramNotActive),
        ("not_enrolled", ParticipantNotEnrolled),
        ("no_balance", InsufficientBalance),
        ("reused_key", IdempotencyKeyReused),
        ("too_many_decimals", ValidationFailed),
        ("foreign_asset", NotFound),
    ],
)
def test_a_direct_redemption_that_breaks_a_rule_is_refused_and_changes_nothing(
    program, participant, asset, setup, error_class
):
    # given
    fund(participant, asset, "20.00")
    who, what, amount, key = participant, asset, "20.00", None
    if setup == "inactive_program":
        deactivate(program)
    elif setup == "not_enrolled":
        who = ParticipantFactory()
    elif setup == "no_balance":
        amount = "20.01"
    elif setup == "reused_key":
        direct(program, participant, asset, "1.00", idempotency_key="cash-1")
        key = "cash-1"
    elif setup == "too_many_decimals":
        amount = "1.001"
    elif setup == "foreign_asset":
        what = AssetFactory(program=ProgramFactory())
    before = world_snapshot()

    # when
    with pytest.raises(error_class):
        direct(program, who, what, amount, idempotency_key=key)

    # then
    assert world_snapshot() == before


def test_a_direct_redemption_checks_the_program_before_the_enrolment(program, asset):
    # given
    deactivate(program)
    outsider = ParticipantFactory()
    before = world_snapshot()

    # when
    with pytest.raises(ProgramNotActive):
        direct(program, outsider, asset)

    # then
    assert world_snapshot() == before


def test_redemptions_of_decimal_amounts_can_empty_a_wallet_exactly(program, participant, asset):
    # given: 0.30 in the wallet
    fund(participant, asset, "0.30")
    direct(program, participant, asset, "0.10")

    # when
    direct(program, participant, asset, "0.20")

    # then
    assert wallet_balance(participant, asset) == Decimal("0")
    assert Redemption.objects.filter(participant=participant).count() == 2
    assert_ledger_consistent()


@pytest.mark.django_db
def test_a_repeat_that_sends_the_default_description_explicitly_is_the_same_request(program, asset, participant):
    # given
    from ledger.tests.factories import fund
    from rewards.services import redemption_create_catalog
    from rewards.tests.factories import RewardFactory

    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, name="Mug", unit_cost=Decimal("10.00"))
    first = redemption_create_catalog(program=program, participant=participant, reward=reward, idempotency_key="k")

    # when
    repeat = redemption_create_catalog(
        program=program, participant=participant, reward=reward, description="Redeemed: Mug", idempotency_key="k"
    )

    # then
    assert not repeat.created
    assert repeat.record.id == first.record.id


@pytest.mark.django_db
def test_a_guarded_update_that_misses_while_the_locked_reward_still_passes_takes_the_units_under_the_lock(
    program, funded, asset, monkeypatch
):
    # given: the reward's guarded UPDATE misses once, as when a competing
    # transaction changed the row and changed it back before the re-read
    from rewards.services import redemptions

    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=5)
    real_take_sql = redemptions.reward_take_sql
    calls = []

    def miss_once(**kwargs):
        calls.append(kwargs["reward"].id)
        query, params = real_take_sql(**kwargs)
        if len(calls) == 1:  # the same UPDATE, guarded so that it matches nothing
            query = query.replace(" RETURNING ", " AND 1 = 0 RETURNING ")
        return query, params

    class CountingStale(redemptions.StaleReward):
        raised = 0

        def __init__(self, *args):
            type(self).raised += 1
            super().__init__(*args)

    monkeypatch.setattr(redemptions, "reward_take_sql", miss_once)
    monkeypatch.setattr(redemptions, "StaleReward", CountingStale)

    # when
    result = redemption_create_catalog(program=program, participant=funded, reward=reward, quantity=2)

    # then: one attempt (no "decide again"), the units taken once, under the lock
    assert result.created
    assert len(calls) == 2
    assert CountingStale.raised == 0
    reward.refresh_from_db()
    assert reward.redeemed_count == 2
    assert Redemption.objects.count() == 1
    assert_ledger_consistent()


@pytest.mark.django_db
def test_a_reward_that_keeps_changing_is_refused_after_the_bounded_number_of_transactions(
    program, funded, asset, monkeypatch
):
    # given: the reward's guarded UPDATE never matches, as when it changes under every attempt
    from rewards.services import redemptions

    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))
    real_take_sql = redemptions.reward_take_sql
    calls = []

    def always_miss(**kwargs):
        calls.append(kwargs["reward"].id)
        query, params = real_take_sql(**kwargs)
        return query.replace(" RETURNING ", " AND 1 = 0 RETURNING "), params

    monkeypatch.setattr(redemptions, "reward_take_sql", always_miss)
    before = world_snapshot()

    # when
    with pytest.raises(ServiceUnavailable):
        redemption_create_catalog(program=program, participant=funded, reward=reward, quantity=1)

    # then: two tries of the UPDATE per transaction, MAX_TRANSACTIONS transactions, nothing written
    assert len(calls) == 2 * redemptions.MAX_TRANSACTIONS
    assert world_snapshot() == before
