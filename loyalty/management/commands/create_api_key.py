"""``manage.py create_api_key --name NAME [--tenant ID] (--program ID [--program ID ...] | --all-programs)``."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from loyalty.audit import Actor
from loyalty.errors import NotFound, ValidationFailed
from loyalty.models import Tenant
from loyalty.services import api_key_create

UNKNOWN = {
    "Unknown tenant.": "--tenant must name an existing tenant.",
    "Unknown program.": "Every --program must name an existing program.",
}


def _uuid(option: str, value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a valid {what} id (a UUID).") from None


class Command(BaseCommand):
    help = (
        "Create an API key of one tenant, scoped to some of its programs or to all of them. The plain key is "
        "printed alone on the last line of stdout; it is shown only once (only its hash is stored). --tenant may "
        "be left out where it is implied: by the --program ids, or, with --all-programs, while exactly one "
        "tenant exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="A label for the key (who or what uses it).")
        parser.add_argument("--tenant", metavar="ID", help="The tenant the key belongs to (create_tenant prints it).")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument(
            "--program",
            dest="programs",
            action="append",
            metavar="ID",
            help="A program of the tenant the key may reach (repeat for several).",
        )
        scope.add_argument(
            "--all-programs", action="store_true", help="The key may reach every program of its tenant, now and future."
        )

    def handle(self, *args, name: str, tenant: str | None, programs: list[str] | None, all_programs: bool, **options):
        name = name.strip()
        if not name or len(name) > 200:
            raise CommandError("--name must be 1-200 characters.")
        tenant_id = None if tenant is None else _uuid("--tenant", tenant, "tenant")
        program_ids = [_uuid("--program", value, "program") for value in programs or []]
        try:
            api_key, plain = api_key_create(
                name=name, tenant_id=tenant_id, program_ids=program_ids, all_programs=all_programs,
                actor=Actor.of_command("create_api_key"),
            )
        except NotFound as exc:
            raise CommandError(f"{exc.message} {UNKNOWN.get(exc.message, '')}".strip()) from None
        except ValidationFailed as exc:
            raise CommandError(_usage(exc)) from None
        tenant_name = Tenant.objects.values_list("name", flat=True).get(id=api_key.tenant_id)
        scope = "all its programs" if all_programs else f"{len(set(program_ids))} program(s)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Created API key {name!r} (prefix {api_key.prefix}) of tenant {tenant_name!r} for {scope}."
            )
        )
        self.stdout.write("Store the key now; it is not shown again. Send it as the X-API-Key header:")
        self.stdout.write(plain)


def _usage(exc: ValidationFailed) -> str:
    """The service's refusal in the command's terms."""
    if "tenant" in exc.fields:
        return "--tenant is required. " + " ".join(exc.fields["tenant"])
    return " ".join(message for messages in exc.fields.values() for message in messages) + (
        " Give --program ids of one tenant (and --tenant, if given, must be theirs)."
    )
