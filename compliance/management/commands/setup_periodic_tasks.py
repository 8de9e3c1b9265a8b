"""Create or update the beat schedules (django-celery-beat), so they are data, editable in the
admin afterwards. Running it again changes nothing; a time changed in the admin is kept unless
`--reset` is given."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Schedules the daily planning now covers: removed by this command where an earlier version made them.
RETIRED = ["Courses: guided reflection prompts", "Compliance: manager observation prompts"]
SCHEDULES = [
    # name, task, crontab (minute, hour), description
    (
        "Compliance: nightly full sync",
        "compliance.tasks.sync_all",
        ("0", "2"),
        "Recalculates every obligation: renewals open, expiries are recorded, drift is corrected.",
    ),
    (
        "People: deactivate leavers",
        "compliance.tasks.deactivate_leavers",
        ("15", "0"),
        "Closes the accounts of people whose leaving date has come (HR files may send it in advance).",
    ),
    (
        "Privacy: retention",
        "compliance.privacy.tasks.apply_retention",
        ("30", "3"),
        "Deletes, blanks or anonymises the records whose retention period has run out (the rules on the "
        "retention page), except those under a legal hold or a restriction.",
    ),
    (
        "Courses: scheduled publishing",
        "courses.tasks.publish_scheduled",
        ("*/5", "*"),
        "Publishes pages approved with a go-live time, and unpublishes pages past their expiry time.",
    ),
    (
        "Reminders: daily planning",
        "compliance.reminders.tasks.plan_reminders",
        ("0", "6"),
        "Plans every reminder, escalation, digest, observation prompt and guided-reflection prompt due "
        "today, and sends each person's day in one email.",
    ),
    (
        "Reminders: recovery sweep",
        "compliance.reminders.tasks.sweep_reminders",
        ("*", "*"),
        "Every minute: sends messages still waiting 2 minutes after they were enqueued (a lost task after a "
        "broker or worker failure), takes back messages whose sender died, and redoes a daily job whose run "
        "today was lost or failed.",
    ),
    (
        "xAPI: statements to the LRS",
        "courses.xapi.tasks.sweep_statements",
        ("*", "*"),
        "Every minute: sends again the xAPI statements whose sender died, and those whose task was lost "
        "(nothing happens while no learning record store is configured).",
    ),
]
TIMEZONE = "Europe/London"


def _when(minute: str, hour: str) -> str:
    if minute.isdigit() and hour.isdigit():
        return f"daily at {int(hour):02d}:{int(minute):02d}"
    return f"on the schedule minute {minute!r}, hour {hour!r}"


class Command(BaseCommand):
    help = (
        "Create or update the Celery beat schedules (leavers, nightly sync, scheduled publishing, "
        "the day's messages, the recovery sweep)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Put back the default times and enable every task.")

    @transaction.atomic
    def handle(self, *args, reset: bool = False, **options):
        from celery import current_app as app
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        for name in RETIRED:
            if PeriodicTask.objects.filter(name=name).delete()[0]:
                self.stdout.write(f"removed {name}: the daily planning covers it")
        # Whatever the host's Celery app, these modules register the tasks (shared tasks).
        for module in sorted({task.rsplit(".", 1)[0] for _, task, _, _ in SCHEDULES}):
            try:
                importlib.import_module(module)
            except RuntimeError:  # an optional app the site has not installed (courses.xapi)
                continue
        for name, task, (minute, hour), description in SCHEDULES:
            if task not in app.tasks:
                self.stdout.write(f"skipped {name}: task {task} is not registered")
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=TIMEZONE
            )
            periodic = PeriodicTask.objects.filter(name=name).first()
            if periodic is None:
                PeriodicTask.objects.create(name=name, task=task, crontab=crontab, description=description)
                self.stdout.write(f"created {name} ({task}), {_when(minute, hour)} {TIMEZONE}")
                continue
            changes = {"task": task, "description": description}
            if reset:
                changes.update(crontab=crontab, interval=None, solar=None, clocked=None, enabled=True)
            changed = [k for k, v in changes.items() if getattr(periodic, k) != v]
            if changed:
                for key, value in changes.items():
                    setattr(periodic, key, value)
                periodic.save()
                self.stdout.write(f"updated {name}: {', '.join(changed)}")
            else:
                self.stdout.write(f"unchanged {name}")
