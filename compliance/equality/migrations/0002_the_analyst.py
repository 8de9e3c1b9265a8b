"""The D&I analyst role carries the one right to read equality analytics (aggregate and
suppressed). No other role has it, and a superuser does not hold it by being one."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    equality_ct, _ = ContentType.objects.get_or_create(app_label="equality", model="equalityrecord")
    permission, _ = Permission.objects.get_or_create(
        content_type=equality_ct,
        codename="analyse_equality",
        defaults={"name": "Can see aggregated, suppressed equality analytics"},
    )
    Group.objects.get_or_create(name="D&I analyst")[0].permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("equality", "0001_initial"), ("courses", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
