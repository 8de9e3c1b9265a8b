import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def test_setup_periodic_tasks_is_idempotent_and_keeps_admin_edits():
    from django_celery_beat.models import CrontabSchedule

    # A schedule an earlier version made, now part of the daily planning, is removed.
    retired = PeriodicTask.objects.create(
        name="Courses: guided reflection prompts",
        task="courses.tasks.enqueue_due_reflection_prompts",
        crontab=CrontabSchedule.objects.create(minute="0", hour="8"),
    )
    call_command("setup_periodic_tasks")
    assert not PeriodicTask.objects.filter(pk=retired.pk).exists()
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    daily = tasks["Reminders: daily planning"]
    assert daily.task == "compliance.reminders.tasks.plan_reminders"
    assert (daily.crontab.hour, daily.crontab.minute, str(daily.crontab.timezone)) == ("6", "0", "Europe/London")
    assert tasks["Compliance: nightly full sync"].task == "compliance.tasks.sync_all"
    assert tasks["Compliance: nightly full sync"].crontab.hour == "2"
    assert tasks["Reminders: recovery sweep"].crontab.minute == "*"

    daily.enabled = False
    daily.save()
    call_command("setup_periodic_tasks")
    assert PeriodicTask.objects.filter(name__in=tasks).count() == len(tasks) == 7
    assert tasks["Privacy: retention"].task == "compliance.privacy.tasks.apply_retention"
    assert (tasks["Privacy: retention"].crontab.hour, tasks["Privacy: retention"].crontab.minute) == ("3", "30")
    assert tasks["Courses: scheduled publishing"].task == "courses.tasks.publish_scheduled"
    assert tasks["Courses: scheduled publishing"].crontab.minute == "*/5"
    assert tasks["People: deactivate leavers"].task == "compliance.tasks.deactivate_leavers"
    assert PeriodicTask.objects.get(name="Reminders: daily planning").enabled is False
    call_command("setup_periodic_tasks", "--reset")
    assert PeriodicTask.objects.get(name="Reminders: daily planning").enabled is True
