"""Accounts remember their identity at the sign-in service; people in HR's role send files from
the admin's Imports page, so the role opens the admin."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def hr_opens_the_admin(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    group = Group.objects.filter(name="HR integration").first()
    if access is not None and group is not None:
        group.permissions.add(access)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0011_late_entrants_allowance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SignInLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("issuer", models.CharField(max_length=255)),
                ("subject", models.CharField(max_length=255)),
                ("linked_at", models.DateTimeField()),
                ("last_used_at", models.DateTimeField()),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sign_in_links",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("issuer", "subject"), name="sign_in_link_one_account_per_identity"),
                    models.UniqueConstraint(fields=("user", "issuer"), name="sign_in_link_one_identity_per_account"),
                ],
            },
        ),
        migrations.RunPython(hr_opens_the_admin, migrations.RunPython.noop),
    ]
