"""Learning events become xAPI statements in the outbox, in their own transaction, with ids
that name the event: the same event twice is one statement. Sending is claimed, retried with
back-off, and ends in a dead letter when the LRS refuses; none of it needs an LRS here (the
LRS's answers are given by a fake session), see test_lrs.py for the real one."""

import datetime
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from courses.models import ModulePage
from courses.services.learning import knowledge_check_submit, module_complete, module_visit
from courses.xapi import services
from courses.xapi.lrs import LrsError
from courses.xapi.models import Statement, StatementStatus
from courses.xapi.statements import statement_id
from tests.courses.conftest import correct_answers, make_course, wrong_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ENDPOINT = "http://lrs.invalid/xAPI/"


@pytest.fixture
def configured(settings):
    settings.INCLUSION_LMS = {
        **getattr(settings, "INCLUSION_LMS", {}),
        "XAPI_LRS_ENDPOINT": ENDPOINT,
        "XAPI_LRS_USERNAME": "lms",
        "XAPI_LRS_PASSWORD": "secret",
        "SITE_BASE_URL": "https://lms.force.example",
    }


@pytest.fixture
def modules(db):
    course = make_course()
    return course, list(ModulePage.objects.child_of(course).order_by("path"))


def verbs() -> list[str]:
    return list(Statement.objects.order_by("created_at", "verb", "activity").values_list("verb", flat=True))


def test_nothing_is_recorded_without_an_lrs(modules, django_capture_on_commit_callbacks):
    course, (first, _) = modules
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        module_visit(user=user, module=first, screen=1)
        knowledge_check_submit(user=user, module=first, answers=correct_answers(first))
    assert Statement.objects.count() == 0
    assert callbacks == []


