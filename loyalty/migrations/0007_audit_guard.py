"""PostgreSQL refuses an UPDATE or DELETE of an audit record (insert-only)."""

from pathlib import Path

from django.db import migrations

from loyalty.migration_ops import PostgresSQLFile

HERE = Path(__file__).resolve().parent


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0006_operator_views_audit_events")]

    operations = [PostgresSQLFile(HERE / "0007_audit_guard.pg.sql", HERE / "0007_audit_guard_reverse.pg.sql")]
