"""Run the daily reminder planning now, for today or given days: `--days 30` replays a month
(from `--start`, default today), which in the demo fills var/outbox/ with what would be sent."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance.reminders.planning import reminders_plan


class Command(BaseCommand):
    help = "Plan and send the reminders due today (or on each of --days days from --start)."

    def add_arguments(self, parser):
        parser.add_argument("--start", help="First day, YYYY-MM-DD (default: today).")
        parser.add_argument("--days", type=int, default=1, help="How many consecutive days to run.")

    def handle(self, *args, start=None, days=1, **options):
        try:
            first = datetime.date.fromisoformat(start) if start else timezone.localdate()
        except ValueError:
            raise CommandError(f"--start must be a date as YYYY-MM-DD, not {start!r}") from None
        if days < 1:
            raise CommandError("--days must be at least 1")
        for offset in range(days):
            day = first + datetime.timedelta(days=offset)
            result = reminders_plan(today=day)
            kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(result.by_kind.items())) or "nothing due"
            self.stdout.write(f"{day:%a %d %b %Y}: {kinds}; {result.enqueued} enqueued")
