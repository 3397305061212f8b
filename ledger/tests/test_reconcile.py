"""
``manage.py reconcile``: a clean ledger passes; each kind of corruption, made
around the application (QuerySet.update or raw SQL; PostgreSQL's guards
bypassed with ``session_replication_role = replica`` for that test only) is
named by exactly its check, with the ids and the two values, and exit 1.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.db.models import F

from ledger.models import Account, JournalEntry, JournalLine
from ledger.reconciliation import read_only_snapshot
from ledger.tests.factories import AssetFactory, fund
from loyalty.models import IdempotencyRecord
from loyalty.tests.factories import ProgramFactory
from participants.models import Accrual
from participants.services import accrual_create
from participants.tests.factories import ParticipantFactory
from rewards.models import ParticipantRewardCount, Redemption, Reversal, Reward
from rewards.services import redemption_create_catalog, redemption_create_direct, reversal_create
from rewards.tests.factories import RewardFactory

ROOT = Path(__file__).resolve().parents[2]
CHECK_NAMES = [
    "entries_balanced",
    "account_balances",
    "trial_balance",
    "movements",
    "reward_stock",
    "redemption_allocations",
    "idempotency_records",
    "tenants",
    "lots",
]


# --- helpers -------------------------------------------------------------------------------


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def doc(self) -> dict:
        return json.loads(self.out)

    @property
    def failed(self) -> set[str]:
        return {check["name"] for check in self.doc["checks"] if not check["ok"]}

    def check(self, name: str) -> dict:
        return next(check for check in self.doc["checks"] if check["name"] == name)


def reconcile(*args: str, stderr=None) -> Outcome:
    """Run the command like manage.py does: exit status from SystemExit or CommandError.returncode."""
    out, err = io.StringIO(), stderr or io.StringIO()
    try:
        call_command("reconcile", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return Outcome(code, out.getvalue(), err.getvalue())


def reconcile_json(*args: str) -> Outcome:
    return reconcile("--format", "json", *args)


def only_failure(outcome: Outcome, name: str, *, also: set[str] = frozenset()) -> dict:
    """
    Assert that exactly check ``name`` failed (exit 1), with the checks in ``also`` (a corruption that
    another check's rule sees too, such as a wallet that no longer equals its lots), and return it.
    """
    assert outcome.code == 1, outcome.out
    assert outcome.failed == {name, *also}, outcome.out
    return outcome.check(name)


def examples_of(check: dict, issue: str) -> list[dict]:
    return [example for example in check["examples"] if example["issue"] == issue]


@contextmanager
def ledger_guards_off():
    """Let UPDATE/DELETE through PostgreSQL's ledger triggers (and FKs) for this test only."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Check what is pending first (the fixture's entries, still valid), so that
        # the test's teardown does not re-check entries this test corrupts.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


