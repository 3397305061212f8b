"""`reconcile` proves every movement of the retention period has its event (in its own transaction)."""

from __future__ import annotations

import pytest

from events.models import Event
from ledger.tests.test_reconcile import build_mix, only_failure, reconcile_json

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
