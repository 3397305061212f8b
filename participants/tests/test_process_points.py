"""
``manage.py process_points``: options, output and exit codes; on PostgreSQL two
copies at once beside live redemptions, and a copy killed with SIGKILL midway.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from ledger.models import Account, JournalEntry
from ledger.tests.factories import fund
from participants import lifecycle
from participants.models import Accrual
from participants.services import accrual_create
from participants.tests.factories import ParticipantFactory
from rewards.services import redemption_create_direct
from tests.ledger_checks import assert_ledger_consistent, world_snapshot

ROOT = Path(__file__).resolve().parents[2]
D = Decimal


def process_points(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("process_points", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def due_lots(participants, asset, amount="10.00"):
    for participant in participants:
        fund(participant, asset, amount)
    Accrual.objects.filter(asset=asset).update(expires_at=timezone.now() - timedelta(seconds=1))


# --- the command -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_run_prints_per_program_and_asset_totals(participant, asset):
    # given
    due_lots([participant], asset)

    # when
    code, out, err = process_points()

    # then
    assert code == 0
    assert f"asset {asset.code}: released 0 lot(s) 0.00, expired 1 lot(s) 10.00, 1 entr(ies) in 1 batch(es)" in out
    assert "expire batch of 1 lot(s)" in err  # progress
    assert JournalEntry.objects.filter(kind="EXPIRATION").count() == 1


@pytest.mark.django_db
def test_a_dry_run_prints_what_is_due_and_changes_nothing(participant, asset):
    # given
    due_lots([participant], asset)
    before = world_snapshot()

    # when
    code, out, _ = process_points("--dry-run")

    # then
    assert code == 0
    assert "expired 1 lot(s) 10.00" in out and "(dry run)" in out
    assert world_snapshot() == before


@pytest.mark.django_db
def test_as_of_in_the_past_processes_what_was_due_then(participant, asset):
    # given
    due_lots([participant], asset)

    # when
    code, out, _ = process_points("--as-of", (timezone.now() - timedelta(days=1)).isoformat())

    # then
    assert code == 0
    assert "expired 0 lot(s)" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("--as-of", "2999-01-01T00:00:00Z"), ("--as-of", "yesterday"), ("--program", "nope"), ("--batch", "0"),
        ("--workers", "0"),
    ],
)
def test_usage_errors_exit_2_and_change_nothing(participant, asset, args):
    # given
    due_lots([participant], asset)
    before = world_snapshot()

    # when
    code, _, _ = process_points(*args)

    # then
    assert code == 2
    assert world_snapshot() == before


@pytest.mark.django_db
def test_program_limits_the_run_to_that_program(participant, asset):
    # given
    from ledger.tests.factories import AssetFactory

    other_asset = AssetFactory()
    other = ParticipantFactory(programs=[other_asset.program])
    due_lots([participant], asset)
    due_lots([other], other_asset)

    # when
    code, out, _ = process_points("--program", str(asset.program_id))

    # then
    assert code == 0
    assert Accrual.objects.get(participant=other).expired_amount == 0
    assert Accrual.objects.get(participant=participant).expired_amount == D("10.00")


def _manage(*args: str, **kwargs) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    url = f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false"}
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, **kwargs,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_loop_stops_on_sigterm_with_exit_0(participant, asset):
    # given
    process = _manage("process_points", "--loop", "0.5")
    time.sleep(3)

    # when
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)

    # then
    assert process.returncode == 0, err
    assert out.count("process_points as of") >= 1


# --- concurrency and kill -9 (PostgreSQL) --------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_beside_redemptions_expire_each_lot_once_and_never_spend_an_expired_point(asset):
    # given: 30 participants, each with a due lot of 10 and a lot of 5 that never expires
    participants = [ParticipantFactory(programs=[asset.program]) for _ in range(30)]
    due_lots(participants, asset)
    for participant in participants:
        fund(participant, asset, "5.00")
    errors: list[BaseException] = []
    redeemed: list[Decimal] = []

    def run():
        try:
            lifecycle.process_asset(asset=asset, as_of=timezone.now(), batch=7)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def redeem(chunk):
        try:
            for participant in chunk:
                try:
                    redemption_create_direct(program=asset.program, participant=participant, asset=asset, amount=D("6.00"))
                    redeemed.append(D("6.00"))
                except Exception as exc:  # insufficient balance once expired: expected
                    if getattr(exc, "code", None) != "insufficient_balance":
                        errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    threads += [threading.Thread(target=redeem, args=(participants[i::2],)) for i in range(2)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then
    assert not errors, errors
    lots = list(Accrual.objects.filter(asset=asset, amount=D("10.00")))
    assert all(lot.remaining == 0 and lot.expired_amount + lot.spent_amount == D("10.00") for lot in lots)
    expired_total = sum((lot.expired_amount for lot in lots), D(0))
    expired_account = Account.objects.get(asset=asset, type="EXPIRED")
    assert sum(line.amount for line in expired_account.lines.all()) == expired_total  # nothing expired twice
    wallets = sum(Account.objects.filter(asset=asset, type="WALLET").values_list("balance", flat=True))
    assert wallets == D(300 + 150) - expired_total - sum(redeemed, D(0))
    assert_ledger_consistent()
    assert process_points_reconcile_clean()


def test_the_participant_ranges_of_the_workers_cover_every_id_once():
    # when
    ranges = lifecycle.participant_ranges(3)

    # then: contiguous, unbounded at both ends, about a third of the space each
    assert ranges[0][0] is None and ranges[-1][1] is None
    assert [high for _, high in ranges[:-1]] == [low for low, _ in ranges[1:]]
    assert ranges[1][0].int == (1 << 128) // 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_release_and_expire_every_due_lot_once(asset):
    # given: 40 participants, each with a due lot of 10 and a pending lot of 4 whose release comes in a day
    participants = [ParticipantFactory(programs=[asset.program]) for _ in range(40)]
    due_lots(participants, asset)
    tomorrow = timezone.now() + timedelta(days=1)
    for participant in participants:
        accrual_create(program=asset.program, participant=participant, asset=asset, amount=D("4.00"), available_at=tomorrow)

    # when: the run as of the day after tomorrow, two workers
    totals = lifecycle.process_asset(asset=asset, as_of=tomorrow + timedelta(days=1), batch=3, workers=2)

    # then
    assert (totals.expired, totals.expired_amount) == (40, D("400.00"))
    assert (totals.released, totals.released_amount) == (40, D("160.00"))
    assert not Accrual.objects.filter(asset=asset, amount=D("10.00"), remaining__gt=0).exists()
    assert not Accrual.objects.filter(asset=asset, released=False).exists()
    assert JournalEntry.objects.filter(kind="EXPIRATION").count() == 40  # one per wallet: each lot expired once
    assert JournalEntry.objects.filter(kind="RELEASE").count() == 40
    assert_ledger_consistent()
    assert process_points_reconcile_clean()


def process_points_reconcile_clean() -> bool:
    out = io.StringIO()
    try:
        call_command("reconcile", stdout=out, stderr=io.StringIO())
    except (CommandError, SystemExit):
        return False
    return True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_killed_midway_leaves_balanced_books_and_the_next_run_finishes(asset):
    # given: 60 due lots, one per participant; batches of one lot
    participants = [ParticipantFactory(programs=[asset.program]) for _ in range(60)]
    due_lots(participants, asset)
    process = _manage("process_points", "--batch", "1")

    # when: killed with SIGKILL once it has committed a few batches
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Accrual.objects.filter(asset=asset, remaining=0).count() < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done_before = Accrual.objects.filter(asset=asset, remaining=0).count()

    # then: the books are balanced mid-way, and the next run finishes the rest
    assert process.returncode == -signal.SIGKILL
    assert 3 <= done_before < 60
    assert_ledger_consistent()
    code, _, _ = process_points()
    assert code == 0
    assert Accrual.objects.filter(asset=asset, remaining=0).count() == 60
    assert JournalEntry.objects.filter(kind="EXPIRATION").count() == 60
    assert_ledger_consistent()
