"""Money on the embedded SQLite database: amounts it cannot hold exactly get a clear 400, never a 500."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from loyalty import sql
from participants.models import Accrual

HUGE = "12345678901.25"  # 10^10 points or more: 16 significant digits with the ledger's four places


@pytest.mark.django_db
def test_an_accrual_too_large_for_sqlite_to_hold_exactly_is_refused_there_and_nothing_moves(
    client_for, program, asset, participant
):
    # when
    response = client_for.post(
        f"/api/v1/participants/{participant.id}/accruals",
        {"program_id": str(program.id), "asset_id": str(asset.id), "amount": HUGE},
    )

    # then
    if sql.is_postgresql():
        assert response.status_code == HTTPStatus.CREATED
    else:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["error"]["code"] == "validation_error"
        assert "amount" in response.json()["error"]["fields"]
        assert not Accrual.objects.filter(participant=participant).exists()
