"""Subject access (UK GDPR Article 15): the archive of everything held about one person, checked
against the database kind by kind; nobody else's records in it; the request's deadline, its
archive and its delivery, audited; the learner's own download; and who may do each."""

import datetime
import hashlib
import html
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef, Q

from compliance.audit.models import AuditEvent
from compliance.equality.models import EqualityRecord
from compliance.models import Assignment, AssignmentEvent, ExtensionRequest
from compliance.people.models import Person
from compliance.privacy.models import AccessRequest, one_month_after
from compliance.privacy.selectors import subject_record
from compliance.reminders.models import Reminder
from courses.models import Booking, Completion, CoursePage, Enrolment, ModuleProgress, Reflection
from courses.privacy import register
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo person with the most completions among those with a login and an equality record."""
    call_command("load_demo", "--people", "150", "--seed", "1", stdout=io.StringIO())
    return (
        Person.objects.filter(Exists(EqualityRecord.objects.filter(person=OuterRef("pk"))), user__isnull=False)
        .annotate(done=Count("user__completions"))
        .select_related("user")
        .order_by("-done", "pk")
        .first()
    )


def _archive(data: bytes) -> tuple[dict, dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
    return json.loads(files["record.json"]), files


def _section(record: dict, key: str) -> list[dict]:
    return next(s for s in record["sections"] if s["key"] == key)["rows"]


def test_one_month_after_follows_the_calendar():
    assert one_month_after(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
    assert one_month_after(datetime.date(2028, 1, 30)) == datetime.date(2028, 2, 29)
    assert one_month_after(datetime.date(2026, 12, 31)) == datetime.date(2027, 1, 31)
    assert one_month_after(datetime.date(2026, 11, 30)) == datetime.date(2026, 12, 30)
    assert one_month_after(datetime.date(2026, 6, 17)) == datetime.date(2026, 7, 17)


def test_the_archive_of_a_demo_person_matches_the_database_kind_by_kind(demo, client):
    person = demo
    user = person.user
    course_id = CoursePage.objects.live().order_by("path").first().pk
    Reflection.objects.create(
        user=user, course_id=course_id, prompt_key="week-2:test", prompt="What changed?", text="I now challenge banter."
    )
    client.force_login(user)
    response = client.post("/privacy/my-record/archive/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    record, files = _archive(response.content)

    assert record["person"] == {"staff_number": person.staff_number, "name": person.full_name}
    expected = {
        "people.person": Person.objects.filter(pk=person.pk).count(),
        "compliance.assignment": Assignment.objects.filter(person=person).count(),
        "compliance.assignmentevent": AssignmentEvent.objects.filter(assignment__person=person).count(),
        "compliance.extensionrequest": ExtensionRequest.objects.filter(assignment__person=person).count(),
        "courses.enrolment": Enrolment.objects.filter(user=user).count(),
        "courses.moduleprogress": ModuleProgress.objects.filter(enrolment__user=user).count(),
        "courses.completion": Completion.objects.filter(user=user).count(),
        "courses.booking": Booking.objects.filter(user=user).count(),
        "courses.reflection": Reflection.objects.filter(user=user).count(),
        "equality.equalityrecord": EqualityRecord.objects.filter(person=person).count(),
        "reminders.reminder": Reminder.objects.filter(Q(recipient_person=person) | Q(recipient_user=user)).count(),
    }
    assert expected["compliance.assignment"] > 0 and expected["courses.completion"] > 0
    assert expected["equality.equalityrecord"] == 1
    for key, count in expected.items():
        assert len(_section(record, key)) == count, key
    # Line by line: the assignments are the person's own, with their requirement and due date.
    rows = _section(record, "compliance.assignment")
    in_db = {
        (a.requirement.name, a.due_date.isoformat())
        for a in Assignment.objects.filter(person=person).select_related("requirement")
    }
    assert {(r["requirement"], r["due_date"]) for r in rows} == in_db
    reflection = _section(record, "courses.reflection")
    assert "I now challenge banter." in {r["text"] for r in reflection}
    # The equality record is the person's own, with its values.
    own = EqualityRecord.objects.get(person=person)
    (equality,) = _section(record, "equality.equalityrecord")
    assert equality["sex"] == own.get_sex_display()
    # Every section with rows has its CSV, whose lines are the header and the rows.
    for section in record["sections"]:
        name = f"csv/{section['key']}.csv"
        if section["rows"]:
            assert len(files[name].strip().splitlines()) == len(section["rows"]) + 1, name
        else:
            assert name not in files
    assert "<h1>The information we hold about you</h1>" in files["report.html"]
    assert person.staff_number in files["report.html"]
    # Every register entry that can be about one person has its section.
    assert {s["key"] for s in record["sections"]} == {e.model._meta.label_lower for e in register() if e.subject}
    audit = AuditEvent.objects.get(action="own_record_downloaded")
    assert audit.actor == user and audit.changes["sha256"] == hashlib.sha256(response.content).hexdigest()


def test_nobody_elses_records_are_in_the_archive(demo):
    person = demo
    others = Person.objects.exclude(pk=person.pk).exclude(user__isnull=True).select_related("user")
    text = json.dumps([s.rows for s in subject_record(person=person)], ensure_ascii=False)
    # Colleagues who never acted on the person's record are not in it, by staff number or login.
    strangers = [
        p
        for p in others
        if not person.line_path.startswith(p.line_path)
        and not p.line_path.startswith(person.line_path)
        and not AuditEvent.objects.filter(actor=p.user, summary__contains=person.staff_number).exists()
        and not ExtensionRequest.objects.filter(assignment__person=person, decided_by=p.user).exists()
    ]
    assert len(strangers) > 100
    for stranger in strangers:
        assert stranger.staff_number not in text, stranger
        assert f'"{stranger.user.get_username()}"' not in text, stranger
    # Someone else's equality record is never in it.
    records = subject_record(person=person)
    equality = next(s for s in records if s.key == "equality.equalityrecord")
    assert len(equality.rows) == 1


def test_a_request_is_recorded_answered_and_audited(demo, client):
    person = demo
    admin = make_person(username="dpo.admin", roles=["Compliance administrator"]).user
    client.force_login(admin)
    assert client.get("/admin/privacy/requests/").status_code == 200
    response = client.post(
        "/admin/privacy/requests/new/",
        {"staff_number": person.staff_number, "received_on": "2026-05-31", "received_how": "Email to the DPO"},
    )
    request = AccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/privacy/requests/{request.pk}/"
    assert request.due_on == datetime.date(2026, 6, 30)
    page = client.get(f"/admin/privacy/requests/{request.pk}/").content.decode()
    assert "Download the archive first" in page
    # Marking as answered before any archive was produced is refused.
    client.post(f"/admin/privacy/requests/{request.pk}/")
    request.refresh_from_db()
    assert request.delivered_on is None

    archive = client.post(f"/admin/privacy/requests/{request.pk}/archive/")
    assert archive.status_code == 200
    record, _ = _archive(archive.content)
    assert record["person"]["staff_number"] == person.staff_number
    report = client.get(f"/admin/privacy/requests/{request.pk}/report/")
    assert report.status_code == 200 and person.full_name in report.content.decode()

    assert client.post(f"/admin/privacy/requests/{request.pk}/").status_code == 302
    request.refresh_from_db()
    assert request.delivered_on == datetime.date(2026, 6, 17)
    assert request.delivered_by == admin
    assert request.archive_sha256 == hashlib.sha256(archive.content).hexdigest()
    # Twice is refused, and changes nothing.
    client.post(f"/admin/privacy/requests/{request.pk}/")
    assert AuditEvent.objects.filter(action="subject_access_delivered").count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="accessrequest", object_id=str(request.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "subject_access_opened",
        "subject_access_archive",
        "subject_access_report",
        "subject_access_delivered",
    ]


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"staff_number": "NOBODY"}, "staff_number", "Nobody has the staff number NOBODY."),
        ({"received_on": "2026-06-18"}, "received_on", "The day it was received is in the future."),
        ({"received_on": "2025-01-01"}, "received_on", "more than a year ago"),
        ({"received_on": "31/02/2026"}, "received_on", "Enter a valid date."),
        ({"received_how": "   "}, "received_how", "This field is required."),
        ({"note": "x" * 2001}, "note", "at most 2000 characters"),
    ],
)
def test_a_bad_request_is_refused_with_its_reason(client, fields, field, message):
    person = make_person(username="pc.asker")
    admin = make_person(username="dpo.admin", roles=["Compliance administrator"]).user
    client.force_login(admin)
    data = {"staff_number": person.staff_number, "received_on": "2026-06-01", "received_how": "Letter"} | fields
    response = client.post("/admin/privacy/requests/new/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert AccessRequest.objects.count() == 0


@pytest.mark.parametrize(
    "roles, status, location",
    [
        ((), 302, "/admin/login/?next=/admin/privacy/requests/"),  # no admin access: Wagtail asks them to sign in
        (("L&D lead",), 302, "/admin/"),  # Wagtail's refusal: back to the dashboard, saying so
        (("D&I analyst",), 302, "/admin/"),
        (("HR integration",), 302, "/admin/"),
        (("Compliance administrator",), 200, None),
    ],
)
def test_only_those_with_the_right_answer_requests(client, roles, status, location):
    person = make_person(username="pc.asker")
    asker = make_person(username="someone", roles=roles).user
    request = AccessRequest.objects.create(
        person=person,
        received_on=datetime.date(2026, 6, 1),
        due_on=datetime.date(2026, 7, 1),
        received_how="Letter",
        opened_by=asker,
    )
    client.force_login(asker)
    for path in ("", "new/", f"{request.pk}/", f"{request.pk}/archive/", f"{request.pk}/report/"):
        url = f"/admin/privacy/requests/{path}"
        response = client.post(url) if path.endswith("archive/") else client.get(url)
        assert response.status_code == status, path
        if location and path == "":
            assert response["Location"] == location
    assert AuditEvent.objects.filter(action="subject_access_archive").exists() == (status == 200)


def test_the_register_page_and_csv_list_every_entry(client):
    admin = make_person(username="ld.lead", roles=["L&D lead"]).user
    client.force_login(admin)
    page = client.get("/admin/privacy/register/")
    assert page.status_code == 200
    entries = register()
    for entry in entries:
        assert str(entry.model._meta.verbose_name_plural).capitalize() in page.content.decode()
    csv_response = client.get("/admin/privacy/register/?format=csv")
    assert csv_response.status_code == 200
    lines = b"".join(csv_response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Record,What it is,Fields by category")
    assert len(lines) >= len(entries) + 1


def test_the_privacy_notice_is_made_from_the_register(client):
    page = client.get("/privacy/")
    assert page.status_code == 200
    text = page.content.decode()
    for entry in register():
        assert str(entry.model._meta.verbose_name_plural).capitalize() in text
        assert html.escape(entry.retention.label) in text
    assert "Sign in to download your record" in text


def test_a_learner_sees_and_downloads_only_their_own_record(client):
    person = make_person(username="pc.own")
    other = make_person(username="pc.other")
    client.force_login(person.user)
    page = client.get("/privacy/my-record/")
    assert page.status_code == 200
    assert person.staff_number in page.content.decode() and other.staff_number not in page.content.decode()
    record, _ = _archive(client.post("/privacy/my-record/archive/").content)
    assert record["person"]["staff_number"] == person.staff_number
    assert other.staff_number not in json.dumps(record)
    client.logout()
    assert client.post("/privacy/my-record/archive/").status_code == 302


def test_a_persons_admin_page_leads_to_their_training_and_to_a_request(demo, client):
    person = demo
    admin = make_person(username="dpo.admin", roles=["Compliance administrator"]).user
    client.force_login(admin)
    page = client.get(f"/admin/compliance_person/inspect/{person.pk}/")
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    current = Assignment.objects.filter(person=person, is_current=True).count()
    assert f"Their training: {current} current assignment" in text
    assert f"/admin/compliance_assignment/?q={person.staff_number}" in text
    new = f"/admin/privacy/requests/new/?staff_number={person.staff_number}"
    assert new in text
    assert client.get(new).context["form"].initial["staff_number"] == person.staff_number
    # A force that takes the right from its administrators takes the link with it.
    Group.objects.get(name="Compliance administrator").permissions.remove(
        Permission.objects.get(content_type__app_label="courses", codename="answer_subject_access")
    )
    client.force_login(get_user_model().objects.get(pk=admin.pk))
    assert new not in html.unescape(client.get(f"/admin/compliance_person/inspect/{person.pk}/").content.decode())
