"""``manage.py reconcile``: prove that the books and the counters derived from them agree."""

from __future__ import annotations

import sys
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from ledger.reconciliation import DEFAULT_EXAMPLES, CheckResult, reconcile
from ledger.reconciliation.render import check_line, report_json, report_text
from loyalty.errors import NotFound

FORMATS = ("text", "json")
USAGE_ERROR = 2


def parse_program_id(value: str | None) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError(f"--program: {value!r} is not a program id (a UUID).", returncode=USAGE_ERROR) from None


class Command(BaseCommand):
    help = (
        "Check the whole ledger and the counters derived from it in one read-only snapshot. "
        "Exit status: 0 when everything agrees, 1 when discrepancies were found, 2 on a usage "
        "or database connection error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", metavar="ID", help="Only this program (its id).")
        parser.add_argument("--format", choices=FORMATS, default="text", help="text (default) or json (one document).")
        parser.add_argument(
            "--examples", type=int, default=DEFAULT_EXAMPLES, metavar="N",
            help=f"Examples to show per check (default {DEFAULT_EXAMPLES}).",
        )

    def handle(self, *args, **options):
        output_format = options["format"]
        if output_format not in FORMATS:  # call_command() bypasses argparse's choices
            raise CommandError(f"--format must be one of {', '.join(FORMATS)}.", returncode=USAGE_ERROR)
        if options["examples"] < 0:
            raise CommandError("--examples must be 0 or more.", returncode=USAGE_ERROR)
        program_id = parse_program_id(options["program"])
        progress = self._progress if self.stderr.isatty() else None
        try:
            report = reconcile(program_id=program_id, examples=options["examples"], progress=progress)
        except NotFound as exc:
            raise CommandError(exc.message, returncode=USAGE_ERROR) from exc
        except OperationalError as exc:
            raise CommandError(f"Database error: {exc}".strip(), returncode=USAGE_ERROR) from exc

        self.stdout.write(report_json(report) if output_format == "json" else report_text(report))
        if not report.ok:
            sys.exit(1)

    def _progress(self, index: int, total: int, name: str, result: CheckResult | None) -> None:
        if result is None:
            self.stderr.write(f"[{index}/{total}] {name} ...", ending="")
            self.stderr.flush()
        else:
            self.stderr.write("\r" + check_line(index, total, result))
