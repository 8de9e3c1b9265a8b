"""How the product writes a date in words, in every message, page and audit summary: "4 March 2026"."""

import datetime

from django.utils.dateformat import format as date_format


def long_date(date: datetime.date) -> str:
    return date_format(date, "j F Y")
