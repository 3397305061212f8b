"""``manage.py trial_balance``: balances per program, asset and account type, from the lines."""

from __future__ import annotations

import io
import re
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ledger.models import Account
from ledger.tests.factories import AssetFactory, fund
from loyalty.tests.factories import ProgramFactory
from participants.tests.factories import ParticipantFactory
from rewards.services import redemption_create_direct


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def rows(self) -> dict[tuple[str, str], list[str]]:
        """(asset code, account type) -> [accounts, debits, credits, balance] from the table."""
        rows = {}
        for line in self.out.splitlines():
            cells = re.split(r"\s{2,}", line.strip())
            if len(cells) == 7 and cells[2] in {"ISSUANCE", "WALLET", "REDEMPTIONS", "PENDING", "EXPIRED"}:
                rows[(cells[1], cells[2])] = cells[3:]
        return rows


def trial_balance(*args: str) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("trial_balance", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return Outcome(code, out.getvalue(), err.getvalue())


@pytest.fixture
def two_members(program, asset):
    alice, bob = ParticipantFactory(programs=[program]), ParticipantFactory(programs=[program])
    return alice, bob


def redeem(program, participant, asset, amount: str):
    return redemption_create_direct(program=program, participant=participant, asset=asset, amount=Decimal(amount))


@pytest.mark.django_db
def test_trial_balance_sums_the_lines_per_program_asset_and_account_type(program, asset, two_members):
    # given
    alice, bob = two_members
    fund(alice, asset, "100.00")
    fund(bob, asset, "50.00")
    redeem(program, alice, asset, "30.00")

    # when
    outcome = trial_balance()

    # then
    assert outcome.code == 0
    assert outcome.rows() == {
        (asset.code, "EXPIRED"): ["1", "0.00", "0.00", "0.00"],
        (asset.code, "ISSUANCE"): ["1", "150.00", "0.00", "150.00"],
        (asset.code, "REDEMPTIONS"): ["1", "0.00", "30.00", "30.00"],
        (asset.code, "WALLET"): ["2", "30.00", "150.00", "120.00"],
    }
    assert (
        f"{program.name} / {asset.code}: issuance 150.00 = wallets 120.00 + pending 0.00 + redemptions 30.00 "
        "+ expired 0.00" in outcome.out
    )
    assert "balanced" in outcome.out and "NOT BALANCED" not in outcome.out


@pytest.mark.django_db
def test_trial_balance_shows_the_pending_and_expired_accounts(program, asset, two_members):
    # given: a pending lot for alice, and bob's lot expired by the periodic run
    from datetime import timedelta

    from participants import lifecycle
    from participants.models import Accrual
    from participants.services import accrual_create

    alice, bob = two_members
    accrual_create(
        program=program, participant=alice, asset=asset, amount=Decimal("20.00"),
        available_at=timezone.now() + timedelta(days=1),
    )
    fund(bob, asset, "50.00")
    Accrual.objects.filter(participant=bob).update(expires_at=timezone.now() - timedelta(seconds=1))
    lifecycle.process_asset(asset=asset, as_of=timezone.now())

    # when
    outcome = trial_balance()

    # then
    assert outcome.rows()[(asset.code, "PENDING")] == ["1", "0.00", "20.00", "20.00"]
    assert outcome.rows()[(asset.code, "EXPIRED")] == ["1", "0.00", "50.00", "50.00"]
    assert (
        "issuance 70.00 = wallets 0.00 + pending 20.00 + redemptions 0.00 + expired 50.00" in outcome.out
    )
    assert "NOT BALANCED" not in outcome.out


@pytest.mark.django_db
def test_trial_balance_ignores_the_stored_wallet_balances(program, asset, two_members):
    # given: a stored balance tampered around the application
    alice, _ = two_members
    fund(alice, asset, "100.00")
    Account.objects.filter(participant=alice).update(balance=Decimal("999.00"))

    # when
    outcome = trial_balance()

    # then
    assert outcome.rows()[(asset.code, "WALLET")] == ["1", "0.00", "100.00", "100.00"]


@pytest.mark.django_db
def test_as_of_before_the_later_entries_shows_the_earlier_balances(program, asset, two_members):
    # given
    alice, bob = two_members
    fund(alice, asset, "100.00")
    moment = timezone.now()
    time.sleep(0.002)
    fund(bob, asset, "50.00")
    redeem(program, alice, asset, "30.00")

    # when
    then = trial_balance("--as-of", moment.isoformat())
    now = trial_balance()

    # then
    assert then.code == 0
    assert then.rows() == {
        (asset.code, "EXPIRED"): ["1", "0.00", "0.00", "0.00"],
        (asset.code, "ISSUANCE"): ["1", "100.00", "0.00", "100.00"],
        (asset.code, "REDEMPTIONS"): ["1", "0.00", "0.00", "0.00"],
        (asset.code, "WALLET"): ["1", "0.00", "100.00", "100.00"],
    }
    assert now.rows()[(asset.code, "WALLET")] == ["2", "30.00", "150.00", "120.00"]


@pytest.mark.django_db
def test_an_entry_made_at_the_as_of_moment_itself_is_not_counted(program, asset, two_members):
    # given: the contract counts the entries created *before* --as-of (export_ledger's --to agrees)
    alice, _bob = two_members
    accrual = fund(alice, asset, "100.00")
    moment = accrual.journal_entry.created_at

    # when
    then = trial_balance("--as-of", moment.isoformat())

    # then
    assert then.code == 0
    assert then.rows()[(asset.code, "ISSUANCE")][1:] == ["0.00", "0.00", "0.00"]


@pytest.mark.django_db
def test_as_of_reads_an_offset_and_reports_the_moment_in_utc(program, asset, two_members):
    # given: every entry is later than the moment asked for
    fund(two_members[0], asset, "100.00")

    # when
    outcome = trial_balance("--as-of", "2024-01-15T10:30:00+02:00")

    # then
    assert outcome.code == 0
    assert "as of 2024-01-15T08:30:00Z" in outcome.out
    assert "(no accounts)" in outcome.out  # the asset did not exist yet


@pytest.mark.django_db
def test_program_option_shows_only_that_program(program, asset, two_members):
    # given
    fund(two_members[0], asset, "100.00")
    other_asset = AssetFactory(program=ProgramFactory(), code="OTHER")
    fund(ParticipantFactory(programs=[other_asset.program]), other_asset, "5.00")

    # when
    outcome = trial_balance("--program", str(program.id))

    # then
    assert {code for code, _ in outcome.rows()} == {asset.code}
    assert outcome.rows()[(asset.code, "ISSUANCE")][3] == "100.00"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["yesterday", "2024-13-01T00:00:00Z", "2024-01-15"])
def test_an_invalid_as_of_is_a_usage_error_with_exit_2(program, value):
    # when
    outcome = trial_balance("--as-of", value)

    # then
    assert outcome.code == 2
    assert "is not an ISO 8601 timestamp" in outcome.err and outcome.out == ""


@pytest.mark.django_db
def test_an_unknown_program_is_a_usage_error_with_exit_2(program):
    # when
    outcome = trial_balance("--program", str(uuid.uuid4()))

    # then
    assert outcome.code == 2
    assert "Unknown program" in outcome.err and outcome.out == ""