@contextmanager
def check_constraint_off(model, name: str):
    """Let rows through a CHECK constraint (dropped in the test's transaction, or ignored on SQLite)."""
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE wants no deferred checks queued
        raw(f"ALTER TABLE {table(model)} DROP CONSTRAINT {name}")
        yield
        return
    raw("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        raw("PRAGMA ignore_check_constraints = OFF")


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def invent_entry(program, kind: str, lines: list[tuple[Account, str, int]]) -> uuid.UUID:
    """Insert a journal entry and its lines with raw SQL, around the service and its guards."""
    entry_id = uuid.uuid4()
    with ledger_guards_off():
        raw(
            f"INSERT INTO {table(JournalEntry)} (id, tenant_id, program_id, kind, description, created_at) "
            "VALUES (%s, %s, %s, %s, 'invented', CURRENT_TIMESTAMP)",
            uuid_param(entry_id), uuid_param(program.tenant_id), uuid_param(program.id), kind,
        )
        for account, direction, amount in lines:
            raw(
                f"INSERT INTO {table(JournalLine)} (id, tenant_id, entry_id, account_id, asset_id, direction, amount) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                uuid_param(uuid.uuid4()), uuid_param(account.tenant_id), uuid_param(entry_id), uuid_param(account.id),
                uuid_param(account.asset_id), direction, amount,
            )
    return entry_id


def uuid_param(value: uuid.UUID):
    return value if connection.vendor == "postgresql" else value.hex


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- the realistic mix ------------------------------------------------------------------------


def build_mix(program, asset) -> SimpleNamespace:
    """Accruals, UNIT and AMOUNT catalog redemptions, a direct one, partial and full reversals, restock false."""
    alice, bob, carol = (ParticipantFactory(programs=[program]) for _ in range(3))
    accrual = accrual_create(
        program=program, participant=alice, asset=asset, amount=Decimal("500.00"), idempotency_key="acc-alice"
    ).record
    fund(bob, asset, "500.00")
    fund(carol, asset, "300.00")
    unit = RewardFactory(asset=asset, unit_cost=Decimal("10.00"), max_total=5)
    amount_based = RewardFactory(asset=asset, type=Reward.Type.AMOUNT_BASED, min_amount=Decimal("5.00"))

    unit_two = redemption_create_catalog(
        program=program, participant=alice, reward=unit, quantity=2, idempotency_key="red-alice-unit"
    ).record
    unit_three = redemption_create_catalog(program=program, participant=bob, reward=unit, quantity=3).record
    amount_full = redemption_create_catalog(
        program=program, participant=alice, reward=amount_based, amount=Decimal("25.00")
    ).record
    amount_partial = redemption_create_catalog(
        program=program, participant=bob, reward=amount_based, amount=Decimal("40.00")
    ).record
    direct = redemption_create_direct(
        program=program, participant=carol, asset=asset, amount=Decimal("15.50"), idempotency_key="direct-carol"
    ).record
    untouched = redemption_create_catalog(program=program, participant=carol, reward=amount_based, amount=Decimal("30.00")).record

    unit_partial_reversal = reversal_create(redemption=unit_two, quantity=1, idempotency_key="rev-alice-unit").record
    reversal_create(redemption=unit_three, quantity=3, restock=False)
    reversal_create(redemption=amount_full)
    amount_partial_reversal = reversal_create(redemption=amount_partial, amount=Decimal("10.00")).record
    reversal_create(redemption=direct, amount=Decimal("5.50"))
    for obj in (unit, amount_based, unit_two, amount_partial):
        obj.refresh_from_db()
    return SimpleNamespace(
        program=program, asset=asset, alice=alice, bob=bob, carol=carol, accrual=accrual,
        unit=unit, amount_based=amount_based, unit_two=unit_two, unit_three=unit_three,
        amount_full=amount_full, amount_partial=amount_partial, direct=direct, untouched=untouched,
        unit_partial_reversal=unit_partial_reversal, amount_partial_reversal=amount_partial_reversal,
    )


@pytest.fixture
def mix(program, asset):
    return build_mix(program, asset)


def wallet_of(participant, asset) -> Account:
    return Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=asset)


def program_account(asset, type_) -> Account:
    return Account.objects.get(asset=asset, type=type_, participant__isnull=True)


# --- a clean ledger --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clean_ledger_after_a_realistic_mix_reconciles_with_exit_0(mix):
    # when
    outcome = reconcile_json()

    # then
    assert outcome.code == 0, outcome.out
    assert [check["name"] for check in outcome.doc["checks"]] == CHECK_NAMES
    assert all(check["ok"] and check["discrepancies"] == 0 for check in outcome.doc["checks"])
    assert outcome.doc["ok"] is True


@pytest.mark.django_db
def test_the_mix_really_contains_every_kind_of_movement(mix):
    # then: the clean test above covers what it claims to cover
    assert mix.unit.redeemed_count == 1 + 3  # 2 - 1 returned, 3 written off (restock false)
    assert mix.amount_based.redeemed_count == 2  # 40 (partial) and 30; 25 fully reversed and restocked
    assert mix.unit_two.status == Redemption.Status.PARTIALLY_REVERSED
    assert Redemption.objects.get(id=mix.amount_full.id).status == Redemption.Status.FULLY_REVERSED
    assert Reversal.objects.filter(restock=False).count() == 1
    assert IdempotencyRecord.objects.count() == 4  # one accrual, two redemptions, one reversal


@pytest.mark.django_db
def test_text_report_lists_every_check_with_totals_and_a_summary_line(mix):
    # when
    outcome = reconcile()

    # then
    assert outcome.code == 0
    for name in CHECK_NAMES:
        assert f"OK   {name}" in outcome.out
    assert mix.asset.code in outcome.out
    assert "1300.00" in outcome.out  # issued: 500 + 500 + 300
    assert outcome.out.rstrip().splitlines()[-1].startswith("OK: all 9 checks passed")


