"""``manage.py trial_balance``: balances per program, asset and account type, from the lines."""

from __future__ import annotations

from datetime import UTC

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ledger.management.commands.reconcile import USAGE_ERROR, parse_program_id
from ledger.reconciliation import trial_balance
from ledger.reconciliation.render import trial_balance_text
from loyalty.errors import NotFound
from loyalty.replicas import read_with_fallback


def parse_as_of(value: str | None, *, option: str = "--as-of"):
    """An ISO 8601 date and time; without an offset it is read as UTC."""
    if value is None:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is not None and "T" not in value.upper() and " " not in value.strip():
        parsed = None  # a date alone: start or end of the day? Ask for the moment.
    if parsed is None:
        raise CommandError(
            f"{option}: {value!r} is not an ISO 8601 timestamp with a time (e.g. 2024-01-15T10:30:00Z).",
            returncode=USAGE_ERROR,
        )
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


class Command(BaseCommand):
    help = (
        "Print debits, credits and balance per program, asset and account type, summed from the "
        "journal lines (not the stored balances), now or as of a past moment. Reads the read replica "
        "when DATABASE_REPLICA_URL is set and it answers (its lag applies), else the primary."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", metavar="ID", help="Only this program (its id).")
        parser.add_argument(
            "--as-of", metavar="TIMESTAMP",
            help="Only entries created before this ISO 8601 moment (e.g. 2024-01-15T10:30:00Z).",
        )

    def handle(self, *args, **options):
        program_id = parse_program_id(options["program"])
        as_of = parse_as_of(options["as_of"])
        try:
            # A report: read from the replica when there is one (the primary when it is down).
            rows = read_with_fallback(lambda alias: trial_balance(program_id=program_id, as_of=as_of, using=alias))
        except NotFound as exc:
            raise CommandError(exc.message, returncode=USAGE_ERROR) from exc
        except OperationalError as exc:
            raise CommandError(f"Database error: {exc}".strip(), returncode=USAGE_ERROR) from exc
        self.stdout.write(trial_balance_text(rows, as_of=as_of, program_id=program_id))
