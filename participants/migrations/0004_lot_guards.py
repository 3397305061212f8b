"""PostgreSQL guards of the lots: origin immutable, never deleted, never un-released; clawbacks and allocations insert-only."""

from pathlib import Path

from django.db import migrations

from loyalty.migration_ops import PostgresSQLFile

HERE = Path(__file__).resolve().parent


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0003_points_lifecycle"),
        ("rewards", "0003_points_lifecycle"),
        ("ledger", "0005_tenant_guards"),
    ]

    operations = [PostgresSQLFile(HERE / "0004_lot_guards.pg.sql", HERE / "0004_lot_guards_reverse.pg.sql")]
