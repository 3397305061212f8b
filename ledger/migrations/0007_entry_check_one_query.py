"""PostgreSQL guards, v2.1: the deferred entry check reads the entry in one query (same checks, same messages)."""

from pathlib import Path

from django.db import migrations

from loyalty.migration_ops import PostgresSQLFile

HERE = Path(__file__).resolve().parent


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_points_lifecycle"),
    ]

    operations = [
        PostgresSQLFile(HERE / "0007_entry_check_one_query.pg.sql", HERE / "0007_entry_check_one_query_reverse.pg.sql")
    ]
