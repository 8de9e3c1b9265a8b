"""The course rates report knows where learning came from: completions by source (online,
SCORM, attendance, manual, imported), the mean and median score, and the time spent where the
product knows it (a SCORM package's total time, the video watched), on the page and in the CSV,
in a fixed number of queries however much data there is. Completions a SCORM package made
before SCORM had a source of its own are carried forward by the migration."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.access import Role
from courses.models import (
    Completion,
    CompletionSource,
    Enrolment,
    ScormAttempt,
    ScormPackage,
    VideoProgress,
)
from courses.selectors.rates import course_rates_for_ld
from courses.services.completions import completion_record
from tests.courses.conftest import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(db):
    return ScormPackage.objects.create(
        title="P", version="1.2", steps=[], storage_prefix="p", file_count=1, total_bytes=1, sha256="0" * 64
    )


def finished(*, course, source, score=None, scorm_seconds=None, video_seconds=None, package=None, module=None):
    """A learner's completion of the course, made here (with an enrolment) unless imported."""
    user = UserFactory()
    key = f"test:{user.pk}:{course.pk}"
    completion, _ = completion_record(user=user, course=course, source=source, idempotency_key=key, score=score)
    if source in (CompletionSource.IMPORT, CompletionSource.MANUAL):
        return completion
    enrolment = Enrolment.objects.create(
        user=user, course=course, completion=completion, completed_at=completion.completed_at
    )
    if scorm_seconds is not None:
        ScormAttempt.objects.create(
            enrolment=enrolment, module=module, package=package, sco="a", total_seconds=scorm_seconds
        )
    if video_seconds is not None:
        from courses.models import Video

        video = Video.objects.first() or Video.objects.create(
            title="V", url="https://v.example/v.mp4", duration_seconds=600, captions="c.vtt", transcript="t"
        )
        VideoProgress.objects.create(enrolment=enrolment, module=module, video=video, watched_seconds=video_seconds)
    return completion


def build(course, package, module, *, times: int = 1):
    for _ in range(times):
        finished(course=course, source=CompletionSource.ONLINE, score=Decimal("80"))
        finished(course=course, source=CompletionSource.ONLINE, score=None, video_seconds=Decimal("300"), module=module)
        finished(
            course=course,
            source=CompletionSource.SCORM,
            score=Decimal("90"),
            scorm_seconds=Decimal("1200"),
            package=package,
            module=module,
        )
        finished(course=course, source=CompletionSource.ATTENDANCE)
        finished(course=course, source=CompletionSource.MANUAL, score=Decimal("50"))
        finished(course=course, source=CompletionSource.IMPORT, score=Decimal("70"))


def row_for(course):
    (row,) = [r for r in course_rates_for_ld() if r["course"].pk == course.pk]
    return row


def test_completions_by_source_with_score_and_time(package):
    from courses.models import ModulePage

    course = make_course(code="SRC-1")
    module = ModulePage.objects.child_of(course).first()
    build(course, package, module)
    voided = finished(course=course, source=CompletionSource.IMPORT, score=Decimal("0"))
    Completion.objects.filter(pk=voided.pk).update(voided_at=timezone.now(), void_reason="Wrong person")
    row = row_for(course)
    assert row["by_source"] == {"online": 2, "scorm": 1, "attendance": 1, "manual": 1, "import": 1}
    assert row["sources"] == [("Online", 2), ("SCORM", 1), ("Attendance", 1), ("Manual", 1), ("Imported", 1)]
    assert row["completed"] == 6 and row["imported"] == 1
    # Scores 50, 70, 80, 90: mean 72.5, median (70 + 80) / 2; the voided 0 counts for nothing.
    assert (row["scored"], row["mean_score"], row["median_score"]) == (4, Decimal("72.5"), Decimal("75.0"))
    # Time known for two completions: 20 minutes of SCORM and 5 minutes of video.
    assert (row["timed"], row["mean_minutes"]) == (2, Decimal("12.5"))
    # An odd number of scores has one middle.
    finished(course=course, source=CompletionSource.IMPORT, score=Decimal("100"))
    assert row_for(course)["median_score"] == Decimal("80.0")


def test_a_course_with_nothing_shows_no_score_and_no_time():
    course = make_course(code="SRC-EMPTY")
    row = row_for(course)
    assert row["by_source"] == {"online": 0, "scorm": 0, "attendance": 0, "manual": 0, "import": 0}
    assert (row["sources"], row["mean_score"], row["median_score"], row["mean_minutes"]) == ([], None, None, None)


def test_the_report_and_its_csv_show_sources_score_and_time_in_flat_queries(client, package):
    from courses.models import ModulePage

    course = make_course(code="SRC-2")
    other = make_course(code="SRC-3")
    module = ModulePage.objects.child_of(course).first()
    build(course, package, module)
    client.force_login(UserFactory(username="ld.rates", roles=[Role.LD_EDITOR]))
    client.get("/admin/reports/course-rates/")  # the admin's per-process caches
    with CaptureQueriesContext(connection) as small:
        response = client.get("/admin/reports/course-rates/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Online: 2<br>SCORM: 1<br>Attendance: 1<br>Manual: 1<br>Imported: 1" in html
    assert "72.5% / 75.0%" in html and "12.5 min" in html
    # Three times the data, on two courses: the same number of queries.
    build(course, package, module, times=2)
    build(other, package, ModulePage.objects.child_of(other).first(), times=3)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/admin/reports/course-rates/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    exported = client.get("/admin/reports/course-rates/?format=csv")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    mine = next(r for r in rows if r["Course code"] == "SRC-2")
    assert {k: mine[k] for k in list(mine)[5:16]} == {
        "Completed online": "6",
        "Completed through SCORM": "3",
        "Completed by attendance": "3",
        "Completed by manual entry": "3",
        "Completed elsewhere (imported)": "3",
        "Completion rate %": "100",
        "Completions with a score": "12",
        "Mean score %": "72.5",
        "Median score %": "75.0",
        "Completions with time recorded": "6",
        "Mean time spent (minutes)": "12.5",
    }


def test_the_selector_runs_a_fixed_number_of_queries(package, django_assert_num_queries):
    from courses.models import ModulePage

    course = make_course(code="SRC-4")
    module = ModulePage.objects.child_of(course).first()
    build(course, package, module)
    with django_assert_num_queries(9):
        course_rates_for_ld()
    build(course, package, module, times=3)
    with django_assert_num_queries(9):
        course_rates_for_ld()