def test_a_native_module_gives_each_verb_once_per_event(configured, modules, django_capture_on_commit_callbacks):
    course, (first, second) = modules
    user = UserFactory(username="AB123")
    with django_capture_on_commit_callbacks() as callbacks:
        module_visit(user=user, module=first, screen=1)
        module_visit(user=user, module=first, screen=2)
        module_visit(user=user, module=first, screen=1)  # back again: nothing new
        failed = knowledge_check_submit(user=user, module=first, answers=wrong_answers(first))
        passed = knowledge_check_submit(user=user, module=first, answers=correct_answers(first))
        module_visit(user=user, module=second, screen=1)
        module_complete(user=user, module=second)
        module_complete(user=user, module=second)  # twice: one completion
    rows = {row.event_key: row for row in Statement.objects.all()}
    progress = first.pk
    enrolment = Statement.objects.get(verb="launched", activity__endswith=f"/module/{progress}").statement
    registration = enrolment["context"]["registration"]
    # launched x2 (one per module), experienced x3 (screens 1 and 2 of module one, 1 of two),
    # answered 2 per attempt, failed, passed, completed: both modules and the course.
    assert sorted(r.verb for r in rows.values()) == sorted(
        ["launched"] * 2 + ["experienced"] * 3 + ["answered"] * 4 + ["failed", "passed"] + ["completed"] * 3
    )
    assert all(r.statement["context"]["registration"] == registration for r in rows.values())
    assert all(
        r.statement["actor"]
        == {"objectType": "Agent", "account": {"homePage": "https://lms.force.example", "name": "AB123"}}
        for r in rows.values()
    )
    assert all(str(r.id) == r.statement["id"] == str(statement_id(r.event_key)) for r in rows.values())
    assert all(r.status == StatementStatus.PENDING for r in rows.values())
    failed_row = rows[f"kc-attempt:{failed.pk}:failed"].statement
    assert failed_row["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert failed_row["result"]["success"] is False
    assert failed_row["result"]["score"]["scaled"] == 0.0
    answered = [r.statement for k, r in rows.items() if k.startswith(f"kc-attempt:{passed.pk}:question:")]
    assert {a["result"]["success"] for a in answered} == {True}
    definition = answered[0]["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert answered[0]["result"]["response"] in definition["correctResponsesPattern"]
    course_done = Statement.objects.get(verb="completed", activity__contains="/course/").statement
    assert course_done["object"]["id"] == "https://lms.force.example/xapi/activities/course/MC-STAGE-3"
    assert course_done["result"]["completion"] is True
    # One task per learning event's transaction, enqueued on commit.
    assert len(callbacks) >= 1


def test_a_rolled_back_event_records_nothing(configured, modules, django_capture_on_commit_callbacks):
    course, (first, _) = modules
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        module_visit(user=user, module=first, screen=1)
        assert Statement.objects.count() == 2
        raise RuntimeError("the event fails after its statements were written")
    assert Statement.objects.count() == 0
    assert callbacks == []


def test_recording_the_same_event_again_adds_nothing(configured, modules):
    course, (first, _) = modules
    user = UserFactory()
    module_visit(user=user, module=first, screen=1)
    before = {row.pk: row.statement for row in Statement.objects.all()}
    from courses.xapi import statements as build

    progress = first  # same event key: the row kept is the first one, timestamp and all
    from courses.models import Enrolment

    enrolment = Enrolment.objects.get(user=user)
    again = build.module_launched(
        enrolment=enrolment, module=progress, moment=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    assert services.statements_record(statements=[again]) == 0
    assert {row.pk: row.statement for row in Statement.objects.all()} == before


class FakeSession:
    """The LRS's answers, one per PUT, in order."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent: list[str] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def lrs_answers(monkeypatch):
    def install(*answers):
        session = FakeSession(*answers)

        def put(*, session: FakeSession, config, statement):
            session.sent.append(statement["id"])
            answer = session.answers.pop(0) if session.answers else None
            if answer is not None:
                raise answer

        monkeypatch.setattr(services, "lrs_session", lambda config: session)
        monkeypatch.setattr(services, "statement_put", put)
        return session

    return install


@pytest.fixture
def one_statement(configured, modules):
    course, (first, _) = modules
    module_visit(user=UserFactory(), module=first, screen=None)
    row = Statement.objects.get()
    assert row.verb == "launched"
    return row


def test_a_sent_statement_is_never_sent_again(one_statement, lrs_answers):
    session = lrs_answers()
    assert services.statements_send(statement_ids=[one_statement.pk]).sent == 1
    assert services.statements_send(statement_ids=[one_statement.pk]).sent == 0
    assert session.sent == [str(one_statement.pk)]
    one_statement.refresh_from_db()
    assert (one_statement.status, one_statement.attempts, one_statement.last_error) == (StatementStatus.SENT, 1, "")


def test_failures_back_off_exponentially_then_become_a_dead_letter(one_statement, lrs_answers, settings, pinned_clock):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "XAPI_MAX_ATTEMPTS": 4}
    outage = LrsError("The LRS answered 503: busy")
    session = lrs_answers(outage, outage, outage, outage)
    waits = []
    for attempt in range(1, 5):
        before = timezone.now()
        result = services.statements_send(statement_ids=[one_statement.pk])
        one_statement.refresh_from_db()
        assert one_statement.attempts == attempt
        if attempt < 4:
            assert result.retry == [str(one_statement.pk)] and one_statement.status == StatementStatus.PENDING
            waits.append(round((one_statement.next_attempt_at - before).total_seconds() / 30))
            # Not due yet: a task now (a duplicate, an early retry) sends nothing.
            assert services.statements_send(statement_ids=[one_statement.pk]).not_due == 1
            pinned_clock.move_to(one_statement.next_attempt_at + datetime.timedelta(seconds=1))
        else:
            assert result.failed == 1
    assert waits == [1, 2, 4]  # 30 s, 1 minute, 2 minutes
    assert one_statement.status == StatementStatus.FAILED
    assert one_statement.last_error == "The LRS answered 503: busy"
    assert len(session.sent) == 4


def test_backoff_doubles_up_to_an_hour():
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4, 8, 9, 20)] == [30, 60, 120, 240, 3600, 3600, 3600]


def test_a_statement_the_lrs_refuses_is_a_dead_letter_at_once(one_statement, lrs_answers):
    lrs_answers(LrsError("The LRS answered 409: A different statement already exists with the same ID", permanent=True))
    assert services.statements_send(statement_ids=[one_statement.pk]).failed == 1
    one_statement.refresh_from_db()
    assert one_statement.status == StatementStatus.FAILED and one_statement.attempts == 1
    assert "409" in one_statement.last_error
    # Sent again by an administrator: back to waiting, its tries counted afresh.
    assert services.statements_retry(ids=[one_statement.pk]) == 1
    one_statement.refresh_from_db()
    assert (one_statement.status, one_statement.attempts) == (StatementStatus.PENDING, 0)
    assert services.statements_retry(ids=[one_statement.pk]) == 0


def test_the_sweep_takes_back_a_dead_senders_row_and_enqueues_lost_ones(
    one_statement, pinned_clock, django_capture_on_commit_callbacks
):
    now = timezone.now()
    Statement.objects.filter(pk=one_statement.pk).update(
        status=StatementStatus.SENDING, claimed_by="dead:1", lease_until=now + datetime.timedelta(minutes=1), attempts=1
    )
    assert services.statements_sweep() == 0  # its lease still runs
    pinned_clock.move_to(now + datetime.timedelta(minutes=2))
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.statements_sweep() == 1
    one_statement.refresh_from_db()
    assert one_statement.status == StatementStatus.PENDING and one_statement.last_error == services.UNKNOWN_OUTCOME
    assert len(callbacks) == 1


def test_unknown_ids_send_nothing(configured, lrs_answers):
    session = lrs_answers()
    assert services.statements_send(statement_ids=[uuid.uuid4()]).sent == 0
    assert session.sent == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"XAPI_LRS_ENDPOINT": "lrs.force.example/xAPI"}, "must be the LRS's http(s) address"),
        ({"XAPI_LRS_ENDPOINT": "ftp://lrs.force.example/"}, "must be the LRS's http(s) address"),
        ({"XAPI_LRS_ENDPOINT": ENDPOINT, "XAPI_LRS_TIMEOUT": "soon"}, "must be a number of seconds"),
    ],
)
def test_wrong_lrs_options_are_reported_by_the_checks_and_never_stop_learning(settings, modules, options, message):
    from courses.xapi.checks import lrs_options

    settings.INCLUSION_LMS = {**getattr(settings, "INCLUSION_LMS", {}), **options}
    errors = lrs_options(None)
    assert [error.id for error in errors] == ["xapi.E001"]
    assert message in errors[0].msg
    course, (first, _) = modules
    progress = module_visit(user=UserFactory(), module=first, screen=1)
    assert progress.last_screen == 1
    assert Statement.objects.count() == 0


def test_right_lrs_options_pass_the_checks(configured):
    from courses.xapi.checks import lrs_options

    assert lrs_options(None) == []
