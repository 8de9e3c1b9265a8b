import os
import shutil

import pytest
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """Skip what this machine cannot run, saying why; CI sets REQUIRE_ALL=1 so nothing is skipped."""
    require_all = os.environ.get("REQUIRE_ALL") == "1"
    has_chromium = bool(shutil.which(CHROMIUM))
    for item in items:
        if "browser" in item.keywords and not has_chromium:
            if require_all:
                raise pytest.UsageError(f"REQUIRE_ALL=1 but Chromium is missing at {CHROMIUM}")
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)"))


@pytest.fixture
def on_postgres():
    """PostgreSQL-only behaviour (row locks, concurrency); CI runs these in its PostgreSQL pass."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
