"""The stock rule (rewards/stock.py): its SQL forms agree with its Python forms on every case."""

from __future__ import annotations

import itertools

import pytest

from loyalty import sql
from rewards.models import Reward
from rewards.stock import stock_has_room, stock_has_room_sql, stock_status, stock_status_sql

pytestmark = pytest.mark.django_db

STATUSES = [Reward.Status.ACTIVE, Reward.Status.INACTIVE, Reward.Status.OUT_OF_STOCK]
MAX_TOTALS = [None, 1, 2, 3]
REDEEMED_COUNTS = [0, 1, 2, 3, 4]
CODES_AVAILABLE = [None, 0, 1, 2, 3]  # None: a NONE reward; else a CODES reward with that many codes left


@pytest.fixture
def every_case(asset) -> list[Reward]:
    """One reward per (status, max_total, redeemed_count, codes_available), written as they are (no rule applied)."""
    return Reward.objects.bulk_create(
        Reward(
            tenant_id=asset.tenant_id,
            program_id=asset.program_id,
            asset=asset,
            name=f"{status} {max_total} {redeemed_count} {codes_available}",
            type=Reward.Type.UNIT_BASED,
            unit_cost=1,
            status=status,
            max_total=max_total,
            redeemed_count=redeemed_count,
            fulfilment=Reward.Fulfilment.NONE if codes_available is None else Reward.Fulfilment.CODES,
            codes_available=codes_available,
        )
        for status, max_total, redeemed_count, codes_available in itertools.product(
            STATUSES, MAX_TOTALS, REDEEMED_COUNTS, CODES_AVAILABLE
        )
    )


def evaluate(expression: str, params: list) -> dict:
    """``expression`` (over the columns of ``w``) for every reward, by name (one per case)."""
    w = sql.Alias(Reward, "w")
    return dict(sql.fetchall(f"SELECT {w.name}, {expression} FROM {w}", params))


@pytest.mark.parametrize("units", [0, 1, 2, 3])
def test_the_sql_status_agrees_with_the_python_status_after_taking_any_units(every_case, units):
    # given
    w = sql.Alias(Reward, "w")

    # when
    by_sql = evaluate(
        stock_status_sql(
            status=w.status,
            max_total=w.max_total,
            redeemed_count=f"{w.redeemed_count} + %s",
            codes_available=f"{w.codes_available} - %s",
        ),
        [units, units],
    )

    # then
    for reward in every_case:
        codes_left = None if reward.codes_available is None else reward.codes_available - units
        expected = stock_status(
            status=reward.status,
            max_total=reward.max_total,
            redeemed_count=reward.redeemed_count + units,
            codes_available=codes_left,
        )
        assert by_sql[reward.name] == expected, reward.name


@pytest.mark.parametrize("units", [1, 2, 3])
def test_the_sql_room_agrees_with_the_python_room_for_any_units(every_case, units):
    # given
    w = sql.Alias(Reward, "w")

    # when
    by_sql = evaluate(
        stock_has_room_sql(
            max_total=w.max_total, redeemed_count=w.redeemed_count, units="%s", codes_available=w.codes_available
        ),
        [units, units],
    )

    # then
    for reward in every_case:
        expected = stock_has_room(
            max_total=reward.max_total,
            redeemed_count=reward.redeemed_count,
            units=units,
            codes_available=reward.codes_available,
        )
        assert bool(by_sql[reward.name]) is expected, reward.name
