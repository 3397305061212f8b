"""``python manage.py deliver_webhooks [--once]``: the webhook worker (see ``events.delivery``)."""

from __future__ import annotations

import os
import signal
import socket
import threading
import uuid

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from events.delivery import BATCH_SIZE, Sender, deliver_batch

IDLE_SECONDS = 1.0


class Command(BaseCommand):
    help = (
        "Deliver the webhooks: a long-running worker (stops cleanly on SIGTERM or SIGINT: the batch in flight "
        "finishes). --once: one pass over the deliveries due when it starts, each attempted at most once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Deliveries claimed at once.")

    def handle(self, *args, once: bool, batch_size: int, **options):
        worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        started = timezone.now()
        sent = 0
        sender = Sender()
        try:
            while not stop.is_set():
                due_by = started if once else timezone.now()
                attempted = deliver_batch(worker=worker, due_by=due_by, limit=batch_size, sender=sender)
                sent += attempted
                if attempted == 0:
                    if once:
                        break
                    close_old_connections()
                    stop.wait(IDLE_SECONDS)
        finally:
            sender.close()
        self.stdout.write(f"deliver_webhooks {worker}: {sent} attempt(s).")
