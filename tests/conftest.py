import os
import shutil

import pytest
import time_machine
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Real Celery workers, a beat and a Redis of the test's own: the `own_redis` and `broker` fixtures.
pytest_plugins = ["tests.workers", "tests.identity_provider"]

# Every test runs on the same day, whatever the day the suite runs: a Wednesday in June, mid-
# morning in London. The clock ticks from there, so timeouts and durations still work. The
# variable carries the instant to the Celery workers the reliability tests start (see
# tests/reminders/worker_settings.py). Browser tests keep the real clock: Chromium judges cookie
# expiry by its own clock, which a pinned server would put out of step. What they show comes from
# the demo, which `tests/compliance/test_sync_demo.py` loads on twelve dates spread over a year.
PINNED_NOW = os.environ.setdefault("LMS_TEST_NOW", "2026-06-17T09:30:00+01:00")


def pytest_collection_modifyitems(config, items):
    """Skip what this machine cannot run, saying why; CI sets REQUIRE_ALL=1 so nothing is skipped."""
    require_all = os.environ.get("REQUIRE_ALL") == "1"
    has_chromium = bool(shutil.which(CHROMIUM))
    for item in items:
        if "browser" in item.keywords and not has_chromium:
            if require_all:
                raise pytest.UsageError(f"REQUIRE_ALL=1 but Chromium is missing at {CHROMIUM}")
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)"))


@pytest.fixture(autouse=True)
def pinned_clock(request):
    """The suite's clock (see PINNED_NOW); `clock.move_to(...)` lets a test travel further."""
    if "browser" in request.keywords:
        yield None
        return
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="session", autouse=True)
def logs_free_of_personal_data():
    """Every line logged while the suite runs is scanned: none may hold an email address, a
    person's name or an equality category (tests/privacy/logscan.py)."""
    import logging

    from tests.privacy.logscan import LogScan

    scan = LogScan()
    logging.getLogger().addHandler(scan)
    yield scan
    logging.getLogger().removeHandler(scan)
    assert not scan.found, "log lines with personal data:\n" + "\n".join(sorted(set(scan.found))[:20])


@pytest.fixture
def on_postgres():
    """PostgreSQL-only behaviour (row locks, concurrency); CI runs these in its PostgreSQL pass."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")


def restore_migration_data() -> None:
    """Transactional tests end with a flush, which also empties what data migrations wrote
    (roles, ranks, the site's pages). Put it back, exactly as the migrations do."""
    import importlib

    from django.apps import apps
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page, Site

    if not Page.objects.filter(depth=1).exists():
        locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.objects.create(
            title="Root",
            slug="root",
            path="0001",
            depth=1,
            numchild=0,
            url_path="/",
            locale=locale,
            content_type=ContentType.objects.get_for_model(Page),
        )
    if not Site.objects.exists():
        importlib.import_module("cms.migrations.0002_site_pages").create(apps, None)
    importlib.import_module("compliance.people.migrations.0002_ranks_and_functions").create(apps, None)
    importlib.import_module("courses.migrations.0002_roles").create(apps, None)
    importlib.import_module("courses.migrations.0003_subject_access_right").grant(apps, None)
    importlib.import_module("compliance.equality.migrations.0002_the_analyst").grant(apps, None)


@pytest.fixture
def live_site(transactional_db):
    """A database with the migrations' data, for tests that use the live server."""
    restore_migration_data()
