"""While the database cannot be reached the site answers 503 with a page saying so, and the
API its JSON error shape with 503, both with Retry-After: never a 500. The server here is
gunicorn with the production settings, pointed at a PostgreSQL address where nothing listens
(a real unreachable database, not a simulated one)."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.workers import free_port, port_open, wait_for

pytestmark = [pytest.mark.timeout(120)]
ROOT = Path(settings.BASE_DIR)


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def site_without_database(tmp_path):
    port, dead = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DJANGO_SECRET_KEY": "x" * 64,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{dead}/nothing",
        "CELERY_BROKER_URL": "",
        "INCLUSION_LMS_VAR_DIR": str(tmp_path),
    }
    env.pop("LMS_TEST_NOW", None)
    # As a deployment does (README, Running in production); it needs no database.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "cms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: port_open(port), timeout=30, what="the server to listen")
        yield base
    finally:
        server.terminate()
        server.wait(10)


def test_pages_and_api_answer_503_while_the_database_is_unreachable(site_without_database):
    status, headers, body = get(site_without_database + "/")
    assert (status, headers.get("Retry-After")) == (503, "30")
    assert "Sorry, the service is unavailable" in body
    status, headers, body = get(site_without_database + "/training/")
    assert status == 503
    status, headers, body = get(site_without_database + "/api/v1/learner/courses/", {"Authorization": "Token abc"})
    assert (status, headers.get("Retry-After"), headers.get("Content-Type")) == (503, "30", "application/json")
    assert json.loads(body)["error"] == {
        "status": 503,
        "code": "service_unavailable",
        "message": "The service cannot reach its database just now; try again in a minute.",
    }
    status, _, body = get(site_without_database + "/health/")
    assert status == 503 and "database" in body.lower()
