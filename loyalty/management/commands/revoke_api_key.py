"""``manage.py revoke_api_key PREFIX``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from loyalty.audit import Actor
from loyalty.auth import PREFIX_ALPHABET
from loyalty.errors import NotFound
from loyalty.services import api_key_revoke


class Command(BaseCommand):
    help = "Revoke the API key with this 8-character prefix (the part after lk_). Revoking twice is harmless."

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="The key's 8-character prefix, as shown in the admin.")

    def handle(self, *args, prefix: str, **options):
        if len(prefix) != 8 or any(char not in PREFIX_ALPHABET for char in prefix):
            raise CommandError(f"{prefix!r} is not a key prefix: expected 8 lowercase letters and digits.")
        try:
            api_key = api_key_revoke(prefix=prefix, actor=Actor.of_command("revoke_api_key"))
        except NotFound:
            raise CommandError(f"No API key with prefix {prefix!r}.") from None
        revoked_at = f"{api_key.revoked_at:%Y-%m-%d %H:%M:%S}Z"
        message = f"Revoked API key {api_key.name!r} (prefix {api_key.prefix}) at {revoked_at}."
        self.stdout.write(self.style.SUCCESS(message))
