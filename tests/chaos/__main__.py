"""`python -m tests.chaos`: start the suite's own PostgreSQL and Redis, build the force, run the
campaigns, print the table; exit 1 on any duplicate, missing or extra message, or a recovery
slower than 5 minutes after the service returned. Everything the suite started is stopped by its
PID at the end, also on failure or Ctrl-C.

Options also come from the environment (CHAOS_PEOPLE, CHAOS_CAMPAIGNS, ...), for `make chaos`.
"""

import argparse
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from .services import OwnPostgres, OwnRedis, Registry

QUICK = ["two-planners", "rollback", "completions", "redis-pause"]


def parse(argv: list[str]):
    from .campaigns import CAMPAIGNS, Options

    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=int(env("CHAOS_PEOPLE", "2500")), help="force size (2500)")
    parser.add_argument(
        "--campaigns",
        default=env("CHAOS_CAMPAIGNS", "all"),
        help=f"comma-separated, 'all' or 'quick' ({', '.join(QUICK)}); all: {', '.join(CAMPAIGNS)}",
    )
    parser.add_argument("--outage", type=float, default=float(env("CHAOS_OUTAGE", "30")), help="seconds down (30)")
    parser.add_argument(
        "--trigger",
        choices=["beat", "now"],
        default=env("CHAOS_TRIGGER", "beat"),
        help="the beat fires the day's planning at the next minute (beat), or it is published at once (now)",
    )
    parser.add_argument(
        "--patience",
        type=float,
        default=float(env("CHAOS_PATIENCE", "60")),
        help="seconds waited beyond the 5-minute limit to measure a slow recovery (60)",
    )
    parser.add_argument("--settle", type=float, default=float(env("CHAOS_SETTLE", "20")))
    parser.add_argument("--concurrency", type=int, default=int(env("CHAOS_CONCURRENCY", "2")))
    parser.add_argument("--pool-kills", type=int, default=int(env("CHAOS_POOL_KILLS", "10")))
    parser.add_argument("--worker-kills", type=int, default=int(env("CHAOS_WORKER_KILLS", "2")))
    parser.add_argument("--completions", type=int, default=int(env("CHAOS_COMPLETIONS", "10")))
    parser.add_argument(
        "--sweep", default=env("CHAOS_SWEEP", ""), help="the recovery sweep's crontab minute (the product's if unset)"
    )
    parser.add_argument(
        "--sweep-age",
        type=float,
        default=float(env("CHAOS_SWEEP_AGE")) if env("CHAOS_SWEEP_AGE") else None,
        help="minutes a row waits before the sweep takes it (the product's if unset)",
    )
    parser.add_argument(
        "--kinds",
        choices=["reminders", "all"],
        default=env("CHAOS_KINDS", "all"),
        help="fire every daily job that plans messages (all), or the reminder planning only",
    )
    parser.add_argument("--seed", type=int, default=int(env("CHAOS_SEED", "0")), help="0: a new one each run")
    parser.add_argument("--keep", action="store_true", default=env("CHAOS_KEEP") == "1", help="keep logs and data")
    args = parser.parse_args(argv)
    groups = {"all": list(CAMPAIGNS), "quick": QUICK}
    names = [name for token in args.campaigns.split(",") for name in groups.get(token.strip(), [token.strip()])]
    unknown = [n for n in names if n not in CAMPAIGNS]
    if unknown:
        parser.error(f"unknown campaign(s): {', '.join(unknown)}")
    seed = args.seed or int.from_bytes(os.urandom(4), "big")
    options = Options(
        people=args.people,
        campaigns=names,
        outage=args.outage,
        trigger=args.trigger,
        patience=args.patience,
        settle=args.settle,
        concurrency=args.concurrency,
        pool_kills=args.pool_kills,
        worker_kills=args.worker_kills,
        completions=args.completions,
        sweep=args.sweep,
        sweep_age=args.sweep_age,
        kinds=args.kinds,
        seed=seed,
    )
    return options, args.keep


def main(argv: list[str]) -> int:
    options, keep = parse(argv)
    out = sys.stdout
    registry = Registry()

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    base = Path(tempfile.mkdtemp(prefix="chaos-"))
    os.chmod(base, 0o755)
    started = time.monotonic()
    failed = True
    outcomes = []
    try:
        pg = registry.add(OwnPostgres(base / "pg"))
        pg.init()
        pg.start()
        redis = registry.add(OwnRedis())
        redis.start()
        out.write(
            f"chaos: our PostgreSQL on port {pg.port} (pid {pg.pid}), our Redis on port {redis.port} "
            f"(pid {redis.process.pid}); {options.people} people; seed {options.seed}; files in {base}\n"
        )
        out.flush()
        from .campaigns import CAMPAIGNS, Suite, table

        suite = Suite(options, base, pg, redis, registry)
        os.environ.update(suite.process_env(base / "outbox"))
        import django

        django.setup()
        # The template runs the night's jobs in this process: their lines are noise here.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        suite.build(out)
        for name in options.campaigns:
            outcome = suite.run_campaign(name, CAMPAIGNS[name], out)
            outcomes.append(outcome)
            out.write(
                f"{name}: {'PASS' if outcome.ok else 'FAIL'} expected {outcome.expected}, sent {outcome.sent}, "
                f"duplicates {outcome.duplicates}, missing {outcome.missing}, extra {outcome.extra}, "
                f"resent {outcome.resent}\n"
            )
            for note in outcome.notes + outcome.problems:
                out.write(f"  {note}\n")
            out.flush()
        out.write(f"\nChaos, {options.people} people, {time.monotonic() - started:.0f} s (seed {options.seed}):\n\n")
        out.write(table(outcomes) + "\n")
        failed = not all(o.ok for o in outcomes)
        if failed:
            out.write("\nFAILED: " + ", ".join(o.name for o in outcomes if not o.ok) + f" (logs in {base}/logs)\n")
            keep = True
        return 1 if failed else 0
    except KeyboardInterrupt:
        out.write("\nchaos: interrupted; stopping what the suite started\n")
        if outcomes:
            from .campaigns import table

            out.write(table(outcomes) + "\n")
        return 130
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet
            pass
        registry.stop_all()
        if keep or failed:
            out.write(f"chaos: logs and data kept in {base}\n")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
