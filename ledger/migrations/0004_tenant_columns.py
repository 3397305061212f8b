"""
The ``tenant`` of assets, accounts, journal entries and journal lines: every
row that exists belongs to the tenant Default.

Added with a default (Default's id) that is dropped afterwards: no row is
updated, so the immutable entries and lines are not touched (their
triggers refuse any UPDATE) and PostgreSQL 11+ does not rewrite the tables.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

DEFAULT_TENANT_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")  # loyalty 0003's


def tenant(related_name: str, *, db_index: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        default=DEFAULT_TENANT_ID,
        db_index=db_index,
        editable=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="loyalty.tenant",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_guards"),
        ("loyalty", "0003_tenants"),
    ]

    operations = [
        migrations.AddField("asset", "tenant", tenant("assets"), preserve_default=False),
        migrations.AddField("account", "tenant", tenant("accounts", db_index=True), preserve_default=False),
        migrations.AddField("journalentry", "tenant", tenant("journal_entries"), preserve_default=False),
        migrations.AddField("journalline", "tenant", tenant("journal_lines"), preserve_default=False),
        migrations.AddIndex(
            "asset", models.Index(fields=["tenant", "-created_at", "-id"], name="asset_tenant_newest_idx")
        ),
        migrations.AddIndex(
            "journalentry", models.Index(fields=["tenant", "-created_at", "-id"], name="entry_tenant_newest_idx")
        ),
    ]
