"""`reconcile` proves every movement (and clawback) of the retention period has its event (in its own transaction)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from events.models import Event
from ledger.tests.factories import fund
from ledger.tests.test_reconcile import build_mix, only_failure, reconcile_json
from participants.models import Accrual
from participants.services import accrual_reversal_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def mix(program, asset):
    return build_mix(program, asset)


def test_a_clean_mix_has_every_movement_announced(mix):
    # when
    outcome = reconcile_json()

    # then
    assert outcome.code == 0, outcome.out


@pytest.mark.parametrize(
    ("type", "record"),
    [
        ("accrual.created", lambda mix: mix.accrual),
        ("redemption.created", lambda mix: mix.direct),
        ("redemption.reversed", lambda mix: mix.amount_partial_reversal),
    ],
)
def test_a_movement_whose_event_was_deleted_is_named_by_the_movements_check(mix, type, record):
    # given
    movement = record(mix)
    (event,) = [e for e in Event.objects.filter(type=type) if e.data["id"] == str(movement.id)]
    event.delete()

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"]) == ("movement_without_event", str(movement.id), type)


def test_a_clawback_whose_event_was_deleted_is_named_by_the_movements_check(mix, participant, asset):
    # given: a clawback, then its accrual.reversed event lost
    fund(participant, asset, "20.00")
    lot = Accrual.objects.select_related("asset").filter(participant=participant).latest("created_at")
    clawback = accrual_reversal_create(accrual=lot, amount=Decimal("5.00")).record
    Event.objects.filter(type="accrual.reversed").delete()

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"]) == (
        "movement_without_event", str(clawback.id), "accrual.reversed"
    )
