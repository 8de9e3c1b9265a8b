"""Apply the retention rules now, or (with --dry-run) only say what they would do."""

import argparse
import datetime

from django.core.management.base import BaseCommand

from compliance.privacy.retention import retention_apply, retention_report


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--today must be a date such as 2027-01-31, not {value!r}") from None


class Command(BaseCommand):
    help = "Delete, blank or anonymise the records past their retention period (--dry-run: only count them)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; change nothing.")
        parser.add_argument("--today", type=_day, help="The day to apply the rules as of (default: today).")

    def handle(self, *args, dry_run: bool = False, today: datetime.date | None = None, **options):
        if dry_run:
            for item, count in retention_report(today=today):
                self.stdout.write(
                    f"{item.key}: {count} to {item.entry.expiry.value} (rule: {item.rule.period}; "
                    f"default: {item.entry.retention.label})"
                )
            return
        run = retention_apply(today=today)
        for key, done in run.counts.items():
            self.stdout.write(f"{key}: {done['rows']} {done['action']}")
        self.stdout.write(f"Retention run {run.pk} finished.")
