"""
Fuzzing the redemption and reversal bodies with hypothesis.

Bodies are random JSON objects whose keys are the endpoint's real field
names or random text, and whose values are plausible ones (the world's ids,
amounts, quantities) or random JSON of any type. Whatever arrives, the API
never answers 5xx, always uses the error envelope on 4xx, changes nothing
when it refuses, and the ledger stays consistent (entries balance, no
negative wallet, counters agree). Deterministic (``derandomize``) and
bounded (``max_examples``) so that it runs in seconds, the same way in CI.
"""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ledger.tests.factories import fund
from rewards.models import Reward
from rewards.services import redemption_create_catalog, redemption_create_direct
from rewards.tests.factories import RewardFactory
from tests.ledger_checks import assert_ledger_consistent, world_snapshot

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

REDEMPTION_FIELDS = ["program_id", "reward_id", "asset_id", "quantity", "amount", "description", "idempotency_key"]
REVERSAL_FIELDS = ["quantity", "amount", "reason", "restock", "idempotency_key"]

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
amount_like = st.sampled_from(
    ["1.00", "5.00", "10.00", "0.01", "2.5", "250.00", "999999999999.99", "1e3", "-1", "0", " 5", "5.", "1.001"]
)
header_keys = st.none() | st.none() | st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=300
) | st.sampled_from(["k1", "k2", "k3"])
DROP = object()


class FuzzWorld:
    def __init__(self, program, asset, participant, other_asset):
        fund(participant, asset, "2000.00")
        self.program, self.asset, self.participant = program, asset, participant
        self.unit_reward = RewardFactory(
            asset=asset, unit_cost=Decimal("10.00"), max_total=20, max_per_participant=8
        )
        self.amount_reward = RewardFactory(
            asset=asset, type=Reward.Type.AMOUNT_BASED, min_amount=Decimal("1.00"), max_amount=Decimal("50.00")
        )
        self.unit_redemption = redemption_create_catalog(
            program=program, participant=participant, reward=self.unit_reward, quantity=4
        ).record
        self.amount_redemption = redemption_create_catalog(
            program=program, participant=participant, reward=self.amount_reward, amount=Decimal("30.00")
        ).record
        self.direct_redemption = redemption_create_direct(
            program=program, participant=participant, asset=asset, amount=Decimal("40.00")
        ).record
        self.ids = [
            str(program.id), str(asset.id), str(self.unit_reward.id), str(self.amount_reward.id),
            str(participant.id), str(other_asset.id), str(other_asset.program_id), "not-a-uuid",
            "00000000-0000-0000-0000-000000000000",
        ]

    def plausible(self, field: str):
        return {
            "program_id": st.sampled_from(self.ids),
            "reward_id": st.sampled_from(self.ids),
            "asset_id": st.sampled_from(self.ids),
            "quantity": st.integers(min_value=-1, max_value=4) | st.integers(),
            "amount": amount_like,
            "description": st.text(max_size=40),
            "reason": st.text(max_size=40),
            "restock": st.booleans(),
            "idempotency_key": st.sampled_from(["k1", "k2", "k3", "k4"]) | st.text(max_size=20),
        }[field]

    def _field(self, field: str, original):
        choices = {"keep": st.just(original), "plausible": self.plausible(field), "random": json_values,
                   "drop": st.just(DROP)}
        return st.sampled_from(["keep"] * 5 + ["plausible"] * 2 + ["random", "drop"]).flatmap(choices.__getitem__)

    def bodies(self, bases: list[dict], fields: list[str]):
        """A valid base body, mutated: values kept, replaced or dropped; known and unknown fields added."""

        def mutate(base: dict):
            kept = st.fixed_dictionaries({name: self._field(name, value) for name, value in base.items()})
            others = [name for name in fields if name not in base]
            extra = st.lists(st.sampled_from(others), max_size=2, unique=True).flatmap(
                lambda names: st.fixed_dictionaries({name: self.plausible(name) | json_values for name in names})
            )
            unknown = st.dictionaries(st.text(max_size=12), json_values, max_size=2)
            return st.tuples(kept, st.just({}) | extra, st.just({}) | st.just({}) | unknown).map(
                lambda parts: {
                    name: value for name, value in {**parts[2], **parts[1], **parts[0]}.items() if value is not DROP
                }
            )

        return st.sampled_from(bases).flatmap(mutate)

    def catalog_bases(self) -> list[dict]:
        program_id = str(self.program.id)
        return [
            {"program_id": program_id, "reward_id": str(self.unit_reward.id), "quantity": 1},
            {"program_id": program_id, "reward_id": str(self.amount_reward.id), "amount": "5.00"},
        ]

    def direct_bases(self) -> list[dict]:
        return [{"program_id": str(self.program.id), "asset_id": str(self.asset.id), "amount": "5.00"}]

    @staticmethod
    def reversal_bases() -> list[dict]:
        return [{}, {"quantity": 1}, {"amount": "1.00"}, {"restock": False}, {"reason": "returned"}]


