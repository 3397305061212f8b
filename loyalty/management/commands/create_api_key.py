"""``manage.py create_api_key --name NAME (--program ID [--program ID ...] | --all-programs)``."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from loyalty.errors import NotFound
from loyalty.services import api_key_create


class Command(BaseCommand):
    help = (
        "Create an API key scoped to some programs or to all programs. The plain key is printed alone "
        "on the last line of stdout; it is shown only once (only its hash is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="A label for the key (who or what uses it).")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument(
            "--program",
            dest="programs",
            action="append",
            metavar="ID",
            help="A program the key may reach (repeat for several).",
        )
        scope.add_argument("--all-programs", action="store_true", help="The key may reach every program.")

    def handle(self, *args, name: str, programs: list[str] | None, all_programs: bool, **options):
        name = name.strip()
        if not name or len(name) > 200:
            raise CommandError("--name must be 1-200 characters.")
        program_ids = []
        for value in programs or []:
            try:
                program_ids.append(uuid.UUID(value))
            except ValueError:
                raise CommandError(f"--program {value!r} is not a valid program id (a UUID).") from None
        try:
            api_key, plain = api_key_create(name=name, program_ids=program_ids, all_programs=all_programs)
        except NotFound:
            raise CommandError("Unknown program id: every --program must name an existing program.") from None
        scope = "all programs" if all_programs else f"{len(set(program_ids))} program(s)"
        self.stdout.write(self.style.SUCCESS(f"Created API key {name!r} (prefix {api_key.prefix}) for {scope}."))
        self.stdout.write("Store the key now; it is not shown again. Send it as the X-API-Key header:")
        self.stdout.write(plain)
