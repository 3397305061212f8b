"""
The lock order under a storm (PostgreSQL, real threads): expiry and release
runs, clawbacks, manual releases, redemptions and reversals on the same few
participants at once. No deadlock or other database error reaches a caller,
and the books reconcile afterwards.
"""

from __future__ import annotations

import io
import random
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ledger.tests.factories import fund
from loyalty.errors import (
    AccrualReversalExceedsRemaining,
    InsufficientBalance,
    RedemptionFullyReversed,
    ReversalExceedsRemaining,
)
from participants import lifecycle
from participants.models import Accrual
from participants.services import accrual_create, accrual_release, accrual_reversal_create
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption
from rewards.services import redemption_create_direct, reversal_create
from tests.ledger_checks import assert_ledger_consistent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EXPECTED = (InsufficientBalance, RedemptionFullyReversed, ReversalExceedsRemaining, AccrualReversalExceedsRemaining)
D = Decimal


def test_a_storm_of_all_five_movements_surfaces_no_deadlock_and_reconciles(asset):
    # given: four participants, each with lots that are due to expire, pending lots due for release, lots that
    # never expire
    people = [ParticipantFactory(programs=[asset.program]) for _ in range(4)]
    soon = timezone.now() + timedelta(seconds=2)
    for person in people:
        for _ in range(3):
            fund(person, asset, "20.00")
            accrual_create(program=asset.program, participant=person, asset=asset, amount=D("15.00"), expires_at=soon)
            accrual_create(
                program=asset.program, participant=person, asset=asset, amount=D("10.00"),
                available_at=timezone.now() + timedelta(days=1),
            )
    Accrual.objects.filter(released=False).update(available_at=timezone.now())
    errors: list[BaseException] = []

    def worker(seed: int, action) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(12):
                try:
                    action(rng)
                except EXPECTED:
                    pass
        except BaseException as exc:  # noqa: BLE001 - any other error is the test's failure
            errors.append(exc)
        finally:
            connection.close()

    def redeem(rng):
        redemption_create_direct(
            program=asset.program, participant=rng.choice(people), asset=asset, amount=D(rng.randint(1, 30))
        )

    def reverse(rng):
        redemptions = list(Redemption.objects.select_related("asset").order_by("?")[:1])
        if redemptions:
            reversal_create(redemption=redemptions[0], amount=D(rng.randint(1, 5)))

    def claw_back(rng):
        lot = Accrual.objects.select_related("asset").order_by("?").first()
        accrual_reversal_create(accrual=lot, amount=D(rng.randint(1, 4)))

    def release(rng):
        lot = Accrual.objects.select_related("asset").filter(released=False).order_by("?").first()
        if lot is not None:
            accrual_release(accrual=lot)

    def run(rng):
        lifecycle.process_asset(asset=asset, as_of=timezone.now(), batch=rng.randint(1, 5))

    actions = [redeem, redeem, reverse, claw_back, release, run, run]
    threads = [threading.Thread(target=worker, args=(i, action)) for i, action in enumerate(actions)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    lifecycle.process_asset(asset=asset, as_of=timezone.now() + timedelta(seconds=5))

    # then
    assert not errors, errors
    assert not Accrual.objects.filter(expires_at__lte=timezone.now(), remaining__gt=0).exists()
    assert_ledger_consistent()
    out = io.StringIO()
    call_command("reconcile", stdout=out, stderr=io.StringIO())  # raises SystemExit(1) on a discrepancy
