"""The course evaluations report for L&D: every answer by course and period with its comments,
each measure summarised with its Kirkpatrick level, exported as CSV and XLSX; nobody named,
bad filters stated, and the same queries however many answers."""

import csv
import datetime
import html
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import Enrolment, Evaluation
from tests.compliance.factories import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/reports/course-evaluations/"


def evaluated(course, *, on: datetime.date, overall=4, relevance=5, before=2, after=4, comments="", name="Ann"):
    user = UserFactory(first_name=name, last_name="Learner")
    enrolment = Enrolment.objects.create(user=user, course=course)
    evaluation = Evaluation.objects.create(
        enrolment=enrolment,
        course=course,
        overall=overall,
        relevance=relevance,
        confidence_before=before,
        confidence_after=after,
        comments=comments,
    )
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    Evaluation.objects.filter(pk=evaluation.pk).update(submitted_at=at)
    return evaluation


@pytest.fixture
def answers(db):
    moral, other = make_course("MC-1", "Moral courage"), make_course("LH-1", "Local history")
    evaluated(moral, on=datetime.date(2026, 5, 2), overall=5, before=1, after=5, comments="=HYPERLINK(\"x\")",
              name="Zelda")  # fmt: skip
    evaluated(moral, on=datetime.date(2026, 6, 1), overall=3, before=3, after=4, comments="Too long on day two.")
    evaluated(other, on=datetime.date(2026, 6, 2), overall=1, comments="Not for my role.")
    return moral, other


@pytest.fixture
def ld_client(client):
    client.force_login(UserFactory(username="ld.editor", roles=["L&D editor"]))
    return client


def test_each_measure_with_its_kirkpatrick_level_and_every_comment(ld_client, answers):
    moral, _ = answers
    page = ld_client.get(URL, {"course": moral.pk})
    assert page.status_code == 200
    summary = {m.field: m for m in page.context["summary"]}
    assert (summary["overall"].responses, summary["overall"].counts, summary["overall"].mean) == (
        2,
        (0, 0, 1, 0, 1),
        4.0,
    )
    assert summary["confidence_after"].mean == 4.5 and summary["confidence_before"].level == "Level 2: learning"
    assert summary["relevance"].level == "Level 1: reaction"
    text = page.content.decode()
    assert "Too long on day two." in text and "Not for my role." not in text
    assert "Zelda" not in text and "Learner" not in text  # nobody named


def test_a_period_narrows_the_answers_and_both_days_count(ld_client, answers):
    page = ld_client.get(URL, {"given_from": "2026-06-01", "given_to": "2026-06-02"})
    assert page.status_code == 200
    assert [e.comments for e in page.context["rows"]] == ["Not for my role.", "Too long on day two."]
    assert page.context["summary"][0].responses == 2


def test_the_export_has_every_answer_and_is_safe_in_a_spreadsheet(ld_client, answers):
    moral, _ = answers
    response = ld_client.get(URL, {"course": moral.pk, "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Given on" and "Kirkpatrick level 1: reaction" in rows[0][2]
    assert rows[0][-2:] == ["Change in confidence", "Comments"]
    assert rows[1][1:] == ["Moral courage", "3", "5", "3", "4", "1", "Too long on day two."]
    assert rows[2][-1] == '\'=HYPERLINK("x")'  # a formula is text, not run
    workbook = ld_client.get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert sheet.max_row == 4


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"course": "999999"}, "There is no course with id '999999'."),
        ({"given_from": "yesterday"}, "Enter a valid date."),
        ({"given_from": "2026-06-02", "given_to": "2026-06-01"}, "'Given from' (2 June 2026) is after 'Given up to'"),
        ({"who": "ann"}, "Unknown filter(s): who."),
        ({"export": "pdf"}, "'pdf' is not an export format"),
    ],
)
def test_bad_filters_are_stated(ld_client, answers, query, message):
    page = ld_client.get(URL, query)
    assert page.status_code == 400
    assert message in html.unescape(page.content.decode())


def test_only_l_and_d_see_it(client, answers):
    client.force_login(UserFactory(username="learner"))
    assert client.get(URL).status_code == 302  # the admin's refusal
    client.force_login(UserFactory(username="admin.c", roles=["Compliance administrator"]))
    assert client.get(URL).status_code == 302


def test_the_same_queries_however_many_answers(ld_client, answers):
    moral, _ = answers
    ld_client.get(URL)  # the admin's per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ld_client.get(URL).status_code == 200
        return len(captured)

    few = count()
    for n in range(30):
        evaluated(moral, on=datetime.date(2026, 6, 3), comments=f"Answer {n}")
    assert count() == few
