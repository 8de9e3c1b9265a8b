"""A file email backend that takes its time, so a test can stop a worker mid-batch."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def write_message(self, message):
        time.sleep(float(os.environ.get("REMINDERS_TEST_EMAIL_DELAY", "0")))
        super().write_message(message)


def count_messages(outbox) -> tuple[int, set[int]]:
    """How many reminders the files carry (a reminder in two messages counts twice), and which.
    A message carries every row of a person's day: `X-Reminder-Id: 12,15`."""
    total, ids = 0, set()
    for path in outbox.iterdir():
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("X-Reminder-Id: "):
                carried = [int(pk) for pk in line.split(": ", 1)[1].split(",")]
                total += len(carried)
                ids.update(carried)
    return total, ids


class FailingBackend(EmailBackend):
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ.get("TMPDIR", "/tmp"))
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
