"""The chaos suite: the daily reminder run of a synthetic force, against a PostgreSQL cluster, a
Redis, a Celery prefork worker and a beat that the suite starts itself, while it kills, stops and
restarts them; every email is counted against the `Reminder` rows, per recipient and kind.

Run it with `make chaos` (README, "Chaos"); `python -m tests.chaos --help` lists the options. It
is not collected by pytest: a full run takes the better part of an hour.
"""
