import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.models import Assignment, AssignmentEvent, AssignmentState
from compliance.people.models import Function, PersonFunction
from compliance.selectors.assignments import Status, assignment_reason, assignment_status
from compliance.services.sync import sync_all, sync_people, sync_requirement
from courses.services.completions import completion_record, completion_void
from tests.compliance.factories import make_course, make_requirement
from tests.factories import make_person, make_unit

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def at(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(12)))


def current(person, requirement) -> Assignment:
    return Assignment.objects.get(person=person, requirement=requirement, is_current=True)


def test_joining_trigger_creates_one_assignment_and_a_second_run_writes_nothing(django_assert_max_num_queries):
    person = make_person(start_date=datetime.date(2026, 5, 1), worker_type="police_staff", rank_or_grade="Grade C")
    make_person(start_date=datetime.date(2026, 5, 1))  # an officer: not in the audience
    requirement = make_requirement(
        name="LFOH staff", include_worker_types=["police_staff"], trigger="joining", trigger_days=60
    )
    result = sync_all(today=TODAY)
    assert result.created == 1
    assignment = current(person, requirement)
    assert assignment.due_date == datetime.date(2026, 6, 30)
    assert assignment.events.get().kind == "created"
    assert assignment_status(assignment=assignment, today=TODAY) == Status.DUE_SOON
    with django_assert_max_num_queries(11):
        again = sync_all(today=TODAY)
    assert again.rows_written == 0
    assert Assignment.objects.count() == 1 and AssignmentEvent.objects.count() == 1


def test_promotion_demotion_and_repromotion_keep_one_row_with_its_history():
    person = make_person(rank_or_grade="Constable", leadership_level="none")
    requirement = make_requirement(
        name="Championing Fairness",
        include_leadership_levels=["first_line"],
        trigger="role_start",
        trigger_days=90,
        triggered_on_or_after=datetime.date(2026, 1, 1),
    )
    assert sync_people(person_ids=[person.pk], today=TODAY).created == 0

    person.rank_or_grade, person.leadership_level = "Sergeant", "first_line"
    person.role_start_date = datetime.date(2026, 3, 3)
    person.save()
    sync_people(person_ids=[person.pk], today=TODAY)
    assignment = current(person, requirement)
    assert assignment.due_date == datetime.date(2026, 6, 1)
    assert assignment_reason(assignment=assignment) == (
        "You became a Sergeant on 3 March 2026, so this is due within 90 days: by 1 June 2026."
    )
    assert assignment_status(assignment=assignment, today=TODAY) == Status.OVERDUE

    person.rank_or_grade, person.leadership_level = "Constable", "none"
    person.save()
    assert sync_people(person_ids=[person.pk], today=TODAY).withdrawn == 1
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.WITHDRAWN
    assert assignment_status(assignment=assignment, today=TODAY) == Status.WITHDRAWN

    person.rank_or_grade, person.leadership_level = "Sergeant", "first_line"
    person.role_start_date = datetime.date(2026, 6, 1)
    person.save()
    assert sync_people(person_ids=[person.pk], today=TODAY).reopened == 1
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.OPEN
    assert assignment.due_date == datetime.date(2026, 8, 30)
    assert list(assignment.events.values_list("kind", flat=True)) == ["created", "withdrawn", "reopened"]
    assert Assignment.objects.count() == 1


def test_promotion_before_the_newly_promoted_cut_off_is_not_caught():
    person = make_person(
        rank_or_grade="Sergeant", leadership_level="first_line", role_start_date=datetime.date(2019, 1, 1)
    )
    make_requirement(
        include_leadership_levels=["first_line"],
        trigger="role_start",
        trigger_days=90,
        triggered_on_or_after=datetime.date(2026, 1, 1),
    )
    assert sync_people(person_ids=[person.pk], today=TODAY).created == 0


def test_leaving_withdraws_and_rejoining_gives_it_back():
    person = make_person()
    requirement = make_requirement(trigger="joining", trigger_days=30)
    sync_all(today=TODAY)
    person.is_active, person.end_date = False, datetime.date(2026, 6, 1)
    person.save()
    sync_people(person_ids=[person.pk], today=TODAY)
    assignment = current(person, requirement)
    assert assignment.state == AssignmentState.WITHDRAWN
    assert assignment.withdrawn_reason == "Left the force."
    person.is_active, person.end_date = True, None
    person.save()
    sync_people(person_ids=[person.pk], today=TODAY)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.OPEN
    assert Assignment.objects.count() == 1


