"""Applying, support, scoring, places filled in order, the waiting list that moves up when
someone withdraws, who decided and why, and the emails."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.audit.models import AuditEvent
from compliance.talent.models import Application
from compliance.talent.models import ApplicationStatus as S
from compliance.talent.services import (
    application_nominate,
    application_score,
    application_submit,
    application_support,
    application_withdraw,
    cohort_fill_places,
)
from tests.factories import make_person
from tests.talent.builders import make_cohort, make_programme

pytestmark = pytest.mark.django_db


def _apply_all(cohort, people, now):
    return [application_submit(person=p, cohort=cohort, statement=f"I am {p.first_name}", now=now) for p in people]


@pytest.fixture
def five(team):
    """Five eligible constables in team A who apply in this order."""
    return [make_person(username=f"c{i}", manager=team.sgt, unit=team.team_a, first_name=f"C{i}") for i in range(5)]


def test_places_filled_by_score_then_waiting_list_in_order(team, cohort, five, django_capture_on_commit_callbacks):
    now = timezone.now()
    apps = _apply_all(cohort, five, now)
    scores = [6, 9, 6, 3, 8]
    for app, score in zip(apps, scores, strict=True):
        application_score(actor=team.panellist, application=app, score=score, shortlisted=score > 5, note="", now=now)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = cohort_fill_places(actor=team.owner, cohort=cohort, reason="Scored against the criteria", now=now)
    assert counts == {"selected": 2, "waiting": 2, "not_selected": 1}
    by_person = {a.person.first_name: a for a in Application.objects.select_related("person")}
    assert [by_person[n].status for n in ("C1", "C4")] == [S.SELECTED, S.SELECTED]
    # A tie at 6 goes to the earlier application.
    assert [(by_person[n].status, by_person[n].waiting_position) for n in ("C0", "C2")] == [
        (S.WAITING, 1),
        (S.WAITING, 2),
    ]
    assert by_person["C3"].status == S.NOT_SELECTED
    assert {a.decided_by_id for a in by_person.values()} == {team.owner.pk}
    assert {a.decision_reason for a in by_person.values()} == {"Scored against the criteria"}
    event = AuditEvent.objects.get(action="talent_select")
    assert event.actor == team.owner and event.changes["reason"] == "Scored against the criteria"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in five)
    waiting_mail = next(m for m in mail.outbox if m.to == [five[2].email])
    assert "number 2 on the waiting list" in waiting_mail.body


def test_a_withdrawal_promotes_the_first_waiting_and_moves_the_rest_up(
    team, cohort, five, django_capture_on_commit_callbacks
):
    now = timezone.now()
    apps = _apply_all(cohort, five, now)
    for app, score in zip(apps, [10, 9, 8, 7, 6], strict=True):
        application_score(actor=team.panellist, application=app, score=score, shortlisted=True, note="", now=now)
    cohort_fill_places(actor=team.panellist, cohort=cohort, reason="Ranked", now=now)
    mail.outbox.clear()
    # The second on the waiting list leaves: the third moves up to second.
    application_withdraw(actor=five[3].user, application=apps[3], reason="Posted elsewhere", now=now)
    assert [(a.status, a.waiting_position) for a in Application.objects.order_by("pk")][2:] == [
        (S.WAITING, 1),
        (S.WITHDRAWN, None),
        (S.WAITING, 2),
    ]
    # Someone with a place leaves: the first waiting takes it at once and is told.
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(actor=five[0].user, application=apps[0], reason="Family reasons", now=now)
    statuses = [(a.status, a.waiting_position) for a in Application.objects.order_by("pk")]
    assert statuses == [(S.WITHDRAWN, None), (S.SELECTED, None), (S.SELECTED, None), (S.WITHDRAWN, None),
                        (S.WAITING, 1)]  # fmt: skip
    assert [m.to for m in mail.outbox] == [[five[2].email]]
    assert "offered a place" in mail.outbox[0].body
    promoted = AuditEvent.objects.get(action="talent_promote")
    assert promoted.object_id == str(apps[2].pk) and promoted.actor == five[0].user
    # Nobody left to promote: the place stays free.
    application_withdraw(actor=five[1].user, application=apps[1], reason="Illness", now=now)
    application_withdraw(actor=five[2].user, application=apps[2], reason="Illness", now=now)
    assert Application.objects.get(pk=apps[4].pk).status == S.SELECTED
    assert Application.objects.filter(status=S.SELECTED).count() == 1


def test_fill_again_adds_to_the_list_and_never_moves_anyone_placed(team, cohort, five):
    now = timezone.now()
    apps = _apply_all(cohort, five[:3], now)
    for app in apps:
        application_score(actor=team.owner, application=app, score=5, shortlisted=True, note="", now=now)
    cohort_fill_places(actor=team.owner, cohort=cohort, reason="First round", now=now)
    late = _apply_all(cohort, five[3:4], now)[0]
    application_score(actor=team.owner, application=late, score=10, shortlisted=True, note="", now=now)
    cohort_fill_places(actor=team.owner, cohort=cohort, reason="Late round", now=now)
    late.refresh_from_db()
    assert (late.status, late.waiting_position) == (S.WAITING, 2)


def test_only_owners_and_the_panel_select(team, cohort, five):
    now = timezone.now()
    app = _apply_all(cohort, five[:1], now)[0]
    for outsider in (team.sgt.user, team.insp.user):
        with pytest.raises(PermissionDenied):
            application_score(actor=outsider, application=app, score=5, shortlisted=True, note="", now=now)
        with pytest.raises(PermissionDenied):
            cohort_fill_places(actor=outsider, cohort=cohort, reason="x", now=now)
        with pytest.raises(PermissionDenied):
            application_withdraw(actor=outsider, application=app, reason="x", now=now)


def test_bad_input_is_refused_with_clear_messages(team, cohort, five):
    now = timezone.now()
    with pytest.raises(ValidationError, match="Enter your answer"):
        application_submit(person=five[0], cohort=cohort, statement="  ", now=now)
    with pytest.raises(ValidationError, match="Choose one of the answers"):
        application_submit(person=five[0], cohort=cohort, statement="Hi", declaration="maybe", now=now)
    app = application_submit(person=five[0], cohort=cohort, statement="Hi", now=now)
    with pytest.raises(ValidationError, match="already applied"):
        application_submit(person=five[0], cohort=cohort, statement="Again", now=now)
    with pytest.raises(ValidationError, match="from 0 to 10"):
        application_score(actor=team.owner, application=app, score=11, shortlisted=False, note="", now=now)
    with pytest.raises(ValidationError, match="Give a score to shortlist"):
        application_score(actor=team.owner, application=app, score=None, shortlisted=True, note="", now=now)
    with pytest.raises(ValidationError, match="Shortlist at least one"):
        cohort_fill_places(actor=team.owner, cohort=cohort, reason="Nobody shortlisted", now=now)
    with pytest.raises(ValidationError, match="Enter the reason"):
        cohort_fill_places(actor=team.owner, cohort=cohort, reason="", now=now)
    with pytest.raises(ValidationError, match="not open to your|It is for Constable"):
        application_submit(person=team.sgt, cohort=cohort, statement="Me too", now=now)


def test_the_application_window_is_inclusive_and_uses_the_day_given(team, programme, five):
    cohort = make_cohort(programme=programme, today=team.today, open_days=(0, 3))
    closes = datetime.datetime.combine(cohort.applications_close_on, datetime.time(23, 59), tzinfo=datetime.UTC)
    application_submit(person=five[0], cohort=cohort, statement="Last day", now=closes)
    with pytest.raises(ValidationError, match="Applications for .* are open from"):
        application_submit(person=five[1], cohort=cohort, statement="A day late", now=closes + datetime.timedelta(1))
    with pytest.raises(ValidationError, match="are open from"):
        application_submit(person=five[1], cohort=cohort, statement="A day early", now=closes - datetime.timedelta(4))


def test_line_manager_support_when_the_programme_asks_for_it(team, five, django_capture_on_commit_callbacks):
    programme = make_programme(title="Front Line Leadership", owners=[team.owner], support=True)
    cohort = make_cohort(programme=programme, today=team.today)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        app = application_submit(person=five[0], cohort=cohort, statement="Ready to lead", now=now)
    assert app.status == S.AWAITING_SUPPORT
    assert [m.to for m in mail.outbox] == [[team.sgt.email]]
    with pytest.raises(PermissionDenied):
        application_support(actor=five[1].user, application=app, supported=True, note="", now=now)
    with pytest.raises(ValidationError, match="why you do not support it"):
        application_support(actor=team.sgt.user, application=app, supported=False, note="", now=now)
    # Anyone above in line management may support, not only the direct manager.
    app = application_support(actor=team.insp.user, application=app, supported=True, note="", now=now)
    assert (app.status, app.support_by) == (S.SUBMITTED, team.insp.user)
    other = application_submit(person=five[1], cohort=cohort, statement="Me too", now=now)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        other = application_support(actor=team.sgt.user, application=other, supported=False, note="Not yet", now=now)
    assert (other.status, other.decided_by, other.decision_reason) == (S.NOT_SUPPORTED, team.sgt.user, "Not yet")
    assert [m.to for m in mail.outbox] == [[five[1].email]] and "Not yet" in mail.outbox[0].body


def test_a_manager_nominates_someone_below_them_who_then_applies(
    team, cohort, five, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        application_nominate(nominator=five[1].user, person=five[0], cohort=cohort, note="Great", now=now)
    with django_capture_on_commit_callbacks(execute=True):
        app = application_nominate(nominator=team.insp.user, person=five[0], cohort=cohort, note="Great", now=now)
    assert app.status == S.NOMINATED and [m.to for m in mail.outbox] == [[five[0].email]]
    with pytest.raises(ValidationError, match="already applied or been nominated"):
        application_nominate(nominator=team.sgt.user, person=five[0], cohort=cohort, note="Great", now=now)
    app2 = application_submit(person=five[0], cohort=cohort, statement="Thank you", now=now)
    assert (app2.pk, app2.status, app2.nominated_by) == (app.pk, S.SUBMITTED, team.insp.user)
