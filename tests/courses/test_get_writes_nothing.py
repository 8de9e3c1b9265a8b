"""Viewing changes nothing: a crawl of every page a learner and a manager can reach by
following links (GET only, as a link-following crawler would) writes no row anywhere. A course
starts when the learner moves on, answers or completes, not when a page is opened."""

import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Enrolment, ModulePage, ModuleProgress

pytestmark = pytest.mark.django_db

SKIP = re.compile(r"^/(admin|django-admin|api|documents|accounts/logout)/")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
HREF = re.compile(r'href="([^"#]+)')


def crawl(client, limit: int = 150) -> list[str]:
    seen, queue, visited = set(), deque(["/", "/my-learning/", "/my-training/", "/training/"]), []
    while queue and len(visited) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        visited.append(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            parts = urlsplit(urljoin("http://testserver" + path, href.replace("&amp;", "&")))
            if parts.netloc != "testserver" or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)
    return visited


@pytest.mark.parametrize("username", ["constable", "sergeant"])
def test_a_crawl_of_every_page_writes_nothing(client, username):
    call_command("load_demo", "--people", "150", "--seed", "1", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    client.get("/")  # the session is saved once, at sign-in
    enrolments, progress = Enrolment.objects.count(), ModuleProgress.objects.count()
    with CaptureQueriesContext(connection) as queries:
        visited = crawl(client)
    writes = [q["sql"][:200] for q in queries.captured_queries if WRITE.match(q["sql"])]
    writes = [sql for sql in writes if "django_session" not in sql]
    assert writes == [], writes[:5]
    assert (Enrolment.objects.count(), ModuleProgress.objects.count()) == (enrolments, progress)
    # The crawl reached the learning itself: module screens were opened.
    module_paths = {m.url for m in ModulePage.objects.live()}
    assert any(path.split("?")[0] in module_paths for path in visited), visited[:40]
