"""The plugin's options, read from one settings dict: `INCLUSION_LMS = {...}`.

Every key is optional; `DEFAULTS` lists them all, and the README's "Add it to your Wagtail
site" section explains each. Read an option with `lms_setting("NAME")`, never from a loose
Django setting, so a host site configures the whole plugin in one place.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    # The public address of the site, used in every link in an email. None: Wagtail's
    # WAGTAILADMIN_BASE_URL.
    "SITE_BASE_URL": None,
    # The name emails sign with. None: Wagtail's WAGTAIL_SITE_NAME.
    "SITE_NAME": None,
    # A function `check(*, user, course) -> str` refusing a face-to-face booking ("" allows).
    # The default lets only the people a course is required of, or who may take it, book.
    "BOOKING_AUDIENCE_CHECK": "compliance.services.bookings.booking_audience_refusal",
    # Where signing in lands when no page was asked for: the first entry the person qualifies
    # for, in order. Who: a role's name, "superuser", "senior_leader" (Superintendent, Director
    # and above: their command), "line_manager" (anyone with people below them in line
    # management) or "everyone"; where: a URL name or a path.
    "LANDING_PAGES": [
        ("superuser", "wagtailadmin_home"),
        ("Compliance administrator", "wagtailadmin_home"),
        ("L&D lead", "wagtailadmin_home"),
        ("L&D editor", "wagtailadmin_home"),
        ("D&I analyst", "wagtailadmin_home"),
        ("senior_leader", "reporting:command"),
        ("line_manager", "reporting:team"),
        ("everyone", "compliance:my-training"),
    ],
    # The smallest count of people the fairness tables publish.
    "FAIRNESS_THRESHOLD": 10,
    # Whose bank holidays stop reminders (with weekends): "england-and-wales", "scotland",
    # "northern-ireland", or None for weekends only.
    "BANK_HOLIDAYS": "england-and-wales",
    # The largest HR or completions file the API accepts, in bytes (a force of 50,000 people's
    # HR file is about 10 MB); a larger one is refused at once with 413.
    "IMPORT_MAX_BYTES": 25 * 1024 * 1024,
    # A file over this many bytes is imported in the background: the API answers 202 at once
    # with the job, whose address gives its progress and report.
    "IMPORT_BACKGROUND_BYTES": 1024 * 1024,
    # How many row errors an import report lists; it counts the rest.
    "IMPORT_ERRORS_LISTED": 200,
    # xAPI statements to a learning record store (the `courses.xapi` app): the LRS's xAPI
    # address (the one `/statements` is under, e.g. "https://lrs.force.example/xAPI/") and its
    # HTTP basic credentials. None: no LRS, and no statements are recorded.
    "XAPI_LRS_ENDPOINT": None,
    "XAPI_LRS_USERNAME": "",
    "XAPI_LRS_PASSWORD": "",
    # Seconds to wait for the LRS to answer one statement.
    "XAPI_LRS_TIMEOUT": 10,
    # Tries before a statement the LRS keeps failing becomes a dead letter (about 3 hours with
    # the back-off: 30 s, doubling up to an hour).
    "XAPI_MAX_ATTEMPTS": 10,
    # The largest video file L&D may upload, in bytes (a larger one is refused by the form);
    # longer videos are better kept on the intranet and given by address.
    "VIDEO_MAX_BYTES": 500 * 1024 * 1024,
}


def lms_setting(name: str) -> Any:
    """One option, from `settings.INCLUSION_LMS` or its default."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown inclusion-lms option {name!r}: expected one of {', '.join(DEFAULTS)}.")
    options = getattr(settings, "INCLUSION_LMS", {})
    if not isinstance(options, dict):
        raise ImproperlyConfigured("INCLUSION_LMS must be a dict of options.")
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise ImproperlyConfigured(f"INCLUSION_LMS has unknown option(s): {', '.join(sorted(unknown))}.")
    value = options.get(name, DEFAULTS[name])
    if value is None and name == "SITE_BASE_URL":
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if value is None and name == "SITE_NAME":
        return getattr(settings, "WAGTAIL_SITE_NAME", "Inclusion training")
    return value.rstrip("/") if name == "SITE_BASE_URL" else value


def site_url(path: str = "") -> str:
    """An absolute address on the site, for emails."""
    return lms_setting("SITE_BASE_URL") + path
