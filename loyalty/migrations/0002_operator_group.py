"""
The "operator" group of the back-office.

Operators manage programs, assets, participants and their enrolments and the
reward catalog; they see redemptions, reversals and the ledger, and may
reverse a redemption (``rewards.add_reversal``, checked by the admin's
Reverse form). They have no permission on API keys (superusers manage keys)
and none that changes ledger rows; the ledger admin refuses such changes to
everyone anyway.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "operator"

OPERATOR_PERMISSIONS = {
    "loyalty": {"program": ("view", "add", "change")},
    "ledger": {
        "asset": ("view", "add", "change"),
        "account": ("view",),
        "journalentry": ("view",),
        "journalline": ("view",),
    },
    "participants": {
        "participant": ("view", "add", "change"),
        "enrollment": ("view", "add", "change"),
    },
    "rewards": {
        "reward": ("view", "add", "change"),
        "redemption": ("view",),
        "reversal": ("view", "add"),
    },
}


def operator_group_create(apps, schema_editor):
    """Create (or reset) the group with exactly the permissions above."""
    # Permissions are normally created after all migrations ran (post_migrate):
    # make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = []
    for app_label, models in OPERATOR_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                wanted.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(wanted)


def operator_group_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("loyalty", "0001_initial"),
        ("ledger", "0003_guards"),
        ("participants", "0001_initial"),
        ("rewards", "0001_initial"),
    ]

    operations = [migrations.RunPython(operator_group_create, operator_group_delete)]
