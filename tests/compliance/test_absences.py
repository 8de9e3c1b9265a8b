"""Absences from HR: imported by file or API (validated whole, reported by row and column,
dry run, skip_invalid, mapping files); while someone is away nothing reminds them or escalates
about them; on their return every obligation that was running is extended by the days it was
paused, in its ledger, once."""

import datetime
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.importing.absences import import_absences
from compliance.importing.csvfile import read_mapping
from compliance.models import Assignment, EventKind
from compliance.people.models import Absence
from compliance.reminders.models import Reminder, ReminderKind, ReminderPolicy
from compliance.reminders.planning import reminders_plan
from compliance.reminders.selectors import digest_lines, remindable_assignments
from compliance.services.absences import absences_apply_returns
from compliance.services.sync import sync_all
from tests.compliance.factories import make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 17)  # the suite's pinned clock: a Wednesday
D = datetime.date


@pytest.fixture
def team():
    sergeant = make_person(username="sgt", staff_number="S100", rank_or_grade="Sergeant")
    away = make_person(username="away", staff_number="P200", manager=sergeant, start_date=TODAY)
    here = make_person(username="here", staff_number="P300", manager=sergeant, start_date=TODAY)
    make_requirement(name="LFOH", courses=["LFOH-OFFICER"], trigger="joining", trigger_days=60)
    sync_all(today=TODAY)
    return {"sergeant": sergeant, "away": away, "here": here}


def csv(*rows: str) -> str:
    return "staff_number,start_date,end_date,category\n" + "\n".join(rows) + "\n"


def test_a_file_is_checked_whole_and_every_error_named(team):
    report = import_absences(
        csv(
            "P200,2026-06-01,,maternity leave",
            "NOBODY,2026-06-01,,career break",
            "P300,31/06/2026,,secondment",
            "P300,2026-05-10,2026-05-01,secondment",
            "S100,2026-05-01,,bereavement",
            "P200,2026-06-01,2026-07-01,parental_leave",
            "P200,2026-06-20,,career break",
        )
    )
    assert [str(e) for e in report.errors] == [
        "row 3, column staff_number: no person with staff number 'NOBODY'",
        "row 4, column start_date: '31/06/2026' is not a real date (day is out of range for month)",
        "row 5, column end_date: 01/05/2026 is before the start date, 10/05/2026",
        "row 6, column category: unknown category 'bereavement'; use one of: long_term_sickness, parental_leave, "
        "career_break, secondment, other (or a name such as maternity leave, career break), or map it in a "
        "mapping file",
        "row 7, column start_date: P200 has another row starting 01/06/2026, on row 2",
        "row 8, column start_date: overlaps P200's absence from 01/06/2026 (no end date), on row 2",
    ]
    assert report.unknown_values() == {"category": [("bereavement", 1)]}
    assert (report.refused, report.applied) == (True, False)
    assert not Absence.objects.exists()
    # --skip-invalid applies the one good row and lists the rest.
    report = import_absences(
        csv("P200,2026-06-01,,maternity leave", "NOBODY,2026-06-01,,career break"), skip_invalid=True
    )
    assert (report.created, report.rejected, report.applied) == (1, 1, True)
    absence = Absence.objects.get()
    assert (absence.person, absence.starts_on, absence.ends_on, absence.category) == (
        team["away"],
        D(2026, 6, 1),
        None,
        "parental_leave",
    )
    assert AuditEvent.objects.filter(action="absence_created").count() == 1


