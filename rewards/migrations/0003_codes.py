"""Reward codes: fulfilment NONE/CODES, the reward's available-code counter, the codes and their guard."""

import django.db.models.deletion
from pathlib import Path

from django.db import migrations, models

from loyalty.migration_ops import PostgresSQLFile

HERE = Path(__file__).resolve().parent


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_tenant_guards'),
        ('loyalty', '0004_tenant_columns'),
        ('participants', '0002_tenant_columns'),
        ('rewards', '0002_tenant_columns'),
    ]

    operations = [
        migrations.CreateModel(
            name='RewardCode',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('code', models.CharField(max_length=100)),
                ('state', models.CharField(choices=[('AVAILABLE', 'Available'), ('ISSUED', 'Issued'), ('VOIDED', 'Voided')], default='AVAILABLE', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.AddField(
            model_name='redemption',
            name='fulfilment',
            field=models.CharField(choices=[('NONE', 'None'), ('CODES', 'Codes')], db_default='NONE', default='NONE', max_length=8),
        ),
        migrations.AddField(
            model_name='reward',
            name='codes_available',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='reward',
            name='fulfilment',
            field=models.CharField(choices=[('NONE', 'None'), ('CODES', 'Codes')], db_default='NONE', default='NONE', max_length=8),
        ),
        migrations.AddConstraint(
            model_name='redemption',
            constraint=models.CheckConstraint(condition=models.Q(('fulfilment', 'NONE'), models.Q(('fulfilment', 'CODES'), ('quantity__isnull', False)), _connector='OR'), name='redemption_codes_by_quantity'),
        ),
        migrations.AddConstraint(
            model_name='reward',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('codes_available__isnull', True), ('fulfilment', 'NONE')), models.Q(('codes_available__gte', 0), ('fulfilment', 'CODES'), ('type', 'UNIT_BASED')), _connector='OR'), name='reward_codes_by_fulfilment'),
        ),
        migrations.AddField(
            model_name='rewardcode',
            name='redemption',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='codes', to='rewards.redemption'),
        ),
        migrations.AddField(
            model_name='rewardcode',
            name='reward',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='codes', to='rewards.reward'),
        ),
        migrations.AddField(
            model_name='rewardcode',
            name='tenant',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='reward_codes', to='loyalty.tenant'),
        ),
        migrations.AddIndex(
            model_name='rewardcode',
            index=models.Index(condition=models.Q(('state', 'AVAILABLE')), fields=['reward', 'id'], name='reward_code_available_idx'),
        ),
        migrations.AddIndex(
            model_name='rewardcode',
            index=models.Index(fields=['redemption', 'id'], name='reward_code_redemption_idx'),
        ),
        migrations.AddConstraint(
            model_name='rewardcode',
            constraint=models.UniqueConstraint(fields=('reward', 'code'), name='reward_code_unique'),
        ),
        migrations.AddConstraint(
            model_name='rewardcode',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('redemption__isnull', True), ('state', 'AVAILABLE')), models.Q(('redemption__isnull', False), ('state__in', ['ISSUED', 'VOIDED'])), _connector='OR'), name='reward_code_redemption_by_state'),
        ),
        migrations.AddConstraint(
            model_name='rewardcode',
            constraint=models.CheckConstraint(condition=models.Q(('code', ''), _negated=True), name='reward_code_not_empty'),
        ),
        PostgresSQLFile(HERE / "0003_codes.pg.sql", HERE / "0003_codes_reverse.pg.sql"),
    ]