@pytest.mark.django_db
def test_json_report_has_the_documented_keys_and_decimal_strings(mix):
    # when
    doc = reconcile_json().doc

    # then
    assert {"ok", "checks", "totals", "generated_at", "program_id"} <= set(doc)
    assert doc["generated_at"].endswith("Z") and doc["program_id"] is None
    assert {"name", "ok", "discrepancies", "examples"} <= set(doc["checks"][0])
    (total,) = doc["totals"]
    assert total["asset_id"] == str(mix.asset.id) and total["program_id"] == str(mix.program.id)
    assert total["issuance"] == "1300.00"
    assert total["redemptions"] == "80.00"  # 20+30+25+40+15.50+30 redeemed, 10+30+25+10+5.50 reversed
    assert total["wallets"] == total["wallets_stored"] == "1220.00"
    assert total["debits"] == total["credits"]


# --- 1. entries ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_entry_without_lines_is_named_by_entries_balanced_only(mix):
    # given: an ADJUSTMENT entry (no record needed) with no lines
    entry_id = invent_entry(mix.program, "ADJUSTMENT", [])

    # when
    check = only_failure(reconcile_json(), "entries_balanced")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["actual"]) == ("entry_too_few_lines", str(entry_id), "0")


@pytest.mark.django_db
def test_an_orphan_one_line_entry_is_an_unbalanced_entry_with_too_few_lines(mix):
    # given
    issuance = program_account(mix.asset, Account.Type.ISSUANCE)
    entry_id = invent_entry(mix.program, "ADJUSTMENT", [(issuance, "DEBIT", 7)])

    # when
    outcome = reconcile_json()

    # then: the entry is named; the books of its asset are off by it too
    assert outcome.code == 1
    entries = outcome.check("entries_balanced")
    assert entries["by_issue"] == {"entry_too_few_lines": 1, "entry_unbalanced": 1}
    assert {e["id"] for e in entries["examples"]} == {str(entry_id)}
    (unbalanced,) = examples_of(entries, "entry_unbalanced")
    assert (unbalanced["expected"], unbalanced["actual"]) == ("7.0000", "0.0000")
    assert outcome.failed == {"entries_balanced", "trial_balance"}


@pytest.mark.django_db
def test_two_entries_changed_in_opposite_ways_are_named_by_entries_balanced_only(mix):
    # given: the issuance lines of two accruals changed by +5 and -5 (the books still add up)
    first, second = Accrual.objects.order_by("created_at")[:2]
    issuance = program_account(mix.asset, Account.Type.ISSUANCE)
    with ledger_guards_off():
        JournalLine.objects.filter(entry_id=first.journal_entry_id, account=issuance).update(amount=F("amount") + 5)
        JournalLine.objects.filter(entry_id=second.journal_entry_id, account=issuance).update(amount=F("amount") - 5)

    # when
    check = only_failure(reconcile_json(), "entries_balanced")

    # then
    assert check["discrepancies"] == 2
    by_entry = {e["id"]: (e["expected"], e["actual"]) for e in check["examples"]}
    assert by_entry == {
        str(first.journal_entry_id): ("505.0000", "500.0000"),
        str(second.journal_entry_id): ("495.0000", "500.0000"),
    }


@pytest.mark.django_db
def test_an_entry_with_zero_amount_lines_is_named_by_entries_balanced_only(mix):
    # given: a two-line ADJUSTMENT of 0.00 each way (the books are unchanged)
    with check_constraint_off(JournalLine, "journal_line_amount_positive"):
        entry_id = invent_entry(
            mix.program,
            "ADJUSTMENT",
            [
                (program_account(mix.asset, Account.Type.ISSUANCE), "DEBIT", 0),
                (program_account(mix.asset, Account.Type.REDEMPTIONS), "CREDIT", 0),
            ],
        )

    # when
    check = only_failure(reconcile_json(), "entries_balanced")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"], example["actual"]) == (
        "entry_invalid_lines", str(entry_id), "0", "2"
    )


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_deleted_line_is_found_even_though_the_database_refuses_it_normally(mix):
    # given: the REDEMPTIONS line of a direct redemption deleted around the immutability trigger
    redemptions = program_account(mix.asset, Account.Type.REDEMPTIONS)
    with ledger_guards_off():
        raw(
            f"DELETE FROM {table(JournalLine)} WHERE entry_id = %s AND account_id = %s",
            mix.direct.journal_entry_id, redemptions.id,
        )

    # when
    outcome = reconcile_json()

    # then
    entries = outcome.check("entries_balanced")
    assert outcome.code == 1
    assert {e["id"] for e in entries["examples"]} == {str(mix.direct.journal_entry_id)}
    assert set(entries["by_issue"]) == {"entry_too_few_lines", "entry_unbalanced"}


