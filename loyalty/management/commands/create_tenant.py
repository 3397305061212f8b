"""``manage.py create_tenant NAME``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from loyalty.audit import Actor
from loyalty.errors import ValidationFailed
from loyalty.services import tenant_create


class Command(BaseCommand):
    help = (
        "Create a tenant (a brand: it owns its programs, participants, API keys and operators). Its id is "
        "printed alone on the last line of stdout; pass it to create_api_key --tenant."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The tenant's name (1-200 characters, unique).")

    def handle(self, *args, name: str, **options):
        try:
            tenant = tenant_create(name=name, actor=Actor.of_command("create_tenant"))
        except ValidationFailed as exc:
            raise CommandError(" ".join(exc.fields.get("name", [exc.message]))) from None
        self.stdout.write(self.style.SUCCESS(f"Created tenant {tenant.name!r}."))
        self.stdout.write(str(tenant.id))
