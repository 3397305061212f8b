"""
Bulk import of participants and their opening balances (``manage.py import_participants`` and the admin).

The file is read as a stream (a line at a time, each at most
:data:`MAX_LINE_BYTES`), never whole, so its size does not matter; only the
``external_id`` digests seen so far are kept, to find repeats. Each row is
checked in Python (:func:`read_rows`), then the good rows are written in
chunks of :data:`CHUNK_ROWS`, one transaction per chunk
(:func:`import_chunk`): the participants enrolled in two statements, and the
opening balances posted through the accrual service for many
(``participants.services.accruals_create_many``) with the idempotency key
``import:<external_id>``: every row gets the accrual's checks, its key, its
locked wallet and its own balanced journal entry through the ledger's
service (and its guards at commit), in a handful of statements per chunk; a
refused row is refused before anything of it is written. A repeated file finds every key used by the same request and creates
nothing; a file cut short and run again completes it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ledger.models import Account, Asset
from loyalty import sql
from loyalty.csv_safe import safe_row
from loyalty.db import in_transaction
from loyalty.errors import DomainError, IdempotencyKeyReused
from loyalty.idempotency import MAX_KEY_LENGTH
from loyalty.models import Program
from loyalty.money import MAX_INPUT_AMOUNT, format_amount, written_places
from participants.models import Enrollment, Participant
from participants.services import UNSET, AccrualRequest, accruals_create_many, participants_enrol_many

COLUMNS = ("external_id", "display_name", "email", "opening_balance", "expires_at")
ERRORS_HEADER = ("line", "reason", *COLUMNS)
OPENING_BALANCE_DESCRIPTION = "Opening balance"
KEY_PREFIX = "import:"
MAX_EXTERNAL_ID = MAX_KEY_LENGTH - len(KEY_PREFIX)  # the idempotency key import:<external_id> must fit
MAX_LINE_BYTES = 64 * 1024
CHUNK_ROWS = 500
BOM = b"\xef\xbb\xbf"
_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_NEGATIVE = re.compile(r"^-[0-9]+(\.[0-9]+)?$")
_DISPLAY_NAME_MAX = Participant._meta.get_field("display_name").max_length
_EMAIL_MAX = Participant._meta.get_field("email").max_length


class ImportFileError(Exception):
    """The file cannot be imported at all (wrong header, not CSV, a line too long): exit code 2."""


@dataclass(frozen=True)
class ImportRow:
    line: int
    external_id: str
    display_name: str
    email: str
    opening_balance: Decimal | None
    expires_at: datetime | None


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str
    cells: tuple[str, ...]

    def csv_row(self) -> list[str]:
        cells = [_printable(cell) for cell in self.cells]
        return safe_row([self.line, self.reason, *cells])


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    bad: list[BadRow] = field(default_factory=list)
    bad_count: int = 0
    bytes_read: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.bad_count else 0


def _printable(cell: str) -> str:
    """A cell as text again: bytes that were not UTF-8 shown as ``\\xe9``."""
    return cell.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class _Lines:
    """The file's lines as text, a line at a time (BOM dropped, bytes that are not UTF-8 kept as surrogates)."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.bytes_read = 0
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        while True:
            raw = self.stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            if len(raw) > MAX_LINE_BYTES:
                raise ImportFileError(
                    f"Line {self.line + 1} is longer than {MAX_LINE_BYTES} bytes: this is not a participants CSV file."
                )
            if self.line == 0 and raw.startswith(BOM):
                raw = raw[len(BOM):]
            self.bytes_read += len(raw)
            self.line += 1
            yield raw.decode("utf-8", "surrogateescape")


def _not_utf8(cells: list[str]) -> bool:
    return any("\udc80" <= char <= "\udcff" for cell in cells for char in cell)


def _header(cells: list[str]) -> int:
    names = [cell.strip().lower() for cell in cells]
    while names and names[-1] == "":
        names.pop()
    if not names or tuple(names) != COLUMNS[: len(names)]:
        got = ",".join(_printable(cell) for cell in cells)[:200]
        raise ImportFileError(
            f"Line 1: the header must be {','.join(COLUMNS)} (the last four columns may be left out), "
            f"not {got!r}." + (" The file is not UTF-8." if _not_utf8(cells) else "")
        )
    return len(names)


def _amount(text: str, asset: Asset | None) -> tuple[Decimal | None, str | None]:
    if text == "":
        return None, None
    if _NEGATIVE.match(text):
        return None, f"opening_balance {text} is negative."
    if not _AMOUNT.match(text):
        return None, f"opening_balance {text!r} is not an amount (digits with an optional decimal point, e.g. 150.00)."
    amount = Decimal(text)
    if amount > MAX_INPUT_AMOUNT:
        return None, f"opening_balance {text} is above the largest amount, {MAX_INPUT_AMOUNT}."
    if amount == 0:
        return None, None
    if asset is None:
        return None, "The program has no asset to credit an opening balance in."
    if written_places(amount) > asset.scale:
        return None, f"opening_balance {text} has more than {asset.scale} decimal places (asset {asset.code})."
    return amount, None


