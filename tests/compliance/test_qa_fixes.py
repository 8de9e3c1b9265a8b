"""Defects found by QA on the demo, each with the test that failed before its fix."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.models import Assignment, ExtensionRequest, Requirement
from compliance.reminders.models import Notification
from compliance.selectors.assignments import MANAGER, assignment_reason
from compliance.services.assignments import (
    exemption_grant,
    extension_grant,
    extension_latest_date,
    extension_request_create,
    extension_request_decide,
)
from compliance.services.sync import sync_all
from courses.services.completions import completion_record
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    return client


# 1. "Preview who this catches" on the edit view ------------------------------------------


def test_preview_on_the_edit_view_shows_who_is_assigned_and_withdrawn(admin_client):
    course = make_course("MC-STAGE-1")
    make_person(first_name="Sam", last_name="Ayres", rank_or_grade="Sergeant", leadership_level="first_line")
    make_person(first_name="Ivy", last_name="Ingram", rank_or_grade="Inspector", leadership_level="middle")
    requirement = make_requirement(
        name="Moral Courage stage 1",
        courses=[course],
        include_leadership_levels=["first_line"],
        trigger="fixed_date",
        fixed_due_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    sync_all()
    assert Assignment.objects.filter(requirement=requirement).count() == 1
    form = {
        "name": "Moral Courage stage 1 (renamed)",
        "description": "",
        "courses": [course.pk],
        "include_leadership_levels": ["middle"],
        "trigger": "fixed_date",
        "trigger_days": "60",
        "fixed_due_date": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "recurrence": "none",
        "window_opens_days": "30",
        "minimum_active_days": "180",
        "active_from": "2020-01-01",
        "preview": "1",
    }
    response = admin_client.post(reverse("compliance_requirement:edit", args=[requirement.pk]), form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview: nothing has been saved" in body
    assert "Ivy Ingram" in body  # would be assigned
    assert "Would be withdrawn" in body and "Sam Ayres" in body
    assert "1</strong> withdrawn" in body.replace("\n", "")
    requirement.refresh_from_db()
    assert requirement.name == "Moral Courage stage 1"  # nothing saved
    assert Assignment.objects.filter(requirement=requirement, state="open").count() == 1
    assert Requirement.objects.count() == 1


# 2. Extensions have an upper limit ------------------------------------------------------


@pytest.fixture
def team():
    today = timezone.localdate()
    sergeant = make_person(username="sgt", first_name="Sam", last_name="Ayres", leadership_level="first_line")
    constable = make_person(
        username="pc",
        manager=sergeant,
        first_name="Cora",
        last_name="Constable",
        staff_number="S4321",
        start_date=today - datetime.timedelta(days=10),
    )
    make_requirement(name="LFOH", courses=["LFOH-OFFICER"], trigger="joining", trigger_days=60)
    sync_all()
    admin = UserFactory(username="ca", roles=[Role.COMPLIANCE_ADMIN], is_staff=True)
    admin.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return SimpleNamespace(
        today=today,
        sergeant=sergeant,
        constable=constable,
        admin=admin,
        assignment=Assignment.objects.get(person=constable),
    )


def test_the_service_refuses_an_extension_more_than_a_year_after_the_due_date(team):
    a = team.assignment
    latest = extension_latest_date(assignment=a)
    assert latest == a.due_date + datetime.timedelta(days=365)
    with pytest.raises(ValidationError) as refused:
        extension_grant(assignment=a, new_due_date=datetime.date(9999, 12, 31), reason="Leave", actor=team.admin)
    message = refused.value.message_dict["new_due_date"][0]
    assert "365 days" in message and date_format(latest, "j F Y") in message
    with pytest.raises(ValidationError) as refused:
        extension_request_create(
            assignment=a, user=team.constable.user, requested_due_date=latest + datetime.timedelta(days=1), reason="x"
        )
    assert "requested_due_date" in refused.value.message_dict
    extension_grant(assignment=a, new_due_date=latest, reason="Leave", actor=team.admin)
    a.refresh_from_db()
    assert a.extended_due_date == latest


def test_for_overdue_training_the_year_counts_from_today(team):
    a = team.assignment
    Assignment.objects.filter(pk=a.pk).update(due_date=team.today - datetime.timedelta(days=30))
    a.refresh_from_db()
    assert extension_latest_date(assignment=a) == team.today + datetime.timedelta(days=365)
    with pytest.raises(ValidationError) as refused:
        extension_grant(
            assignment=a, new_due_date=team.today + datetime.timedelta(days=366), reason="Leave", actor=team.admin
        )
    assert "at most 365 days after today" in refused.value.message_dict["new_due_date"][0]
    extension_grant(
        assignment=a, new_due_date=team.today + datetime.timedelta(days=300), reason="Leave", actor=team.admin
    )


def test_the_site_form_refuses_9999_naming_the_field(client, team):
    client.force_login(team.constable.user)
    response = client.post(
        f"/my-training/{team.assignment.pk}/more-time/", {"requested_due_date": "9999-12-31", "reason": "Nights"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "365 days" in form.errors["requested_due_date"][0]
    assert not ExtensionRequest.objects.exists()
    latest = extension_latest_date(assignment=team.assignment)
    page = client.get(f"/my-training/{team.assignment.pk}/more-time/").content.decode()
    assert f"You can ask for a date up to {date_format(latest, 'j F Y')}" in page
    assert f'max="{latest.isoformat()}"' in page


def test_the_admin_extension_form_refuses_9999(client, team):
    client.force_login(team.admin)
    url = reverse("compliance_assignment_extend", args=[team.assignment.pk])
    assert "at most" in client.get(url).content.decode()
    response = client.post(url, {"new_due_date": "9999-12-31", "reason": "Leave"})
    assert response.status_code == 200
    assert "365 days" in response.context["form"].errors["new_due_date"][0]
    team.assignment.refresh_from_db()
    assert team.assignment.extended_due_date is None


def test_the_api_refuses_a_request_for_9999_naming_the_field(team):
    api = api_client_for(team.constable.user)
    response = api.post(
        "/api/v1/compliance/extension-requests/",
        {"assignment": team.assignment.pk, "requested_due_date": "9999-12-31", "reason": "Nights"},
        format="json",
    )
    assert response.status_code == 400 and "requested_due_date" in str(response.json())
    assert not ExtensionRequest.objects.exists()


def test_the_api_refuses_9999(team):
    api = APIClient()
    api.force_authenticate(team.admin)
    response = api.post(
        f"/api/v1/compliance/assignments/{team.assignment.pk}/extensions/",
        {"new_due_date": "9999-12-31", "reason": "Leave"},
        format="json",
    )
    assert response.status_code == 400 and "new_due_date" in str(response.json())


# 3. The audit trail names people; the assignment page reads well --------------------------


def test_audit_summaries_name_the_person_and_spell_out_dates(team):
    a = team.assignment
    new_date = a.due_date + datetime.timedelta(days=20)
    extension_grant(assignment=a, new_due_date=new_date, reason="Leave", actor=team.admin)
    exemption_grant(assignment=a, reason="Sick leave", actor=team.admin, until=new_date)
    extended = AuditEvent.objects.get(action="extension_granted").summary
    exempted = AuditEvent.objects.get(action="exemption_granted").summary
    when = date_format(new_date, "j F Y")
    assert extended == f"Extended 'LFOH' for Cora Constable (S4321) to {when}"
    assert exempted == f"Exempted Cora Constable (S4321) from 'LFOH' until {when}"


def test_audit_requests_and_decisions_name_the_person(team):
    a = team.assignment
    request = extension_request_create(
        assignment=a, user=team.constable.user, requested_due_date=a.due_date + datetime.timedelta(days=9), reason="x"
    )
    extension_request_decide(request=request, actor=team.sergeant.user, approve=False, note="Not now")
    for action in ("extension_requested", "extension_request_refused"):
        assert "Cora Constable (S4321)" in AuditEvent.objects.get(action=action).summary


def test_audit_trail_search_finds_events_by_staff_number_and_name(client, team):
    a = team.assignment
    extension_grant(
        assignment=a, new_due_date=a.due_date + datetime.timedelta(days=20), reason="Leave", actor=team.admin
    )
    # An event written before summaries named people is found through what it is about.
    exemption_grant(assignment=a, reason="Sick leave", actor=team.admin)
    AuditEvent.objects.filter(action="exemption_granted").update(summary=f"Exempted {a.person_id} from 'LFOH'")
    client.force_login(team.admin)
    url = reverse("compliance_audit:index")
    for term in ("S4321", "s4321", "Cora Constable", "constable"):
        body = client.get(url, {"q": term}).content.decode()
        assert "extension_granted" in body and "exemption_granted" in body, term
    assert "extension_granted" not in client.get(url, {"q": "S9999"}).content.decode()
    assert api_client_for(team.admin).get("/api/v1/compliance/audit/", {"q": "S4321"}).json()["count"] == 1


def test_assignment_inspect_page_names_the_person_and_hides_none(client, team):
    client.force_login(team.admin)
    body = client.get(reverse("compliance_assignment:inspect", args=[team.assignment.pk])).content.decode()
    assert "LFOH for Cora Constable (S4321), cycle 1" in body
    assert f"for {team.assignment.person_id} (cycle" not in body
    assert ">None<" not in body.replace(" ", "").replace("\n", "")
    assert "Not set" in body
    assert date_format(team.assignment.due_date, "j F Y") in body


def api_client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


# 4. Learners see where their request for more time stands, and are told of the decision ---


def _ask(team, days=14, reason="Nights"):
    wanted = team.assignment.due_date + datetime.timedelta(days=days)
    return extension_request_create(
        assignment=team.assignment, user=team.constable.user, requested_due_date=wanted, reason=reason
    )


def test_my_training_shows_a_pending_request_and_who_decides_it(client, team):
    request = _ask(team)
    client.force_login(team.constable.user)
    body = client.get("/my-training/").content.decode()
    asked = date_format(timezone.localdate(request.requested_at), "j F Y")
    assert f"More time requested on {asked}" in body
    assert "waiting for Sam Ayres" in body
    assert "Ask for more time" not in body
    assert "See your request for more time" in body
    page = client.get(f"/my-training/{team.assignment.pk}/more-time/").content.decode()
    assert "waiting for Sam Ayres" in page


def test_my_training_shows_a_refusal_with_the_note_and_lets_them_ask_again(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    request = _ask(team)
    with django_capture_on_commit_callbacks(execute=True):
        extension_request_decide(request=request, actor=team.sergeant.user, approve=False, note="Too many already")
    client.force_login(team.constable.user)
    body = client.get("/my-training/").content.decode()
    assert "refused by Sam Ayres" in body and "Too many already" in body
    assert "Ask for more time" in body
    # In-app notification and an email.
    notifications = list(Notification.objects.filter(recipient_user=team.constable.user))
    assert len(notifications) == 1 and notifications[0].read_at is None
    assert "refused" in notifications[0].subject and "Too many already" in notifications[0].subject
    assert "Too many already" in client.get("/notifications/").content.decode()
    (message,) = mailoutbox
    assert message.to == [team.constable.email] and "refused" in message.subject
    assert "Too many already" in message.body


def test_an_approval_notifies_the_learner_and_shows_on_my_training(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    request = _ask(team, days=20)
    with django_capture_on_commit_callbacks(execute=True):
        extension_request_decide(request=request, actor=team.sergeant.user, approve=True)
    new_due = date_format(request.requested_due_date, "j F Y")
    (notification,) = Notification.objects.filter(recipient_user=team.constable.user)
    assert notification.subject == f"More time approved: LFOH is now due by {new_due}"
    assert notification.assignment_id == team.assignment.pk
    assert len(mailoutbox) == 1 and new_due in mailoutbox[0].body
    client.force_login(team.constable.user)
    body = client.get("/my-training/").content.decode()
    assert "approved by Sam Ayres" in body and f"Your deadline was extended to {new_due}" in body


def test_asking_again_after_a_refusal_for_the_same_date_notifies_again(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    first = _ask(team)
    with django_capture_on_commit_callbacks(execute=True):
        extension_request_decide(request=first, actor=team.sergeant.user, approve=False, note="No")
    Notification.objects.update(read_at=timezone.now())
    second = _ask(team)
    with django_capture_on_commit_callbacks(execute=True):
        extension_request_decide(request=second, actor=team.sergeant.user, approve=False, note="Still no")
    newest, earlier = Notification.objects.filter(recipient_user=team.constable.user)
    assert newest.read_at is None and "Still no" in newest.subject
    assert earlier.read_at is not None and earlier.subject.endswith(": No")
    # Two decisions, two messages: each its own Message-ID, so a de-duplicating relay keeps both.
    assert [m.subject for m in mailoutbox] == [earlier.subject, newest.subject]
    assert len({m.extra_headers["Message-ID"] for m in mailoutbox}) == 2


def test_a_decision_email_that_fails_is_not_logged_as_sent_and_is_retried(
    team, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail import EmailMultiAlternatives

    from compliance.reminders.models import Reminder, ReminderStatus
    from compliance.reminders.sending import reminders_send

    original = EmailMultiAlternatives.send

    def boom(self, *args, **kwargs):
        raise ConnectionRefusedError("mail relay down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", boom)
    request = _ask(team)
    # The send task meets the failure and asks to be retried later; the decision is not undone.
    with django_capture_on_commit_callbacks(execute=True):
        extension_request_decide(request=request, actor=team.sergeant.user, approve=False, note="No")
    request.refresh_from_db()
    assert request.status == "refused"  # the decision stands
    message = Reminder.objects.get(kind="extension_decision")
    assert (message.status, message.last_error) == (ReminderStatus.PLANNED, "ConnectionRefusedError: mail relay down")
    assert not Notification.objects.exists() and mailoutbox == []
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert reminders_send(reminder_ids=[message.pk]).sent == 1
    (notification,) = Notification.objects.all()
    assert "refused" in notification.subject and len(mailoutbox) == 1


def test_a_failed_decision_sends_nothing(team, mailoutbox, django_capture_on_commit_callbacks):
    request = _ask(team)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        extension_request_decide(request=request, actor=team.sergeant.user, approve=False, note="")
    assert not Notification.objects.exists() and mailoutbox == []


# 5. Completed recurring training shows when it was completed and how long it lasts --------


@pytest.fixture
def completed(team):
    """A person who joined long ago, completed a yearly requirement a month ago: the first
    cycle's due date is long past, the completion valid for another eleven months."""
    today = team.today
    veteran = make_person(
        username="vet",
        manager=team.sergeant,
        first_name="Vera",
        last_name="Veteran",
        staff_number="S5555",
        start_date=datetime.date(2024, 12, 10),
    )
    requirement = make_requirement(
        name="Integrity", courses=["INTEGRITY"], trigger="joining", trigger_days=73, recurrence="months"
    )
    requirement.recurrence_months = 12
    requirement.save()
    done = today - datetime.timedelta(days=30)
    completion_record(
        user=veteran.user,
        course=make_course("INTEGRITY"),
        source="online",
        idempotency_key="vet-integrity",
        completed_at=timezone.make_aware(datetime.datetime.combine(done, datetime.time(12))),
    )
    sync_all()
    assignment = Assignment.objects.get(person=veteran, requirement=requirement)
    assert assignment.state == "satisfied" and assignment.due_date == datetime.date(2025, 2, 21)
    return SimpleNamespace(person=veteran, assignment=assignment, done=done, valid_until=assignment.valid_until)


