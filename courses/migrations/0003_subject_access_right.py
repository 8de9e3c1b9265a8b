"""The right to answer subject access requests, granted to compliance administrators by default."""

from django.db import migrations

RIGHT = ("answer_subject_access", "Answer subject access requests: everything held about one person")
ROLE = "Compliance administrator"


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    rights_ct, _ = ContentType.objects.get_or_create(app_label="courses", model="rights")
    codename, name = RIGHT
    permission, _ = Permission.objects.get_or_create(content_type=rights_ct, codename=codename, defaults={"name": name})
    Group.objects.get_or_create(name=ROLE)[0].permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_roles")]

    operations = [
        migrations.AlterModelOptions(
            name="rights",
            options={
                "default_permissions": (),
                "managed": False,
                "permissions": [
                    ("edit_content", "Write courses, run face-to-face sessions, see course reports"),
                    ("administer_compliance", "Edit requirements; grant exemptions; enter and void completions"),
                    ("view_assignments", "Open any assignment and its history in the admin (escalations)"),
                    ("see_force_reports", "See the whole force's reports and the command view"),
                    ("edit_reminder_policy", "Change when reminders and escalations go out"),
                    ("read_notification_log", "Read and export the log of messages sent"),
                    ("import_hr", "Send HR files through the API"),
                    ("read_audit_trail", "Search the audit trail"),
                    ("resend_learning_records", "See xAPI statements the LRS did not take; send them again"),
                    RIGHT,
                ],
                "verbose_name": "Inclusion training right",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
