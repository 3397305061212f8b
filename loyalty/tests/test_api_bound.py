"""The serializers whose fields are built once (loyalty.api.bound) answer as a new instance per request would."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from rest_framework import serializers

from ledger.tests.factories import fund
from loyalty.api.bound import represented, validated
from rewards.api.serializers import (
    CatalogRedemptionCreateSerializer,
    RedemptionPreviewSerializer,
    RedemptionSerializer,
    RewardUpdateSerializer,
)
from rewards.services import redemption_create_catalog
from rewards.tests.api_support import redeem
from rewards.tests.factories import RewardFactory

PROGRAM_ID = "7d3c2b8e-6f4a-4c55-9a43-0e6b1f2d9c10"
REWARD_ID = "0b9e6a1c-2d4f-4e8a-b7c3-5f1d2e3a4b6c"

INVALID_BODIES = [
    None,
    [],
    "text",
    {},
    {"program_id": PROGRAM_ID},
    {"program_id": PROGRAM_ID, "reward_id": "not-a-uuid"},
    {"program_id": PROGRAM_ID, "reward_id": REWARD_ID, "quantity": 0},
    {"program_id": PROGRAM_ID, "reward_id": REWARD_ID, "quantity": "2"},
    {"program_id": PROGRAM_ID, "reward_id": REWARD_ID, "amount": 5},
    {"program_id": PROGRAM_ID, "reward_id": REWARD_ID, "colour": "red"},
    {"program_id": PROGRAM_ID, "reward_id": REWARD_ID, "idempotency_key": ""},
]


def errors_of_a_new_instance(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    assert not serializer.is_valid()
    return serializer.errors


@pytest.fixture
def redemptions(participant, asset):
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))
    return [redeem(reward, participant, quantity=quantity) for quantity in (1, 2)]


@pytest.mark.django_db
def test_a_redemption_is_represented_as_its_own_serializer_renders_it(redemptions):
    for redemption in redemptions:
        assert represented(RedemptionSerializer, redemption) == RedemptionSerializer(redemption).data


@pytest.mark.django_db
def test_each_redemption_is_represented_with_its_own_values(redemptions):
    first, second = (represented(RedemptionSerializer, redemption) for redemption in redemptions)

    assert (first["id"], first["quantity"]) == (str(redemptions[0].id), 1)
    assert (second["id"], second["quantity"]) == (str(redemptions[1].id), 2)


@pytest.mark.django_db
def test_a_dry_run_is_represented_as_the_preview_serializer_renders_it(participant, asset):
    fund(participant, asset, "100.00")
    reward = RewardFactory(asset=asset, unit_cost=Decimal("10.00"))
    preview = redemption_create_catalog(
        program=reward.program, participant=participant, reward=reward, quantity=3, dry_run=True
    ).record

    assert represented(RedemptionPreviewSerializer, preview) == RedemptionPreviewSerializer(preview).data


def test_a_valid_body_gives_the_validated_data_of_a_new_instance():
    body = {"program_id": PROGRAM_ID, "reward_id": REWARD_ID, "quantity": 2, "idempotency_key": "k-1"}
    serializer = CatalogRedemptionCreateSerializer(data=body)
    assert serializer.is_valid()

    assert validated(CatalogRedemptionCreateSerializer, body) == serializer.validated_data


@pytest.mark.parametrize("body", INVALID_BODIES, ids=repr)
def test_an_invalid_body_raises_the_errors_of_a_new_instance(body):
    with pytest.raises(serializers.ValidationError) as raised:
        validated(CatalogRedemptionCreateSerializer, body)

    assert raised.value.detail == errors_of_a_new_instance(CatalogRedemptionCreateSerializer, body)


def test_an_invalid_body_leaves_nothing_behind_for_the_next_one():
    with pytest.raises(serializers.ValidationError):
        validated(CatalogRedemptionCreateSerializer, {"program_id": PROGRAM_ID})

    assert validated(CatalogRedemptionCreateSerializer, {"program_id": PROGRAM_ID, "reward_id": REWARD_ID}) == {
        "program_id": uuid.UUID(PROGRAM_ID),
        "reward_id": uuid.UUID(REWARD_ID),
    }


def test_a_partial_body_is_validated_as_a_partial_instance_would():
    body = {"name": "Mug"}
    serializer = RewardUpdateSerializer(data=body, partial=True)
    assert serializer.is_valid()

    assert validated(RewardUpdateSerializer, body, partial=True) == serializer.validated_data


def test_a_body_missing_a_field_is_refused_when_not_partial():
    with pytest.raises(serializers.ValidationError) as raised:
        validated(CatalogRedemptionCreateSerializer, {"reward_id": REWARD_ID})

    assert set(raised.value.detail) == {"program_id"}
