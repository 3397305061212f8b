"""
The ledger export for finance (``manage.py export_ledger``): the journal lines of a program as CSV.

One consistent snapshot (:func:`ledger.reconciliation.read_only_snapshot`:
``REPEATABLE READ, READ ONLY`` on PostgreSQL), read through a server-side
cursor in chunks (``QuerySet.iterator``) and written line by line, so the
memory used does not grow with the ledger (measured in
``ledger/tests/test_export.py``). Summed per account type, the lines equal
``trial_balance`` for the same program (see :data:`HEADER` for the columns).
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS

from ledger.models import JournalLine
from loyalty.csv_safe import safe_cell
from loyalty.money import format_amount

HEADER = (
    "entry_id", "created_at", "kind", "description", "reverses_entry_id", "account_id", "account_type",
    "participant_external_id", "asset_code", "direction", "amount",
)
CHUNK_SIZE = 5000

_FIELDS = (
    "entry_id", "entry__created_at", "entry__kind", "entry__description", "entry__reverses_id", "account_id",
    "account__type", "account__participant__external_id", "asset__code", "direction", "amount", "asset__scale",
)


def timestamp_text(value: datetime) -> str:
    """As the API renders it: ISO 8601 in UTC with a ``Z``."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _id_text(value) -> str:
    return "" if value is None else str(uuid.UUID(str(value)))


def ledger_lines(
    *, program_id: uuid.UUID, start: datetime | None = None, end: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> Iterator[tuple[str, ...]]:
    """
    The program's journal lines as export rows (text cells, amounts at the
    asset's scale), oldest entry first, of the entries created at or after
    ``start`` and before ``end``. Run it inside a read-only snapshot.
    """
    lines = JournalLine.objects.using(using).filter(entry__program_id=program_id)
    if start is not None:
        lines = lines.filter(entry__created_at__gte=start)
    if end is not None:
        lines = lines.filter(entry__created_at__lt=end)
    lines = lines.order_by("entry__created_at", "entry_id", "direction", "id").values_list(*_FIELDS)
    for (entry_id, created_at, kind, description, reverses_id, account_id, account_type, external_id,
         asset_code, direction, amount, scale) in lines.iterator(chunk_size=CHUNK_SIZE):
        yield (
            _id_text(entry_id), timestamp_text(created_at), kind, safe_cell(description), _id_text(reverses_id),
            _id_text(account_id), account_type, safe_cell(external_id), safe_cell(asset_code), direction,
            format_amount(amount, scale),
        )


def ledger_export(
    out, *, program_id: uuid.UUID, start: datetime | None = None, end: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Write the header and the lines (see :func:`ledger_lines`) as CSV to ``out``; return the lines written."""
    from ledger.reconciliation.runner import program_must_exist, read_only_snapshot

    writer = csv.writer(out, lineterminator="\n")
    written = 0
    with read_only_snapshot(using):
        program_must_exist(program_id, using)
        writer.writerow(HEADER)
        for row in ledger_lines(program_id=program_id, start=start, end=end, using=using):
            writer.writerow(row)
            written += 1
    return written
