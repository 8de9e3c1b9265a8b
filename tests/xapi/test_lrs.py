"""Statements sent to a real LRS (Ralph, started by the `lrs` fixture) and read back over HTTP:
each learning event's statement is there exactly once, whatever is retried or resent; an LRS
that is down is waited for with back-off; a statement it refuses is a dead letter that an
administrator sends again."""

import datetime
import io
from collections import Counter

import pytest

from cms.demo.scorm import load_scorm_demo
from courses.models import ModulePage, ScormModulePage
from courses.services.learning import knowledge_check_submit, module_complete, module_visit
from courses.xapi import services
from courses.xapi.models import Statement, StatementStatus
from courses.xapi.tasks import send_statements
from tests.courses.conftest import correct_answers, make_course, wrong_answers
from tests.courses.test_scorm_runtime import cmi_12, commit
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(120)]


def native_journey(user, modules, callbacks) -> None:
    first, second = modules
    with callbacks(execute=True):
        module_visit(user=user, module=first, screen=1)
    with callbacks(execute=True):
        module_visit(user=user, module=first, screen=2)
    with callbacks(execute=True):
        knowledge_check_submit(user=user, module=first, answers=wrong_answers(first))
    with callbacks(execute=True):
        knowledge_check_submit(user=user, module=first, answers=correct_answers(first))
    with callbacks(execute=True):
        module_visit(user=user, module=second, screen=1)
    with callbacks(execute=True):
        module_complete(user=user, module=second)


def assert_each_once(lrs) -> list[dict]:
    """The LRS holds every recorded statement exactly once, as recorded."""
    held = lrs.statements()
    counts = Counter(statement["id"] for statement in held)
    assert [sid for sid, n in counts.items() if n > 1] == []
    ours = {str(row.pk): row.statement for row in Statement.objects.all()}
    assert set(counts) == set(ours)
    for statement in held:
        mine = ours[statement["id"]]
        for key in ("actor", "verb", "object", "result"):
            assert statement.get(key) == mine.get(key), key
        assert statement["context"]["registration"] == mine["context"]["registration"]
    return held


@pytest.fixture
def modules(db):
    course = make_course()
    return list(ModulePage.objects.child_of(course).order_by("path"))


def test_a_native_journey_reaches_the_lrs_once_per_event(lrs, modules, django_capture_on_commit_callbacks):
    user = UserFactory(username="AB123")
    native_journey(user, modules, django_capture_on_commit_callbacks)
    assert set(Statement.objects.values_list("status", flat=True)) == {StatementStatus.SENT}
    held = assert_each_once(lrs)
    assert Counter(s["verb"]["id"].rsplit("/", 1)[-1] for s in held) == {
        "launched": 2,
        "experienced": 3,
        "answered": 4,
        "failed": 1,
        "passed": 1,
        "completed": 3,
    }
    assert {s["actor"]["account"]["name"] for s in held} == {"AB123"}
    # The task retried (a redelivery after a lost acknowledgement): nothing sent twice.
    ids = [str(pk) for pk in Statement.objects.values_list("pk", flat=True)]
    assert send_statements.apply(args=(ids,)).get() == {"sent": 0, "failed": 0, "retry": 0, "not_due": len(ids)}
    # Every row sent a second time, as after a sender killed between the LRS's answer and the
    # record of it: the LRS keeps one of each.
    Statement.objects.update(status=StatementStatus.PENDING)
    assert services.statements_send(statement_ids=ids).sent == len(ids)
    assert len(assert_each_once(lrs)) == len(ids)