def test_transfer_out_of_a_unit_subtree_withdraws():
    force = make_unit(code="F", kind="force")
    lpa = make_unit(code="LPA", parent=force)
    team = make_unit(code="LPA-T1", parent=lpa)
    other = make_unit(code="CID", parent=force)
    person = make_person(unit=team)
    requirement = make_requirement(include_units=["LPA"], trigger="joining", trigger_days=30)
    sync_all(today=TODAY)
    assert current(person, requirement).state == AssignmentState.OPEN
    person.unit = other
    person.save()
    sync_people(person_ids=[person.pk], today=TODAY)
    assert current(person, requirement).state == AssignmentState.WITHDRAWN


def test_exclusions_win_over_inclusions():
    force = make_unit(code="F", kind="force")
    unit = make_unit(code="PSD", kind="department", parent=force)
    psd = make_person(unit=unit)
    other = make_person(unit=force)
    requirement = make_requirement(exclude_units=["PSD"], exclude_ranks=["Inspector"], trigger="joining")
    inspector = make_person(rank_or_grade="Inspector", unit=force)
    sync_all(today=TODAY)
    assert set(Assignment.objects.values_list("person_id", flat=True)) == {other.pk}
    assert requirement.assignments.count() == 1
    assert psd and inspector


def test_editing_a_requirement_redates_open_assignments_and_records_why():
    person = make_person(start_date=datetime.date(2026, 5, 1))
    requirement = make_requirement(trigger="joining", trigger_days=60)
    sync_all(today=TODAY)
    requirement.trigger_days = 30
    requirement.save()
    result = sync_requirement(requirement=requirement, today=TODAY)
    assert result.redated == 1
    assignment = current(person, requirement)
    assert assignment.due_date == datetime.date(2026, 5, 31)
    event = assignment.events.get(kind="redated")
    assert event.data == {"old_due_date": "2026-06-30", "due_date": "2026-05-31"}
    # Narrowing the audience withdraws.
    requirement.include_worker_types = ["police_staff"]
    requirement.save()
    assert sync_requirement(requirement=requirement, today=TODAY).withdrawn == 1


def test_a_completion_satisfies_and_voiding_it_reopens():
    person = make_person()
    requirement = make_requirement(courses=["LFOH-STAFF", "LFOH-OFFICER"], trigger="joining", trigger_days=30)
    sync_all(today=TODAY)
    completion, _ = completion_record(
        user=person.user,
        course=make_course("LFOH-OFFICER"),
        source="import",
        idempotency_key="t1",
        completed_at=at(datetime.date(2026, 6, 1)),
    )
    assert sync_people(person_ids=[person.pk], today=TODAY).satisfied == 1
    assignment = current(person, requirement)
    assert assignment_status(assignment=assignment, today=TODAY) == Status.COMPLETED
    assert assignment.satisfied_by_id == completion.pk
    completion_void(completion=completion, voided_by=person.user, reason="Wrong person")
    assert sync_people(person_ids=[person.pk], today=TODAY).reopened == 1
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.OPEN and assignment.satisfied_by_id is None
    assert list(assignment.events.values_list("kind", flat=True)) == ["created", "satisfied", "reopened"]


def test_every_12_months_opens_the_next_cycle_before_expiry_and_expires():
    person = make_person(start_date=datetime.date(2010, 1, 1))
    requirement = make_requirement(
        courses=["INTEGRITY"],
        trigger="requirement_start",
        trigger_days=90,
        active_from=datetime.date(2025, 1, 1),
        recurrence="months",
        recurrence_months=12,
        window_opens_days=30,
    )
    completion_record(
        user=person.user,
        course=make_course("INTEGRITY"),
        source="import",
        idempotency_key="i1",
        completed_at=at(datetime.date(2025, 2, 28)),
    )
    sync_all(today=datetime.date(2025, 6, 1))
    first = current(person, requirement)
    assert first.valid_until == datetime.date(2026, 2, 28)
    assert assignment_status(assignment=first, today=datetime.date(2025, 6, 1)) == Status.COMPLETED
    assert "renewed every 12 months" in assignment_reason(assignment=first)

    assert sync_all(today=datetime.date(2026, 1, 28)).created == 0
    assert sync_all(today=datetime.date(2026, 1, 29)).renewed == 1
    second = current(person, requirement)
    assert (second.cycle, second.due_date, second.counts_from) == (
        2,
        datetime.date(2026, 2, 28),
        datetime.date(2025, 3, 1),
    )
    first.refresh_from_db()
    assert not first.is_current
    assert assignment_status(assignment=second, today=datetime.date(2026, 3, 1)) == Status.OVERDUE
    assert "You last completed this on 28 February 2025" in assignment_reason(assignment=second)


