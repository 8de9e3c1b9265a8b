"""`manage.py bench_retention --people 50000`: see `cms.bench.retention`.

Like the other benchmarks it works in a scratch database of its own (created and dropped here):
the run it measures commits batch by batch, as it does at night, so it must never touch the demo
or production data.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cms.bench.retention import retention_bench


class Command(BaseCommand):
    help = (
        "Benchmark the retention rules (retention_apply) on a synthetic force with ten years of leavers, "
        "against raw SQL doing the same deletes and updates; fails when the target is missed (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", default="var/bench-retention.json")

    def handle(self, *args, people, seed, output, **options):
        if people < 100:
            raise CommandError("--people must be at least 100.")
        if connection.vendor != "postgresql":
            raise CommandError("The retention benchmark needs PostgreSQL: run it with DATABASE_URL=postgres://...")
        name = str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1]
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_retention_{name}"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            result = retention_bench(people=people, seed=seed, stdout=self.stdout)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(result, indent=2, default=str) + "\n")
        self.stdout.write(f"Wrote {output}.")
        if not result["ok"]:
            failed = [name for name, passed in result["checks"].items() if not passed]
            raise CommandError(
                "the retention benchmark missed its target"
                + (f": {', '.join(failed)}" if failed else f" (ratio {result['ratio']:.2f} > {result['target']:g})")
            )
