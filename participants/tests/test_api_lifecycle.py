"""The points lifecycle through the API: lots, release, clawback, balances, allocations, the asset policy."""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from ledger.tests.factories import fund
from loyalty.tests.helpers import assert_error, db_state
from participants.models import Accrual
from participants.services import accrual_create

pytestmark = pytest.mark.django_db

D = Decimal


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def later(days: float) -> str:
    return iso(timezone.now() + timedelta(days=days))


def accrue(client, participant, asset, **fields):
    body = {"program_id": str(asset.program_id), "asset_id": str(asset.id), "amount": "10.00", **fields}
    return client.post(f"/api/v1/participants/{participant.id}/accruals", body)


def pending_lot(participant, asset, amount="10.00"):
    return accrual_create(
        program=asset.program, participant=participant, asset=asset, amount=D(amount),
        available_at=timezone.now() + timedelta(days=3),
    ).record


# --- accrual body and fields ----------------------------------------------------------


def test_an_accrual_with_available_at_later_answers_a_pending_lot(client_for, participant, asset):
    # when
    response = accrue(client_for, participant, asset, available_at=later(2), expires_at=later(30))

    # then
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["status"], body["remaining"], body["spent_amount"]) == ("PENDING", "10.00", "0.00")
    assert body["expires_at"].endswith("Z")


@pytest.mark.parametrize("expires_at", [later(-1), "2000-01-01T00:00:00Z"])
def test_an_expires_at_in_the_past_is_400_on_that_field_and_changes_nothing(client_for, participant, asset, expires_at):
    # given
    before = db_state()

    # when
    response = accrue(client_for, participant, asset, expires_at=expires_at)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="expires_at")
    assert db_state() == before


def test_omitted_null_and_a_timestamp_expires_at_are_three_requests_for_idempotency(client_for, participant, asset):
    # given
    assert accrue(client_for, participant, asset, idempotency_key="k").status_code == HTTPStatus.CREATED

    # when
    with_null = accrue(client_for, participant, asset, idempotency_key="k", expires_at=None)
    repeat = accrue(client_for, participant, asset, idempotency_key="k")

    # then
    assert_error(with_null, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert repeat.status_code == HTTPStatus.OK


def test_getting_an_accrual_answers_its_lot(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "10.00")

    # when
    response = client_for.get(f"/api/v1/accruals/{accrual.id}")

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["id"], response.json()["status"]) == (str(accrual.id), "AVAILABLE")


def test_listing_a_participants_accruals_filters_by_status_newest_first(client_for, participant, asset):
    # given
    available = fund(participant, asset, "10.00")
    pending = pending_lot(participant, asset)

    # when
    everything = client_for.get(f"/api/v1/participants/{participant.id}/accruals").json()
    only_pending = client_for.get(f"/api/v1/participants/{participant.id}/accruals?status=PENDING").json()

    # then
    assert [row["id"] for row in everything["results"]] == [str(pending.id), str(available.id)]
    assert [row["id"] for row in only_pending["results"]] == [str(pending.id)]


def test_an_unknown_accrual_is_404(client_for):
    assert_error(client_for.get("/api/v1/accruals/00000000-0000-4000-8000-000000000000"), HTTPStatus.NOT_FOUND, "not_found")


# --- release -------------------------------------------------------------------------------


def test_releasing_a_pending_lot_answers_200_with_it_available(client_for, participant, asset):
    # given
    accrual = pending_lot(participant, asset)

    # when
    response = client_for.post(f"/api/v1/accruals/{accrual.id}/release")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "AVAILABLE"
    balance = client_for.get(f"/api/v1/participants/{participant.id}/balances").json()["results"][0]
    assert (balance["balance"], balance["pending_balance"]) == ("10.00", "0.00")


def test_releasing_a_released_lot_answers_200_unchanged(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "10.00")
    before = db_state()

    # when
    response = client_for.post(f"/api/v1/accruals/{accrual.id}/release")

    # then
    assert response.status_code == HTTPStatus.OK
    assert db_state() == before


# --- clawback -------------------------------------------------------------------------------


