"""
An installation upgraded from v1 finds everything it had, in the tenant Default.

The test database is migrated back to the last v1 state (before the tenant
migrations), v1 rows are written through the historical models (what v1's
services wrote: programs, assets and their accounts, participants enrolled
in two programs, accruals, a catalog redemption and its partial reversal, a
direct redemption, counters, idempotency records and API keys, in one
transaction that v1's ledger guards check at commit), and the database is
migrated forward. Then every id, balance, key and idempotency key works
through the API, and ``reconcile`` is clean. Runs on both databases.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.apps import apps as current_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from conftest import KeyClient
from loyalty.auth import generate_key, hash_key
from loyalty.idempotency import request_fingerprint

pytestmark = pytest.mark.django_db(transaction=True)

V1_STATE = [
    ("loyalty", "0002_operator_group"),
    ("ledger", "0003_guards"),
    ("participants", "0001_initial"),
    ("rewards", "0001_initial"),
]
DEFAULT_TENANT_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")  # loyalty 0003's
TENANT_OWNED = [
    ("loyalty", "Program"), ("loyalty", "ApiKey"), ("loyalty", "IdempotencyRecord"),
    ("ledger", "Asset"), ("ledger", "Account"), ("ledger", "JournalEntry"), ("ledger", "JournalLine"),
    ("participants", "Participant"), ("participants", "Enrollment"), ("participants", "Accrual"),
    ("rewards", "Reward"), ("rewards", "ParticipantRewardCount"), ("rewards", "Redemption"), ("rewards", "Reversal"),
]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@dataclass
class V1:
    """What the v1 installation holds, by id."""

    coffee: uuid.UUID
    tea: uuid.UUID
    points: uuid.UUID
    ada: uuid.UUID  # enrolled in both programs
    bob: uuid.UUID
    mug: uuid.UUID
    mug_redemption: uuid.UUID
    all_programs_key: str
    coffee_key: str
    row_ids: dict[str, set]


class V1Writer:
    """Writes rows as v1's services did, through the historical models of the v1 state."""

    def __init__(self, apps):
        self.apps = apps
        self.now = timezone.now()

    def model(self, app: str, name: str):
        return self.apps.get_model(app, name)

    def program(self, name: str):
        return self.model("loyalty", "Program").objects.create(name=name, status="ACTIVE")

    def asset(self, program):
        Asset, Account = self.model("ledger", "Asset"), self.model("ledger", "Account")
        asset = Asset.objects.create(program=program, code="POINTS", name="Points", scale=2)
        for kind in ("ISSUANCE", "REDEMPTIONS"):
            Account.objects.create(program=program, asset=asset, type=kind, balance=None)
        return asset

    def participant(self, external_id: str, *programs):
        participant = self.model("participants", "Participant").objects.create(
            external_id=external_id, display_name=external_id.title(), email=f"{external_id}@example.com"
        )
        for program in programs:
            self.model("participants", "Enrollment").objects.create(participant=participant, program=program)
        return participant

    def account(self, asset, type_: str, participant=None):
        Account = self.model("ledger", "Account")
        if participant is None:
            return Account.objects.get(asset=asset, type=type_, participant__isnull=True)
        wallet, _ = Account.objects.get_or_create(
            program_id=asset.program_id, asset=asset, type="WALLET", participant=participant,
            defaults={"balance": Decimal(0)},
        )
        return wallet

    def entry(self, program, asset, kind: str, debit, credit, amount: Decimal, reverses=None):
        JournalEntry, JournalLine = self.model("ledger", "JournalEntry"), self.model("ledger", "JournalLine")
        entry = JournalEntry.objects.create(
            program=program, kind=kind, description=kind.title(), reverses=reverses
        )
        JournalLine.objects.create(entry=entry, account=debit, asset=asset, direction="DEBIT", amount=amount)
        JournalLine.objects.create(entry=entry, account=credit, asset=asset, direction="CREDIT", amount=amount)
        for account, delta in ((debit, -amount), (credit, amount)):
            if account.type == "WALLET":
                account.balance += delta
                account.save(update_fields=["balance"])
        return entry

    def key_record(self, program, key: str, kind: str, resource_id, fingerprint: str) -> None:
        self.model("loyalty", "IdempotencyRecord").objects.create(
            program=program, key=key, fingerprint=fingerprint, kind=kind, resource_id=resource_id
        )

    def accrual(self, program, asset, participant, amount: str, *, key: str | None = None):
        amount = Decimal(amount)
        wallet = self.account(asset, "WALLET", participant)
        entry = self.entry(program, asset, "ACCRUAL", self.account(asset, "ISSUANCE"), wallet, amount)
        accrual = self.model("participants", "Accrual").objects.create(
            program=program, participant=participant, asset=asset, amount=amount, description="Accrual",
            journal_entry=entry, idempotency_key=key,
        )
        if key:
            fingerprint = request_fingerprint(
                endpoint="accrual",
                path_ids={"participant_id": participant.id},
                body={"program_id": program.id, "asset_id": asset.id, "amount": amount, "description": "Accrual"},
            )
            self.key_record(program, key, "ACCRUAL", accrual.id, fingerprint)
        return accrual

    def api_key(self, name: str, *programs) -> str:
        ApiKey = self.model("loyalty", "ApiKey")
        prefix, plain = generate_key()
        api_key = ApiKey.objects.create(
            name=name, prefix=prefix, key_hash=hash_key(plain), all_programs=not programs
        )
        api_key.programs.set(programs)
        return plain


