"""The Wagtail dashboard of the people who run the training: each role sees the panels its
rights call for, every figure links to the list behind it, and the cost stays flat as the force
grows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.models import Assignment, ImportJob
from compliance.selectors.assignments import Status, assignment_status
from compliance.services.sync import sync_all
from courses.models import Booking, BookingStatus, FaceToFaceSession
from tests.compliance.factories import make_course
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def home(client, person):
    client.force_login(person.user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return re.sub(r" ([:.,])", r"\1", text)


def panel_ids(html: str) -> set[str]:
    return set(re.findall(r'id="(inclusion-[a-z-]+)-section"', html)) & {
        "inclusion-force-headline",
        "inclusion-requests-waiting",
        "inclusion-imports",
        "inclusion-learning",
        "inclusion-equality-analytics",
    }


def test_each_role_sees_the_panels_its_rights_call_for(client, force):
    assert panel_ids(home(client, force.admin)) == {
        "inclusion-force-headline",
        "inclusion-requests-waiting",
        "inclusion-imports",
    }
    assert panel_ids(home(client, force.ld)) == {"inclusion-force-headline", "inclusion-learning"}
    assert panel_ids(home(client, force.analyst)) == {"inclusion-equality-analytics"}


def test_the_analyst_is_shown_the_way_into_the_analytics_and_the_latest_release(client, force):
    import datetime as dt

    from compliance.fairness.models import Release

    page = home(client, force.analyst)
    assert "No release has been taken yet" in page
    for path in ("/fairness/", "/fairness/workforce/", "/fairness/progression/", "/fairness/publish/"):
        assert f'href="{path}"' in page
    Release.objects.create(
        measure="completion",
        characteristic="sex",
        breakdown="unit",
        week=dt.date(2026, 6, 15),
        threshold=10,
        inputs={},
        taken_at=timezone.now(),
    )
    assert "The latest weekly release is for the week of 15 June 2026." in home(client, force.analyst)


def test_the_force_headline_counts_what_the_force_report_counts_and_links_to_it(client, force):
    # Counted one by one with the Python rules, not the report's SQL.
    statuses = [assignment_status(assignment=a) for a in Assignment.objects.all()]
    counted = [s for s in statuses if s not in (Status.EXEMPT, Status.WITHDRAWN)]
    completed = counted.count(Status.COMPLETED)
    page = home(client, force.admin)
    text = text_of(page)
    assert f"{round(100 * completed / len(counted), 1)}% completed" in text
    assert f"{completed} of {len(counted)} obligations (exemptions left out)" in text
    assert f"{statuses.count(Status.OVERDUE)} overdue" in text
    assert '<a href="/admin/reports/force/overdue/">' in page and '<a href="/admin/reports/force/">' in page
    # The campaign whose deadline is 20 days ahead: the three sergeants still to do it.
    deadline = (force.today + datetime.timedelta(days=20)).strftime("%-d %B %Y")
    assert f"Moral Courage stage 1 {deadline} (in 20 days) 0.0% 3" in text


def test_requests_waiting_name_the_oldest_and_lead_to_the_page_that_decides_them(client, force):
    text = text_of(home(client, force.admin))
    assert "1 request to decide: the oldest, from Amir Ashcombe about Learning from our History" in text


def test_recent_imports_show_their_outcome(client, force):
    ImportJob.objects.create(
        kind="completions",
        status="done",
        data=b"",
        source="api",
        report={"message": "Created 4, updated 0, deactivated 0, unchanged 0, rejected 0."},
    )
    page = home(client, force.admin)
    job = ImportJob.objects.get()
    assert f'href="/admin/compliance/imports/{job.pk}/"' in page
    assert "Done. Created 4, updated 0" in text_of(page)


def test_l_and_d_see_the_weakest_courses_and_the_week_s_sessions_with_places_left(client, force):
    course = make_course("LFOH")
    now = timezone.now()
    soon = FaceToFaceSession.objects.create(
        course=course,
        starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2, hours=2),
        venue="Room 1",
        capacity=12,
    )
    FaceToFaceSession.objects.create(
        course=course,
        starts_at=now + datetime.timedelta(days=12),
        ends_at=now + datetime.timedelta(days=12, hours=2),
        venue="Room 2",
        capacity=12,
    )
    FaceToFaceSession.objects.create(
        course=course,
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=3, hours=2),
        venue="Room 3",
        capacity=12,
        cancelled=True,
    )
    for person, status in ((force.team_a[0], BookingStatus.BOOKED), (force.team_a[1], BookingStatus.WAITLISTED)):
        Booking.objects.create(session=soon, user=person.user, status=status)
    page = home(client, force.ld)
    text = text_of(page)
    assert text.count("11 of 12") == 1  # one booked place; the waiting list takes none
    assert "Room 2" not in page and f'href="/admin/face_to_face_sessions/edit/{soon.pk}/"' in page


def test_the_dashboard_costs_the_same_number_of_queries_as_the_force_grows(client, force):
    client.force_login(force.admin.user)
    client.get("/admin/")  # warm the per-process caches (content types, site)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(25):
        make_person(username=f"pc.extra{n}", manager=force.sgt_c, unit=force.units.c)
    sync_all()
    assert queries() == before
