"""``manage.py export_ledger``: a program's journal lines as CSV, from one consistent snapshot."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from ledger.export import ledger_export
from ledger.management.commands.reconcile import USAGE_ERROR, parse_program_id
from ledger.management.commands.trial_balance import parse_as_of
from loyalty.errors import NotFound
from loyalty.replicas import read_with_fallback


class Command(BaseCommand):
    help = (
        "Write the journal lines of a program's entries created at or after --from and before --to as CSV "
        "(header: entry_id, created_at, kind, description, reverses_entry_id, account_id, account_type, "
        "participant_external_id, asset_code, direction, amount) from one consistent snapshot, streamed, "
        "to --output or stdout. Reads the read replica when there is one (its lag applies). "
        "Exit status: 0 written, 2 usage or database error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", metavar="ID", required=True, help="The program (its id).")
        parser.add_argument("--from", dest="start", metavar="TIMESTAMP", help="Entries created at or after (ISO 8601).")
        parser.add_argument("--to", dest="end", metavar="TIMESTAMP", help="Entries created before (ISO 8601).")
        parser.add_argument("--output", metavar="FILE", help="Write to FILE (replaced whole at the end) instead of stdout.")

    def handle(self, *args, **options):
        program_id = parse_program_id(options["program"])
        if program_id is None:
            raise CommandError("--program is required.", returncode=USAGE_ERROR)
        start = parse_as_of(options["start"], option="--from")
        end = parse_as_of(options["end"], option="--to")
        if start is not None and end is not None and start >= end:
            raise CommandError("--from must be before --to.", returncode=USAGE_ERROR)
        output = options["output"]
        try:
            if output is None:
                out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
                read_with_fallback(lambda alias: ledger_export(out, program_id=program_id, start=start, end=end, using=alias))
                return
            partial = f"{output}.partial"

            def write(alias: str) -> int:
                # A fresh file per attempt: a read that failed on the replica starts again on the primary.
                with open(partial, "w", newline="", encoding="utf-8") as out:
                    return ledger_export(out, program_id=program_id, start=start, end=end, using=alias)

            try:
                written = read_with_fallback(write)
            except BaseException:
                if os.path.exists(partial):
                    os.unlink(partial)
                raise
            os.replace(partial, output)
            self.stderr.write(f"{written} journal lines written to {output}.")
        except NotFound as exc:
            raise CommandError(exc.message, returncode=USAGE_ERROR) from exc
        except OperationalError as exc:
            raise CommandError(f"Database error: {exc}".strip(), returncode=USAGE_ERROR) from exc
        except OSError as exc:
            raise CommandError(f"{output}: {exc.strerror or exc}", returncode=USAGE_ERROR) from exc
