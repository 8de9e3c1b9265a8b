"""A real learning record store for the tests: Ralph (ralph-malph, FUN-MOOC's LRS) with its
file-system backend, started on a free port with HTTP basic credentials, from its own virtual
environment (tests/lrs/.venv, made by `make test` from tests/lrs/requirements.txt: its pins
clash with the project's lock). Statements are read back over HTTP, as any client would."""

import functools
import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.workers import HOST, free_port, wait_for

LRS_DIR = Path(settings.BASE_DIR) / "tests" / "lrs"
LRS_PYTHON = LRS_DIR / ".venv" / "bin" / "python"


@functools.cache
def lrs_missing() -> str:
    """Why the LRS cannot start here ("" when it can)."""
    if not LRS_PYTHON.exists():
        return "the test LRS is not installed: `make test` builds tests/lrs/.venv (Ralph, from PyPI)"
    found = subprocess.run(
        [str(LRS_PYTHON), "-c", "import ralph.api, bcrypt, uvicorn"],
        capture_output=True,
        timeout=60,
        env={**os.environ, "RALPH_RUNSERVER_BACKEND": "fs"},
    )
    if found.returncode:
        return "tests/lrs/.venv has no working Ralph: delete it and run `make test` again"
    return ""


class Lrs:
    """One Ralph server, its statements kept in `directory` (they survive a restart)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.username = "lms"
        self.password = secrets.token_urlsafe(12)
        self.process = None
        self.log = directory / "ralph.log"
        directory.mkdir(parents=True, exist_ok=True)
        digest = subprocess.run(
            [
                str(LRS_PYTHON),
                "-c",
                "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
                self.password,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
        users = [
            {
                "username": self.username,
                "hash": digest,
                "scopes": ["all"],
                "agent": {"objectType": "Agent", "mbox": "mailto:lms@force.example"},
            }
        ]
        (directory / "auth.json").write_text(json.dumps(users))

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}/xAPI/"

    def up(self) -> bool:
        try:
            return requests.get(f"http://{HOST}:{self.port}/__heartbeat__", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def start(self) -> None:
        env = {
            **os.environ,
            "RALPH_APP_DIR": str(self.directory / "app"),
            "RALPH_AUTH_FILE": str(self.directory / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.directory / "data"),
            "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "1000",
        }
        (self.directory / "data").mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [str(LRS_PYTHON), str(LRS_DIR / "serve.py"), HOST, str(self.port)],
            cwd=self.directory,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.up, timeout=60, what="the LRS (Ralph) to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def configure(self, settings_fixture) -> None:
        """This process records and sends statements to this LRS."""
        settings_fixture.INCLUSION_LMS = {
            **getattr(settings_fixture, "INCLUSION_LMS", {}),
            "XAPI_LRS_ENDPOINT": self.endpoint,
            "XAPI_LRS_USERNAME": self.username,
            "XAPI_LRS_PASSWORD": self.password,
            "XAPI_LRS_TIMEOUT": 5,
        }

    def get(self, path: str = "statements", **params) -> requests.Response:
        return requests.get(
            self.endpoint + path,
            params=params,
            auth=(self.username, self.password),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )

    def statements(self) -> list[dict]:
        """Every statement the LRS holds, read back over HTTP (following `more`)."""
        found: list[dict] = []
        response = self.get(limit=1000)
        while True:
            assert response.status_code == 200, response.text
            body = response.json()
            found.extend(body["statements"])
            more = body.get("more")
            if not more:
                return found
            response = requests.get(
                f"http://{HOST}:{self.port}{more}",
                auth=(self.username, self.password),
                headers={"X-Experience-API-Version": "1.0.3"},
                timeout=10,
            )

    def put(self, statement: dict) -> requests.Response:
        return requests.put(
            self.endpoint + "statements",
            params={"statementId": statement["id"]},
            json=statement,
            auth=(self.username, self.password),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )


@pytest.fixture
def lrs(tmp_path, settings):
    """A fresh LRS for the test, and this process configured to send to it."""
    reason = lrs_missing()
    if reason:
        if os.environ.get("REQUIRE_ALL") == "1":
            pytest.fail(f"REQUIRE_ALL=1 but {reason}")
        pytest.skip(reason)
    server = Lrs(tmp_path / "lrs")
    server.start()
    server.configure(settings)
    try:
        yield server
    finally:
        server.stop()
        if os.environ.get("XAPI_TEST_SHOW_LOG"):
            print(server.log.read_text(errors="replace")[-5000:])
        shutil.rmtree(tmp_path / "lrs" / "app", ignore_errors=True)