def test_scorm_statements_reach_the_lrs(lrs, client, django_capture_on_commit_callbacks):
    load_scorm_demo(stdout=io.StringIO())
    respect = ScormModulePage.objects.get(slug="respect-at-work")
    user = UserFactory(username="CD456")
    client.force_login(user)
    interactions = {"0": {"id": "q-code", "type": "choice", "student_response": "b", "result": "correct"}}
    with django_capture_on_commit_callbacks(execute=True):
        commit(client, respect, "respect-item", cmi_12("incomplete", location="2", interactions=interactions))
    with django_capture_on_commit_callbacks(execute=True):
        commit(
            client,
            respect,
            "respect-item",
            cmi_12("passed", raw="90", session="00:02:00"),
            terminate=True,
            initialize=False,
        )
    held = assert_each_once(lrs)
    verbs = Counter(s["verb"]["id"].rsplit("/", 1)[-1] for s in held)
    # The module launched (first opened), the SCO launched and initialized once (one session),
    # its interaction answered, passed and completed once, terminated once, the module completed.
    assert verbs == {"launched": 2, "initialized": 1, "answered": 1, "passed": 1, "completed": 2, "terminated": 1}
    passed = next(s for s in held if s["verb"]["id"].endswith("/passed"))
    assert passed["result"]["score"]["scaled"] == 0.9 and passed["result"]["success"] is True
    assert passed["context"]["contextActivities"]["category"][0]["id"] == "https://w3id.org/xapi/scorm"
    answered = next(s for s in held if s["verb"]["id"].endswith("/answered"))
    assert answered["result"] == {"response": "b", "success": True}
    terminated = next(s for s in held if s["verb"]["id"].endswith("/terminated"))
    assert terminated["result"]["duration"] == "PT120.00S"


def test_an_lrs_that_is_down_is_waited_for_then_gets_each_statement_once(
    lrs, modules, pinned_clock, django_capture_on_commit_callbacks
):
    lrs.stop()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        module_visit(user=user, module=modules[0], screen=1)
    rows = list(Statement.objects.all())
    assert len(rows) == 2
    assert {(r.status, r.attempts) for r in rows} == {(StatementStatus.PENDING, 1)}
    assert all("could not be reached" in r.last_error for r in rows)
    lrs.start()
    # Not due: the sweep leaves them for their back-off.
    assert services.statements_sweep() == 0
    pinned_clock.move_to(max(r.next_attempt_at for r in rows) + services.SWEEP_AFTER + datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.statements_sweep() == 2
    assert set(Statement.objects.values_list("status", flat=True)) == {StatementStatus.SENT}
    assert len(assert_each_once(lrs)) == 2


def test_a_statement_the_lrs_refuses_is_a_dead_letter(lrs, modules, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        module_visit(user=user, module=modules[0], screen=None)
    row = Statement.objects.get()
    # The LRS already holds a different statement under this id.
    other = {**row.statement, "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}}
    assert lrs.put(other).status_code == 204
    assert services.statements_send(statement_ids=[row.pk]).failed == 1
    row.refresh_from_db()
    assert row.status == StatementStatus.FAILED and row.attempts == 1
    assert row.last_error.startswith("The LRS answered 409")


def test_wrong_credentials_are_retried_then_a_dead_letter_sent_again_from_the_admin(
    lrs, modules, settings, client, django_capture_on_commit_callbacks
):
    from courses.access import Role
    from tests.factories import UserFactory as Users

    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "XAPI_LRS_PASSWORD": "wrong", "XAPI_MAX_ATTEMPTS": 1}
    with django_capture_on_commit_callbacks(execute=True):
        module_visit(user=UserFactory(), module=modules[0], screen=1)
    assert set(Statement.objects.values_list("status", flat=True)) == {StatementStatus.FAILED}
    assert all(e.startswith("The LRS answered 401") for e in Statement.objects.values_list("last_error", flat=True))
    assert lrs.statements() == []

    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "XAPI_LRS_PASSWORD": lrs.password}
    admin = Users(roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(admin)
    page = client.get("/admin/learning-records/")
    assert page.status_code == 200
    assert page.content.decode().count("The LRS answered 401") == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/learning-records/", {"action": "retry-all"})
    assert response.status_code == 302
    assert set(Statement.objects.values_list("status", flat=True)) == {StatementStatus.SENT}
    assert len(assert_each_once(lrs)) == 2
