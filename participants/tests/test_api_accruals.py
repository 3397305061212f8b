"""POST /api/v1/participants/{participant_id}/accruals."""

from decimal import Decimal
from http import HTTPStatus
from uuid import uuid4

import pytest

from ledger.models import Account, JournalEntry
from ledger.tests.factories import AssetFactory
from loyalty.models import IdempotencyRecord, Program
from loyalty.tests.factories import ProgramFactory
from loyalty.tests.helpers import assert_error, db_state, is_utc_timestamp
from participants.models import Accrual, Enrollment
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

ACCRUAL_FIELDS = {
    "id",
    "program_id",
    "participant_id",
    "asset_id",
    "amount",
    "description",
    "journal_entry_id",
    "created_at",
    "available_at",
    "expires_at",
    "status",
    "remaining",
    "spent_amount",
    "expired_amount",
    "reversed_amount",
}
MISSING = object()


def url(participant) -> str:
    return f"/api/v1/participants/{participant.id}/accruals"


def body_for(asset, **changes) -> dict:
    body = {"program_id": str(asset.program_id), "asset_id": str(asset.id), "amount": "50.00", **changes}
    return {key: value for key, value in body.items() if value is not MISSING}


def wallet_balance(participant, asset) -> Decimal | None:
    wallet = Account.objects.filter(type="WALLET", participant=participant, asset=asset).first()
    return wallet.balance if wallet else None


# --- happy paths ------------------------------------------------------------------


def test_an_accrual_answers_201_with_exactly_the_contract_fields(client_for, participant, asset):
    # when
    response = client_for.post(url(participant), body_for(asset, amount="50", description="Purchase #1"))

    # then
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert set(body) == ACCRUAL_FIELDS
    accrual = Accrual.objects.get()
    assert body == {
        "id": str(accrual.id),
        "program_id": str(asset.program_id),
        "participant_id": str(participant.id),
        "asset_id": str(asset.id),
        "amount": "50.00",
        "description": "Purchase #1",
        "journal_entry_id": str(accrual.journal_entry_id),
        "created_at": body["created_at"],
        "available_at": body["created_at"],  # available at once (the asset's pending_days is 0)
        "expires_at": None,
        "status": "AVAILABLE",
        "remaining": "50.00",
        "spent_amount": "0.00",
        "expired_amount": "0.00",
        "reversed_amount": "0.00",
    }
    assert is_utc_timestamp(body["created_at"])


def test_an_accrual_credits_the_wallet_from_issuance_in_one_balanced_entry(client_for, participant, asset):
    # when
    response = client_for.post(url(participant), body_for(asset, amount="50.00"))

    # then
    entry = JournalEntry.objects.get(id=response.json()["journal_entry_id"])
    lines = {(line.account.type, line.direction, line.amount) for line in entry.lines.select_related("account")}
    assert entry.kind == "ACCRUAL"
    assert lines == {("ISSUANCE", "DEBIT", Decimal("50")), ("WALLET", "CREDIT", Decimal("50"))}
    assert wallet_balance(participant, asset) == Decimal("50")


def test_the_description_defaults_to_accrual(client_for, participant, asset):
    # when
    response = client_for.post(url(participant), body_for(asset))

    # then
    assert response.json()["description"] == "Accrual"
    assert JournalEntry.objects.get().description == "Accrual"


def test_a_description_of_500_characters_is_accepted(client_for, participant, asset):
    # when
    response = client_for.post(url(participant), body_for(asset, description="d" * 500))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert Accrual.objects.get().description == "d" * 500


@pytest.mark.postgres  # the embedded SQLite refuses amounts of 10^10 or more (loyalty/tests/test_money.py)
def test_the_largest_amount_is_accepted(client_for, participant, asset):
    # when
    response = client_for.post(url(participant), body_for(asset, amount="999999999999.99"))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["amount"] == "999999999999.99"
    assert wallet_balance(participant, asset) == Decimal("999999999999.99")


@pytest.mark.parametrize("scale, amount, rendered", [(0, "7", "7"), (4, "1.2345", "1.2345"), (4, "3", "3.0000")])
def test_the_amount_is_rendered_with_the_assets_scale(client_for, participant, program, scale, amount, rendered):
    # given
    asset = AssetFactory(program=program, scale=scale)

    # when
    response = client_for.post(url(participant), body_for(asset, amount=amount))

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["amount"] == rendered


# --- idempotency ------------------------------------------------------------------