# --- 2. account balances -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tampered_wallet_balance_is_named_by_account_balances_only(mix):
    # given
    wallet = wallet_of(mix.bob, mix.asset)
    Account.objects.filter(id=wallet.id).update(balance=F("balance") + Decimal("1.25"))

    # when
    check = only_failure(reconcile_json(), "account_balances", also={"lots"})

    # then
    (example,) = check["examples"]
    assert example["issue"] == "wallet_balance_mismatch"
    assert (example["id"], example["related_id"]) == (str(wallet.id), str(mix.bob.id))
    assert (example["expected"], example["actual"]) == (str(wallet.balance.quantize(Decimal("0.0001"))), str((wallet.balance + Decimal("1.25")).quantize(Decimal("0.0001"))))


@pytest.mark.django_db
def test_a_stored_balance_on_a_program_account_is_named_by_account_balances_only(mix):
    # given
    issuance = program_account(mix.asset, Account.Type.ISSUANCE)
    with check_constraint_off(Account, "account_shape_by_type_v2"):
        Account.objects.filter(id=issuance.id).update(balance=Decimal("1300"))

    # when
    check = only_failure(reconcile_json(), "account_balances")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["actual"]) == (
        "program_account_has_balance", str(issuance.id), "1300.0000"
    )


@pytest.mark.django_db
def test_a_negative_wallet_is_named_by_account_balances_only(mix):
    # given
    wallet = wallet_of(mix.carol, mix.asset)
    with check_constraint_off(Account, "account_wallet_balance_non_negative"):
        Account.objects.filter(id=wallet.id).update(balance=Decimal("-1.00"))

    # when
    check = only_failure(reconcile_json(), "account_balances", also={"lots"})

    # then
    assert check["by_issue"] == {"wallet_balance_mismatch": 1, "wallet_negative": 1}
    (negative,) = examples_of(check, "wallet_negative")
    assert (negative["id"], negative["expected"], negative["actual"]) == (str(wallet.id), ">= 0", "-1.0000")


# --- 3. trial balance -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_line_moved_to_another_programs_account_is_named_by_trial_balance_only(mix):
    # given: an accrual's issuance line re-pointed at another program's issuance account
    other_asset = AssetFactory(program=ProgramFactory())
    other_issuance = program_account(other_asset, Account.Type.ISSUANCE)
    line = JournalLine.objects.get(
        entry_id=mix.accrual.journal_entry_id, account=program_account(mix.asset, Account.Type.ISSUANCE)
    )
    with ledger_guards_off():
        JournalLine.objects.filter(id=line.id).update(account=other_issuance)

    # when
    check = only_failure(reconcile_json(), "trial_balance")

    # then
    assert check["by_issue"] == {
        "books_unbalanced": 2,
        "books_do_not_add_up": 2,
        "line_account_of_other_asset": 1,
        "line_account_of_other_program": 1,
    }
    misplaced = examples_of(check, "line_account_of_other_program")[0]
    assert (misplaced["id"], misplaced["related_id"]) == (str(line.id), str(mix.accrual.journal_entry_id))
    assert (misplaced["expected"], misplaced["actual"]) == (str(mix.program.id), str(other_asset.program_id))
    books = {e["id"]: (e["expected"], e["actual"]) for e in examples_of(check, "books_unbalanced")}
    # 1300.00 issued + 160.50 redeemed + 80.50 reversed = 1541.00 each way; debits lost the 500.00 line
    assert books[str(mix.asset.id)] == ("1041.0000", "1541.0000")
    assert books[str(other_asset.id)] == ("500.0000", "0.0000")


@pytest.mark.django_db
def test_a_wallet_moved_to_another_program_is_named_by_trial_balance_only(mix):
    # given
    other_program = ProgramFactory()
    wallet = wallet_of(mix.carol, mix.asset)
    with ledger_guards_off():  # the entry checks queued by the fixture would see it at teardown
        Account.objects.filter(id=wallet.id).update(program=other_program)

    # when
    check = only_failure(reconcile_json(), "trial_balance")

    # then
    (moved,) = examples_of(check, "account_asset_of_other_program")
    assert (moved["id"], moved["related_id"], moved["expected"], moved["actual"]) == (
        str(wallet.id), str(mix.asset.id), str(mix.program.id), str(other_program.id)
    )
    assert check["by_issue"]["line_account_of_other_program"] == JournalLine.objects.filter(account=wallet).count()


# --- 4. movements ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_redemption_status_is_named_by_movements_only(mix):
    # given
    Redemption.objects.filter(id=mix.amount_partial.id).update(status=Redemption.Status.FULLY_REVERSED)

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (example,) = check["examples"]
    assert example == {
        **example,
        "issue": "redemption_status_mismatch",
        "id": str(mix.amount_partial.id),
        "expected": "PARTIALLY_REVERSED",
        "actual": "FULLY_REVERSED",
    }


