"""
CSV written for people who open it in a spreadsheet: the one place that makes a cell safe.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` is written with a leading
``'`` (the contract's rule, "Bulk import and export"): Excel, LibreOffice and
Google Sheets would otherwise run it as a formula (``=HYPERLINK(...)``,
``@SUM(...)``). Every CSV the project writes (``export_ledger``, the admin's
CSV exports, ``FILE.errors.csv`` of ``import_participants``) goes through
:func:`safe_cell` for its text cells. Amounts are always positive (a
``direction`` column says which side), so no number is ever changed by it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@")


def safe_cell(value) -> str:
    """``value`` as CSV cell text, with a leading ``'`` if it would start a formula (``None`` is empty)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_row(values: Iterable) -> list[str]:
    return [safe_cell(value) for value in values]


class Echo:
    """A file-like object whose ``write`` returns the line (a ``csv.writer`` over it yields CSV lines)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterable[str]:
    """The header and ``rows`` as CSV lines (cells made safe), one string per row: for a streaming response."""
    writer = csv.writer(Echo(), lineterminator="\n")
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow(safe_row(row))
