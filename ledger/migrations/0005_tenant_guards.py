"""PostgreSQL guards, v2: the deferred entry check also refuses lines and accounts of another tenant."""

from pathlib import Path

from django.db import migrations

from loyalty.migration_ops import PostgresSQLFile

HERE = Path(__file__).resolve().parent


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_tenant_columns"),
        ("loyalty", "0004_tenant_columns"),
    ]

    operations = [PostgresSQLFile(HERE / "0005_tenant_guards.pg.sql", HERE / "0005_tenant_guards_reverse.pg.sql")]
