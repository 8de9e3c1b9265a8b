"""The wheel in a fresh Wagtail site, set up by following the README literally.

Builds the wheel from this checkout, makes a new virtual environment and a new site with
`wagtail start`, applies every step of the README's "Add it to your Wagtail site" section as
written (appending each code block to the file it names, running each command), then serves
the site and goes through a journey over HTTP: an HR file imported with the HR service's
token, a requirement created by a compliance administrator, a module passed by a learner, and
the learner's status seen by their line manager on /team/. Slow (a fresh install): run with
RUN_SLOW=1, as CI's PostgreSQL pass does.
"""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.workers import free_port, port_open, wait_for

ROOT = Path(__file__).resolve().parents[2]
HOST = "mysite"

pytestmark = pytest.mark.skipif(os.environ.get("RUN_SLOW") != "1", reason="slow: set RUN_SLOW=1 to run")


def guide_steps() -> list[tuple[str, str, str]]:
    """The README section's steps, in order: ("append" | "create", path, code) for each
    Python block, ("sh", "", commands) for each shell block."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Add it to your Wagtail site", 1)[1].split("\n## ", 1)[0]
    steps = []
    position = 0
    for block in re.finditer(r"```(python|sh)\n(.*?)```", section, re.DOTALL):
        before = section[position : block.start()]
        position = block.end()
        if block.group(1) == "sh":
            steps.append(("sh", "", block.group(2)))
            continue
        target = re.findall(r"(Append to|Create) `([^`]+)`", before)
        assert target, f"no 'Append to' or 'Create' before the block:\n{block.group(2)}"
        verb, path = target[-1]
        steps.append(("append" if verb == "Append to" else "create", path, block.group(2)))
    return steps


def run(*args, cwd, env=None, timeout=600) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result.stdout


class Browser:
    """An HTTP client with its own cookies, as a person's browser would keep them."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def json(self, method: str, path: str, data) -> tuple[int, dict]:
        payload = None if data is None else json.dumps(data).encode()
        status, body, _ = self.request(method, path, payload, "application/json" if payload else None)
        return status, json.loads(body)

    def sign_in(self, username: str, password: str, next_path: str) -> str:
        status, page, _ = self.request("GET", "/admin/login/")
        assert status == 200, page[:500]
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "username": username, "password": password, "next": next_path}
        ).encode()
        status, _, headers = self.request("POST", "/admin/login/", form, "application/x-www-form-urlencoded")
        assert status == 302, f"sign-in refused ({status})"
        return headers["Location"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


UNITS = "unit_code,name,parent_code,kind\nFORCE,Westshire Police,,force\nRESP-1,Response team 1,FORCE,team\n"
PEOPLE = (
    "staff_number,first_name,last_name,email,worker_type,rank_or_grade,unit_code,line_manager_staff_number,start_date\n"
    "S100,Maya,Okafor,maya.okafor@force.example,police_officer,Sergeant,RESP-1,,2015-03-02\n"
    "C200,Tom,Reilly,tom.reilly@force.example,police_officer,Constable,RESP-1,S100,2019-09-16\n"
)

SETUP = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from wagtail.models import Page
from courses.content import add_module
from courses.models import CatalogueIndexPage, CoursePage

home = Page.objects.get(depth=2)
catalogue = home.add_child(instance=CatalogueIndexPage(title="Training", slug="training"))
course = CoursePage(title="Moral courage", slug="mc", course_code="MC-1", summary="A course.")
catalogue.add_child(instance=course)
course.save_revision().publish()
options = [("Staying silent", False), ("Challenging a joke", True)]
check = ("check", [("Which is moral courage?", "single", options, "")])
add_module(course=course, slug="module-1", title="Module 1", screens=[("Check", [check])])
hr = User.objects.create(username="hr.service")
hr.groups.add(Group.objects.get(name="HR integration"))
admin = User.objects.create(username="compliance.admin")
admin.groups.add(Group.objects.get(name="Compliance administrator"))
print(json.dumps({"hr": Token.objects.create(user=hr).key, "admin": Token.objects.create(user=admin).key}))
"""

ACCOUNTS = """
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
manager = User.objects.get(person__staff_number="S100")
manager.set_password("a-long-host-password-2026")
manager.save()
learner = User.objects.get(person__staff_number="C200")
print(json.dumps({"manager": manager.username, "learner": Token.objects.create(user=learner).key}))
"""


def test_the_wheel_in_a_fresh_wagtail_site_following_the_readme(tmp_path):
    python = shutil.which("python3.11") or sys.executable
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", ROOT, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("inclusion_lms-*.whl")
    run(python, "-m", "venv", tmp_path / "venv", cwd=tmp_path)
    bin_dir = tmp_path / "venv" / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "PYTHONPATH"):
        env.pop(name, None)
    site = tmp_path / "site"
    site.mkdir()

    for kind, path, code in guide_steps():
        if kind == "sh":
            for line in code.strip().splitlines():
                if line.startswith("pip install"):
                    # The wheel just built, with the versions CI tested.
                    run(bin_dir / "pip", "install", "-q", "-c", ROOT / "requirements.lock", wheel, cwd=site, env=env)
                    run(bin_dir / "wagtail", "start", HOST, site, cwd=site, env=env)
                elif line.startswith("python manage.py"):
                    run(bin_dir / "python", *line.split()[1:], cwd=site, env=env)
                else:
                    assert line.startswith("celery -A"), f"unexpected command in the guide: {line}"
            continue
        target = site / path
        if kind == "create":
            assert not target.exists(), f"the guide creates {path}, which wagtail start already made"
            target.write_text(code)
        else:
            target.write_text(target.read_text() + "\n" + code)
    assert (site / "db.sqlite3").exists(), "the guide never migrated"

    def shell(script: str) -> dict:
        out = run(bin_dir / "python", "manage.py", "shell", "-c", "import json\n" + script, cwd=site, env=env)
        return json.loads(out.strip().splitlines()[-1])

    tokens = shell(SETUP)
    port = free_port()
    server = subprocess.Popen(
        [bin_dir / "python", "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=site,
        env=env,
        stdout=(tmp_path / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: port_open(port), timeout=60, what="the server to listen")
        hr = Browser(base, tokens["hr"])
        status, body, _ = hr.request("POST", "/api/v1/hr/units/import/", UNITS.encode(), "text/csv")
        assert status == 200, body
        status, body, _ = hr.request("POST", "/api/v1/hr/people/import/", PEOPLE.encode(), "text/csv")
        assert status == 200 and json.loads(body)["created"] == 2, body

        admin = Browser(base, tokens["admin"])
        status, created = admin.json(
            "POST",
            "/api/v1/compliance/requirements/",
            {
                "name": "Moral courage for everyone",
                "course_codes": ["MC-1"],
                "trigger": "requirement_start",
                "trigger_days": 60,
                "active_from": "2020-01-01",
            },
        )
        assert status == 201, created

        accounts = shell(ACCOUNTS)
        learner = Browser(base, accounts["learner"])
        status, mine = learner.json("GET", "/api/v1/compliance/assignments/mine/", None)
        assert status == 200 and [a["status"] for a in mine["results"]] == ["overdue"], mine
        status, started = learner.json("POST", "/api/v1/learner/courses/MC-1/start/", {})
        assert status == 201, started
        status, course = learner.json("GET", "/api/v1/learner/courses/MC-1/", None)
        assert status == 200, course
        module_id = course["modules"][0]["id"]
        status, detail = learner.json("GET", f"/api/v1/learner/modules/{module_id}/", None)
        assert status == 200, detail
        question = detail["questions"][0]
        status, result = learner.json(
            "POST", f"/api/v1/learner/modules/{module_id}/knowledge-check/", {"answers": {question["id"]: [1]}}
        )
        assert status == 201 and result["passed"] and result["course_completed"], result

        manager = Browser(base)
        assert manager.sign_in(accounts["manager"], "a-long-host-password-2026", "/team/") == "/team/"
        status, team, _ = manager.request("GET", "/team/")
        assert status == 200, team[:2000]
        row = re.search(r"Reilly, Tom.*?</tr>", team, re.DOTALL)
        assert row and "Completed" in row.group(0), team[:4000]
        assert "inclusion_lms/lms.css" in team  # the plugin's layout, inside the site's own base template
    finally:
        server.terminate()
        server.wait(10)
