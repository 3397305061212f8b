from decimal import Decimal

import pytest

from ledger.models import Account, JournalEntry
from ledger.services import asset_create
from loyalty.services import program_create
from participants.services import accrual_create, participant_enrol
from rewards.services import redemption_create_catalog, reversal_create, reward_create


@pytest.mark.django_db(transaction=True)
def test_smoke_accrue_redeem_reverse():
    program = program_create(name="P")
    asset = asset_create(program_id=program.id, code="POINTS", name="Points")
    p = participant_enrol(program=program, external_id="x1").record
    r = accrual_create(program=program, participant=p, asset=asset, amount=Decimal("100.00"), idempotency_key="k1")
    assert r.created
    r2 = accrual_create(program=program, participant=p, asset=asset, amount=Decimal("100.00"), idempotency_key="k1")
    assert not r2.created and r2.record.id == r.record.id
    reward = reward_create(program=program, asset=asset, type="UNIT_BASED", name="Mug", unit_cost=Decimal("10"), max_total=3)
    red = redemption_create_catalog(program=program, participant=p, reward=reward, quantity=3).record
    reward.refresh_from_db()
    assert reward.status == "OUT_OF_STOCK" and reward.redeemed_count == 3
    wallet = Account.objects.get(type="WALLET")
    assert wallet.balance == Decimal("70")
    rev = reversal_create(redemption=red, quantity=1).record
    reward.refresh_from_db()
    assert reward.status == "ACTIVE" and reward.redeemed_count == 2
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("80")
    assert JournalEntry.objects.count() == 3
    assert rev.journal_entry.reverses_id == red.journal_entry_id
