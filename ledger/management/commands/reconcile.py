"""``manage.py reconcile``: prove that the books and the counters derived from them agree."""

from __future__ import annotations

import sys
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError

from ledger.reconciliation import DEFAULT_EXAMPLES, CheckResult, reconcile
from ledger.reconciliation.render import check_line, report_json, report_text
from loyalty.errors import NotFound
from loyalty.replicas import REPLICA, read_with_fallback, replica_configured, replica_lag_seconds

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
        parser.add_argument(
            "--replica", action="store_true",
            help="Read from the read replica (DATABASE_REPLICA_URL): a consistent snapshot that lags the "
            "primary; the primary when the replica does not answer.",
        )

    def handle(self, *args, **options):
        output_format = options["format"]
        if output_format not in FORMATS:  # call_command() bypasses argparse's choices
            raise CommandError(f"--format must be one of {', '.join(FORMATS)}.", returncode=USAGE_ERROR)
        if options["examples"] < 0:
            raise CommandError("--examples must be 0 or more.", returncode=USAGE_ERROR)
        program_id = parse_program_id(options["program"])
        progress = self._progress if self.stderr.isatty() else None
        if options["replica"] and not replica_configured():
            raise CommandError("--replica: DATABASE_REPLICA_URL is not set.", returncode=USAGE_ERROR)
        read_from: list[str] = []

        def run(alias: str):
            read_from.append(alias)
            return reconcile(program_id=program_id, examples=options["examples"], progress=progress, using=alias)

        try:
            report = read_with_fallback(run) if options["replica"] else run(DEFAULT_DB_ALIAS)
        except NotFound as exc:
            raise CommandError(exc.message, returncode=USAGE_ERROR) from exc
        except OperationalError as exc:
            raise CommandError(f"Database error: {exc}".strip(), returncode=USAGE_ERROR) from exc

        if options["replica"]:
            self.stderr.write(self._source(read_from[-1]))
        self.stdout.write(report_json(report) if output_format == "json" else report_text(report))
        if not report.ok:
            sys.exit(1)

    @staticmethod
    def _source(alias: str) -> str:
        if alias != REPLICA:
            return "The read replica does not answer: read from the primary."
        lag = replica_lag_seconds()
        since = "nothing replayed yet" if lag is None else f"last replayed transaction committed {lag:.1f} s ago"
        return f"Read from the read replica ({since})."

    def _progress(self, index: int, total: int, name: str, result: CheckResult | None) -> None:
        if result is None:
            self.stderr.write(f"[{index}/{total}] {name} ...", ending="")
            self.stderr.flush()
        else:
            self.stderr.write("\r" + check_line(index, total, result))