@pytest.fixture
def fuzz_world(program, asset, participant):
    from ledger.tests.factories import AssetFactory

    return FuzzWorld(program, asset, participant, AssetFactory())


def assert_answer_is_sound(response, before: dict) -> None:
    event(f"status {response.status_code}")  # --hypothesis-show-statistics shows how deep the examples got
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, response.content
    body = response.json()
    if response.status_code >= HTTPStatus.BAD_REQUEST:
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "message", "fields"}, body
        assert isinstance(body["error"]["code"], str) and body["error"]["message"]
        assert world_snapshot() == before
    else:
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.CREATED)
        assert "id" in body
    assert_ledger_consistent()


@pytest.mark.django_db
def test_fuzzed_catalog_redemption_bodies_never_break_the_api_or_the_ledger(client_for, fuzz_world):
    world = fuzz_world

    @FUZZ
    @given(body=world.bodies(world.catalog_bases(), REDEMPTION_FIELDS), dry_run=st.booleans(), header=header_keys)
    def check(body, dry_run, header):
        # given
        before = world_snapshot()
        url = f"/api/v1/participants/{world.participant.id}/redemptions/catalog" + ("?dry_run=true" if dry_run else "")
        extra = {} if header is None else {"HTTP_IDEMPOTENCY_KEY": header}

        # when
        response = client_for.post(url, body, **extra)

        # then
        assert_answer_is_sound(response, before)

    check()


@pytest.mark.django_db
def test_fuzzed_direct_redemption_bodies_never_break_the_api_or_the_ledger(client_for, fuzz_world):
    world = fuzz_world

    @FUZZ
    @given(body=world.bodies(world.direct_bases(), REDEMPTION_FIELDS), header=header_keys)
    def check(body, header):
        # given
        before = world_snapshot()
        extra = {} if header is None else {"HTTP_IDEMPOTENCY_KEY": header}

        # when
        response = client_for.post(f"/api/v1/participants/{world.participant.id}/redemptions", body, **extra)

        # then
        assert_answer_is_sound(response, before)

    check()


@pytest.mark.django_db
def test_fuzzed_reversal_bodies_never_break_the_api_or_the_ledger(client_for, fuzz_world):
    world = fuzz_world
    redemptions = st.sampled_from([world.unit_redemption.id, world.amount_redemption.id, world.direct_redemption.id])

    @FUZZ
    @given(redemption_id=redemptions, body=world.bodies(world.reversal_bases(), REVERSAL_FIELDS), header=header_keys)
    def check(redemption_id, body, header):
        # given
        before = world_snapshot()
        extra = {} if header is None else {"HTTP_IDEMPOTENCY_KEY": header}

        # when
        response = client_for.post(f"/api/v1/redemptions/{redemption_id}/reversals", body, **extra)

        # then
        assert_answer_is_sound(response, before)

    check()


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.builds(lambda head, tail: head + tail, st.sampled_from([b"{", b"[", b'{"amount": ', b'{"program_id": "']),
              st.binary(max_size=100)),
)


@pytest.mark.django_db
def test_fuzzed_raw_bytes_as_a_redemption_body_are_answered_with_an_envelope(client_for, fuzz_world):
    world = fuzz_world

    @FUZZ
    @given(raw=raw_bodies)
    def check(raw):
        # given
        before = world_snapshot()

        # when
        response = client_for.generic(
            "POST", f"/api/v1/participants/{world.participant.id}/redemptions", raw, content_type="application/json"
        )

        # then
        assert_answer_is_sound(response, before)

    check()
