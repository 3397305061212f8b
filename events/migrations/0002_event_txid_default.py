"""PostgreSQL: an event's txid defaults to the id of the transaction that inserts it."""

from pathlib import Path

from django.db import migrations

from loyalty.migration_ops import PostgresSQLFile

HERE = Path(__file__).resolve().parent


class Migration(migrations.Migration):
    dependencies = [("events", "0001_events")]

    operations = [
        PostgresSQLFile(HERE / "0002_event_txid_default.pg.sql", HERE / "0002_event_txid_default_reverse.pg.sql")
    ]
