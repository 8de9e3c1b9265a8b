"""xAPI 1.0.3 statements about learning, sent to an external learning record store (LRS).

Its own app (label `xapi`) on top of `courses`: courses sends signals from its services
(`courses.signals`), the receivers here build statements and write them to an outbox in the
same transaction as the learning event, and a Celery task sends them after commit. Courses
never imports this app (an import-linter contract says so).
"""