def test_a_clawback_answers_201_with_the_updated_accrual(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "10.00")

    # when
    response = client_for.post(f"/api/v1/accruals/{accrual.id}/reversals", {"amount": "4.00", "reason": "returned"})

    # then
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert set(body) == {"id", "accrual_id", "amount", "reason", "journal_entry_id", "created_at", "accrual"}
    assert (body["amount"], body["accrual"]["remaining"], body["accrual"]["reversed_amount"]) == ("4.00", "6.00", "4.00")
    listed = client_for.get(f"/api/v1/accruals/{accrual.id}/reversals").json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]


def test_an_empty_clawback_takes_all_that_remains(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "10.00")

    # when
    response = client_for.post(f"/api/v1/accruals/{accrual.id}/reversals")

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert (response.json()["amount"], response.json()["accrual"]["status"]) == ("10.00", "CLOSED")


def test_a_clawback_beyond_remaining_is_422_and_changes_nothing(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "10.00")
    before = db_state()

    # when
    response = client_for.post(f"/api/v1/accruals/{accrual.id}/reversals", {"amount": "10.01"})

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "accrual_reversal_exceeds_remaining")
    assert db_state() == before


def test_a_repeated_clawback_with_its_key_answers_200_with_the_first(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "10.00")
    first = client_for.post(f"/api/v1/accruals/{accrual.id}/reversals", {"amount": "1.00", "idempotency_key": "c"})

    # when
    again = client_for.post(f"/api/v1/accruals/{accrual.id}/reversals", {"amount": "1.00", "idempotency_key": "c"})

    # then
    assert again.status_code == HTTPStatus.OK
    assert again.json()["id"] == first.json()["id"]


def test_a_clawback_with_an_unknown_field_is_400(client_for, participant, asset):
    # given
    accrual = fund(participant, asset, "10.00")

    # when
    response = client_for.post(f"/api/v1/accruals/{accrual.id}/reversals", {"amount": "1.00", "quantity": 1})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="quantity")


# --- balances and allocations -----------------------------------------------------------------


def test_balances_show_pending_and_the_soonest_expiries(client_for, participant, asset):
    # given
    soon = timezone.now() + timedelta(days=2)
    for amount, expires in (("5.00", soon), ("3.00", soon), ("2.00", soon + timedelta(days=1))):
        accrual_create(program=asset.program, participant=participant, asset=asset, amount=D(amount), expires_at=expires)
    fund(participant, asset, "1.00")  # never expires: not listed
    pending_lot(participant, asset, "7.00")

    # when
    balance = client_for.get(f"/api/v1/participants/{participant.id}/balances").json()["results"][0]

    # then
    assert (balance["balance"], balance["pending_balance"]) == ("11.00", "7.00")
    assert [entry["amount"] for entry in balance["expiring"]] == ["8.00", "2.00"]


def test_a_redemption_shows_what_it_took_from_each_lot(client_for, participant, asset):
    # given
    first = fund(participant, asset, "10.00")
    second = fund(participant, asset, "10.00")
    url = f"/api/v1/participants/{participant.id}/redemptions"

    # when
    created = client_for.post(url, {"program_id": str(asset.program_id), "asset_id": str(asset.id), "amount": "15.00"})

    # then
    allocations = [{"accrual_id": str(first.id), "amount": "10.00"}, {"accrual_id": str(second.id), "amount": "5.00"}]
    assert created.json()["allocations"] == allocations
    assert client_for.get(f"/api/v1/redemptions/{created.json()['id']}").json()["allocations"] == allocations


# --- asset policy ------------------------------------------------------------------------------


def test_patching_an_asset_changes_its_policy_for_later_accruals(client_for, participant, asset):
    # given
    before = fund(participant, asset, "1.00")

    # when
    response = client_for.patch(f"/api/v1/assets/{asset.id}", {"name": "Stars", "pending_days": 1, "validity_days": 365})
    after = accrue(client_for, participant, asset).json()

    # then
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["pending_days"], response.json()["validity_days"]) == (1, 365)
    assert Accrual.objects.get(id=before.id).expires_at is None
    assert after["status"] == "PENDING" and after["expires_at"] is not None


@pytest.mark.parametrize("body", [{"scale": 4}, {"code": "X"}, {"pending_days": 3651}, {"validity_days": 0}])
def test_patching_another_field_or_an_out_of_range_policy_is_400(client_for, asset, body):
    # given
    before = db_state()

    # when
    response = client_for.patch(f"/api/v1/assets/{asset.id}", body)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=next(iter(body)))
    assert db_state() == before
