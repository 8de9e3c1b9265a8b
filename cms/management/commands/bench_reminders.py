"""`python manage.py bench_reminders --people 50000`: see compliance/reminders/bench.py.

Like the engine's `bench`, it works in a scratch database of its own (created and dropped
here, and reached by the worker it starts), so the demo or production data are never touched.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cms.bench.reminders import run_reminders_bench


class Command(BaseCommand):
    help = "Benchmark the daily reminder run with a real worker (needs Redis; meant for PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50_000)
        parser.add_argument("--concurrency", type=int, default=4)

    def handle(self, *args, people, concurrency, **options):
        name = str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1].replace(".sqlite3", "")
        connection.settings_dict.setdefault("TEST", {})["NAME"] = (
            str(settings.BASE_DIR / "var" / "bench_reminders.sqlite3")
            if connection.vendor == "sqlite"
            else f"bench_reminders_{name}"
        )
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            result = run_reminders_bench(people=people, stdout=self.stdout, concurrency=concurrency)
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if not all(result.checks.values()):
            raise CommandError("the reminders benchmark failed a check")