@pytest.mark.django_db
def test_a_changed_reversed_amount_is_named_by_movements_only(mix):
    # given: 10.00 of 40.00 reversed; stored as 15.00 (the status stays PARTIALLY_REVERSED)
    Redemption.objects.filter(id=mix.amount_partial.id).update(reversed_amount=Decimal("15.00"))

    # when
    check = only_failure(reconcile_json(), "movements", also={"redemption_allocations"})

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"]) == ("redemption_reversed_amount_mismatch", str(mix.amount_partial.id))
    assert (example["expected"], example["actual"]) == ("10.0000", "15.0000")


@pytest.mark.django_db
def test_a_changed_reversed_quantity_is_named_by_movements_only(mix):
    # given: 1 of 2 units reversed; stored as 2 (amount and status untouched)
    Redemption.objects.filter(id=mix.unit_two.id).update(reversed_quantity=2)

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"], example["actual"]) == (
        "redemption_reversed_quantity_mismatch", str(mix.unit_two.id), "1", "2"
    )


@pytest.mark.django_db
def test_a_redemption_amount_that_differs_from_its_wallet_debit_is_named_by_movements_only(mix):
    # given
    Redemption.objects.filter(id=mix.untouched.id).update(amount=Decimal("31.00"))

    # when
    check = only_failure(reconcile_json(), "movements", also={"redemption_allocations"})

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["related_id"]) == (
        "movement_wallet_mismatch", str(mix.untouched.id), str(mix.untouched.journal_entry_id)
    )
    assert (example["expected"], example["actual"]) == ("-31.0000", "-30.0000")


@pytest.mark.django_db
def test_an_accrual_amount_that_differs_from_its_wallet_credit_is_named_by_movements_only(mix):
    # given
    with ledger_guards_off(), check_constraint_off(Accrual, "accrual_lot_identity"):
        Accrual.objects.filter(id=mix.accrual.id).update(amount=Decimal("499.99"))

    # when
    check = only_failure(reconcile_json(), "movements", also={"lots"})

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"], example["actual"]) == (
        "movement_wallet_mismatch", str(mix.accrual.id), "499.9900", "500.0000"
    )


@pytest.mark.django_db
def test_a_redemption_entry_without_its_redemption_is_named_by_movements_only(mix):
    # given: a balanced REDEMPTION entry on the program accounts that no redemption records
    entry_id = invent_entry(
        mix.program,
        "REDEMPTION",
        [
            (program_account(mix.asset, Account.Type.ISSUANCE), "DEBIT", 12),
            (program_account(mix.asset, Account.Type.REDEMPTIONS), "CREDIT", 12),
        ],
    )

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"], example["actual"]) == (
        "entry_without_movement", str(entry_id), "REDEMPTION", "missing"
    )


@pytest.mark.django_db
def test_a_reversal_entry_that_does_not_point_at_its_redemption_is_named_by_movements_only(mix):
    # given
    reversal = mix.amount_partial_reversal
    with ledger_guards_off():
        JournalEntry.objects.filter(id=reversal.journal_entry_id).update(reverses=None)

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["related_id"]) == (
        "reversal_not_linked", str(reversal.id), str(mix.amount_partial.id)
    )
    assert (example["expected"], example["actual"]) == (str(mix.amount_partial.journal_entry_id), None)


@pytest.mark.django_db
def test_a_record_whose_entry_is_of_another_kind_is_named_by_movements_only(mix):
    # given
    with ledger_guards_off():
        JournalEntry.objects.filter(id=mix.accrual.journal_entry_id).update(kind=JournalEntry.Kind.ADJUSTMENT)

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["related_id"], example["expected"], example["actual"]) == (
        "movement_entry_kind", str(mix.accrual.id), str(mix.accrual.journal_entry_id), "ACCRUAL", "ADJUSTMENT"
    )


@pytest.mark.django_db
def test_a_record_whose_entry_is_of_another_program_is_named_by_movements_only(mix):
    # given: a redemption (made without an idempotency key) moved to another program
    other_program = ProgramFactory()
    Redemption.objects.filter(id=mix.untouched.id).update(program=other_program)

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"], example["actual"]) == (
        "movement_entry_program", str(mix.untouched.id), str(other_program.id), str(mix.program.id)
    )