def test_repeating_an_accrual_with_its_idempotency_key_answers_200_with_the_same_record(client_for, participant, asset):
    # given
    first = client_for.post(url(participant), body_for(asset, idempotency_key="order-1"))
    after_first = db_state()

    # when
    repeat = client_for.post(url(participant), body_for(asset, idempotency_key="order-1"))

    # then
    assert (first.status_code, repeat.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert repeat.content == first.content
    assert db_state() == after_first
    assert wallet_balance(participant, asset) == Decimal("50")


def test_the_idempotency_key_may_come_from_the_header(client_for, participant, asset):
    # given
    first = client_for.post(url(participant), body_for(asset), HTTP_IDEMPOTENCY_KEY="order-2")

    # when
    repeat = client_for.post(url(participant), body_for(asset), HTTP_IDEMPOTENCY_KEY="order-2")

    # then
    assert (first.status_code, repeat.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert repeat.content == first.content
    assert Accrual.objects.get().idempotency_key == "order-2"


def test_the_header_and_the_body_key_may_both_be_sent_when_equal(client_for, participant, asset):
    # when
    response = client_for.post(url(participant), body_for(asset, idempotency_key="same"), HTTP_IDEMPOTENCY_KEY="same")

    # then
    assert response.status_code == HTTPStatus.CREATED
    assert IdempotencyRecord.objects.get().key == "same"


def test_a_header_key_that_differs_from_the_body_key_is_400_and_changes_nothing(client_for, participant, asset):
    # given
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset, idempotency_key="a"), HTTP_IDEMPOTENCY_KEY="b")

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="idempotency_key")
    assert db_state() == before


@pytest.mark.parametrize("header", ["", "k" * 256])
def test_a_header_key_of_the_wrong_length_is_400_and_changes_nothing(client_for, participant, asset, header):
    # given
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset), HTTP_IDEMPOTENCY_KEY=header)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="idempotency_key")
    assert db_state() == before


@pytest.mark.parametrize(
    "changes",
    [{"amount": "60.00"}, {"description": "Other"}, {"description": "Accrual", "amount": "50.01"}],
)
def test_reusing_an_idempotency_key_with_a_different_body_is_409_and_changes_nothing(
    client_for, participant, asset, changes
):
    # given
    client_for.post(url(participant), body_for(asset, idempotency_key="order-3"))
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset, idempotency_key="order-3", **changes))

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert db_state() == before


def test_reusing_an_idempotency_key_for_another_participant_is_409(client_for, participant, asset, program):
    # given
    client_for.post(url(participant), body_for(asset, idempotency_key="order-4"))
    other = ParticipantFactory(programs=[program])
    before = db_state()

    # when
    response = client_for.post(url(other), body_for(asset, idempotency_key="order-4"))

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert db_state() == before


def test_a_repeat_answers_200_even_after_the_program_was_deactivated(client_for, participant, asset, program):
    # given
    first = client_for.post(url(participant), body_for(asset, idempotency_key="order-5"))
    Program.objects.filter(id=program.id).update(status="INACTIVE")
    before = db_state()

    # when
    repeat = client_for.post(url(participant), body_for(asset, idempotency_key="order-5"))

    # then
    assert repeat.status_code == HTTPStatus.OK
    assert repeat.content == first.content
    assert db_state() == before


def test_a_failed_request_does_not_consume_its_idempotency_key(make_client, asset, program):
    # given
    other = ProgramFactory()
    participant = ParticipantFactory(programs=[other])
    client = make_client(programs=[program, other])
    failed = client.post(url(participant), body_for(asset, idempotency_key="order-7"))
    Enrollment.objects.create(tenant=program.tenant, participant=participant, program=program)

    # when
    retry = client.post(url(participant), body_for(asset, idempotency_key="order-7"))

    # then
    assert_error(failed, HTTPStatus.UNPROCESSABLE_ENTITY, "participant_not_enrolled")
    assert retry.status_code == HTTPStatus.CREATED
    assert (Accrual.objects.count(), IdempotencyRecord.objects.count()) == (1, 1)


# --- validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"amount": MISSING}, "amount"),
        ({"amount": MISSING, "amout": "50.00"}, "amout"),
        ({"amount": 50}, "amount"),
        ({"amount": 50.5}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "0.00"}, "amount"),
        ({"amount": " 5"}, "amount"),
        ({"amount": "5 "}, "amount"),
        ({"amount": "5."}, "amount"),
        ({"amount": ".5"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "Infinity"}, "amount"),
        ({"amount": "1,000"}, "amount"),
        ({"amount": "1000000000000"}, "amount"),
        ({"amount": "12.34567"}, "amount"),
        ({"description": "d" * 501}, "description"),
        ({"description": 12}, "description"),
        ({"description": ""}, "description"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "k" * 256}, "idempotency_key"),
        ({"idempotency_key": 7}, "idempotency_key"),
        ({"program_id": "not-a-uuid"}, "program_id"),
        ({"program_id": MISSING}, "program_id"),
        ({"asset_id": "1234"}, "asset_id"),
        ({"asset_id": 1234}, "asset_id"),
        ({"id": str(uuid4())}, "id"),
        ({"participant_id": str(uuid4())}, "participant_id"),
        ({"journal_entry_id": str(uuid4())}, "journal_entry_id"),
        ({"created_at": "2024-01-15T10:30:00Z"}, "created_at"),
    ],
)
def test_an_invalid_body_is_400_and_changes_nothing(client_for, participant, asset, changes, field):
    # given
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset, **changes))

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field=field)
    assert db_state() == before


