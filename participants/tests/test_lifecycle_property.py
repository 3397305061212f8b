"""
A property test of the points lifecycle (hypothesis): random accruals (pending
or not, expiring or not), redemptions, partial reversals, clawbacks, releases
and expiry runs; after every step every lot's identity holds, each wallet is
the sum of its released lots' remaining, each PENDING account the sum of its
pending lots', every redemption's allocations its amount net of reversals,
and the books reconcile (``tests.ledger_checks.lot_problems`` and the rest).
Size: up to 20 steps per example, 20 examples (``settings`` below).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.tests.factories import AssetFactory
from loyalty.errors import (
    AccrualReversalExceedsRemaining,
    InsufficientBalance,
    RedemptionFullyReversed,
    ReversalExceedsRemaining,
)
from loyalty.tests.factories import ProgramFactory
from participants import lifecycle
from participants.models import Accrual
from participants.services import accrual_create, accrual_release, accrual_reversal_create
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption
from rewards.services import redemption_create_direct, reversal_create
from tests.ledger_checks import assert_ledger_consistent

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=1, max_value=5000).map(lambda n: Decimal(n).scaleb(-2))
step = st.one_of(
    st.tuples(st.just("accrue"), st.integers(0, 1), cents, st.booleans(), st.sampled_from([None, 3, 5, 30])),
    st.tuples(st.just("redeem"), st.integers(0, 1), cents),
    st.tuples(st.just("reverse"), st.integers(0, 20), st.one_of(st.none(), cents)),
    st.tuples(st.just("clawback"), st.integers(0, 30), st.one_of(st.none(), cents)),
    st.tuples(st.just("release"), st.integers(0, 30)),
    st.tuples(st.just("run"), st.integers(0, 40)),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=20))
def test_every_lot_account_and_redemption_adds_up_after_every_step(steps):
    # given
    program = ProgramFactory()
    asset = AssetFactory(program=program)
    people = [ParticipantFactory(programs=[program]) for _ in range(2)]
    start = timezone.now()

    # when / then
    for action, *args in steps:
        if action == "accrue":
            who, amount, pending, days = args
            accrual_create(
                program=program, participant=people[who], asset=asset, amount=amount,
                available_at=start + timedelta(days=2) if pending else None,
                expires_at=None if days is None else start + timedelta(days=days, hours=3),
            )
        elif action == "redeem":
            who, amount = args
            try:
                redemption_create_direct(program=program, participant=people[who], asset=asset, amount=amount)
            except InsufficientBalance:
                pass
        elif action == "reverse":
            index, amount = args
            redemptions = list(Redemption.objects.select_related("asset").order_by("created_at", "id"))
            if redemptions:
                try:
                    reversal_create(redemption=redemptions[index % len(redemptions)], amount=amount)
                except (RedemptionFullyReversed, ReversalExceedsRemaining):
                    pass
        elif action in ("clawback", "release"):
            lots = list(Accrual.objects.select_related("asset").order_by("created_at", "id"))
            if lots:
                lot = lots[args[0] % len(lots)]
                if action == "release":
                    accrual_release(accrual=lot)
                else:
                    try:
                        accrual_reversal_create(accrual=lot, amount=args[1])
                    except AccrualReversalExceedsRemaining:
                        pass
        else:  # an expiry run, some days on
            lifecycle.process_asset(asset=asset, as_of=start + timedelta(days=args[0]), batch=3)
        assert_ledger_consistent()