def test_a_calendar_window_every_january():
    person = make_person()
    requirement = make_requirement(
        courses=["DILEMMA"],
        trigger="fixed_date",
        fixed_due_date=datetime.date(2026, 1, 31),
        recurrence="calendar",
        window_month=1,
        window_opens_days=61,
    )
    completion_record(
        user=person.user,
        course=make_course("DILEMMA"),
        source="import",
        idempotency_key="d1",
        completed_at=at(datetime.date(2025, 12, 15)),
    )
    sync_all(today=datetime.date(2026, 1, 2))
    assignment = current(person, requirement)
    assert assignment.state == AssignmentState.SATISFIED
    assert assignment.valid_until == datetime.date(2027, 1, 31)
    sync_all(today=datetime.date(2026, 12, 1))
    assert current(person, requirement).cycle == 2


def test_function_trigger_uses_the_date_the_function_was_gained():
    person = make_person()
    assessor = Function.objects.get(code="recruitment-assessor")
    requirement = make_requirement(
        include_functions=["recruitment-assessor"],
        trigger="function_gained",
        trigger_function="recruitment-assessor",
        trigger_days=30,
    )
    sync_all(today=TODAY)
    assert not Assignment.objects.exists()
    PersonFunction.objects.create(person=person, function=assessor, gained_on=datetime.date(2026, 1, 31))
    sync_people(person_ids=[person.pk], today=TODAY)
    assignment = current(person, requirement)
    assert assignment.due_date == datetime.date(2026, 3, 2)
    assert assignment_reason(assignment=assignment).startswith("You became a recruitment assessor on 31 January 2026")


def test_fixed_date_and_late_joiners():
    veteran = make_person(start_date=datetime.date(2010, 1, 1), leadership_level="first_line")
    late = make_person(start_date=datetime.date(2026, 11, 20), leadership_level="first_line")
    requirement = make_requirement(
        include_leadership_levels=["first_line"],
        trigger="fixed_date",
        fixed_due_date=datetime.date(2026, 11, 30),
        trigger_days=60,
    )
    sync_all(today=TODAY)
    assert current(veteran, requirement).due_date == datetime.date(2026, 11, 30)
    assert "by a force deadline: 30 November 2026" in assignment_reason(assignment=current(veteran, requirement))
    assert current(late, requirement).due_date == datetime.date(2027, 1, 19)


def campaign(**fields):
    return make_requirement(trigger="fixed_date", fixed_due_date=datetime.date(2026, 6, 30), trigger_days=60, **fields)


def test_a_person_promoted_into_a_campaign_audience_late_gets_the_allowance_from_promotion():
    """Promoted into the audience nine days before the deadline: not overdue on the spot."""
    veteran = make_person(rank_or_grade="Inspector", role_start_date=datetime.date(2019, 3, 1))
    promoted = make_person(rank_or_grade="Inspector", role_start_date=datetime.date(2026, 6, 21))
    requirement = campaign(include_ranks=["Inspector"])
    sync_all(today=TODAY)
    assert current(veteran, requirement).due_date == datetime.date(2026, 6, 30)
    late = current(promoted, requirement)
    assert (late.trigger_date, late.due_date) == (datetime.date(2026, 6, 21), datetime.date(2026, 8, 20))
    assert assignment_reason(assignment=late) == (
        "You became an Inspector on 21 June 2026, too late for the campaign deadline of 30 June 2026, "
        "so this is due within 60 days: by 20 August 2026."
    )
    assert assignment_status(assignment=late, today=datetime.date(2026, 7, 1)) != Status.OVERDUE


def test_a_person_entering_by_a_new_function_gets_the_allowance_from_that_day():
    person = make_person()
    PersonFunction.objects.create(
        person=person, function=Function.objects.get(code="recruitment-assessor"), gained_on=datetime.date(2026, 6, 10)
    )
    requirement = campaign(include_functions=["recruitment-assessor"])
    sync_all(today=TODAY)
    assignment = current(person, requirement)
    assert assignment.due_date == datetime.date(2026, 8, 9)
    assert assignment_reason(assignment=assignment).startswith(
        "You became a recruitment assessor on 10 June 2026, too late for the campaign deadline"
    )


def test_a_campaign_that_goes_live_near_its_deadline_allows_everyone_the_same_days():
    person = make_person()
    requirement = campaign(active_from=datetime.date(2026, 6, 12))
    sync_all(today=TODAY)
    assignment = current(person, requirement)
    assert (assignment.trigger_date, assignment.due_date) == (datetime.date(2026, 6, 12), datetime.date(2026, 8, 11))
    assert "too late for the campaign deadline of 30 June 2026" in assignment_reason(assignment=assignment)


