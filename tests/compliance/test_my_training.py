import datetime

import pytest
from django.utils import timezone

from compliance.selectors.assignments import my_training_summary
from compliance.services.sync import sync_all
from courses.services.completions import completion_record
from tests.compliance.factories import make_course, make_requirement
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _obligations(count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        make_requirement(
            name=f"Requirement {i}", courses=[f"COURSE-{i}", f"COURSE-ALT-{i}"], trigger="joining", trigger_days=30 + i
        )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/my-training/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_training_explains_why_and_links_to_the_course(client):
    today = timezone.localdate()
    person = make_person(
        username="sgt",
        rank_or_grade="Sergeant",
        leadership_level="first_line",
        role_start_date=today - datetime.timedelta(days=21),
    )
    make_requirement(
        name="Championing Fairness",
        courses=["CHAMPIONING-FAIRNESS"],
        include_leadership_levels=["first_line"],
        trigger="role_start",
        trigger_days=90,
    )
    sync_all()
    client.force_login(person.user)
    response = client.get("/my-training/")
    body = response.content.decode()
    due = today - datetime.timedelta(days=21) + datetime.timedelta(days=90)
    assert "Championing Fairness" in body
    assert f"You became a Sergeant on {(today - datetime.timedelta(days=21)):%-d %B %Y}" in body
    assert f"so this is due within 90 days: by {due:%-d %B %Y}" in body
    assert 'href="/training/championing-fairness/"' in body
    assert "Ask for more time" in body


def test_completed_training_shows_when_it_is_valid_until(client):
    person = make_person(username="pc")
    make_requirement(courses=["INTEGRITY"], trigger="joining", recurrence="months", recurrence_months=12)
    when = timezone.now() - datetime.timedelta(days=10)
    completion_record(
        user=person.user, course=make_course("INTEGRITY"), source="online", idempotency_key="x", completed_at=when
    )
    sync_all()
    client.force_login(person.user)
    body = client.get("/my-training/").content.decode()
    assert "Completed" in body and "valid until" in body


@pytest.mark.parametrize("count", [2, 8])
def test_my_training_query_count_is_flat(client, django_assert_max_num_queries, count):
    person = make_person(username="learner", start_date=timezone.localdate() - datetime.timedelta(days=3))
    _obligations(count)
    sync_all()
    client.force_login(person.user)
    with django_assert_max_num_queries(9):
        response = client.get("/my-training/")
    assert response.status_code == 200
    assert response.content.decode().count('class="panel training-item"') == count


@pytest.mark.parametrize("count", [2, 8])
def test_summary_selector_query_count_is_flat(django_assert_max_num_queries, count):
    person = make_person(start_date=timezone.localdate() - datetime.timedelta(days=3))
    _obligations(count)
    sync_all()
    with django_assert_max_num_queries(4):
        summary = my_training_summary(user=person.user)
    assert summary["total"] == count and summary["todo"] == count
    assert len(summary["next_items"]) == min(count, 3)


def test_summary_include_renders(rf):
    from django.template.loader import render_to_string

    person = make_person()
    make_requirement(trigger="joining")
    sync_all()
    request = rf.get("/")
    request.user = person.user
    request.session = {}
    html = render_to_string(
        "compliance/includes/my_training_summary.html",
        {"training_summary": my_training_summary(user=person.user)},
        request=request,
    )
    assert "1 to do" in html and "/my-training/" in html


def test_someone_without_a_person_record_sees_an_empty_page(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert "no required training" in client.get("/my-training/").content.decode()


def _history(person, count: int) -> None:
    """Other people, earlier cycles and ledger entries: what grows as a force uses the system."""
    from compliance.models import Assignment

    for _ in range(count):
        make_person()
    make_requirement(
        name=f"Monthly {count}",
        courses=["YEARLY"],
        trigger="joining",
        trigger_days=30,
        recurrence="months",
        recurrence_months=1,
    )
    today = timezone.localdate()
    for months_ago in range(count, 0, -1):
        completion_record(
            user=person.user,
            course=make_course("YEARLY"),
            source="import",
            idempotency_key=f"y{count}-{months_ago}",
            completed_at=timezone.now() - datetime.timedelta(days=31 * months_ago + 2),
        )
    sync_all(today=today)
    assert Assignment.objects.filter(person=person, requirement__name=f"Monthly {count}").count() >= count // 2


def test_my_training_and_its_api_stay_flat_as_history_and_the_force_grow(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    person = make_person(
        username="learner", staff_number="L1", start_date=timezone.localdate() - datetime.timedelta(days=800)
    )
    client.force_login(person.user)
    api = APIClient()
    api.force_authenticate(person.user)
    urls = ["/my-training/", "/api/v1/compliance/assignments/mine/", "/api/v1/compliance/people/L1/assignments/"]

    def measure() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = (client if url == urls[0] else api).get(url, {"all_cycles": "true"})
            assert response.status_code == 200
            counts.append(len(queries))
        return counts

    _obligations(2)
    _history(person, 2)
    measure()  # the first request of a process also fills caches (the Wagtail site): not what is measured
    small = measure()
    _obligations(8, start=2)
    _history(person, 10)
    assert measure() == small
    assert small[0] <= 9 and max(small[1:]) <= 12, small
