"""PostgreSQL guards: immutable entries and lines, entries that balance at commit."""

from pathlib import Path

from django.db import migrations

from loyalty.migration_ops import PostgresSQLFile

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_account_participant")]

    operations = [PostgresSQLFile(SQL_DIR / "guards.sql", SQL_DIR / "guards_reverse.sql")]