def _expires_at(text: str, now: datetime) -> tuple[datetime | None, str | None]:
    if text == "":
        return None, None
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        return None, f"expires_at {text!r} is not an ISO 8601 timestamp (e.g. 2027-01-15T10:30:00Z)."
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    if parsed <= now:
        return None, f"expires_at {text} is not in the future."
    return parsed, None


def read_rows(stream: BinaryIO, *, asset: Asset | None, lines: _Lines | None = None) -> Iterator[ImportRow | BadRow]:
    """
    The file's rows, each a good :class:`ImportRow` or a :class:`BadRow` with
    its line number (the header is line 1) and the reason. Raises
    :class:`ImportFileError` for a file that cannot be imported at all.
    """
    lines = lines or _Lines(stream)
    reader = csv.reader(iter(lines), strict=True)  # strict: a quote left open is an error, not a cell
    seen: set[bytes] = set()
    now = timezone.now()
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError(f"The file is empty: it needs the header {','.join(COLUMNS)}.")
        width = _header(header)
        while True:
            start = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                return
            if not cells or all(cell.strip() == "" for cell in cells):
                continue  # a blank line
            yield _row(start, cells, width=width, seen=seen, asset=asset, now=now)
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num}: not readable as CSV ({exc}).") from exc


def _row(line: int, cells: list[str], *, width: int, seen: set[bytes], asset: Asset | None, now: datetime):
    padded = [cell.strip() for cell in cells] + [""] * (len(COLUMNS) - len(cells))
    shown = tuple(padded[: len(COLUMNS)])

    def bad(reason: str) -> BadRow:
        return BadRow(line, reason, shown)

    external_id = padded[0]
    if external_id:
        digest = hashlib.blake2b(external_id.encode("utf-8", "surrogateescape"), digest_size=12).digest()
        repeated = digest in seen
        seen.add(digest)
    else:
        repeated = False
    if _not_utf8(cells):
        return bad("The line is not UTF-8 text (save the file as UTF-8).")
    if len(cells) > width:
        return bad(f"The line has {len(cells)} cells; the header has {width}.")
    if not external_id:
        return bad("external_id is missing.")
    if repeated:
        return bad(f"external_id {external_id!r} appears on an earlier line of the file.")
    if any(char in external_id for char in "\r\n\t") or not external_id.isprintable():
        return bad("external_id contains a line break, a tab or another control character.")
    if len(external_id) > MAX_EXTERNAL_ID:
        return bad(f"external_id is longer than {MAX_EXTERNAL_ID} characters.")
    display_name, email = padded[1], padded[2]
    if len(display_name) > _DISPLAY_NAME_MAX:
        return bad(f"display_name is longer than {_DISPLAY_NAME_MAX} characters.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return bad(f"email {email!r} is not an e-mail address.")
        if len(email) > _EMAIL_MAX:
            return bad(f"email is longer than {_EMAIL_MAX} characters.")
    amount, reason = _amount(padded[3], asset)
    if reason:
        return bad(reason)
    expires_at, reason = _expires_at(padded[4], now)
    if reason:
        return bad(reason)
    return ImportRow(line, external_id, display_name, email, amount, expires_at)


def import_chunk(*, program: Program, asset: Asset | None, rows: list[ImportRow], dry_run: bool = False) -> list[BadRow]:
    """
    Enrol the rows' participants and post their opening balances in one
    transaction (retried whole on a deadlock); the rows the accrual service
    refused come back as bad rows. ``dry_run``: the same, rolled back.
    """

    def run() -> list[BadRow]:
        refused = []
        participants = participants_enrol_many(
            program=program, people=[(row.external_id, row.display_name, row.email) for row in rows]
        )
        balances = [row for row in rows if row.opening_balance is not None]
        results = accruals_create_many(
            program=program,
            asset=asset,
            requests=[
                AccrualRequest(
                    participant=participants[row.external_id],
                    amount=row.opening_balance,
                    description=OPENING_BALANCE_DESCRIPTION,
                    idempotency_key=KEY_PREFIX + row.external_id,
                    # Empty: the asset's policy, as for any accrual (validity_days; never when null).
                    expires_at=UNSET if row.expires_at is None else row.expires_at,
                )
                for row in balances
            ],
        ) if balances else []
        for row, result in zip(balances, results, strict=True):
            if isinstance(result, IdempotencyKeyReused):
                refused.append(BadRow(row.line, "An earlier import gave this participant another opening balance "
                                      f"(or its key {KEY_PREFIX}{row.external_id} was used for another accrual).",
                                      _cells(row, asset)))
            elif isinstance(result, DomainError):
                refused.append(BadRow(row.line, result.message, _cells(row, asset)))
        if dry_run:
            transaction.set_rollback(True)
        return refused

    return in_transaction(run)


def analyze_grown_tables() -> None:
    """
    PostgreSQL: refresh the planner's statistics of the tables an import grows
    and then looks rows up in by a list (participants by ``external_id``,
    their enrolments, their wallets), as PostgreSQL advises after a bulk load.
    Autovacuum lags behind an import that doubles a table in seconds; with the
    statistics of the empty table the planner scans a tenant's every
    participant for each chunk (the chunks slowed down as the file went on).
    Run after chunks 1, 2, 4, 8, ... (a handful per file, a fraction of a
    second each); outside the chunks' transactions.
    """
    if not sql.is_postgresql():
        return
    tables = ", ".join(sql.table(model) for model in (Participant, Enrollment, Account))
    sql.execute(f"ANALYZE {tables}", [])


def _cells(row: ImportRow, asset: Asset | None) -> tuple[str, ...]:
    amount = format_amount(row.opening_balance, asset.scale) if asset and row.opening_balance else ""
    return (row.external_id, row.display_name, row.email, amount or "", row.expires_at.isoformat() if row.expires_at else "")


def import_stream(
    stream: BinaryIO,
    *,
    program: Program,
    asset: Asset | None,
    dry_run: bool = False,
    on_bad: Callable[[BadRow], None] | None = None,
    on_chunk: Callable[[ImportResult], None] | None = None,
    keep_bad: int = 0,
) -> ImportResult:
    """Import every row of ``stream``; ``on_bad`` hears each bad row as it is found, ``on_chunk`` each commit."""
    result = ImportResult()
    lines = _Lines(stream)
    chunk: list[ImportRow] = []
    pending_bad: list[BadRow] = []

    def bad(row: BadRow) -> None:
        result.bad_count += 1
        if len(result.bad) < keep_bad:
            result.bad.append(row)
        if on_bad is not None:
            on_bad(row)

    chunks = 0

    def flush() -> None:
        nonlocal chunks
        refused = import_chunk(program=program, asset=asset, rows=chunk, dry_run=dry_run) if chunk else []
        chunks += 1
        if not dry_run and chunks & (chunks - 1) == 0:  # after chunks 1, 2, 4, 8, ...
            analyze_grown_tables()
        result.imported += len(chunk) - len(refused)
        # Bad rows in the order of the file: the chunk's, merged by line.
        for row in sorted(pending_bad + refused, key=lambda row: row.line):
            bad(row)
        chunk.clear()
        pending_bad.clear()
        result.bytes_read = lines.bytes_read
        if on_chunk is not None:
            on_chunk(result)

    for item in read_rows(stream, asset=asset, lines=lines):
        result.rows += 1
        if isinstance(item, BadRow):
            pending_bad.append(item)
        else:
            chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            flush()
    flush()
    return result


def program_asset(program: Program, code: str | None) -> Asset | None:
    """The asset of the opening balances: ``code``, or the program's only one (None: it has none)."""
    assets = list(Asset.objects.filter(program=program, tenant_id=program.tenant_id).order_by("code"))
    if code:
        for asset in assets:
            if asset.code == code:
                return asset
        raise ImportFileError(f"The program has no asset {code!r}.")
    if len(assets) > 1:
        raise ImportFileError(
            f"The program has {len(assets)} assets ({', '.join(a.code for a in assets)}): say which with --asset."
        )
    return assets[0] if assets else None


def errors_path(path: str) -> str:
    return f"{path}.errors.csv"


def import_file(
    path: str, *, program: Program, asset: Asset | None, dry_run: bool = False,
    on_chunk: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """
    Import the file at ``path``; bad rows go to ``path.errors.csv`` (line,
    reason and the row's cells), which is removed when no row is bad.
    """
    target = errors_path(path)
    partial = f"{target}.partial"
    with open(path, "rb") as stream, open(partial, "w", newline="", encoding="utf-8") as errors:
        writer = csv.writer(errors, lineterminator="\n")
        writer.writerow(ERRORS_HEADER)
        try:
            result = import_stream(
                stream, program=program, asset=asset, dry_run=dry_run, on_chunk=on_chunk,
                on_bad=lambda row: writer.writerow(row.csv_row()),
            )
        except BaseException:
            errors.close()
            os.unlink(partial)
            raise
    if result.bad_count:
        os.replace(partial, target)
    else:
        os.unlink(partial)
        if os.path.exists(target):
            os.unlink(target)  # an old one, of an earlier run
    return result


def progress_line(result: ImportResult, *, total_bytes: int, elapsed: float) -> str:
    """``12,000 rows (11,990 imported, 10 bad), 2,400 rows/s, about 0:00:35 left``."""
    rate = result.rows / elapsed if elapsed > 0 else 0.0
    left = "?"
    if result.bytes_read and total_bytes >= result.bytes_read:
        seconds = int(elapsed * (total_bytes - result.bytes_read) / result.bytes_read)
        left = f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return (f"{result.rows:,} rows ({result.imported:,} imported, {result.bad_count:,} bad), "
            f"{rate:,.0f} rows/s, about {left} left")
