"""The roles: groups that open the Wagtail admin, with their default rights. A force may grant
any right to any group afterwards (Settings → Groups); the README's roles table describes
these defaults. The D&I analyst's right to equality analytics is granted by `equality` 0002."""

from django.db import migrations

ADMIN = "wagtailadmin.access_admin"
ROLES = {
    "L&D editor": [ADMIN, "edit_content", "view_assignments", "see_force_reports", "read_notification_log"],
    "L&D lead": [
        ADMIN,
        "edit_content",
        "view_assignments",
        "see_force_reports",
        "edit_reminder_policy",
        "read_notification_log",
        "resend_learning_records",
    ],
    "Compliance administrator": [
        ADMIN,
        "administer_compliance",
        "view_assignments",
        "see_force_reports",
        "edit_reminder_policy",
        "read_notification_log",
        "read_audit_trail",
        "resend_learning_records",
    ],
    "D&I analyst": [ADMIN],
    # HR's files are HR's alone: administering compliance does not carry this right.
    "HR integration": [ADMIN, "import_hr"],
}
RIGHTS = {
    "edit_content": "Write courses, run face-to-face sessions, see course reports",
    "administer_compliance": "Edit requirements; grant exemptions; enter and void completions",
    "view_assignments": "Open any assignment and its history in the admin (escalations)",
    "see_force_reports": "See the whole force's reports and the command view",
    "edit_reminder_policy": "Change when reminders and escalations go out",
    "read_notification_log": "Read and export the log of messages sent",
    "import_hr": "Send HR files through the API",
    "read_audit_trail": "Search the audit trail",
    "resend_learning_records": "See xAPI statements the LRS did not take; send them again",
}


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Django makes permissions after the migrations have run; the roles need theirs now.
    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    rights_ct, _ = ContentType.objects.get_or_create(app_label="courses", model="rights")
    permissions = {
        ADMIN: Permission.objects.get_or_create(
            content_type=admin_ct, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
        )[0]
    }
    for codename, name in RIGHTS.items():
        permissions[codename] = Permission.objects.get_or_create(
            content_type=rights_ct, codename=codename, defaults={"name": name}
        )[0]
    for role, granted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*(permissions[name] for name in granted))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
