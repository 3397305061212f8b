"""The ``tenant`` of rewards, per-participant counters, redemptions and reversals (Default for every row that exists)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

DEFAULT_TENANT_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")  # loyalty 0003's


def tenant(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        default=DEFAULT_TENANT_ID,
        db_index=False,
        editable=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="loyalty.tenant",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0001_initial"),
        ("loyalty", "0003_tenants"),
    ]

    operations = [
        migrations.AddField("reward", "tenant", tenant("rewards"), preserve_default=False),
        migrations.AddField(
            "participantrewardcount", "tenant", tenant("participant_reward_counts"), preserve_default=False
        ),
        migrations.AddField("redemption", "tenant", tenant("redemptions"), preserve_default=False),
        migrations.AddField("reversal", "tenant", tenant("reversals"), preserve_default=False),
        migrations.AddIndex(
            "reward", models.Index(fields=["tenant", "-created_at", "-id"], name="reward_tenant_newest_idx")
        ),
        migrations.AddIndex(
            "redemption", models.Index(fields=["tenant", "-created_at", "-id"], name="redemption_tenant_newest_idx")
        ),
        migrations.AddIndex(
            "reversal", models.Index(fields=["tenant", "-created_at", "-id"], name="reversal_tenant_newest_idx")
        ),
    ]
