"""PostgreSQL guards: immutable entries and lines, entries that balance at commit."""

from pathlib import Path

from django.db import migrations

from loyalty.migration_ops import PostgresSQLFile

HERE = Path(__file__).resolve().parent


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_account_participant")]

    operations = [PostgresSQLFile(HERE / "0003_guards.pg.sql", HERE / "0003_guards_reverse.pg.sql")]
