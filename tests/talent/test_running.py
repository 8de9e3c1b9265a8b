"""Running a cohort: milestones with attendance, a mentor with their own view, the
participant's plan, completion or withdrawal with a reason; a place freed once the cohort has
started is not offered to the waiting list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.audit.models import AuditEvent
from compliance.talent.models import Application, Attendance, Milestone
from compliance.talent.models import ApplicationStatus as S
from compliance.talent.services import (
    application_score,
    application_submit,
    application_withdraw,
    attendance_record,
    cohort_fill_places,
    mentor_assign,
    plan_save,
)
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(team, cohort):
    """Two participants with places and one on the waiting list."""
    now = timezone.now()
    people = [
        make_person(username=f"r{i}", manager=team.sgt, unit=team.team_a, last_name=f"Runner{i}") for i in range(3)
    ]
    apps = [application_submit(person=p, cohort=cohort, statement="Hi", declaration="yes", now=now) for p in people]
    for i, app in enumerate(apps):
        application_score(actor=team.owner, application=app, score=9 - i, shortlisted=True, note="", now=now)
    cohort_fill_places(actor=team.owner, cohort=cohort, reason="Ranked", now=now)
    board_day = cohort.starts_on + datetime.timedelta(30)
    milestones = [
        Milestone.objects.create(cohort=cohort, title="Launch workshop", kind="workshop", on=cohort.starts_on),
        Milestone.objects.create(cohort=cohort, title="Mock board", kind="exam", on=board_day),
    ]
    return people, [Application.objects.get(pk=a.pk) for a in apps], milestones


def test_attendance_is_recorded_for_every_participant_and_can_be_corrected(team, running):
    people, apps, (launch, board) = running
    now = timezone.now()
    assert attendance_record(actor=team.panellist, milestone=launch, attended_ids={apps[0].pk}, now=now) == 2
    assert dict(Attendance.objects.values_list("application_id", "attended")) == {apps[0].pk: True, apps[1].pk: False}
    assert attendance_record(actor=team.owner, milestone=launch, attended_ids={apps[0].pk, apps[1].pk}, now=now) == 1
    assert Attendance.objects.filter(attended=True).count() == 2
    with pytest.raises(ValidationError, match="only be recorded for the cohort's participants"):
        attendance_record(actor=team.owner, milestone=board, attended_ids={apps[2].pk}, now=now)  # waiting list
    with pytest.raises(PermissionDenied):
        attendance_record(actor=team.sgt.user, milestone=board, attended_ids=set(), now=now)
    assert AuditEvent.objects.filter(action="talent_attendance").count() == 2


def test_the_mentor_sees_their_mentee_plan_and_attendance(client, team, running):
    people, apps, (launch, board) = running
    mentor = make_person(username="mentor", unit=team.north, first_name="Mo", last_name="Mentor")
    now = timezone.now()
    with pytest.raises(ValidationError, match="cannot mentor themselves"):
        mentor_assign(actor=team.owner, application=apps[0], mentor=people[0].user, now=now)
    with pytest.raises(ValidationError, match="Only a participant with a place"):
        mentor_assign(actor=team.owner, application=apps[2], mentor=mentor.user, now=now)
    mentor_assign(actor=team.owner, application=apps[0], mentor=mentor.user, now=now)
    plan_save(person=people[0], application=apps[0], plan="Lead two briefings; sit the mock board.")
    with pytest.raises(PermissionDenied):
        plan_save(person=people[1], application=apps[0], plan="Not mine")
    attendance_record(actor=team.owner, milestone=launch, attended_ids={apps[0].pk}, now=now)
    client.force_login(mentor.user)
    page = client.get("/programmes/mentoring/").content.decode()
    assert "Runner0" in page and "Runner1" not in page
    assert "Lead two briefings" in page and "attended" in page and "not recorded" in page
    assert "Yes, I am in a group" not in page and "declar" not in page.lower()
    client.force_login(people[0].user)
    own = client.get("/programmes/applications/").content.decode()
    assert "Launch workshop" in own and "Mock board" in own and "Lead two briefings" in own


def test_completion_and_withdrawal_with_a_reason_and_no_promotion_once_started(team, cohort, running, pinned_clock):
    people, apps, _ = running
    client_now = timezone.now()
    pinned_clock.move_to(datetime.datetime.combine(cohort.starts_on, datetime.time(9), tzinfo=datetime.UTC))
    now = timezone.now()
    assert now > client_now
    from compliance.talent.services import application_complete

    application_complete(actor=team.owner, application=apps[0], note="All milestones", now=now)
    with pytest.raises(ValidationError, match="Enter a reason"):
        application_withdraw(actor=team.owner, application=apps[1], reason="", now=now)
    application_withdraw(actor=team.owner, application=apps[1], reason="Posted to another force", now=now)
    statuses = [(a.status, a.waiting_position) for a in Application.objects.order_by("pk")]
    assert statuses == [(S.COMPLETED, None), (S.WITHDRAWN, None), (S.WAITING, 1)]


def test_running_pages_are_for_the_panel_only_and_attendance_posts(client, team, cohort, running):
    people, apps, (launch, _) = running
    for user, status in ((team.sgt.user, 403), (people[0].user, 403), (team.owner, 200), (team.panellist, 200)):
        client.force_login(user)
        assert client.get(f"/programmes/cohorts/{cohort.pk}/running/").status_code == status
        assert client.get(f"/programmes/milestones/{launch.pk}/attendance/").status_code == status
    response = client.post(f"/programmes/milestones/{launch.pk}/attendance/", {"attended": ["x"]}, follow=True)
    assert "Tick the participants who attended." in response.content.decode()
    response = client.post(f"/programmes/milestones/{launch.pk}/attendance/", {"attended": [apps[1].pk]}, follow=True)
    assert "Attendance at Launch workshop saved." in response.content.decode()
    running_page = client.get(f"/programmes/cohorts/{cohort.pk}/running/").content.decode()
    assert "attended 1 of 2 milestones" in running_page and "Yes, I am in a group" not in running_page
    response = client.post(f"/programmes/applications/{apps[0].pk}/mentor/", {"staff_number": "nobody"}, follow=True)
    assert "Nobody in the force has that staff number." in response.content.decode()
    response = client.post(f"/programmes/applications/{apps[0].pk}/complete/", {"action": "x"}, follow=True)
    assert "Choose completed or withdrawn." in response.content.decode()


# Session, user and person, then the page's own reads: the same with 3 participants and one
# milestone as with 30 and two.
RUNNING_PINNED = {"running": 9, "attendance": 10, "mentoring": 7, "participant": 9}


def test_running_query_counts_are_flat_as_cohorts_grow(client, team, programme, django_assert_num_queries):
    from tests.talent.builders import make_cohort

    cohort = make_cohort(programme=programme, today=team.today, places=40, panel=[team.panellist])
    mentor = make_person(username="mentor", unit=team.north)
    people = [make_person(username=f"grow{i}", unit=team.team_a, last_name=f"Grower{i}") for i in range(30)]
    now = timezone.now()
    first = None
    for batch in (people[:3], people[3:]):
        apps = [application_submit(person=p, cohort=cohort, statement="Hi", now=now) for p in batch]
        for app in apps:
            application_score(actor=team.owner, application=app, score=5, shortlisted=True, note="", now=now)
        cohort_fill_places(actor=team.owner, cohort=cohort, reason="All in", now=now)
        for app in apps:
            mentor_assign(actor=team.owner, application=app, mentor=mentor.user, now=now)
        milestone = Milestone.objects.create(cohort=cohort, title=f"Workshop {len(batch)}", on=cohort.starts_on)
        attendance_record(actor=team.owner, milestone=milestone, attended_ids={a.pk for a in apps}, now=now)
        first = first or apps[0]
        pages = {
            "running": (team.panellist, f"/programmes/cohorts/{cohort.pk}/running/"),
            "attendance": (team.panellist, f"/programmes/milestones/{milestone.pk}/attendance/"),
            "mentoring": (mentor.user, "/programmes/mentoring/"),
            "participant": (first.person.user, "/programmes/applications/"),
        }
        for name, (user, path) in pages.items():
            client.force_login(user)
            client.get(path)  # the first request of a session saves it
            with django_assert_num_queries(RUNNING_PINNED[name]):
                response = client.get(path)
            assert response.status_code == 200
            assert (batch[-1].last_name if name != "participant" else milestone.title) in response.content.decode()
