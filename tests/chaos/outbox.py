"""Reading what Django's file email backend wrote: one file per connection, messages separated
by a line of 79 dashes. Each message is taken by its headers: `X-Reminder-Id` (the row it was
for, or the rows, comma-separated, when one message carries a person's day), `Message-ID`, `To`
and `Subject`."""

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass(frozen=True)
class Sent:
    reminder_ids: tuple[int, ...]  # empty: no X-Reminder-Id
    message_id: str
    to: str
    subject: str
    file: str


def read_outbox(outbox: Path) -> list[Sent]:
    messages = []
    for path in sorted(outbox.iterdir()):
        if not path.is_file():
            continue
        for chunk in path.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            head = chunk.split(b"\n\n", 1)[0]
            parsed = email.message_from_bytes(head + b"\n\n", policy=email.policy.compat32)
            # A long list is folded over several lines: whitespace is no part of it.
            raw_ids = "".join((parsed.get("X-Reminder-Id") or "").split()).split(",")
            messages.append(
                Sent(
                    reminder_ids=tuple(int(i) for i in raw_ids if i.isdigit()),
                    message_id=(parsed.get("Message-ID") or "").strip(),
                    to=(parsed.get("To") or "").strip().lower(),
                    subject=" ".join((parsed.get("Subject") or "").split()),
                    file=path.name,
                )
            )
    return messages


def count_messages(outbox: Path) -> int:
    """A cheap running count, while a campaign goes on, of the rows the messages carried."""
    total = 0
    for path in outbox.iterdir():
        if path.is_file():
            try:
                data = path.read_bytes()
            except OSError:
                continue
            for part in data.split(b"\nX-Reminder-Id: ")[1:]:
                lines = part.split(b"\n")
                header = lines[0]
                for line in lines[1:]:  # continuation lines of a folded header
                    if line[:1] not in (b" ", b"\t"):
                        break
                    header += line.strip()
                total += header.count(b",") + 1
    return total
