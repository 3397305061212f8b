"""``python manage.py prune_events``: delete events past EVENT_RETENTION_DAYS (see ``events.services.events_prune``)."""

from django.core.management.base import BaseCommand

from events.services import events_prune


class Command(BaseCommand):
    help = "Delete events older than EVENT_RETENTION_DAYS (at least 30) in batches; events with pending deliveries stay."

    def handle(self, *args, **options):
        deleted = events_prune()
        self.stdout.write(f"Deleted {deleted} event(s).")
