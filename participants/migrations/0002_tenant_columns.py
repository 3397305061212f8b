"""
The ``tenant`` of participants, enrolments and accruals (every row that
exists belongs to the tenant Default), and ``external_id`` unique per
tenant instead of platform-wide.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

DEFAULT_TENANT_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")  # loyalty 0003's


def tenant(related_name: str, *, editable: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        default=DEFAULT_TENANT_ID,
        db_index=False,
        editable=editable,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="loyalty.tenant",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0001_initial"),
        ("loyalty", "0003_tenants"),
    ]

    operations = [
        migrations.AddField("participant", "tenant", tenant("participants", editable=True), preserve_default=False),
        migrations.AddField("enrollment", "tenant", tenant("enrollments"), preserve_default=False),
        migrations.AddField("accrual", "tenant", tenant("accruals"), preserve_default=False),
        migrations.AddConstraint(
            "participant",
            models.UniqueConstraint(fields=("tenant", "external_id"), name="participant_external_id_unique_in_tenant"),
        ),
        migrations.AlterField("participant", "external_id", models.CharField(max_length=255)),
        migrations.AddIndex(
            "participant",
            models.Index(fields=["tenant", "-created_at", "-id"], name="participant_tenant_newest_idx"),
        ),
    ]