@pytest.mark.django_db
def test_reversals_worth_more_than_the_redemption_are_named_by_movements_only(mix):
    # given: the 10.00 reversal of a 40.00 redemption now claims 50.00
    Reversal.objects.filter(id=mix.amount_partial_reversal.id).update(amount=Decimal("50.00"))

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (over,) = examples_of(check, "redemption_over_reversed")
    assert (over["id"], over["expected"], over["actual"]) == (str(mix.amount_partial.id), "40.0000", "50.0000")
    assert set(check["by_issue"]) == {
        "redemption_over_reversed", "redemption_reversed_amount_mismatch", "movement_wallet_mismatch"
    }


@pytest.mark.django_db
def test_reversals_of_more_units_than_redeemed_are_named_by_movements_only(mix):
    # given: the 1-unit reversal of a 2-unit redemption now claims 3 units
    Reversal.objects.filter(id=mix.unit_partial_reversal.id).update(quantity=3)

    # when
    check = only_failure(reconcile_json(), "movements")

    # then
    (over,) = examples_of(check, "redemption_over_reversed_quantity")
    assert (over["id"], over["expected"], over["actual"]) == (str(mix.unit_two.id), "2", "3")


# --- 5. reward stock ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_bumped_redeemed_count_is_named_by_reward_stock_only(mix):
    # given: the AMOUNT_BASED reward has no max_total, so its status stays right
    Reward.objects.filter(id=mix.amount_based.id).update(redeemed_count=F("redeemed_count") + 1)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"], example["actual"]) == (
        "reward_redeemed_count_mismatch", str(mix.amount_based.id), "2", "3"
    )


@pytest.mark.django_db
def test_a_changed_participant_count_is_named_by_reward_stock_only(mix):
    # given: alice holds 1 unit (2 redeemed, 1 reversed with restock)
    ParticipantRewardCount.objects.filter(reward=mix.unit, participant=mix.alice).update(count=2)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["related_id"]) == (
        "participant_count_mismatch", str(mix.unit.id), str(mix.alice.id)
    )
    assert (example["expected"], example["actual"]) == ("1", "2")


@pytest.mark.django_db
def test_a_missing_participant_count_is_named_by_reward_stock_only(mix):
    # given
    ParticipantRewardCount.objects.filter(reward=mix.amount_based, participant=mix.carol).delete()

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["related_id"], example["expected"], example["actual"]) == (
        "participant_count_mismatch", str(mix.amount_based.id), str(mix.carol.id), "1", "missing"
    )


@pytest.mark.django_db
def test_out_of_stock_with_units_left_is_named_by_reward_stock_only(mix):
    # given: 4 of 5 units are out
    Reward.objects.filter(id=mix.unit.id).update(status=Reward.Status.OUT_OF_STOCK)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["id"], example["expected"], example["actual"]) == (
        "reward_status_mismatch", str(mix.unit.id), "ACTIVE", "OUT_OF_STOCK"
    )


@pytest.mark.django_db
def test_active_with_no_stock_left_is_named_by_reward_stock_only(mix):
    # given: max_total lowered to the 4 units out, around the catalog service
    Reward.objects.filter(id=mix.unit.id).update(max_total=4)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = check["examples"]
    assert (example["issue"], example["expected"], example["actual"]) == (
        "reward_status_mismatch", "OUT_OF_STOCK", "ACTIVE"
    )


@pytest.mark.django_db
def test_an_inactive_reward_without_stock_is_not_a_discrepancy(mix):
    # given: the operator made it INACTIVE; its stock then ran out
    Reward.objects.filter(id=mix.unit.id).update(status=Reward.Status.INACTIVE, max_total=4)

    # when
    outcome = reconcile_json()

    # then
    assert outcome.code == 0, outcome.out


@pytest.mark.django_db
def test_stock_units_that_do_not_match_the_redemption_are_named_by_reward_stock_only(mix):
    # given: an AMOUNT_BASED redemption takes 1 unit, not 2
    Redemption.objects.filter(id=mix.untouched.id).update(stock_units=2)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = examples_of(check, "redemption_stock_units_mismatch")
    assert (example["id"], example["related_id"], example["expected"], example["actual"]) == (
        str(mix.untouched.id), str(mix.amount_based.id), "1", "2"
    )


@pytest.mark.django_db
def test_reversals_returning_more_stock_than_taken_are_named_by_reward_stock_only(mix):
    # given: the partial reversal of an AMOUNT_BASED redemption (1 unit taken) returns 2
    Reversal.objects.filter(id=mix.amount_partial_reversal.id).update(stock_returned=2)

    # when
    check = only_failure(reconcile_json(), "reward_stock")

    # then
    (example,) = examples_of(check, "redemption_stock_over_returned")
    assert (example["id"], example["expected"], example["actual"]) == (str(mix.amount_partial.id), "1", "2")


