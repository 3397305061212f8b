"""``manage.py process_points``: release and expire the points that are due (``participants.lifecycle``)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone

from ledger.management.commands.reconcile import USAGE_ERROR, parse_program_id
from ledger.management.commands.trial_balance import parse_as_of
from ledger.models import Asset
from loyalty.money import format_amount
from participants import lifecycle


class Command(BaseCommand):
    help = (
        "Release pending points whose available_at has come and expire points whose expires_at has come, "
        "as of now (or --as-of, not in the future), in short transactions of at most --batch lots. Safe to run "
        "at any moment, repeatedly and beside a second copy or live traffic; a run killed midway is finished by "
        "the next. Exit status: 0 done, 2 usage or connection error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", metavar="ID", help="Only this program (its id).")
        parser.add_argument("--as-of", metavar="TIMESTAMP", help="Process what is due at this past moment.")
        parser.add_argument("--dry-run", action="store_true", help="Print what is due; change nothing.")
        parser.add_argument("--loop", metavar="SECONDS", type=float, help="Repeat every SECONDS until SIGTERM/SIGINT.")
        parser.add_argument("--batch", type=int, default=lifecycle.DEFAULT_BATCH, help="Lots per transaction.")
        parser.add_argument(
            "--workers", type=int, default=1,
            help="Threads, each on its own connection and its own range of participants (PostgreSQL; about one per "
            "core of the machine; SQLite always runs one).",
        )

    def handle(self, *args, **options):
        program_id = parse_program_id(options["program"])
        as_of_given = parse_as_of(options["as_of"])
        if as_of_given is not None and as_of_given > timezone.now():
            raise CommandError("--as-of may not be in the future.", returncode=USAGE_ERROR)
        if options["batch"] < 1 or options["workers"] < 1 or (options["loop"] is not None and options["loop"] <= 0):
            raise CommandError("--batch, --workers and --loop must be positive.", returncode=USAGE_ERROR)
        self.stopping = False
        if options["loop"] is not None:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._stop)
        try:
            while True:
                self._run_once(program_id, as_of_given, options)
                if options["loop"] is None or self.stopping:
                    break
                deadline = time.monotonic() + options["loop"]
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(min(0.2, options["loop"]))
                if self.stopping:
                    break
        except (OperationalError, InterfaceError) as exc:
            raise CommandError(f"database error: {exc}", returncode=USAGE_ERROR) from exc
        except DatabaseError as exc:  # pragma: no cover - anything else the database refuses
            raise CommandError(f"database error: {exc}", returncode=USAGE_ERROR) from exc

    def _stop(self, signum, frame):
        self.stopping = True
        self.stderr.write(f"signal {signum}: stopping after the current batch")

    def _run_once(self, program_id, as_of_given, options) -> None:
        as_of = as_of_given or timezone.now()
        assets = Asset.objects.order_by("program_id", "code")
        if program_id is not None:
            assets = assets.filter(program_id=program_id)
            if not assets.exists():
                from loyalty.models import Program

                if not Program.objects.filter(id=program_id).exists():
                    raise CommandError(f"--program: no program {program_id}.", returncode=USAGE_ERROR)
        dry = options["dry_run"]
        self.stdout.write(f"process_points as of {as_of.isoformat()}{' (dry run)' if dry else ''}")
        for asset in assets:
            if self.stopping:
                break
            if dry:
                totals = lifecycle.due_totals(asset=asset, as_of=as_of)
            else:
                totals = lifecycle.process_asset(
                    asset=asset,
                    as_of=as_of,
                    batch=options["batch"],
                    progress=self.stderr.write,
                    should_stop=lambda: self.stopping,
                    workers=options["workers"],
                )
            self.stdout.write(
                f"program {asset.program_id} asset {asset.code}: "
                f"released {totals.released} lot(s) {format_amount(totals.released_amount, asset.scale)}, "
                f"expired {totals.expired} lot(s) {format_amount(totals.expired_amount, asset.scale)}"
                + ("" if dry else f", {totals.entries} entr(ies) in {totals.batches} batch(es)")
            )
        if not dry:
            lifecycle.prune_events(as_of=as_of)  # the events older than the retention