def test_the_reason_for_completed_training_does_not_state_the_old_due_date(completed):
    a = completed.assignment
    reason = assignment_reason(assignment=a)
    assert "21 February 2025" not in reason and "due" not in reason
    assert reason == (
        "You joined on 10 December 2024, and this is required within 73 days of joining. "
        f"You completed it on {date_format(completed.done, 'j F Y')}; "
        f"it is valid until {date_format(completed.valid_until, 'j F Y')}, and must then be renewed every 12 months."
    )
    later = completed.valid_until + datetime.timedelta(days=1)
    expired = assignment_reason(assignment=a, today=later)
    assert f"that expired on {date_format(completed.valid_until, 'j F Y')}" in expired


def test_my_training_shows_completed_on_and_valid_until(client, completed):
    client.force_login(completed.person.user)
    body = client.get("/my-training/").content.decode()
    assert f"Completed on {date_format(completed.done, 'j F Y')}" in body
    assert f"valid until {date_format(completed.valid_until, 'j F Y')}" in body
    assert "21 February 2025" not in body


def test_team_list_person_page_and_csv_show_completion_not_the_old_due_date(client, team, completed):
    client.force_login(team.sergeant.user)
    done, valid = date_format(completed.done, "j M Y"), date_format(completed.valid_until, "j M Y")
    team_page = client.get("/team/", {"q": "S5555"}).content.decode()
    assert f"Completed on {done}, valid until {valid}" in team_page
    assert "21 Feb 2025" not in team_page
    person_page = client.get("/team/people/S5555/").content.decode()
    assert f"Completed on {done}, valid until {valid}" in person_page
    assert "21 Feb 2025" not in person_page and "21 February 2025" not in person_page
    response = client.get("/team/csv/", {"q": "S5555"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    (values,) = [
        dict(zip(header, row, strict=True)) for row in rows[1:] if row[header.index("Training")] == "Integrity"
    ]
    assert values["Status"] == "Completed" and values["Due date"] == ""
    assert values["Completed on"] == completed.done.isoformat()
    assert values["Valid until"] == completed.valid_until.isoformat()


# 6. Manager views speak about the person, not to them --------------------------------------


def test_team_person_page_and_api_speak_about_the_person(client, team):
    a = team.assignment
    extension_grant(assignment=a, new_due_date=a.due_date + datetime.timedelta(days=20), reason="x", actor=team.admin)
    client.force_login(team.sergeant.user)
    body = client.get(f"/team/people/{team.constable.staff_number}/").content.decode()
    assert "Cora joined on" in body and "Cora&#x27;s deadline was extended to" in body
    assert "You joined" not in body and "Your deadline" not in body
    data = api_client_for(team.sergeant.user).get(f"/api/v1/team/people/{team.constable.staff_number}/").json()
    reason = data["assignments"][0]["reason"]
    assert reason.startswith("Cora joined on") and "Cora's deadline was extended" in reason
    # The learner still reads it about themselves.
    mine = api_client_for(team.constable.user).get("/api/v1/compliance/assignments/mine/").json()
    assert mine["results"][0]["reason"].startswith("You joined on")


def test_without_a_first_name_the_manager_reads_they(team):
    a = Assignment.objects.select_related("person", "requirement").get(pk=team.assignment.pk)
    a.person.first_name = ""
    assert assignment_reason(assignment=a, perspective=MANAGER).startswith("They joined on")


def test_admin_lists_and_person_page_read_as_words(client, team):
    client.force_login(team.admin)
    listing = client.get(reverse("compliance_assignment:index")).content.decode()
    assert "Not started" in listing or "Due soon" in listing
    assert "not_started" not in listing.replace('value="not_started"', "")
    person = client.get(reverse("compliance_person:inspect", args=[team.constable.pk])).content.decode()
    assert "Yes" in person and ">True<" not in person.replace(" ", "").replace("\n", "")


def test_an_extension_never_ends_in_the_past(team):
    a = team.assignment
    Assignment.objects.filter(pk=a.pk).update(due_date=team.today - datetime.timedelta(days=30))
    a.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        extension_grant(
            assignment=a, new_due_date=team.today - datetime.timedelta(days=1), reason="x", actor=team.admin
        )
    assert "has already passed" in refused.value.message_dict["new_due_date"][0]


def test_asking_for_more_time_and_a_refusal_are_in_the_assignments_ledger(team):
    a = team.assignment
    wanted = a.due_date + datetime.timedelta(days=10)
    request = extension_request_create(
        assignment=a, user=team.constable.user, requested_due_date=wanted, reason="Nights"
    )
    extension_request_decide(request=request, actor=team.sergeant.user, approve=False, note="Cover is arranged")
    events = list(a.events.order_by("pk").values_list("kind", "reason", "actor_id"))
    assert events[-2:] == [
        ("extension_requested", "Nights", team.constable.user.pk),
        ("extension_refused", "Cover is arranged", team.sergeant.user.pk),
    ]


def test_a_second_exemption_replaces_the_first_on_the_record(team):
    first = exemption_grant(assignment=team.assignment, reason="Sick leave", actor=team.admin)
    second = exemption_grant(assignment=team.assignment, reason="Secondment", actor=team.admin)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoke_reason == "Replaced by a new exemption"
    assert second.revoked_at is None
    assert Assignment.objects.get(pk=team.assignment.pk).exemption == second