def write_v1(apps) -> V1:
    """A v1 installation's rows, in one transaction (v1's deferred guards check every entry at commit)."""
    w = V1Writer(apps)
    with transaction.atomic():
        coffee, tea = w.program("Coffee Club"), w.program("Tea Club")
        points, tea_points = w.asset(coffee), w.asset(tea)
        ada, bob = w.participant("ada", coffee, tea), w.participant("bob", coffee)
        w.accrual(coffee, points, ada, "1000.00", key="welcome-ada")
        w.accrual(tea, tea_points, ada, "40.00")
        w.accrual(coffee, points, bob, "50.00")
        Reward = w.model("rewards", "Reward")
        mug = Reward.objects.create(
            program=coffee, asset=points, name="Mug", type="UNIT_BASED", unit_cost=Decimal("100.00"),
            status="ACTIVE", max_total=10, redeemed_count=1,
        )
        wallet = w.account(points, "WALLET", ada)
        redemptions_account = w.account(points, "REDEMPTIONS")
        redeemed = w.entry(coffee, points, "REDEMPTION", wallet, redemptions_account, Decimal("200.00"))
        Redemption = w.model("rewards", "Redemption")
        redemption = Redemption.objects.create(
            program=coffee, participant=ada, asset=points, reward=mug, amount=Decimal("200.00"), quantity=2,
            unit_cost=Decimal("100.00"), description="Redeemed: Mug", journal_entry=redeemed,
            status="PARTIALLY_REVERSED", reversed_amount=Decimal("100.00"), reversed_quantity=1, stock_units=2,
            idempotency_key="ada-mug",
        )
        fingerprint = request_fingerprint(
            endpoint="redemption.catalog",
            path_ids={"participant_id": ada.id},
            body={"program_id": coffee.id, "reward_id": mug.id, "quantity": 2, "amount": None, "description": None},
        )
        w.key_record(coffee, "ada-mug", "REDEMPTION", redemption.id, fingerprint)
        w.model("rewards", "ParticipantRewardCount").objects.create(reward=mug, participant=ada, count=1)
        refund = w.entry(
            coffee, points, "REVERSAL", redemptions_account, wallet, Decimal("100.00"), reverses=redeemed
        )
        w.model("rewards", "Reversal").objects.create(
            program=coffee, redemption=redemption, amount=Decimal("100.00"), quantity=1, reason="Broken",
            restock=True, stock_returned=1, journal_entry=refund,
        )
        cash_out = w.entry(coffee, points, "REDEMPTION", w.account(points, "WALLET", bob), redemptions_account,
                           Decimal("20.00"))
        Redemption.objects.create(
            program=coffee, participant=bob, asset=points, amount=Decimal("20.00"), description="Redemption",
            journal_entry=cash_out, status="COMPLETED", reversed_amount=Decimal(0), stock_units=0,
        )
        all_programs_key, coffee_key = w.api_key("Back office"), w.api_key("Coffee till", coffee)
    row_ids = {name: set(apps.get_model(app, name).objects.values_list("pk", flat=True)) for app, name in TENANT_OWNED}
    return V1(coffee.id, tea.id, points.id, ada.id, bob.id, mug.id, redemption.id, all_programs_key, coffee_key, row_ids)


