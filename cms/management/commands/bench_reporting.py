"""`manage.py bench_reporting --people 50000`: see `cms.bench.reporting`.

Like the engine's `bench`, it works in a scratch database of its own (created and dropped
here), so the demo or production data are never touched.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cms.bench.reporting import reporting_bench


class Command(BaseCommand):
    help = (
        "Benchmark the team view (managers with about 8, 275 and 8,300 people below them) and the "
        "force-wide fairness table against "
        "raw SQL, and the streamed CSV export of every assignment, on a synthetic force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50_000)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="use the configured database (in a transaction rolled back at the end) instead of a scratch one",
        )

    def handle(self, *args, people, repeat, seed, in_place, **options):
        if people < 100:
            raise CommandError("--people must be at least 100.")
        if connection.vendor != "postgresql":
            self.stdout.write(
                self.style.WARNING(f"Running on {connection.vendor}: the targets are meant for PostgreSQL.")
            )
        old_name = None
        if not in_place:
            name = str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1].replace(".sqlite3", "")
            connection.settings_dict.setdefault("TEST", {})["NAME"] = (
                ":memory:" if connection.vendor == "sqlite" else f"bench_reporting_{name}"
            )
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            results = reporting_bench(people=people, repeat=repeat, seed=seed, stdout=self.stdout)
        finally:
            if old_name is not None:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        if not results["ok"]:
            self.stdout.write(self.style.WARNING("Some reporting targets were missed (see above)."))
            raise SystemExit(1)