# --- 6. idempotency records -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_idempotency_record_pointing_at_nothing_is_named_by_idempotency_records_only(mix):
    # given
    record = IdempotencyRecord.objects.get(key="red-alice-unit")
    dangling = uuid.uuid4()
    IdempotencyRecord.objects.filter(id=record.id).update(resource_id=dangling)

    # when
    check = only_failure(reconcile_json(), "idempotency_records")

    # then
    assert check["by_issue"] == {"idempotency_record_dangling": 1, "movement_key_unrecorded": 1}
    (pointing,) = examples_of(check, "idempotency_record_dangling")
    assert (pointing["id"], pointing["related_id"], pointing["expected"]) == (str(record.id), str(dangling), "REDEMPTION")
    (movement,) = examples_of(check, "movement_key_unrecorded")
    assert (movement["id"], movement["expected"]) == (str(mix.unit_two.id), "red-alice-unit")


@pytest.mark.django_db
def test_an_idempotency_record_of_the_wrong_kind_is_named_by_idempotency_records_only(mix):
    # given: the accrual's record claims to be a reversal's
    IdempotencyRecord.objects.filter(key="acc-alice").update(kind=IdempotencyRecord.Kind.REVERSAL)

    # when
    check = only_failure(reconcile_json(), "idempotency_records")

    # then
    assert set(check["by_issue"]) == {"idempotency_record_dangling", "movement_key_unrecorded"}
    assert str(mix.accrual.id) in {e["id"] for e in check["examples"]}


@pytest.mark.django_db
def test_a_movement_that_carries_another_key_is_named_by_idempotency_records_only(mix):
    # given
    record = IdempotencyRecord.objects.get(key="acc-alice")
    Accrual.objects.filter(id=mix.accrual.id).update(idempotency_key="acc-someone-else")

    # when
    check = only_failure(reconcile_json(), "idempotency_records")

    # then
    (example,) = examples_of(check, "idempotency_key_mismatch")
    assert (example["id"], example["related_id"], example["expected"], example["actual"]) == (
        str(record.id), str(mix.accrual.id), "acc-alice", "acc-someone-else"
    )


# --- scope, formats and errors --------------------------------------------------------------------


@pytest.mark.django_db
def test_program_option_checks_only_that_program(mix):
    # given: another program whose wallet is tampered
    other_program = ProgramFactory()
    other_asset = AssetFactory(program=other_program)
    other = ParticipantFactory(programs=[other_program])
    fund(other, other_asset, "10.00")
    Account.objects.filter(participant=other).update(balance=Decimal("99.00"))

    # when
    mine = reconcile_json("--program", str(mix.program.id))
    theirs = reconcile_json("--program", str(other_program.id))

    # then
    assert mine.code == 0, mine.out
    assert mine.doc["program_id"] == str(mix.program.id)
    assert [t["program_id"] for t in mine.doc["totals"]] == [str(mix.program.id)]
    assert theirs.code == 1
    assert theirs.failed == {"account_balances", "lots"}


@pytest.mark.django_db
def test_a_failing_text_report_names_the_check_the_ids_and_a_fail_summary(mix):
    # given
    Reward.objects.filter(id=mix.amount_based.id).update(redeemed_count=7)

    # when
    outcome = reconcile()

    # then
    assert outcome.code == 1
    assert "FAIL reward_stock" in outcome.out
    assert str(mix.amount_based.id) in outcome.out
    assert outcome.out.rstrip().splitlines()[-1].startswith("FAIL: 1 of 9 checks found 1 discrepancy")


@pytest.mark.django_db
def test_examples_option_limits_the_examples_but_not_the_count(mix):
    # given: two wrong redemption statuses
    Redemption.objects.filter(id__in=[mix.untouched.id, mix.direct.id]).update(status=Redemption.Status.FULLY_REVERSED)

    # when
    one = reconcile_json("--examples", "1").check("movements")
    none = reconcile_json("--examples", "0").check("movements")

    # then
    assert (one["discrepancies"], len(one["examples"])) == (2, 1)
    assert (none["discrepancies"], none["by_issue"], none["examples"]) == (2, {"redemption_status_mismatch": 2}, [])


@pytest.mark.django_db
def test_progress_goes_to_stderr_only_on_a_terminal(mix):
    # given
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    # when
    piped = reconcile()
    on_terminal = reconcile(stderr=Terminal())

    # then
    assert piped.err == ""
    assert "[1/9] entries_balanced ..." in on_terminal.err
    assert "[9/9] OK   lots" in on_terminal.err


