"""
The number of SQL statements one movement issues, pinned.

Counted: the SQL statements CaptureQueriesContext records, minus the
transaction's own BEGIN and COMMIT (Django 4.2+ records those too; each test
asserts there is exactly one of each: one transaction, no retry). The
services run their own durable transaction, so the tests are transactional
(no SAVEPOINT from a test wrapper). The program accounts' ids are cached per
process (``ledger.selectors.program_account_id``); funding a wallet first
warms that cache, as any earlier request of the asset does in production.
The caller passes the reward with its asset (``select_related``), as the API
does.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.tests.factories import fund
from loyalty.errors import ProgramNotActive
from loyalty.models import Program
from participants.services import accrual_create
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reward
from rewards.services import redemption_create_catalog, redemption_create_direct, reversal_create, reward_codes_add
from rewards.tests.factories import RewardFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


TRANSACTION_CONTROL = ("BEGIN", "COMMIT")


class Statements(CaptureQueriesContext):
    """CaptureQueriesContext that counts statements other than BEGIN and COMMIT."""

    def __init__(self):
        super().__init__(connection)

    @property
    def sql(self) -> list[str]:
        return [q["sql"] for q in self.captured_queries if q["sql"] not in TRANSACTION_CONTROL]

    @property
    def transaction_control(self) -> list[str]:
        return [q["sql"] for q in self.captured_queries if q["sql"] in TRANSACTION_CONTROL]

    def __len__(self) -> int:
        return len(self.sql)

    def listing(self) -> str:
        return "\n".join(f"{i + 1}. {sql[:160]}" for i, sql in enumerate(self.sql))


def assert_count(context: Statements, expected: int, what: str) -> None:
    assert context.transaction_control == ["BEGIN", "COMMIT"], context.transaction_control
    assert len(context) == expected, (
        f"expected {expected} SQL statements ({what}; BEGIN/COMMIT not counted), got:\n{context.listing()}"
    )


@pytest.fixture
def funded(participant, asset):
    fund(participant, asset, "1000.00")
    return participant


@pytest.fixture
def reward(asset):
    created = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=100, max_per_participant=50)
    return Reward.objects.select_related("asset").get(id=created.id)


CATALOG = (
    "wallet SELECT ... FOR UPDATE with the enrolment as EXISTS and the per-participant count upsert in one, "
    "INSERT entry + INSERT lines + UPDATE wallet balance in one, INSERT redemption + INSERT event + INSERT its "
    "deliveries + guarded UPDATE reward in one"
)


def test_a_catalog_redemption_issues_3_statements(program, funded, reward):
    # when
    with Statements() as context:
        redemption_create_catalog(program=program, participant=funded, reward=reward, quantity=2)

    # then
    assert_count(context, 3, CATALOG)


def test_a_catalog_redemption_with_an_idempotency_key_claims_it_in_the_wallets_statement(program, funded, reward):
    # when
    with Statements() as context:
        redemption_create_catalog(program=program, participant=funded, reward=reward, idempotency_key="k-1")

    # then
    assert_count(context, 3, f"the key's INSERT ... ON CONFLICT DO NOTHING joined to the first of: {CATALOG}")
    assert context.sql[0].startswith('WITH k AS (INSERT INTO "loyalty_idempotencyrecord"')


def test_a_catalog_redemption_for_an_inactive_program_claims_its_key_alone(program, funded, reward):
    # given
    program.status = Program.Status.INACTIVE

    # when
    with Statements() as context, pytest.raises(ProgramNotActive):
        redemption_create_catalog(program=program, participant=funded, reward=reward, idempotency_key="k-1")

    # then: the key's claim, nothing locked, rolled back
    statements = [sql.split("(")[0] for sql in context.sql]
    assert context.transaction_control == ["BEGIN"]
    assert statements == ['INSERT INTO "loyalty_idempotencyrecord" ', "ROLLBACK"]


def test_an_idempotent_repeat_of_a_catalog_redemption_issues_3_statements(program, funded, reward):
    # given
    redemption_create_catalog(program=program, participant=funded, reward=reward, idempotency_key="k-1")

    # when
    with Statements() as context:
        redemption_create_catalog(program=program, participant=funded, reward=reward, idempotency_key="k-1")

    # then: the claim locks and counts nothing when the key is taken
    assert_count(
        context,
        3,
        "the key's INSERT ... ON CONFLICT DO NOTHING with the wallet's lock conditioned on it, SELECT the key's "
        "record, SELECT the redemption",
    )


def test_a_direct_redemption_issues_3_statements(program, funded, asset):
    # when
    with Statements() as context:
        redemption_create_direct(program=program, participant=funded, asset=asset, amount=Decimal("25.00"))

    # then
    assert_count(
        context,
        3,
        "wallet SELECT ... FOR UPDATE with the enrolment as EXISTS, INSERT entry + INSERT lines + "
        "UPDATE wallet balance in one, INSERT redemption + INSERT event + INSERT its deliveries in one",
    )


def test_an_accrual_to_an_existing_wallet_issues_3_statements(program, funded, asset):
    # when
    with Statements() as context:
        accrual_create(program=program, participant=funded, asset=asset, amount=Decimal("25.00"))

    # then
    assert_count(
        context,
        3,
        "wallet SELECT ... FOR UPDATE with the enrolment as EXISTS, INSERT entry + INSERT lines + "
        "UPDATE wallet balance in one, INSERT accrual + INSERT event + INSERT its deliveries in one",
    )


def test_a_first_accrual_that_creates_the_wallet_issues_6_statements(program, participant, asset):
    # given: another participant's accrual has cached the asset's program account ids
    fund(ParticipantFactory(programs=[program]), asset, "1.00")

    # when
    with Statements() as context:
        accrual_create(program=program, participant=participant, asset=asset, amount=Decimal("25.00"))

    # then
    assert_count(
        context,
        6,
        "wallet SELECT ... FOR UPDATE finds none, SELECT the enrolment, INSERT wallet ON CONFLICT DO NOTHING, "
        "wallet SELECT ... FOR UPDATE, INSERT entry + INSERT lines + UPDATE wallet balance in one, INSERT accrual + "
        "INSERT event + INSERT its deliveries in one",
    )


def test_a_unit_reversal_issues_13_statements(program, funded, reward):
    # given
    redemption = redemption_create_catalog(program=program, participant=funded, reward=reward, quantity=2).record
    redemption = Redemption.objects.select_related("asset").get(id=redemption.id)

    # when
    with Statements() as context:
        reversal_create(redemption=redemption, quantity=1)

    # then
    assert_count(
        context,
        13,
        "redemption SELECT ... FOR UPDATE, wallet SELECT ... FOR UPDATE, UPDATE participant count, INSERT entry + "
        "INSERT lines + UPDATE wallet balance in one, UPDATE redemption, INSERT audit record, SELECT the allocations "
        "net per lot, SELECT the lots FOR UPDATE, UPDATE each lot put back (one here), INSERT the put-back "
        "allocations, INSERT reversal, INSERT event + INSERT its deliveries in one, UPDATE reward",
    )


def test_a_catalog_redemption_through_the_api_sends_7_statements_begin_and_commit_included(
    program, funded, reward, client_for
):
    # given: a first request has warmed the process caches, as in a running worker
    body = {"program_id": str(program.id), "reward_id": str(reward.id), "quantity": 1}
    url = f"/api/v1/participants/{funded.id}/redemptions/catalog"
    assert client_for.post(url, {**body, "idempotency_key": "warm-up"}).status_code == 201

    # when
    with CaptureQueriesContext(connection) as context:
        response = client_for.post(url, {**body, "idempotency_key": "k-1"})

    # then: the whole request, BEGIN and COMMIT included (issue: at most 10)
    assert response.status_code == 201
    kinds = [" ".join(q["sql"].split()[:3]) for q in context.captured_queries]
    assert len(context.captured_queries) == 7, "\n".join(kinds)
    assert kinds[2:] == [
        "BEGIN",
        "WITH k AS",  # the key, then the wallet FOR UPDATE (if the key was claimed), then the per-participant count
        'WITH s0 AS',  # the entry, its lines, the wallet's balance
        'WITH s0 AS',  # the redemption, its event and deliveries, then the reward's guarded UPDATE
        "COMMIT",
    ]
    # before the transaction: the key; then the participant, and the program with the reward and its asset, in one
    before = [q["sql"] for q in context.captured_queries[:2]]
    assert before[0].split("FROM")[1].split()[0] == '"loyalty_apikey"'
    assert '"participants_participant"' in before[1] and '"loyalty_program"' in before[1]


@pytest.fixture
def code_reward(asset):
    created = RewardFactory(
        asset=asset, unit_cost=Decimal("10.00"), max_total=100, max_per_participant=50, fulfilment=Reward.Fulfilment.CODES
    )
    reward_codes_add(reward=created, codes=[f"C-{n}" for n in range(10)])
    return Reward.objects.select_related("asset").get(id=created.id)


def test_a_catalog_redemption_of_a_codes_reward_issues_one_statement_more(program, funded, code_reward):
    # when
    with Statements() as context:
        redemption_create_catalog(program=program, participant=funded, reward=code_reward, quantity=2)

    # then: the codes' UPDATE ... FOR UPDATE SKIP LOCKED RETURNING, between the entry and the reward
    assert_count(context, 4, f"{CATALOG}, with the codes' UPDATE ... SKIP LOCKED before the last")
    assert "SKIP LOCKED" in context.sql[2]


def test_an_idempotent_repeat_of_a_codes_redemption_answers_its_codes_with_one_statement_more(
    program, funded, code_reward, client_for
):
    # given
    body = {"program_id": str(program.id), "reward_id": str(code_reward.id), "quantity": 2, "idempotency_key": "k-1"}
    url = f"/api/v1/participants/{funded.id}/redemptions/catalog"
    first = client_for.post(url, body).json()

    # when
    with CaptureQueriesContext(connection) as context:
        repeat = client_for.post(url, body)

    # then
    assert repeat.json()["codes"] == first["codes"] == ["C-0", "C-1"]
    assert sum("rewards_rewardcode" in q["sql"] for q in context.captured_queries) == 1


def test_a_codes_redemption_through_the_api_sends_8_statements_begin_and_commit_included(
    program, funded, code_reward, client_for
):
    # given: a first request has warmed the process caches, as in a running worker
    body = {"program_id": str(program.id), "reward_id": str(code_reward.id), "quantity": 1}
    url = f"/api/v1/participants/{funded.id}/redemptions/catalog"
    assert client_for.post(url, {**body, "idempotency_key": "warm-up"}).status_code == 201

    # when
    with CaptureQueriesContext(connection) as context:
        response = client_for.post(url, {**body, "idempotency_key": "k-1"})

    # then: one statement more than a plain reward's 7, within the issue's 10; the event carries the code
    assert response.status_code == 201
    kinds = [" ".join(q["sql"].split()[:3]) for q in context.captured_queries]
    assert len(context.captured_queries) == 8, "\n".join(kinds)
    assert kinds[2:] == [
        "BEGIN",
        "WITH k AS",  # the key, then the wallet FOR UPDATE (if the key was claimed), then the per-participant count
        'WITH s0 AS',  # the entry, its lines, the wallet's balance, the lots' allocation
        'UPDATE "rewards_rewardcode" SET',  # the code, FOR UPDATE SKIP LOCKED
        'WITH s0 AS',  # the redemption, its event and deliveries, then the reward's guarded UPDATE
        "COMMIT",
    ]
    assert response.json()["codes"] == ["C-1"]
