"""An end-to-end walk through the services: accrue, redeem the last units, reverse one."""

from decimal import Decimal

import pytest

from ledger.models import Account, JournalEntry
from participants.services import accrual_create
from rewards.services import redemption_create_catalog, reversal_create
from rewards.tests.factories import RewardFactory


@pytest.mark.django_db(transaction=True)
def test_accrue_redeem_last_units_and_reverse_one_keeps_books_and_stock(program, asset, participant):
    # given
    first = accrual_create(
        program=program, participant=participant, asset=asset, amount=Decimal("100.00"), idempotency_key="k1"
    )
    repeat = accrual_create(
        program=program, participant=participant, asset=asset, amount=Decimal("100.00"), idempotency_key="k1"
    )
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10"), max_total=3)

    # when
    redemption = redemption_create_catalog(program=program, participant=participant, reward=reward, quantity=3).record
    reward.refresh_from_db()
    sold_out_status = reward.status
    reversal = reversal_create(redemption=redemption, quantity=1).record

    # then
    assert first.created and not repeat.created and repeat.record.id == first.record.id
    assert sold_out_status == "OUT_OF_STOCK"
    reward.refresh_from_db()
    assert (reward.status, reward.redeemed_count) == ("ACTIVE", 2)
    assert Account.objects.get(type="WALLET").balance == Decimal("80")
    assert JournalEntry.objects.count() == 3
    assert reversal.journal_entry.reverses_id == redemption.journal_entry_id
