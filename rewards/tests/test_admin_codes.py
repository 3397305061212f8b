"""Admin of reward codes: the fulfilment, a text/CSV upload on the reward's page, counts, codes masked everywhere."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loyalty.tests.admin_helpers import admin_url, redeem
from rewards.models import Redemption, Reward, RewardCode, mask_code
from rewards.services import reversal_create, reward_codes_add
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

CODES = ["GIFT-AAAA-1111", "GIFT-BBBB-2222", "GIFT-CCCC-3333"]


@pytest.fixture
def code_reward(asset) -> Reward:
    return RewardFactory(asset=asset, name="Gift Card", unit_cost=Decimal("10.00"), fulfilment=Reward.Fulfilment.CODES)


def upload(client, reward, content: bytes, name: str = "codes.txt"):
    return client.post(admin_url(Reward, "codes", reward.pk), {"file": SimpleUploadedFile(name, content)})


def test_a_code_is_masked_but_its_last_4_characters():
    # then
    assert mask_code("GIFT-AAAA-1111") == "••••••••••1111"
    assert mask_code("1234") == "1234"


def test_operator_adds_a_codes_reward(operator_client, program, asset):
    # when
    response = operator_client.post(
        admin_url(Reward, "add"),
        {
            "program": str(program.pk),
            "asset": str(asset.pk),
            "name": "Gift Card",
            "description": "",
            "type": "UNIT_BASED",
            "fulfilment": "CODES",
            "unit_cost": "10.00",
            "status": "ACTIVE",
        },
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    reward = Reward.objects.get()
    assert (reward.fulfilment, reward.status, reward.codes_available) == ("CODES", "OUT_OF_STOCK", 0)


def test_an_amount_based_codes_reward_shows_the_service_error(operator_client, program, asset):
    # when
    response = operator_client.post(
        admin_url(Reward, "add"),
        {
            "program": str(program.pk),
            "asset": str(asset.pk),
            "name": "Donation",
            "description": "",
            "type": "AMOUNT_BASED",
            "fulfilment": "CODES",
            "status": "ACTIVE",
        },
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert "fulfilment" in response.context["adminform"].form.errors
    assert not Reward.objects.exists()


def test_the_reward_page_offers_the_upload_and_shows_the_counts(operator_client, code_reward):
    # given
    reward_codes_add(reward=code_reward, codes=CODES)

    # when
    response = operator_client.get(admin_url(Reward, "change", code_reward.pk))

    # then
    content = response.content.decode()
    assert 'id="upload-codes"' in content
    assert "3 available, 0 issued, 0 voided" in content


def test_a_reward_without_codes_offers_no_upload(operator_client, asset):
    # given
    reward = RewardFactory(asset=asset)

    # when
    response = operator_client.get(admin_url(Reward, "change", reward.pk))

    # then
    assert 'id="upload-codes"' not in response.content.decode()


def test_uploading_a_text_file_adds_its_codes_and_reports_duplicates_masked(operator_client, code_reward):
    # given
    reward_codes_add(reward=code_reward, codes=[CODES[0]])
    content = "\n".join([CODES[0], CODES[1], "", CODES[2], CODES[1]]).encode()

    # when
    response = upload(operator_client, code_reward, content)

    # then
    assert response.status_code == HTTPStatus.FOUND
    code_reward.refresh_from_db()
    assert (code_reward.status, code_reward.codes_available) == ("ACTIVE", 3)
    assert sorted(RewardCode.objects.values_list("code", flat=True)) == CODES
    shown = " ".join(str(m) for m in operator_client.get(response.url).context["messages"])
    assert "Added 2 code(s)." in shown and "2 duplicate(s) not added" in shown
    assert mask_code(CODES[0]) in shown and CODES[0] not in shown and CODES[1] not in shown


def test_uploading_a_csv_file_takes_its_first_column(operator_client, code_reward):
    # when
    upload(operator_client, code_reward, b'code,value\r\n"A,1",50\r\nB-2,50\r\n', name="codes.csv")

    # then: the header is a code like any line
    assert sorted(RewardCode.objects.values_list("code", flat=True)) == ["A,1", "B-2", "code"]


def test_a_file_with_a_bad_line_adds_nothing_and_names_the_line_not_the_code(operator_client, code_reward):
    # when
    response = upload(operator_client, code_reward, b"GOOD-1\n  SECRET-PADDED\n")

    # then
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "line 2: A code cannot begin or end with whitespace." in content
    assert "SECRET-PADDED" not in content
    assert not RewardCode.objects.exists()


def test_the_redemption_page_shows_its_codes_masked(operator_client, participant, code_reward):
    # given
    reward_codes_add(reward=code_reward, codes=CODES)
    redemption = redeem(participant=participant, reward=Reward.objects.get(pk=code_reward.pk), quantity=2)
    reversal_create(redemption=Redemption.objects.select_related("asset").get(pk=redemption.pk), quantity=1)

    # when
    response = operator_client.get(admin_url(Redemption, "change", redemption.pk))

    # then
    content = response.content.decode()
    assert f"{mask_code(CODES[0])}, {mask_code(CODES[1])} (voided)" in content
    assert not [code for code in CODES if code in content]


def test_the_reverse_form_of_a_codes_redemption_offers_no_restock(operator_client, participant, code_reward):
    # given
    reward_codes_add(reward=code_reward, codes=CODES)
    redemption = redeem(participant=participant, reward=Reward.objects.get(pk=code_reward.pk), quantity=1)

    # when
    response = operator_client.get(admin_url(Redemption, "reverse", redemption.pk))

    # then
    assert "restock" not in response.context["form"].fields
