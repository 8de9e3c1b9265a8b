"""The roles, as groups. Each opens the Wagtail admin except the HR service's, which works
through the API and the admin's Imports page (so it opens the admin too); the D&I analyst's
also carries the one right to read equality analytics. What each role may do beyond that is
the access policy's table (`courses.access.RIGHTS`)."""

from django.db import migrations

ROLES = {
    "L&D editor": ["wagtailadmin.access_admin"],
    "L&D lead": ["wagtailadmin.access_admin"],
    "Compliance administrator": ["wagtailadmin.access_admin"],
    "D&I analyst": ["wagtailadmin.access_admin", "equality.analyse_equality"],
    "HR integration": ["wagtailadmin.access_admin"],
}


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Permissions are made after the migrations run; the roles need theirs now.
    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    Permission.objects.get_or_create(content_type=admin_ct, codename="access_admin", defaults={"name": "Can access Wagtail admin"})
    equality_ct, _ = ContentType.objects.get_or_create(app_label="equality", model="equalityrecord")
    Permission.objects.get_or_create(
        content_type=equality_ct,
        codename="analyse_equality",
        defaults={"name": "Can see aggregated, suppressed equality analytics"},
    )
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("equality", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
