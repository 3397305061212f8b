"""Operators see their tenants' audit trail (the admin's read-only list): the group gains ``view_auditevent``."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "operator"


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.add(Permission.objects.get(content_type__app_label="loyalty", codename="view_auditevent"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    permission = Permission.objects.filter(content_type__app_label="loyalty", codename="view_auditevent").first()
    if group is not None and permission is not None:
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0005_audit_events")]

    operations = [migrations.RunPython(grant, revoke)]
