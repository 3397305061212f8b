"""``manage.py export_ledger``: a program's journal lines as CSV, from one snapshot, in constant memory."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from ledger.export import HEADER
from ledger.models import Account, JournalEntry, JournalLine
from ledger.reconciliation import trial_balance
from ledger.tests.factories import AssetFactory, fund
from participants.tests.factories import ParticipantFactory
from rewards.services import redemption_create_direct, reversal_create

ROOT = Path(__file__).resolve().parents[2]


def export(*args: str) -> tuple[int, list[dict[str, str]], str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("export_ledger", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    text = out.getvalue()
    return code, list(csv.DictReader(io.StringIO(text))) if text else [], err.getvalue()


@pytest.fixture
def books(program, asset):
    """Alice earns 100.00, redeems 30.00 and gets 10.00 back; Bob earns 50.00."""
    alice = ParticipantFactory(programs=[program], external_id="alice")
    bob = ParticipantFactory(programs=[program], external_id="bob")
    fund(alice, asset, "100.00")
    fund(bob, asset, "50.00")
    redemption = redemption_create_direct(program=program, participant=alice, asset=asset, amount=Decimal("30.00")).record
    reversal_create(redemption=redemption, amount=Decimal("10.00"), reason="Sorry")
    return alice, bob, redemption


@pytest.mark.django_db
def test_export_writes_the_header_and_every_line_with_amounts_at_the_asset_scale(program, asset, books):
    # given
    alice, _bob, redemption = books

    # when
    code, rows, _err = export("--program", str(program.id))

    # then
    assert code == 0
    assert len(rows) == 8  # four entries of two lines
    assert list(rows[0].keys()) == list(HEADER)
    assert {row["amount"] for row in rows} == {"100.00", "50.00", "30.00", "10.00"}
    reversal = [row for row in rows if row["kind"] == "REVERSAL"]
    assert {row["reverses_entry_id"] for row in reversal} == {str(redemption.journal_entry_id)}
    wallet_lines = [row for row in rows if row["account_type"] == "WALLET" and row["participant_external_id"] == "alice"]
    assert [(row["kind"], row["direction"]) for row in wallet_lines] == [
        ("ACCRUAL", "CREDIT"), ("REDEMPTION", "DEBIT"), ("REVERSAL", "CREDIT")
    ]
    assert all(row["created_at"].endswith("Z") and row["asset_code"] == asset.code for row in rows)


@pytest.mark.django_db
def test_export_summed_per_account_type_equals_the_trial_balance(program, asset, books):
    # given: a pending lot in the books, a moment after them, and a later entry that neither side may count
    from datetime import timedelta

    from participants.services import accrual_create

    accrual_create(program=program, participant=books[0], asset=asset, amount=Decimal("3.00"),
                   available_at=timezone.now() + timedelta(days=3))
    to = timezone.now()
    fund(books[1], asset, "7.00")

    # when
    code, rows, _err = export("--program", str(program.id), "--to", to.isoformat())

    # then
    assert code == 0
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"DEBIT": Decimal(0), "CREDIT": Decimal(0)})
    for row in rows:
        sums[row["account_type"]][row["direction"]] += Decimal(row["amount"])
    expected = {
        row.account_type: {"DEBIT": row.debits, "CREDIT": row.credits}
        for row in trial_balance(program_id=program.id, as_of=to)
    }
    # an account type with no line (EXPIRED here) has no row in the export: its sums are zero
    zero = {"DEBIT": Decimal(0), "CREDIT": Decimal(0)}
    assert sums["PENDING"]["CREDIT"] == Decimal("3.00")
    assert {kind: sums.get(kind, zero) for kind in {*sums, *expected}} == {
        kind: expected.get(kind, zero) for kind in {*sums, *expected}
    }


@pytest.mark.django_db
def test_export_keeps_only_the_entries_from_from_and_before_to(program, asset, participant):
    # given
    fund(participant, asset, "1.00")
    start = timezone.now()
    fund(participant, asset, "2.00")
    end = timezone.now()
    fund(participant, asset, "3.00")

    # when
    code, rows, _err = export("--program", str(program.id), "--from", start.isoformat(), "--to", end.isoformat())

    # then
    assert code == 0
    assert {row["amount"] for row in rows} == {"2.00"}


@pytest.mark.django_db
def test_export_escapes_text_cells_that_a_spreadsheet_would_run_as_formulas(program, asset):
    # given
    hostile = ParticipantFactory(programs=[program], external_id='=HYPERLINK("http://x.example","y")')
    from participants.services import accrual_create

    accrual_create(program=program, participant=hostile, asset=asset, amount=Decimal("5.00"), description="@SUM(A1)")

    # when
    code, rows, _err = export("--program", str(program.id))

    # then
    assert code == 0
    wallet = next(row for row in rows if row["account_type"] == "WALLET")
    assert wallet["participant_external_id"] == "'=HYPERLINK(\"http://x.example\",\"y\")"
    assert {row["description"] for row in rows} == {"'@SUM(A1)"}
    assert all(not row["amount"].startswith(("-", "'")) for row in rows)  # amounts are positive, never escaped


@pytest.mark.django_db
def test_export_only_writes_the_lines_of_the_given_program(program, asset, participant):
    # given: another program's books
    other = AssetFactory()
    fund(ParticipantFactory(programs=[other.program]), other, "9.00")
    fund(participant, asset, "1.00")

    # when
    code, rows, _err = export("--program", str(program.id))

    # then
    assert code == 0
    assert {row["asset_code"] for row in rows} == {asset.code}


@pytest.mark.django_db
def test_export_writes_the_file_given_by_output(program, asset, participant, tmp_path):
    # given
    fund(participant, asset, "1.00")
    target = tmp_path / "ledger.csv"

    # when
    code, rows, err = export("--program", str(program.id), "--output", str(target))

    # then
    assert code == 0 and rows == []
    lines = target.read_text().splitlines()
    assert lines[0] == ",".join(HEADER) and len(lines) == 3
    assert not (tmp_path / "ledger.csv.partial").exists()
    assert "2 journal lines written" in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["--program", "nope"], "is not a program id"),
        (["--program", "00000000-0000-0000-0000-000000000000"], "Unknown program"),
        (["--program", "00000000-0000-0000-0000-000000000000", "--from", "yesterday"], "--from"),
        (["--program", "00000000-0000-0000-0000-000000000000", "--to", "2024-01-01"], "--to"),
        (
            ["--program", "00000000-0000-0000-0000-000000000000", "--from", "2024-02-01T00:00:00Z",
             "--to", "2024-01-01T00:00:00Z"],
            "--from must be before --to",
        ),
    ],
)
def test_export_answers_a_usage_error_with_exit_code_2(args, message):
    # when
    code, rows, err = export(*args)

    # then
    assert code == 2 and rows == []
    assert message in err


# --- constant memory --------------------------------------------------------------------------------

MEMORY_PROBE = """
import os, sys, tracemalloc, resource
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "loyalty.settings"
django.setup()
from django.core.management import call_command
tracemalloc.start()
call_command("export_ledger", "--program", sys.argv[1], "--output", sys.argv[2])
current, peak = tracemalloc.get_traced_memory()
print(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
ENTRIES = 100_000  # two lines each: 200,000 lines
PEAK_CEILING_BYTES = 64 * 1024 * 1024


def _post_entries_by_sql(asset, wallet, count: int) -> None:
    """``count`` accruals of 1.00 (debit issuance, credit the wallet) in one statement each for entries and lines."""
    entry, line, account = JournalEntry._meta.db_table, JournalLine._meta.db_table, Account._meta.db_table
    issuance = Account.objects.get(asset=asset, type=Account.Type.ISSUANCE)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {entry} (id, tenant_id, program_id, kind, description, created_at)
            SELECT gen_random_uuid(), %s, %s, 'ACCRUAL', 'Bulk ' || g, now() - (g || ' seconds')::interval
            FROM generate_series(1, %s) g""",
            [asset.tenant_id, asset.program_id, count],
        )
        cursor.execute(
            f"""INSERT INTO {line} (id, tenant_id, entry_id, account_id, asset_id, direction, amount)
            SELECT gen_random_uuid(), e.tenant_id, e.id, a.account_id, %s, a.direction, 1
            FROM {entry} e CROSS JOIN (VALUES (%s::uuid, 'DEBIT'), (%s::uuid, 'CREDIT')) AS a(account_id, direction)
            WHERE e.program_id = %s AND e.description LIKE 'Bulk %%'""",
            [asset.id, issuance.id, wallet.id, asset.program_id],
        )
        cursor.execute(f"UPDATE {account} SET balance = balance + %s WHERE id = %s", [count, wallet.id])
        # Fresh statistics before the commit runs the ledger's deferred check of every new entry: a plan
        # cached while the tables were empty would scan every line for each of them.
        cursor.execute(f"ANALYZE {entry}, {line}, {account}")


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_export_of_200000_lines_stays_under_a_memory_ceiling(program, asset, participant, tmp_path):
    # given: 200,000 journal lines, committed so that another process sees them
    fund(participant, asset, "1.00")
    wallet = Account.objects.get(participant=participant, asset=asset)
    _post_entries_by_sql(asset, wallet, ENTRIES)
    target = tmp_path / "ledger.csv"
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "DATABASE_REPLICA_URL": "", "DEBUG": "true"}

    # when: exported by a process of its own that measures the memory Python allocated
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(program.id), str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )

    # then
    assert result.returncode == 0, result.stderr
    peak, max_rss_kib = (int(value) for value in result.stdout.split())
    with open(target) as exported:
        assert sum(1 for _ in exported) == 1 + 2 * (ENTRIES + 1)
    print(json.dumps({"lines": 2 * (ENTRIES + 1), "tracemalloc_peak_bytes": peak, "max_rss_kib": max_rss_kib}))
    assert peak < PEAK_CEILING_BYTES
