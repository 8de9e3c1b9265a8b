"""The dead-letter screen: who may see it and send statements again (exact statuses for every
role), what it shows, and bad requests answered with a message, never a 500."""

import uuid

import pytest

from courses.access import Role
from courses.xapi.models import Statement, StatementStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/learning-records/"


@pytest.fixture
def configured(settings):
    settings.INCLUSION_LMS = {**getattr(settings, "INCLUSION_LMS", {}), "XAPI_LRS_ENDPOINT": "http://lrs.invalid/xAPI/"}


def dead_letter(*, error="The LRS answered 400: bad statement", user=None) -> Statement:
    sid = uuid.uuid4()
    return Statement.objects.create(
        id=sid,
        event_key=f"test:{sid}",
        verb="completed",
        activity="https://lms.force.example/xapi/activities/module/7",
        user=user,
        statement={"id": str(sid)},
        status=StatementStatus.FAILED,
        attempts=3,
        last_error=error,
        created_at="2026-06-17T08:00:00Z",
        failed_at="2026-06-17T08:30:00Z",
    )


@pytest.mark.parametrize(
    ("who", "status", "to"),
    [
        ("anonymous", 302, "/admin/login/"),  # to the admin's sign-in
        ("learner", 302, "/admin/login/"),  # no admin access at all
        # The admin's answer to a refusal (PermissionDenied): its home page, saying so.
        (Role.LD_EDITOR, 302, "/admin/"),
        (Role.DI_ANALYST, 302, "/admin/"),
        (Role.HR_SERVICE, 302, "/admin/"),
        (Role.LD_LEAD, 200, None),
        (Role.COMPLIANCE_ADMIN, 200, None),
        ("superuser", 200, None),
    ],
)
def test_only_compliance_administrators_and_the_ld_lead_may_see_or_resend(client, who, status, to, configured):
    row = dead_letter()
    if who == "superuser":
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
    elif who == "learner":
        client.force_login(UserFactory())
    elif who != "anonymous":
        client.force_login(UserFactory(roles=[who]))
    response = client.get(URL)
    assert response.status_code == status
    if to:
        assert response["Location"].split("?")[0] == to
    response = client.post(URL, {"action": "retry", "statement": str(row.pk)})
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == (to or URL)
    row.refresh_from_db()
    assert row.status == (StatementStatus.PENDING if status == 200 else StatementStatus.FAILED)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    return client


def test_the_page_lists_dead_letters_with_their_last_error_in_a_fixed_number_of_queries(
    admin_client, configured, django_assert_max_num_queries
):
    learner = UserFactory(username="AB123")
    for _ in range(3):
        dead_letter(user=learner)
    Statement.objects.filter(pk=dead_letter(error="The LRS answered 409: a different statement").pk)
    with django_assert_max_num_queries(12) as few:
        response = admin_client.get(URL)
    assert response.status_code == 200
    for _ in range(40):
        dead_letter(user=UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(URL).status_code == 200
    text = response.content.decode()
    assert "http://lrs.invalid/xAPI/" in text
    assert text.count("The LRS answered 400: bad statement") == 3
    assert "The LRS answered 409: a different statement" in text
    assert "AB123" in text and "Send all 4 again" in text


def test_without_an_lrs_the_page_says_nothing_is_recorded(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert "No learning record store is configured" in response.content.decode()


def test_send_all_again(admin_client, configured, django_capture_on_commit_callbacks):
    rows = [dead_letter() for _ in range(3)]
    Statement.objects.filter(pk=rows[0].pk).update(status=StatementStatus.SENT)
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(URL, {"action": "retry-all"})
    assert response.status_code == 302 and response["Location"] == URL
    assert sorted(Statement.objects.values_list("status", "attempts")) == [
        ("pending", 0),
        ("pending", 0),
        ("sent", 3),
    ]
    assert len(callbacks) == 1  # one task for them, after commit
    follow = admin_client.get(URL)
    assert "2 statement(s) will be sent again." in follow.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "retry", "statement": "not-an-id"}, "Choose a statement from the list to send again."),
        ({"action": "retry", "statement": str(uuid.uuid4())}, "That statement is not a dead letter"),
        ({"action": "retry"}, "Choose a statement from the list to send again."),
        ({"action": "delete-everything"}, "Choose to send one statement again, or all of them."),
        ({}, "Choose to send one statement again, or all of them."),
    ],
)
def test_bad_requests_get_400_with_a_message(admin_client, configured, data, message):
    row = dead_letter()
    response = admin_client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    row.refresh_from_db()
    assert row.status == StatementStatus.FAILED


def test_a_statement_already_sent_again_is_not_sent_twice(admin_client, configured):
    row = dead_letter()
    assert admin_client.post(URL, {"action": "retry", "statement": str(row.pk)}).status_code == 302
    response = admin_client.post(URL, {"action": "retry", "statement": str(row.pk)})
    assert response.status_code == 400


def test_other_methods_are_refused(admin_client):
    assert admin_client.put(URL).status_code == 405
    assert admin_client.delete(URL).status_code == 405


def test_the_reports_menu_shows_it_only_to_those_who_may_resend(client):
    client.force_login(UserFactory(roles=[Role.LD_LEAD]))
    assert URL in client.get("/admin/").content.decode()
    client.force_login(UserFactory(roles=[Role.LD_EDITOR]))
    assert URL not in client.get("/admin/").content.decode()
