"""
The ``tenant`` of programs, API keys and idempotency records: every row that
exists belongs to the tenant Default.

The column is added with Default's id as its default and the default is
then dropped: on PostgreSQL 11+ that is a change of the catalog, not a
rewrite of the table, and no row is updated (no trigger fires).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

DEFAULT_TENANT_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")  # loyalty 0003's


def tenant(related_name: str, *, db_index: bool = False, editable: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        default=DEFAULT_TENANT_ID,
        db_index=db_index,
        editable=editable,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="loyalty.tenant",
    )


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0003_tenants")]

    operations = [
        migrations.AddField("program", "tenant", tenant("programs", editable=True), preserve_default=False),
        migrations.AddField(
            "apikey", "tenant", tenant("api_keys", db_index=True, editable=True), preserve_default=False
        ),
        migrations.AddField("idempotencyrecord", "tenant", tenant("idempotency_records"), preserve_default=False),
        migrations.RemoveIndex("program", "program_newest_idx"),
        migrations.AddIndex(
            "program", models.Index(fields=["tenant", "-created_at", "-id"], name="program_tenant_newest_idx")
        ),
    ]
