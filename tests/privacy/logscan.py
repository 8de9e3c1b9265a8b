"""What must never be in a log line: an email address, a demo person's full name, or an
equality-monitoring category (a log line naming a category is about someone's characteristic).
The suite's own log handler (tests/conftest.py) applies this to every line every test logs."""

import logging
import re

from cms.demo.names import FIRST_NAMES, LAST_NAMES

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
FULL_NAME = re.compile(rf"\b({'|'.join(map(re.escape, FIRST_NAMES))}) ({'|'.join(map(re.escape, LAST_NAMES))})\b")
# The categories that say something on their own (not "Yes", "Male" or an age band, which are
# also ordinary words and numbers in log lines).
CHARACTERISTICS = re.compile(
    r"\b(Asian or Asian British|Black, Black British|Mixed or multiple ethnic groups|Heterosexual or straight|"
    r"Gay or lesbian|Bisexual|Other sexual orientation|Buddhist|Hindu|Jewish|Muslim|Sikh)\b"
)


def personal_data_in(text: str) -> list[str]:
    found = []
    for kind, pattern in (("email address", EMAIL), ("full name", FULL_NAME), ("characteristic", CHARACTERISTICS)):
        match = pattern.search(text)
        if match:
            found.append(f"{kind} {match.group(0)!r}")
    return found


class LogScan(logging.Handler):
    """Collects every log line that holds personal data, with where it came from."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not a leak
            return
        problems = personal_data_in(text)
        if problems:
            self.found.append(f"{record.name} ({record.pathname}:{record.lineno}): {', '.join(problems)}")
