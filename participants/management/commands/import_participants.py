"""``manage.py import_participants``: participants and their opening balances from a CSV file."""

from __future__ import annotations

import os
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from loyalty.models import Program
from participants.imports import (
    COLUMNS,
    ImportFileError,
    ImportResult,
    errors_path,
    import_file,
    program_asset,
    progress_line,
)

USAGE_ERROR = 2
SOME_ROWS_REJECTED = 1


class Command(BaseCommand):
    help = (
        f"Create or enrol the participants of a CSV file (header: {','.join(COLUMNS)}; the last four columns "
        "may be empty or absent) in a program, crediting each opening_balance above zero as an accrual "
        "(idempotency key import:<external_id>, so running a file again creates nothing new). Bad rows go to "
        "FILE.errors.csv with their line and reason. Exit status: 0 every row imported, 1 some rows rejected, "
        "2 usage error or unreadable file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The CSV file (UTF-8).")
        parser.add_argument("--program", metavar="ID", required=True, help="The program (its id).")
        parser.add_argument("--asset", metavar="CODE", help="The asset of the opening balances (required when the "
                            "program has more than one).")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write FILE.errors.csv only.")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            program_id = uuid.UUID(options["program"])
        except ValueError:
            raise CommandError(f"--program: {options['program']!r} is not a program id (a UUID).",
                               returncode=USAGE_ERROR) from None
        program = Program.objects.filter(id=program_id).first()
        if program is None:
            raise CommandError(f"Unknown program {program_id}.", returncode=USAGE_ERROR)
        try:
            total_bytes = os.path.getsize(path)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=USAGE_ERROR) from exc
        started = time.monotonic()

        def progress(result: ImportResult) -> None:
            self.stderr.write(progress_line(result, total_bytes=total_bytes, elapsed=time.monotonic() - started))

        try:
            asset = program_asset(program, options["asset"])
            result = import_file(path, program=program, asset=asset, dry_run=options["dry_run"], on_chunk=progress)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc} Nothing more was imported.", returncode=USAGE_ERROR) from exc
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=USAGE_ERROR) from exc
        except OperationalError as exc:
            raise CommandError(f"Database error: {exc}".strip(), returncode=USAGE_ERROR) from exc
        done = "checked (dry run, nothing written)" if options["dry_run"] else "imported"
        summary = f"{result.rows - result.bad_count} of {result.rows} rows {done}"
        if result.bad_count:
            raise CommandError(
                f"{summary}; {result.bad_count} rejected, see {errors_path(path)}.", returncode=SOME_ROWS_REJECTED
            )
        self.stdout.write(f"{summary}.")
