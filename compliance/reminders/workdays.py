"""Working days: reminders are planned and sent on weekdays that are not bank holidays (the
calendar of the force's nation, the BANK_HOLIDAYS option); what falls due on other days goes
out on the next working day, once."""

import datetime
import functools

import holidays
from django.core.exceptions import ImproperlyConfigured

from courses.conf import lms_setting

# The nations' calendars, as the `holidays` package knows them (England and Wales share one).
CALENDARS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
# However short the gap since the last working day, a planning run looks this far back, so a
# run missed for another reason (an outage) is caught up too.
MIN_CATCH_UP_DAYS = 3


@functools.lru_cache(maxsize=32)
def _bank_holidays(calendar: str, year: int) -> frozenset[datetime.date]:
    if calendar not in CALENDARS:
        raise ImproperlyConfigured(
            f"INCLUSION_LMS['BANK_HOLIDAYS'] must be one of {', '.join(CALENDARS)} or None, not {calendar!r}."
        )
    return frozenset(holidays.country_holidays("GB", subdiv=CALENDARS[calendar], years=year))


def is_working_day(day: datetime.date) -> bool:
    calendar = lms_setting("BANK_HOLIDAYS")
    return day.weekday() < 5 and (calendar is None or day not in _bank_holidays(calendar, day.year))


def previous_working_day(day: datetime.date) -> datetime.date:
    earlier = day - datetime.timedelta(days=1)
    for _ in range(14):  # no calendar closes for a fortnight
        if is_working_day(earlier):
            return earlier
        earlier -= datetime.timedelta(days=1)
    return earlier


def next_working_day(day: datetime.date) -> datetime.date:
    later = day + datetime.timedelta(days=1)
    for _ in range(14):
        if is_working_day(later):
            return later
        later += datetime.timedelta(days=1)
    return later


def catch_up_days(today: datetime.date) -> int:
    """How many days a planning run on `today` covers: every day since the last working day,
    so a reminder due on a Saturday or on Christmas Day goes on the next working day."""
    return max(MIN_CATCH_UP_DAYS, (today - previous_working_day(today)).days)