def test_a_promotion_long_before_the_campaign_changes_nothing():
    """Only the latest way in counts, and only when it left too little time."""
    person = make_person(
        rank_or_grade="Inspector", start_date=datetime.date(2001, 1, 1), role_start_date=datetime.date(2026, 4, 1)
    )
    requirement = campaign(include_ranks=["Inspector"])
    sync_all(today=TODAY)
    assert current(person, requirement).due_date == datetime.date(2026, 6, 30)


def test_requirement_start_trigger_for_people_already_there_and_joiners():
    veteran = make_person(start_date=datetime.date(2010, 1, 1))
    joiner = make_person(start_date=datetime.date(2026, 5, 1))
    requirement = make_requirement(trigger="requirement_start", trigger_days=90, active_from=datetime.date(2026, 2, 1))
    sync_all(today=TODAY)
    assert current(veteran, requirement).due_date == datetime.date(2026, 5, 2)
    assert current(joiner, requirement).due_date == datetime.date(2026, 7, 30)


def test_inactive_requirement_assigns_nothing_and_ending_it_withdraws():
    make_person()
    requirement = make_requirement(trigger="joining", active_from=datetime.date(2027, 1, 1))
    assert sync_all(today=TODAY).created == 0
    requirement.active_from = datetime.date(2020, 1, 1)
    requirement.active_to = datetime.date(2026, 6, 1)
    requirement.save()
    assert sync_all(today=datetime.date(2026, 5, 1)).created == 1
    assert sync_all(today=TODAY).withdrawn == 1


@pytest.mark.parametrize("requirements", [2, 12])
def test_incremental_sync_query_count_does_not_grow_with_requirements(requirements):
    person = make_person()
    for i in range(requirements):
        make_requirement(name=f"R{i}", courses=[f"C-{i}"], trigger="joining")
    with CaptureQueriesContext(connection) as queries:
        sync_people(person_ids=[person.pk], today=TODAY)
    assert len(queries) <= 20
    with CaptureQueriesContext(connection) as again:
        assert sync_people(person_ids=[person.pk], today=TODAY).rows_written == 0
    assert len(again) <= 9


def test_schedule_command_is_idempotent():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks")
    call_command("setup_periodic_tasks")
    task = PeriodicTask.objects.get(name="Compliance: nightly full sync")
    assert task.task == "compliance.tasks.sync_all"


def test_tasks_are_thin_and_safe_to_repeat():
    from compliance import tasks

    person = make_person()
    requirement = make_requirement(trigger="joining")
    assert tasks.sync_people.delay([person.pk]).get()["rows_written"] == 2
    assert tasks.sync_requirement.delay(requirement.pk).get()["rows_written"] == 0
    assert tasks.sync_all.delay().get()["rows_written"] == 0
    assert tasks.sync_requirement.delay(10**9).get()["rows_written"] == 0


def test_hr_change_signal_enqueues_the_sync(django_capture_on_commit_callbacks):
    from compliance.people.signals import people_changed

    person = make_person()
    make_requirement(trigger="joining")
    with django_capture_on_commit_callbacks(execute=True):
        people_changed.send(sender=None, person_ids=[person.pk])
    assert Assignment.objects.filter(person=person).count() == 1


def test_starting_a_course_makes_the_assignment_in_progress(django_capture_on_commit_callbacks):
    from courses.models import Enrolment

    person = make_person(start_date=TODAY)
    requirement = make_requirement(courses=["LFOH-OFFICER"], trigger="joining", trigger_days=200)
    sync_all(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        Enrolment.objects.create(user=person.user, course=make_course("LFOH-OFFICER"))
    assignment = current(person, requirement)
    assert assignment.started_at is not None
    assert assignment_status(assignment=assignment, today=TODAY) == Status.IN_PROGRESS


def test_a_sync_racing_another_replans_instead_of_failing(monkeypatch):
    from compliance.services import sync as sync_module

    person = make_person()
    requirement = make_requirement(trigger="joining")
    real = sync_module._insert_assignments
    calls = []

    def racing(rows, now):
        if not calls:
            calls.append(1)
            # Another worker wins the race and creates the same assignment first.
            sync_people(person_ids=[person.pk], today=TODAY)
        return real(rows, now)

    monkeypatch.setattr(sync_module, "_insert_assignments", racing)
    sync_people(person_ids=[person.pk], today=TODAY)
    assert Assignment.objects.filter(person=person, requirement=requirement).count() == 1