@pytest.fixture
def upgraded():
    """The v1 rows, after the migrations of v2 ran over them; the database ends at the latest state."""
    executor = migrate(V1_STATE)
    try:
        v1 = write_v1(executor.loader.project_state(V1_STATE).apps)
    finally:
        migrate(latest())
    return v1


def test_every_v1_row_keeps_its_id_and_is_in_the_tenant_default(upgraded):
    # then
    Tenant = current_apps.get_model("loyalty", "Tenant")
    assert list(Tenant.objects.values_list("id", "name")) == [(DEFAULT_TENANT_ID, "Default")]
    for app, name in TENANT_OWNED:
        rows = current_apps.get_model(app, name).objects
        if name == "Account":  # the points lifecycle adds an EXPIRED account to every asset
            rows = rows.exclude(type="EXPIRED")
        assert set(rows.values_list("pk", flat=True)) == upgraded.row_ids[name], name
        assert set(rows.values_list("tenant_id", flat=True)) <= {DEFAULT_TENANT_ID}, name


def test_every_v1_wallet_holds_its_balance_in_released_lots_that_never_expire(upgraded):
    # then
    from tests.ledger_checks import lot_problems

    Accrual = current_apps.get_model("participants", "Accrual")
    Asset = current_apps.get_model("ledger", "Asset")
    Account = current_apps.get_model("ledger", "Account")
    Redemption = current_apps.get_model("rewards", "Redemption")
    assert lot_problems() == []
    assert set(Accrual.objects.values_list("released", "expires_at")) == {(True, None)}
    assert Account.objects.filter(type="EXPIRED").count() == Asset.objects.count()
    assert set(Redemption.objects.values_list("allocations_tracked", flat=True)) == {False}


def test_v1_keys_balances_and_idempotency_keys_work_through_the_api(upgraded):
    # given
    back_office, till = KeyClient(upgraded.all_programs_key), KeyClient(upgraded.coffee_key)

    # when
    me = back_office.get("/api/v1/me").json()
    programs = till.get("/api/v1/programs").json()["results"]
    balances = back_office.get(f"/api/v1/participants/{upgraded.ada}/balances").json()["results"]
    repeat = till.post(
        f"/api/v1/participants/{upgraded.ada}/accruals",
        {"program_id": str(upgraded.coffee), "asset_id": str(upgraded.points), "amount": "1000.00",
         "idempotency_key": "welcome-ada"},
    )
    redemption = till.get(f"/api/v1/redemptions/{upgraded.mug_redemption}").json()

    # then
    assert me["tenant"]["name"] == "Default" and me["key"]["all_programs"] is True
    assert [program["id"] for program in programs] == [str(upgraded.coffee)]
    assert sorted(balance["balance"] for balance in balances) == ["40.00", "900.00"]
    assert repeat.status_code == HTTPStatus.OK  # the v1 accrual, not a second one
    assert (redemption["status"], redemption["reversed_quantity"]) == ("PARTIALLY_REVERSED", 1)


def test_v1_movements_continue_and_the_books_reconcile(upgraded):
    # given
    till = KeyClient(upgraded.coffee_key)

    # when: the rest of the v1 redemption is reversed, a new redemption and a new participant are made
    reversed_rest = till.post(f"/api/v1/redemptions/{upgraded.mug_redemption}/reversals", {})
    redeemed = till.post(
        f"/api/v1/participants/{upgraded.ada}/redemptions/catalog",
        {"program_id": str(upgraded.coffee), "reward_id": str(upgraded.mug), "quantity": 3,
         "idempotency_key": "ada-mug"},
    )
    again = till.post(
        f"/api/v1/participants/{upgraded.ada}/redemptions/catalog",
        {"program_id": str(upgraded.coffee), "reward_id": str(upgraded.mug), "quantity": 3},
    )
    enrolled = till.post("/api/v1/participants", {"program_id": str(upgraded.coffee), "external_id": "bob"})
    out = io.StringIO()
    try:
        call_command("reconcile", stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exit_info:
        code = exit_info.code

    # then
    assert reversed_rest.status_code == HTTPStatus.CREATED, reversed_rest.content
    assert redeemed.status_code == HTTPStatus.CONFLICT  # v1's key, another request: idempotency_key_reused
    assert again.status_code == HTTPStatus.CREATED, again.content
    assert (enrolled.status_code, enrolled.json()["id"]) == (HTTPStatus.OK, str(upgraded.bob))
    assert code == 0, out.getvalue()
    from tests.ledger_checks import lot_problems

    assert lot_problems() == []