def test_the_same_file_twice_changes_nothing_and_an_end_date_ends_it(team):
    rows = csv("P200,2026-06-01,,Long-term sickness", "p300,01/03/2026,31/03/2026,Career_Break")
    assert import_absences(rows, dry_run=True).created == 2
    assert not Absence.objects.exists()
    assert import_absences(rows).created == 2
    again = import_absences(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    ended = import_absences(csv("P200,2026-06-01,2026-09-30,long_term_sickness"))
    assert (ended.updated, ended.unchanged) == (1, 0)
    assert Absence.objects.get(person=team["away"]).ends_on == D(2026, 9, 30)


def test_a_mapping_file_translates_headings_and_categories(team, tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(
        '{"columns": {"Employee": "staff_number", "From": "start_date", "To": "end_date", "Reason": "category"},'
        ' "values": {"category": {"Mat Leave": "parental_leave"}}}'
    )
    report = import_absences("Employee,From,To,Reason\nP200,2026-06-01,,Mat Leave\n", mapping=read_mapping(path))
    assert (report.created, report.errors) == (1, [])
    assert Absence.objects.get().category == "parental_leave"


def test_nobody_reminds_an_absent_person_nor_escalates_about_them(team, django_capture_on_commit_callbacks):
    ReminderPolicy.objects.create(digest_enabled=False)
    import_absences(csv("P200,2026-06-01,,parental_leave"))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=TODAY, enqueue=False)
    assigned = Reminder.objects.filter(kind=ReminderKind.ASSIGNED)
    assert sorted(assigned.values_list("recipient_person__staff_number", flat=True)) == ["P300", "S100"]
    remindable = remindable_assignments(today=TODAY)
    assert not remindable.filter(person=team["away"]).exists()
    assert remindable.filter(person=team["here"]).exists()
    # Overdue while away: not in the manager's digest either.
    Assignment.objects.update(due_date=TODAY - datetime.timedelta(days=20))
    lines = digest_lines(manager_ids=[team["sergeant"].pk], today=TODAY, due_soon_days=14)
    assert [line.staff_number for line in lines[team["sergeant"].pk]] == ["P300"]


def test_on_return_due_dates_are_extended_by_the_pause_in_the_ledger_once(team):
    assignment = Assignment.objects.get(person=team["away"])
    assert assignment.due_date == D(2026, 8, 16)
    # An assignment that was already overdue before the absence began is not extended.
    overdue_before = Assignment.objects.get(person=team["here"])
    Assignment.objects.filter(pk=overdue_before.pk).update(due_date=D(2026, 6, 10))
    import_absences(csv("P200,2026-06-20,2026-07-19,career break", "P300,2026-06-20,2026-07-19,secondment"))
    # Not yet back: nothing moves.
    assert absences_apply_returns(today=D(2026, 7, 19)).absences == 0
    result = absences_apply_returns(today=D(2026, 7, 20))
    assert (result.absences, result.extended) == (2, 1)
    assignment.refresh_from_db()
    assert assignment.effective_due_date == D(2026, 9, 15)  # 30 days later
    event = assignment.events.last()
    assert (event.kind, event.actor, event.reason) == (
        EventKind.EXTENDED,
        None,
        "Absence from 20 June 2026 to 19 July 2026: due date paused for 30 days, so it is now due by "
        "15 September 2026.",
    )
    overdue_before.refresh_from_db()
    assert overdue_before.effective_due_date == D(2026, 6, 10)
    # A second run, or the next night's, changes nothing.
    assert absences_apply_returns(today=D(2026, 7, 21)).absences == 0
    assignment.refresh_from_db()
    assert assignment.effective_due_date == D(2026, 9, 15)
    # The sync keeps the extension.
    sync_all(today=D(2026, 7, 21))
    assignment.refresh_from_db()
    assert assignment.effective_due_date == D(2026, 9, 15)
    # Once applied, the absence cannot be changed by a file: HR sends a new one.
    report = import_absences(csv("P200,2026-06-20,2026-07-29,career break"))
    assert [str(e) for e in report.errors] == [
        "row 2, column end_date: P200 returned from this absence and their due dates were extended on "
        "20/07/2026: it cannot change; send a new absence"
    ]


def test_an_obligation_that_began_during_the_absence_is_paused_from_its_start(team):
    import_absences(csv("P200,2026-06-01,2026-06-30,secondment"))
    assignment = Assignment.objects.get(person=team["away"])  # created 17 June, due 16 August
    absences_apply_returns(today=D(2026, 7, 1))
    assignment.refresh_from_db()
    assert assignment.effective_due_date == D(2026, 8, 30)  # 14 days: 17 to 30 June


def test_the_api_takes_json_rows_and_files_for_the_hr_integration_only(team):
    api = APIClient()
    api.force_authenticate(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    url = "/api/v1/hr/absences/import/"
    rows = {"rows": [{"staff_number": "P200", "start_date": "2026-06-01", "category": "parental_leave"}]}
    assert api.post(url, rows, format="json").status_code == 403
    api.force_authenticate(UserFactory(roles=[Role.HR_SERVICE]))
    response = api.post(url, rows, format="json")
    assert (response.status_code, response.json()["created"]) == (200, 1)
    response = api.post(url, rows, format="json")
    assert (response.status_code, response.json()["unchanged"]) == (200, 1)
    bad = {"rows": [{"staff_number": "P300", "start_date": "soon", "category": "secondment"}]}
    response = api.post(url, bad, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["errors"] == [
        {
            "row": 2,
            "column": "start_date",
            "message": "'soon' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
        }
    ]
    response = api.post(url + "?dry_run=true", csv("P300,2026-06-01,,secondment"), content_type="text/csv")
    assert (response.status_code, response.json()["created"], response.json()["applied"]) == (200, 1, False)
    response = api.post(url + "?background=true", csv("P300,2026-06-01,,secondment"), content_type="text/csv")
    assert response.status_code == 202
    assert response.json()["kind"] == "absences"


def test_the_command_imports_a_file(team, tmp_path):
    path = tmp_path / "absences.csv"
    path.write_text(csv("P200,2026-06-01,,parental_leave"))
    out = io.StringIO()
    call_command("import_absences", str(path), stdout=out)
    assert "Created 1, updated 0, deactivated 0, unchanged 0, rejected 0." in out.getvalue()
    assert Absence.objects.count() == 1


def test_the_team_page_shows_someone_away_as_absent_not_overdue(team, client):
    Assignment.objects.update(due_date=TODAY - datetime.timedelta(days=5))
    import_absences(csv("P200,2026-06-01,2026-08-31,parental_leave"))
    client.force_login(team["sergeant"].user)
    page = client.get("/team/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("Absent until 31 Aug 2026") == 1
    assert '<td><span class="tag tag--overdue">Overdue</span></td>' in text  # P300, who is here
    import_absences(csv("P300,2026-06-10,,career break"))
    text = client.get("/team/").content.decode()
    assert "Absent, no return date yet" in text
    assert '<td><span class="tag tag--overdue">Overdue</span></td>' not in text


def test_the_nightly_sync_task_applies_returns(team, pinned_clock):
    from compliance.tasks import sync_all as nightly

    import_absences(csv("P200,2026-06-17,2026-06-20,secondment"))
    pinned_clock.move_to("2026-06-22T02:00:00+01:00")
    result = nightly()
    assert (result["absences_ended"], result["extended_for_absence"]) == (1, 1)
    assignment = Assignment.objects.get(person=team["away"])
    assert assignment.effective_due_date == D(2026, 8, 20)  # 4 days: 17 to 20 June


def test_the_learner_reads_why_their_due_date_moved(team, client, django_assert_max_num_queries):
    import_absences(csv("P200,2026-06-17,2026-06-20,secondment"))
    absences_apply_returns(today=D(2026, 6, 21))
    client.force_login(team["away"].user)
    with django_assert_max_num_queries(10):
        page = client.get("/my-training/")
    text = page.content.decode()
    assert (
        "Absence from 17 June 2026 to 20 June 2026: due date paused for 4 days, so it is now due by 20 August 2026."
        in text
    )
    assert "Due by 20 August 2026." in text


def test_returns_are_applied_in_a_constant_number_of_queries(team, django_assert_max_num_queries):
    people = [
        make_person(username=f"pc{n}", staff_number=f"Q{n}", manager=team["sergeant"], start_date=TODAY)
        for n in range(8)
    ]
    sync_all(today=TODAY)
    import_absences(csv(*(f"{p.staff_number},2026-06-18,2026-06-30,secondment" for p in people)))
    with django_assert_max_num_queries(8):  # not one per person: 8 people, 8 obligations
        result = absences_apply_returns(today=D(2026, 7, 1))
    assert (result.absences, result.extended) == (8, 8)
    assert {a.effective_due_date for a in Assignment.objects.filter(person__in=people)} == {D(2026, 8, 29)}
