"""
The PostgreSQL guards of the lots (CHECK constraints on the model, triggers of
``participants/migrations/0004_lot_guards``), each proved by going around the
services (``QuerySet.update()``, raw SQL) and seeing the database refuse.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.tests.factories import fund
from participants.models import Accrual
from rewards.models import RedemptionAllocation
from rewards.services import redemption_create_direct

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

RESTRICT_VIOLATION = "23001"
CHECK_VIOLATION = "23514"


def refused(sqlstate: str, change) -> None:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        change()
    assert error.value.__cause__.sqlstate == sqlstate


@pytest.fixture
def lot(participant, asset):
    return fund(participant, asset, "10.00")


def test_database_refuses_a_lot_whose_parts_do_not_add_up(lot):
    refused(CHECK_VIOLATION, lambda: Accrual.objects.filter(id=lot.id).update(remaining=Decimal("11.00")))


def test_database_refuses_a_negative_part_even_when_the_sum_holds(lot):
    refused(
        CHECK_VIOLATION,
        lambda: Accrual.objects.filter(id=lot.id).update(remaining=Decimal("11.00"), spent_amount=Decimal("-1.00")),
    )


def test_database_refuses_a_change_of_a_lots_amount(lot):
    refused(
        RESTRICT_VIOLATION,
        lambda: Accrual.objects.filter(id=lot.id).update(amount=Decimal("20.00"), remaining=Decimal("20.00")),
    )


def test_database_refuses_to_put_a_released_lot_back_to_pending(lot):
    refused(RESTRICT_VIOLATION, lambda: Accrual.objects.filter(id=lot.id).update(released=False))


def test_database_refuses_to_delete_a_lot(lot):
    def delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM participants_accrual WHERE id = %s", [lot.id])

    refused(RESTRICT_VIOLATION, delete)


def test_database_refuses_to_edit_an_allocation(participant, asset, lot):
    # given
    redemption_create_direct(program=asset.program, participant=participant, asset=asset, amount=Decimal("4.00"))

    # when / then
    refused(RESTRICT_VIOLATION, lambda: RedemptionAllocation.objects.update(amount=Decimal("5.00")))