@pytest.mark.parametrize("scale, amount", [(2, "1.001"), (2, "0.005"), (0, "1.5"), (0, "0.1"), (0, "5.0"), (2, "50.000")])
def test_more_decimals_than_the_assets_scale_is_400_and_changes_nothing(
    client_for, participant, program, scale, amount
):
    # given
    asset = AssetFactory(program=program, scale=scale)
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset, amount=amount))

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="amount")
    assert db_state() == before


@pytest.mark.parametrize("body", [[], "text", 5, None])
def test_a_body_that_is_not_a_json_object_is_400(client_for, participant, body):
    # given
    before = db_state()

    # when
    response = client_for.post(url(participant), body)

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error")
    assert db_state() == before


# --- objects the request names --------------------------------------------------------


@pytest.mark.parametrize("participant_id", ["not-a-uuid", str(uuid4())])
def test_an_unknown_or_malformed_participant_in_the_path_is_404(client_for, asset, participant_id):
    # given
    before = db_state()

    # when
    response = client_for.post(f"/api/v1/participants/{participant_id}/accruals", body_for(asset))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_the_path_is_checked_before_the_body(client_for, asset):
    # when
    response = client_for.post(f"/api/v1/participants/{uuid4()}/accruals", {"amout": 5})

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def test_the_body_shape_is_checked_before_the_objects_it_names(client_for, participant):
    # when
    response = client_for.post(url(participant), {"program_id": str(uuid4()), "asset_id": "bad", "amount": "1"})

    # then
    assert_error(response, HTTPStatus.BAD_REQUEST, "validation_error", field="asset_id")


def test_an_unknown_program_is_404_and_changes_nothing(client_for, participant, asset):
    # given
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset, program_id=str(uuid4())))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_an_unknown_asset_is_404_and_changes_nothing(client_for, participant, asset):
    # given
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset, asset_id=str(uuid4())))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_an_asset_of_another_program_is_404_and_changes_nothing(make_client, participant, asset, program):
    # given
    other_program = ProgramFactory()
    other_asset = AssetFactory(program=other_program)
    client = make_client(programs=[program, other_program])
    before = db_state()

    # when
    response = client.post(url(participant), body_for(asset, asset_id=str(other_asset.id)))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert db_state() == before


def test_an_asset_scale_error_comes_after_the_objects_are_found(client_for, participant, asset):
    # when
    response = client_for.post(url(participant), body_for(asset, asset_id=str(uuid4()), amount="1.001"))

    # then
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


# --- business rules -----------------------------------------------------------------


def test_accruing_in_an_inactive_program_is_422_and_changes_nothing(client_for, participant, asset, program):
    # given
    Program.objects.filter(id=program.id).update(status="INACTIVE")
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset, idempotency_key="k"))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "program_not_active")
    assert db_state() == before


def test_accruing_for_a_participant_not_enrolled_in_the_program_is_422_and_changes_nothing(make_client, asset, program):
    # given
    other = ProgramFactory()
    participant = ParticipantFactory(programs=[other])
    client = make_client(programs=[program, other])
    before = db_state()

    # when
    response = client.post(url(participant), body_for(asset))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "participant_not_enrolled")
    assert db_state() == before


def test_an_inactive_program_is_reported_before_a_missing_enrolment(make_client, asset, program):
    # given
    other = ProgramFactory()
    participant = ParticipantFactory(programs=[other])
    Program.objects.filter(id=program.id).update(status="INACTIVE")
    client = make_client(programs=[program, other])

    # when
    response = client.post(url(participant), body_for(asset))

    # then
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "program_not_active")


def test_an_idempotency_conflict_is_reported_before_an_inactive_program(client_for, participant, asset, program):
    # given
    client_for.post(url(participant), body_for(asset, idempotency_key="order-8"))
    Program.objects.filter(id=program.id).update(status="INACTIVE")
    before = db_state()

    # when
    response = client_for.post(url(participant), body_for(asset, idempotency_key="order-8", amount="1.00"))

    # then
    assert_error(response, HTTPStatus.CONFLICT, "idempotency_key_reused")
    assert db_state() == before