@pytest.mark.django_db
def test_an_unknown_program_is_a_usage_error_with_exit_2(program):
    # when
    outcome = reconcile("--program", str(uuid.uuid4()))

    # then
    assert outcome.code == 2
    assert "Unknown program" in outcome.err and outcome.out == ""


@pytest.mark.django_db
def test_a_malformed_program_id_is_a_usage_error_with_exit_2(program):
    # when
    outcome = reconcile("--program", "not-a-uuid")

    # then
    assert outcome.code == 2
    assert "not a program id" in outcome.err


@pytest.mark.django_db
def test_a_bad_format_passed_by_call_command_is_a_usage_error_with_exit_2(program):
    # when
    with pytest.raises(CommandError) as raised:
        call_command("reconcile", format="xml", stdout=io.StringIO())

    # then
    assert raised.value.returncode == 2


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
    )


def test_a_bad_format_on_the_command_line_exits_2():
    # when
    result = _manage("reconcile", "--format", "xml")

    # then
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr and result.stdout == ""


def test_an_unreachable_database_exits_2_with_a_message_on_stderr():
    # when: nothing listens on port 1
    result = _manage("reconcile", DATABASE_URL="postgres://postgres@127.0.0.1:1/loyalty")

    # then
    assert result.returncode == 2
    assert "Database error" in result.stderr and result.stdout == ""


# --- snapshot and concurrency (PostgreSQL) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_the_snapshot_is_read_only(mix):
    # when / then
    with read_only_snapshot(), pytest.raises(DatabaseError, match="read-only"):
        Reward.objects.filter(id=mix.unit.id).update(redeemed_count=0)
    mix.unit.refresh_from_db()
    assert mix.unit.redeemed_count == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_whole_ledger_snapshot_plans_no_nested_loops_and_only_for_itself():
    # when
    settings = []
    for whole_ledger in (True, False):
        with read_only_snapshot(whole_ledger=whole_ledger), connection.cursor() as cursor:
            cursor.execute("SHOW enable_nestloop")
            settings.append(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_nestloop")
        after = cursor.fetchone()[0]

    # then: a stale statistic cannot turn a whole-ledger check's anti-join into a loop over a sequential scan
    assert (settings, after) == (["off", "on"], "on")


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_the_snapshot_does_not_see_what_commits_while_it_runs(mix):
    # given
    def redeem_elsewhere():
        redemption_create_direct(program=mix.program, participant=mix.alice, asset=mix.asset, amount=Decimal("1.00"))
        connection.close()

    # when
    with read_only_snapshot():
        before = JournalLine.objects.count()
        thread = threading.Thread(target=redeem_elsewhere)
        thread.start()
        thread.join()
        after = JournalLine.objects.count()

    # then
    assert before == after
    assert JournalLine.objects.count() == before + 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.slow
def test_reconcile_under_concurrent_redemptions_never_reports_a_false_discrepancy(program, asset):
    # given: funded participants redeeming (catalog with keys, and direct) in threads
    mix = build_mix(program, asset)
    hot = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_total=100_000, max_per_participant=50_000)
    redeemers = [ParticipantFactory(programs=[program]) for _ in range(4)]
    for participant in redeemers:
        fund(participant, asset, "100000.00")
    stop = threading.Event()
    barrier = threading.Barrier(len(redeemers) + 1)
    made = []

    def redeem(participant):
        try:
            barrier.wait()
            n = 0
            while not stop.is_set():
                n += 1
                if n % 4 == 0:
                    redemption = redemption_create_direct(
                        program=program, participant=participant, asset=asset, amount=Decimal("2.50")
                    ).record
                else:
                    redemption = redemption_create_catalog(
                        program=program, participant=participant, reward=hot, quantity=1 + n % 3,
                        idempotency_key=f"{participant.id}-{n}",
                    ).record
                made.append(redemption.id)
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(p,)) for p in redeemers]
    for thread in threads:
        thread.start()

    # when: reconcile again and again while the threads write
    barrier.wait()
    outcomes = []
    try:
        while len(outcomes) < 5 or (len(made) < 40 and len(outcomes) < 500):
            outcomes.append(reconcile_json())
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    # then
    assert len(made) >= 40  # the load really ran while reconciling
    assert [o.failed for o in outcomes if o.code != 0] == []
    assert reconcile_json().code == 0
    assert mix.unit.redeemed_count == 4
