"""``manage.py import_participants``: participants and opening balances from a CSV file, row by row idempotent."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger.models import Account, JournalEntry
from ledger.tests.factories import AssetFactory
from participants.models import Accrual, Enrollment, Participant
from participants.tests.factories import ParticipantFactory

HEADER = "external_id,display_name,email,opening_balance,expires_at\n"


def run(path: Path, program, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_participants", str(path), "--program", str(program.id), *extra, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, body: str | bytes, name: str = "members.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


def errors_of(path: Path) -> list[tuple[str, str]]:
    with open(f"{path}.errors.csv", newline="") as errors:
        return [(row["line"], row["reason"]) for row in csv.DictReader(errors)]


def balance(program, external_id: str, asset) -> Decimal:
    return Account.objects.get(participant__external_id=external_id, participant__tenant=program.tenant, asset=asset).balance


def movements() -> tuple[int, int, int]:
    return Participant.objects.count(), Accrual.objects.count(), JournalEntry.objects.count()


@pytest.mark.django_db
def test_import_creates_enrols_and_credits_each_opening_balance_through_the_accrual_service(program, asset, tmp_path):
    # given
    path = write(tmp_path, HEADER + "alice,Alice,alice@example.com,100.50,\nbob,Bob,,,\n")

    # when
    code, out, err = run(path, program)

    # then
    assert code == 0, err
    assert "2 of 2 rows imported" in out
    assert set(Enrollment.objects.filter(program=program).values_list("participant__external_id", flat=True)) == {
        "alice", "bob"}
    accrual = Accrual.objects.get()
    assert (accrual.participant.external_id, accrual.amount, accrual.description, accrual.idempotency_key) == (
        "alice", Decimal("100.50"), "Opening balance", "import:alice")
    assert balance(program, "alice", asset) == Decimal("100.50")
    assert not Path(f"{path}.errors.csv").exists()


@pytest.mark.django_db
def test_import_of_the_same_file_again_creates_nothing_new(program, asset, tmp_path):
    # given
    path = write(tmp_path, HEADER + "alice,Alice,,100.00,\nbob,Bob,,20.00,\n")
    run(path, program)
    before = movements()

    # when
    code, _out, err = run(path, program)

    # then
    assert code == 0, err
    assert movements() == before
    assert balance(program, "alice", asset) == Decimal("100.00")


@pytest.mark.django_db
def test_import_of_a_file_cut_short_then_whole_completes_it(program, asset, tmp_path):
    # given: the first row imported by a run cut short
    run(write(tmp_path, HEADER + "alice,Alice,,100.00,\n", "part.csv"), program)

    # when
    code, _out, err = run(write(tmp_path, HEADER + "alice,Alice,,100.00,\nbob,Bob,,20.00,\n"), program)

    # then
    assert code == 0, err
    assert Accrual.objects.count() == 2
    assert (balance(program, "alice", asset), balance(program, "bob", asset)) == (Decimal("100.00"), Decimal("20.00"))


@pytest.mark.django_db
def test_import_rejects_a_row_imported_earlier_with_another_opening_balance(program, asset, tmp_path):
    # given
    run(write(tmp_path, HEADER + "alice,Alice,,100.00,\n", "first.csv"), program)
    before = movements()

    # when
    path = write(tmp_path, HEADER + "alice,Alice,,250.00,\n")
    code, _out, err = run(path, program)

    # then
    assert code == 1
    assert errors_of(path) == [("2", errors_of(path)[0][1])]
    assert "another opening balance" in errors_of(path)[0][1]
    assert movements() == before and balance(program, "alice", asset) == Decimal("100.00")


@pytest.mark.django_db
def test_import_writes_each_bad_row_with_its_line_and_reason_and_imports_the_rest(program, asset, tmp_path):
    # given
    path = write(tmp_path, HEADER + "\n".join([
        "ok-1,One,,10.00,",          # 2
        "bad-amount,,,ten,",         # 3
        "bad-scale,,,1.234,",        # 4
        ",No id,,5.00,",             # 5
        "ok-1,Again,,10.00,",        # 6
        "negative,,,-5.00,",         # 7
        "past,,,5.00,2020-01-01T00:00:00Z",  # 8
        "future,,,5.00,2999-01-01T00:00:00Z",  # 9
        "bad-mail,,not-an-email,,",  # 10
        "ok-2,Two,,,",               # 11
    ]) + "\n")

    # when
    code, _out, err = run(path, program)

    # then
    assert code == 1
    reasons = dict(errors_of(path))
    assert list(reasons) == ["3", "4", "5", "6", "7", "8", "10"]
    assert "is not an amount" in reasons["3"]
    assert "more than 2 decimal places" in reasons["4"]
    assert "external_id is missing" in reasons["5"]
    assert "earlier line" in reasons["6"]
    assert "negative" in reasons["7"]
    assert "not in the future" in reasons["8"]
    assert "not an e-mail address" in reasons["10"]
    assert set(Participant.objects.values_list("external_id", flat=True)) == {"ok-1", "future", "ok-2"}
    assert "7 rejected" in err


@pytest.mark.django_db
def test_import_with_no_bad_row_removes_an_old_errors_file(program, asset, tmp_path):
    # given
    path = write(tmp_path, HEADER + "alice,,,,\n")
    Path(f"{path}.errors.csv").write_text("line,reason\n2,old\n")

    # when
    code, _out, _err = run(path, program)

    # then
    assert code == 0
    assert not Path(f"{path}.errors.csv").exists()


@pytest.mark.django_db
def test_import_dry_run_writes_only_the_errors_file(program, asset, tmp_path):
    # given
    path = write(tmp_path, HEADER + "alice,Alice,,100.00,\nbad,,,x,\n")

    # when
    code, out, err = run(path, program, "--dry-run")

    # then
    assert code == 1
    assert [line for line, _reason in errors_of(path)] == ["3"]
    assert movements() == (0, 0, 0)


@pytest.mark.django_db
def test_import_dry_run_finds_an_earlier_import_with_another_balance(program, asset, tmp_path):
    # given
    run(write(tmp_path, HEADER + "alice,Alice,,100.00,\n", "first.csv"), program)
    before = movements()

    # when
    path = write(tmp_path, HEADER + "alice,Alice,,90.00,\n")
    code, _out, _err = run(path, program, "--dry-run")

    # then
    assert code == 1 and "another opening balance" in errors_of(path)[0][1]
    assert movements() == before


@pytest.mark.django_db
def test_import_enrols_an_existing_participant_of_the_tenant_without_changing_its_name(program, asset, tmp_path):
    # given
    existing = ParticipantFactory(tenant=program.tenant, external_id="alice", display_name="Alice Original")

    # when
    code, _out, _err = run(write(tmp_path, HEADER + "alice,Renamed,,,\n"), program)

    # then
    assert code == 0
    existing.refresh_from_db()
    assert existing.display_name == "Alice Original"
    assert Enrollment.objects.filter(participant=existing, program=program).exists()


@pytest.mark.django_db
def test_import_needs_asset_when_the_program_has_more_than_one(program, asset, tmp_path):
    # given
    second = AssetFactory(program=program, code="MILES")
    path = write(tmp_path, HEADER + "alice,,,5,\n")

    # when
    without, _o, err = run(path, program)
    with_asset, _o2, err2 = run(path, program, "--asset", "MILES")

    # then
    assert without == 2 and "--asset" in err
    assert with_asset == 0, err2
    assert balance(program, "alice", second) == Decimal("5.0000")


@pytest.mark.django_db
def test_import_prints_a_progress_line_per_chunk(program, asset, tmp_path):
    # when
    _code, _out, err = run(write(tmp_path, HEADER + "alice,,,,\n"), program)

    # then
    assert "1 rows (1 imported, 0 bad)" in err and "rows/s" in err and "left" in err


# --- hostile files --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_reads_a_file_with_a_bom_and_crlf_line_ends(program, asset, tmp_path):
    # given
    path = write(tmp_path, b"\xef\xbb\xbf" + (HEADER + "alice,Alice,,1.00,\n").replace("\n", "\r\n").encode())

    # when
    code, _out, err = run(path, program)

    # then
    assert code == 0, err
    assert Participant.objects.get().display_name == "Alice"


@pytest.mark.django_db
def test_import_reads_a_quoted_comma_and_keeps_a_formula_looking_name_as_text(program, asset, tmp_path):
    # given
    path = write(tmp_path, HEADER + '"alice","Smith, Alice",,,\n"=HYPERLINK(""http://x"")","=1+1",,x,\n')

    # when
    code, _out, _err = run(path, program)

    # then
    assert code == 1
    assert Participant.objects.get().display_name == "Smith, Alice"
    with open(f"{path}.errors.csv", newline="") as errors:
        bad = list(csv.DictReader(errors))[0]
    assert bad["external_id"] == "'=HYPERLINK(\"http://x\")" and bad["display_name"] == "'=1+1"


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["id,name\n", "external_id,email\n", "", "external_id;display_name\n"])
def test_import_refuses_a_wrong_header_with_exit_code_2_and_imports_nothing(program, asset, tmp_path, header):
    # given
    path = write(tmp_path, header + "alice,Alice\n" if header else "")

    # when
    code, _out, err = run(path, program)

    # then
    assert code == 2
    assert "header" in err
    assert movements() == (0, 0, 0)
    assert not Path(f"{path}.errors.csv").exists()


@pytest.mark.django_db
def test_import_rejects_a_row_that_is_not_utf8_and_imports_the_others(program, asset, tmp_path):
    # given: a Latin-1 name
    path = write(tmp_path, HEADER.encode() + b"jose,Jos\xe9,,,\nann,Ann,,,\n")

    # when
    code, _out, _err = run(path, program)

    # then
    assert code == 1
    assert errors_of(path) == [("2", "The line is not UTF-8 text (save the file as UTF-8).")]
    with open(f"{path}.errors.csv", newline="", encoding="utf-8") as errors:
        assert list(csv.DictReader(errors))[0]["display_name"] == "Jos\\xe9"
    assert list(Participant.objects.values_list("external_id", flat=True)) == ["ann"]


@pytest.mark.django_db
def test_import_refuses_a_header_that_is_not_utf8(program, asset, tmp_path):
    # when
    code, _out, err = run(write(tmp_path, b"\xff\xfee\x00x\x00t\x00\n"), program)

    # then
    assert code == 2 and "not UTF-8" in err


@pytest.mark.django_db
def test_import_of_a_1_gb_file_is_streamed_and_stops_at_the_first_unreadable_line(program, asset, tmp_path):
    # given: a sparse 1 GB file (NUL bytes, no line end) behind a good header and row
    path = write(tmp_path, HEADER + "alice,,,,\n")
    with open(path, "r+b") as sparse:
        sparse.truncate(1024**3)

    # when
    code, _out, err = run(path, program)

    # then: refused at its third line without reading the gigabyte
    assert code == 2
    assert "Line 3 is longer than 65536 bytes" in err


@pytest.mark.django_db
def test_import_of_a_1_gb_file_with_a_wrong_header_answers_at_once(program, asset, tmp_path):
    # given
    path = tmp_path / "huge.csv"
    with open(path, "wb") as sparse:
        sparse.truncate(1024**3)

    # when
    code, _out, err = run(path, program)

    # then
    assert code == 2 and "Line 1 is longer" in err
    assert movements() == (0, 0, 0)


@pytest.mark.django_db
def test_import_of_an_unreadable_file_is_exit_code_2(program, tmp_path):
    # when
    code, _out, err = run(tmp_path / "missing.csv", program)

    # then
    assert code == 2 and "No such file" in err


@pytest.mark.django_db
def test_import_of_a_file_with_an_unclosed_quote_stops_with_exit_code_2(program, asset, tmp_path):
    # given: a quote that never closes swallows the rest of the file into one cell
    path = write(tmp_path, HEADER + '"alice,Alice,,1.00,\n' + "x" * 200 + "\n" * 2000)

    # when
    code, _out, err = run(path, program)

    # then
    assert code == 2
    assert "not readable as CSV" in err
    assert movements() == (0, 0, 0)


# --- expires_at (the points lifecycle) ----------------------------------------------------------


@pytest.mark.django_db
def test_a_row_with_expires_at_imports_a_lot_that_expires_then(program, asset, tmp_path):
    # given
    path = write(tmp_path, HEADER + "alice,,,25.00,2999-01-15T10:30:00Z\n")

    # when
    code, _out, _err = run(path, program)

    # then
    assert code == 0
    lot = Accrual.objects.get(participant__external_id="alice")
    assert lot.expires_at.isoformat() == "2999-01-15T10:30:00+00:00"
    assert (lot.status, lot.remaining) == ("AVAILABLE", Decimal("25.00"))


@pytest.mark.django_db
def test_a_row_without_expires_at_takes_the_assets_validity(program, tmp_path):
    # given
    from datetime import timedelta

    from django.utils import timezone

    asset = AssetFactory(program=program, validity_days=30)
    path = write(tmp_path, HEADER + "alice,,,25.00,\n")

    # when
    code, _out, _err = run(path, program)

    # then
    assert code == 0
    lot = Accrual.objects.get(participant__external_id="alice", asset=asset)
    assert timezone.now() + timedelta(days=29) < lot.expires_at <= timezone.now() + timedelta(days=30)


@pytest.mark.django_db
def test_the_same_file_with_expires_at_twice_creates_nothing_new(program, asset, tmp_path):
    # given
    path = write(tmp_path, HEADER + "alice,,,25.00,2999-01-15T10:30:00Z\n")
    assert run(path, program)[0] == 0
    before = movements()

    # when
    code, _out, _err = run(path, program)

    # then
    assert code == 0
    assert movements() == before


@pytest.mark.django_db
def test_an_expires_at_before_the_assets_pending_period_ends_is_a_bad_row(program, tmp_path):
    # given
    from datetime import timedelta

    from django.utils import timezone

    AssetFactory(program=program, pending_days=30)
    soon = (timezone.now() + timedelta(days=2)).isoformat()
    path = write(tmp_path, HEADER + f"alice,,,25.00,{soon}\nbob,,,5.00,\n")
    before = Accrual.objects.count()

    # when
    code, _out, _err = run(path, program)

    # then
    assert code == 1
    assert errors_of(path) == [("2", "expires_at: expires_at must be after available_at.")]
    assert Accrual.objects.count() == before + 1  # bob's, pending
    assert not Accrual.objects.filter(participant__external_id="alice").exists()
