"""Operators see the lots (accruals) and may claw back what remains of them (the admin's action)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "operator"
GRANTED = (("participants", "view_accrual"), ("participants", "view_accrualreversal"), ("participants", "add_accrualreversal"))


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.add(
            *[Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in GRANTED]
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="participants", codename__in=[c for _, c in GRANTED])
        )


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0002_operator_group"), ("participants", "0004_lot_guards")]

    operations = [migrations.RunPython(grant, revoke)]
