"""
Tenants and their operators, and the tenant ``Default``.

Every installation starts with one tenant, ``Default``: a fresh one gets it
here, and an installation upgraded from v1 finds everything it had in it
(the migrations that add the ``tenant`` columns fill them with this id).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The id of the tenant Default, the same on every installation. The migrations that
# add a tenant column give it this value for the rows that exist (a migration is
# history: they keep their own copy, and the tests check that all copies agree).
DEFAULT_TENANT_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
DEFAULT_TENANT_NAME = "Default"


def default_tenant_create(apps, schema_editor):
    Tenant = apps.get_model("loyalty", "Tenant")
    Tenant.objects.get_or_create(id=DEFAULT_TENANT_ID, defaults={"name": DEFAULT_TENANT_NAME})


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0002_operator_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Tenant",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["name", "id"],
                "constraints": [models.UniqueConstraint(fields=("name",), name="tenant_name_unique")],
            },
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "tenant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="loyalty.tenant"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tenant_memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("user", "tenant"), name="membership_unique")],
            },
        ),
        # Backwards, the table goes with its rows (a DELETE first would leave PostgreSQL pending FK events).
        migrations.RunPython(default_tenant_create, migrations.RunPython.noop),
    ]
