"""Admin of redemptions and reversals: read-only rows, and the Reverse form over the reversal service."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from ledger.models import Account, JournalEntry
from ledger.tests.factories import fund
from loyalty.models import Membership
from loyalty.tests.admin_helpers import admin_url, count_queries, redeem
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reversal, Reward
from rewards.services import redemption_create_direct, reversal_create
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reward(asset):
    return RewardFactory(asset=asset, name="Coffee", unit_cost=Decimal("10.00"), max_total=3)


@pytest.fixture
def redemption(reward, participant):
    """3 units of a 3-unit reward (now OUT_OF_STOCK) by a participant funded with 100.00."""
    return redeem(participant=participant, reward=reward, quantity=3, fund="100")


def _state(redemption: Redemption):
    """Everything a reversal moves."""
    redemption.refresh_from_db()
    reward = Reward.objects.get(pk=redemption.reward_id)
    return (
        redemption.status,
        redemption.reversed_amount,
        redemption.reversed_quantity,
        Account.objects.get(type="WALLET", participant_id=redemption.participant_id).balance,
        reward.redeemed_count,
        reward.status,
        Reversal.objects.count(),
        JournalEntry.objects.count(),
    )


def _reverse_form(client, redemption):
    response = client.get(admin_url(Redemption, "reverse", redemption.pk))
    assert response.status_code == HTTPStatus.OK
    return response.context["form"]


def _post_reversal(client, redemption, **data):
    form = _reverse_form(client, redemption)
    payload = {"reason": "", "restock": "on", "idempotency_key": str(form.initial["idempotency_key"]), **data}
    return client.post(admin_url(Redemption, "reverse", redemption.pk), payload)


def test_redemption_page_has_a_reverse_button_for_an_operator(operator_client, redemption):
    # when
    response = operator_client.get(admin_url(Redemption, "change", redemption.pk))

    # then
    assert response.status_code == HTTPStatus.OK
    assert admin_url(Redemption, "reverse", redemption.pk) in response.content.decode()


def test_operator_reverses_one_unit_through_the_form(operator_client, operator_user, redemption):
    # when
    response = _post_reversal(operator_client, redemption, quantity="1", reason="Damaged cup")

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == admin_url(Redemption, "change", redemption.pk)
    reversal = Reversal.objects.get()
    assert (reversal.quantity, reversal.amount, reversal.reason) == (1, Decimal("10"), "Damaged cup")
    assert reversal.restock is True
    assert reversal.created_by_user == operator_user and reversal.created_by_api_key is None
    entry = reversal.journal_entry
    assert (entry.kind, entry.reverses_id) == ("REVERSAL", redemption.journal_entry_id)
    status, reversed_amount, reversed_quantity, wallet, redeemed_count, reward_status, *_ = _state(redemption)
    assert (status, reversed_amount, reversed_quantity) == ("PARTIALLY_REVERSED", Decimal("10"), 1)
    assert wallet == Decimal("80")
    assert (redeemed_count, reward_status) == (2, "ACTIVE")


def test_the_redemption_page_shows_the_new_status_and_the_reversal_after_reversing(operator_client, redemption):
    # given
    _post_reversal(operator_client, redemption, quantity="1")

    # when
    response = operator_client.get(admin_url(Redemption, "change", redemption.pk))

    # then
    content = response.content.decode()
    assert "PARTIALLY_REVERSED" in content
    assert "user operator" in content


def test_reversing_without_restock_refunds_but_keeps_the_stock_taken(operator_client, redemption):
    # when
    response = _post_reversal(operator_client, redemption, quantity="1", restock="")

    # then
    assert response.status_code == HTTPStatus.FOUND
    _, _, _, wallet, redeemed_count, reward_status, *_ = _state(redemption)
    assert (wallet, redeemed_count, reward_status) == (Decimal("80"), 3, "OUT_OF_STOCK")


def test_reversing_more_units_than_remain_shows_the_error_and_changes_nothing(operator_client, redemption):
    # given
    before = _state(redemption)

    # when
    response = _post_reversal(operator_client, redemption, quantity="4")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["quantity"] == ["4 unit(s) asked, 3 left to reverse."]
    assert "4 unit(s) asked, 3 left to reverse." in response.content.decode()
    assert _state(redemption) == before


def test_reversing_a_fully_reversed_redemption_shows_the_error_and_changes_nothing(operator_client, redemption):
    # given
    reversal_create(redemption=redemption)
    before = _state(redemption)

    # when
    response = _post_reversal(operator_client, redemption, quantity="1")

    # then
    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].non_field_errors()
    assert errors == ["The redemption is fully reversed; nothing is left to reverse."]
    assert _state(redemption) == before


def test_a_fully_reversed_redemption_has_no_reverse_button(operator_client, redemption):
    # given
    reversal_create(redemption=redemption)

    # when
    response = operator_client.get(admin_url(Redemption, "change", redemption.pk))

    # then
    assert response.status_code == HTTPStatus.OK
    assert admin_url(Redemption, "reverse", redemption.pk) not in response.content.decode()


def test_a_zero_quantity_is_refused_by_the_form_and_changes_nothing(operator_client, redemption):
    # given
    before = _state(redemption)

    # when
    response = _post_reversal(operator_client, redemption, quantity="0")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["quantity"]
    assert _state(redemption) == before


def test_submitting_the_same_reversal_form_twice_records_one_reversal(operator_client, redemption):
    # given
    form = _reverse_form(operator_client, redemption)
    payload = {"quantity": "1", "reason": "", "restock": "on", "idempotency_key": str(form.initial["idempotency_key"])}
    url = admin_url(Redemption, "reverse", redemption.pk)

    # when
    first = operator_client.post(url, payload)
    second = operator_client.post(url, payload)

    # then
    assert (first.status_code, second.status_code) == (HTTPStatus.FOUND, HTTPStatus.FOUND)
    assert Reversal.objects.count() == 1
    redemption.refresh_from_db()
    assert redemption.reversed_quantity == 1


def test_an_amount_based_redemption_is_reversed_by_amount(operator_client, program, asset, participant):
    # given
    voucher = RewardFactory(asset=asset, type="AMOUNT_BASED")
    redemption = redeem(participant=participant, reward=voucher, amount="25.00", fund="100")

    # when
    form = _reverse_form(operator_client, redemption)
    response = _post_reversal(operator_client, redemption, amount="5.50")

    # then
    assert set(form.fields) == {"amount", "reason", "restock", "idempotency_key"}
    assert response.status_code == HTTPStatus.FOUND
    redemption.refresh_from_db()
    assert (redemption.status, redemption.reversed_amount) == ("PARTIALLY_REVERSED", Decimal("5.50"))


def test_a_direct_redemption_is_reversed_by_amount_without_restock(operator_client, program, asset, participant):
    # given
    fund(participant, asset, "40")
    redemption = redemption_create_direct(
        program=program, participant=participant, asset=asset, amount=Decimal("30")
    ).record

    # when
    form = _reverse_form(operator_client, redemption)
    response = operator_client.post(
        admin_url(Redemption, "reverse", redemption.pk),
        {"amount": "30", "reason": "", "idempotency_key": str(form.initial["idempotency_key"])},
    )

    # then
    assert set(form.fields) == {"amount", "reason", "idempotency_key"}
    assert response.status_code == HTTPStatus.FOUND
    redemption.refresh_from_db()
    assert redemption.status == "FULLY_REVERSED"


def test_an_amount_above_what_is_left_shows_the_error_and_changes_nothing(operator_client, asset, participant):
    # given
    voucher = RewardFactory(asset=asset, type="AMOUNT_BASED")
    redemption = redeem(participant=participant, reward=voucher, amount="25.00", fund="100")
    before = _state(redemption)

    # when
    response = _post_reversal(operator_client, redemption, amount="25.01")

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["amount"] == ["25.01 asked, 25.00 left to reverse."]
    assert _state(redemption) == before


def test_a_staff_user_without_the_add_reversal_permission_cannot_reverse(redemption):
    # given
    viewer = get_user_model().objects.create_user("viewer", password="viewer-pass-1x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_redemption"))
    Membership.objects.create(user=viewer, tenant=redemption.tenant)
    client = Client()
    client.force_login(viewer)
    before = _state(redemption)

    # when
    page = client.get(admin_url(Redemption, "change", redemption.pk))
    form = client.get(admin_url(Redemption, "reverse", redemption.pk))
    post = client.post(admin_url(Redemption, "reverse", redemption.pk), {"quantity": "1"})

    # then
    assert page.status_code == HTTPStatus.OK
    assert admin_url(Redemption, "reverse", redemption.pk) not in page.content.decode()
    assert (form.status_code, post.status_code) == (HTTPStatus.FORBIDDEN, HTTPStatus.FORBIDDEN)
    assert _state(redemption) == before


@pytest.mark.parametrize("who", ["operator_client", "superuser_client"])
@pytest.mark.parametrize("model", [Redemption, Reversal])
def test_nobody_may_add_change_or_delete_redemptions_or_reversals(request, redemption, who, model):
    # given
    client = request.getfixturevalue(who)
    reversal_create(redemption=redemption, quantity=1)
    row = model.objects.get()
    before = _state(redemption)

    # when
    add = client.get(admin_url(model, "add"))
    change = client.post(admin_url(model, "change", row.pk), {"status": "COMPLETED", "amount": "1"})
    delete = client.post(admin_url(model, "delete", row.pk), {"post": "yes"})
    view = client.get(admin_url(model, "change", row.pk))

    # then
    assert [r.status_code for r in (add, change, delete)] == [HTTPStatus.FORBIDDEN] * 3
    assert view.status_code == HTTPStatus.OK
    assert _state(redemption) == before


def _redemptions(program, asset, count):
    """``count`` redemptions of different participants and rewards, one of them partly reversed."""
    for i in range(count):
        reward = RewardFactory(asset=asset, name=f"Reward {i}", unit_cost=Decimal("1"))
        redemption = redeem(participant=ParticipantFactory(programs=[program]), reward=reward, quantity=2, fund="10")
        if i == 0:
            reversal_create(redemption=redemption, quantity=1)


@pytest.mark.parametrize("model", [Redemption, Reversal])
def test_changelist_runs_the_same_number_of_queries_for_3_or_30_rows(operator_client, program, asset, model):
    # given
    url = admin_url(model, "changelist")
    _redemptions(program, asset, 3)
    if model is Reversal:
        for redemption in Redemption.objects.filter(status="COMPLETED"):
            reversal_create(redemption=redemption, quantity=1)
    few = count_queries(operator_client, url)

    # when
    _redemptions(program, asset, 27)
    if model is Reversal:
        for redemption in Redemption.objects.filter(status="COMPLETED"):
            reversal_create(redemption=redemption, quantity=1)
    many = count_queries(operator_client, url)

    # then
    assert model.objects.count() == 30
    assert many == few


def test_redemption_changelist_filters_by_status_and_reward(operator_client, program, asset):
    # given
    _redemptions(program, asset, 3)
    reversed_one = Redemption.objects.get(status="PARTIALLY_REVERSED")
    url = admin_url(Redemption, "changelist")

    # when
    by_status = operator_client.get(url, {"status__exact": "PARTIALLY_REVERSED"})
    by_reward = operator_client.get(url, {"reward__id__exact": str(reversed_one.reward_id)})
    by_program = operator_client.get(url, {"program__id__exact": str(program.pk)})

    # then
    assert [r.pk for r in by_status.context["cl"].result_list] == [reversed_one.pk]
    assert [r.pk for r in by_reward.context["cl"].result_list] == [reversed_one.pk]
    assert len(by_program.context["cl"].result_list) == 3


@pytest.mark.django_db
def test_the_redemptions_csv_export_has_the_current_filter_only_and_safe_cells(superuser_client, program, asset):
    # given: two redemptions, one reversed in full
    from loyalty.tests.admin_helpers import admin_url, redeem
    from participants.tests.factories import ParticipantFactory
    from rewards.models import Redemption
    from rewards.services import reversal_create
    from rewards.tests.factories import RewardFactory

    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), name="=Mug")
    kept = redeem(participant=ParticipantFactory(programs=[program], external_id="+kept"), reward=reward, quantity=1)
    gone = redeem(participant=ParticipantFactory(programs=[program]), reward=reward, quantity=1)
    reversal_create(redemption=gone)

    # when
    response = superuser_client.get(admin_url(Redemption, "changelist") + "export.csv?status__exact=COMPLETED")

    # then
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,created_at,program,participant_external_id,reward")
    assert len(lines) == 2 and lines[1].startswith(str(kept.id))
    assert ",'+kept,'=Mug," in lines[1] and ",10.00,1,COMPLETED,0.00," in lines[1]
