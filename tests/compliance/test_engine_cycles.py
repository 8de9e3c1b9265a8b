"""The engine's dates and cycles: every trigger and recurrence kind around month ends and leap
years, catching up years of history in one sync, rules edited after assignments exist, and
extensions that a later re-dating overtakes."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.models import Assignment, AssignmentEvent, AssignmentState
from compliance.people.models import Function, PersonFunction
from compliance.selectors.assignments import Status, assignment_status
from compliance.services.assignments import extension_grant
from compliance.services.requirements import add_months, shift_days
from compliance.services.sync import sync_all, sync_people, sync_requirement
from courses.services.completions import completion_record
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db
D = datetime.date


def at(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(12)))


def current(person, requirement) -> Assignment:
    return Assignment.objects.get(person=person, requirement=requirement, is_current=True)


def complete(person, code: str, on: datetime.date) -> None:
    completion_record(
        user=person.user,
        course=make_course(code),
        source="import",
        idempotency_key=f"{person.pk}:{code}:{on}",
        completed_at=at(on),
    )


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2024, 2, 29), 365, D(2025, 2, 28)),  # a leap day plus a year's days
        (D(2024, 1, 31), 29, D(2024, 2, 29)),  # lands on the leap day
        (D(2023, 1, 31), 29, D(2023, 3, 1)),  # ... which a common year does not have
        (D(2024, 12, 31), 1, D(2025, 1, 1)),  # over a year end
        (D(2024, 2, 29), 0, D(2024, 2, 29)),  # due on the day itself
    ],
)
def test_joining_trigger_around_month_ends_and_leap_days(start, days, due):
    person = make_person(start_date=start)
    requirement = make_requirement(trigger="joining", trigger_days=days)
    sync_all(today=D(2024, 1, 1))
    assert current(person, requirement).due_date == due


def test_role_start_function_fixed_date_and_requirement_start_on_leap_days():
    sergeant = make_person(leadership_level="first_line", rank_or_grade="Sergeant", role_start_date=D(2024, 1, 30))
    promoted = make_requirement(include_leadership_levels=["first_line"], trigger="role_start", trigger_days=30)
    assessor = make_person()
    PersonFunction.objects.create(
        person=assessor, function=Function.objects.get(code="recruitment-assessor"), gained_on=D(2023, 12, 31)
    )
    panel = make_requirement(
        include_functions=["recruitment-assessor"],
        trigger="function_gained",
        trigger_function="recruitment-assessor",
        trigger_days=60,
    )
    late = make_person(start_date=D(2024, 2, 29))
    campaign = make_requirement(trigger="fixed_date", fixed_due_date=D(2024, 2, 29), trigger_days=1)
    since = make_requirement(trigger="requirement_start", trigger_days=365, active_from=D(2024, 2, 29))
    sync_all(today=D(2024, 3, 1))
    assert current(sergeant, promoted).due_date == D(2024, 2, 29)
    assert current(assessor, panel).due_date == D(2024, 2, 29)
    # Joined on the campaign's deadline: the same allowance from joining.
    assert current(late, campaign).due_date == D(2024, 3, 1)
    assert current(late, campaign).reason_context == {"late_joiner": True}
    assert current(sergeant, campaign).due_date == D(2024, 2, 29)
    assert current(sergeant, since).due_date == D(2025, 2, 28)


def test_every_n_months_from_a_leap_day_completion():
    person = make_person(start_date=D(2010, 1, 1))
    yearly = make_requirement(
        courses=["IHC"], trigger="joining", trigger_days=30, recurrence="months", recurrence_months=12
    )
    four_yearly = make_requirement(
        courses=["IHC"], trigger="joining", trigger_days=30, recurrence="months", recurrence_months=48
    )
    complete(person, "IHC", D(2024, 2, 29))
    sync_all(today=D(2024, 3, 1))
    # The first cycle counts any completion from one period before it was due onwards; the
    # completion is valid for the period, clamped to February's last day.
    assert current(person, yearly).valid_until == D(2025, 2, 28)
    assert current(person, four_yearly).valid_until == D(2028, 2, 29)


def test_calendar_window_in_february_ends_on_the_leap_day():
    person = make_person(start_date=D(2010, 1, 1))
    requirement = make_requirement(
        courses=["DILEMMA"],
        trigger="fixed_date",
        fixed_due_date=D(2023, 2, 28),
        recurrence="calendar",
        window_month=2,
        window_opens_days=30,
    )
    complete(person, "DILEMMA", D(2023, 2, 10))
    sync_all(today=D(2023, 3, 1))
    first = current(person, requirement)
    assert first.state == AssignmentState.SATISFIED and first.valid_until == D(2024, 2, 29)
    assert sync_all(today=D(2024, 1, 29)).renewed == 0
    assert sync_all(today=D(2024, 1, 30)).renewed == 1
    second = current(person, requirement)
    assert (second.cycle, second.due_date) == (2, D(2024, 2, 29))
    assert assignment_status(assignment=second, today=D(2024, 3, 1)) == Status.OVERDUE


def test_completing_shortly_before_a_yearly_window_opens_counts_for_that_window():
    """Someone who completed on 28 October is neither due again on 1 November, when the
    January window opens, nor counted as untrained; someone who completed in May is."""
    early, prompt = make_person(start_date=D(2010, 1, 1)), make_person(start_date=D(2010, 1, 1))
    requirement = make_requirement(
        courses=["EQA"],
        trigger="requirement_start",
        trigger_days=120,
        active_from=D(2025, 6, 1),
        recurrence="calendar",
        window_month=1,
        window_opens_days=91,
    )
    complete(prompt, "EQA", D(2026, 10, 28))
    complete(early, "EQA", D(2026, 5, 12))
    sync_all(today=D(2026, 11, 1))
    kept = current(prompt, requirement)
    assert (kept.cycle, kept.state, kept.valid_until) == (1, AssignmentState.SATISFIED, D(2028, 1, 31))
    assert assignment_status(assignment=kept, today=D(2026, 11, 1)) == Status.COMPLETED
    renewed = current(early, requirement)
    assert (renewed.cycle, renewed.state, renewed.due_date) == (2, AssignmentState.OPEN, D(2027, 1, 31))
    # An administrator who wants every completion renewed in the window turns the minimum off.
    requirement.minimum_active_days = 0
    requirement.save()
    sync_all(today=D(2026, 11, 2))
    assert current(prompt, requirement).due_date == D(2027, 1, 31)


def test_years_of_imported_history_are_caught_up_in_one_sync():
    """Defect fixed: each sync used to open only one further cycle, so a second run wrote."""
    person = make_person(start_date=D(2010, 1, 1))
    requirement = make_requirement(
        courses=["IHC"],
        trigger="requirement_start",
        trigger_days=90,
        active_from=D(2020, 1, 1),
        recurrence="months",
        recurrence_months=12,
    )
    for year in (2020, 2021, 2022, 2023):
        complete(person, "IHC", D(year, 3, 1))
    first = sync_all(today=D(2023, 6, 1))
    assert (first.created, first.renewed, first.satisfied) == (4, 3, 4)
    assert sync_all(today=D(2023, 6, 1)).rows_written == 0
    rows = list(Assignment.objects.order_by("cycle").values_list("cycle", "state", "due_date", "is_current"))
    assert rows == [
        (1, "satisfied", D(2020, 3, 31), False),
        (2, "satisfied", D(2021, 3, 1), False),
        (3, "satisfied", D(2022, 3, 1), False),
        (4, "satisfied", D(2023, 3, 1), True),
    ]
    assert current(person, requirement).valid_until == D(2024, 3, 1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    completed=st.lists(st.dates(min_value=D(2015, 1, 1), max_value=D(2026, 6, 1)), max_size=6, unique=True),
    months=st.integers(min_value=1, max_value=36),
    calendar_month=st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
    opens=st.integers(min_value=0, max_value=120),
    today=st.dates(min_value=D(2016, 1, 1), max_value=D(2027, 12, 31)),
)
def test_a_second_sync_never_writes_whatever_the_history(completed, months, calendar_month, opens, today):
    with transaction.atomic():
        person = make_person(start_date=D(2012, 2, 29))
        if calendar_month:
            recurrence = {"recurrence": "calendar", "window_month": calendar_month}
        else:
            recurrence = {"recurrence": "months", "recurrence_months": months}
        make_requirement(
            courses=["IHC"],
            trigger="requirement_start",
            trigger_days=90,
            active_from=D(2015, 1, 31),
            window_opens_days=opens,
            **recurrence,
        )
        for on in completed:
            complete(person, "IHC", on)
        sync_all(today=today)
        assert sync_all(today=today).rows_written == 0
        # At most one current cycle, and it is never already due for renewal.
        (row,) = Assignment.objects.filter(person=person, is_current=True)
        if row.state == AssignmentState.SATISFIED and row.valid_until:
            assert today < shift_days(row.valid_until, -opens)
        transaction.set_rollback(True)


def test_editing_the_renewal_period_redates_open_and_satisfied_cycles():
    person = make_person(start_date=D(2010, 1, 1))
    other = make_person(start_date=D(2010, 1, 1))
    requirement = make_requirement(
        courses=["IHC"],
        trigger="requirement_start",
        trigger_days=90,
        active_from=D(2025, 1, 1),
        recurrence="months",
        recurrence_months=12,
    )
    complete(person, "IHC", D(2025, 2, 1))
    complete(other, "IHC", D(2025, 6, 1))
    today = D(2026, 1, 15)
    sync_all(today=today)
    renewal = current(person, requirement)
    assert (renewal.cycle, renewal.due_date) == (2, D(2026, 2, 1))
    assert current(other, requirement).valid_until == D(2026, 6, 1)

    requirement.recurrence_months = 24
    requirement.save()
    result = sync_requirement(requirement=requirement, today=today)
    assert result.redated == 2
    renewal.refresh_from_db()
    assert renewal.due_date == D(2027, 2, 1)
    assert renewal.events.last().data == {"old_due_date": "2026-02-01", "due_date": "2027-02-01"}
    satisfied = current(other, requirement)
    assert satisfied.valid_until == D(2027, 6, 1)
    assert satisfied.events.last().data == {"old_valid_until": "2026-06-01", "valid_until": "2027-06-01"}
    assert sync_requirement(requirement=requirement, today=today).rows_written == 0


def test_changing_the_trigger_and_courses_after_assignments_exist():
    person = make_person(start_date=D(2026, 5, 1))
    requirement = make_requirement(courses=["OLD"], trigger="joining", trigger_days=60)
    complete(person, "NEW", D(2026, 5, 20))
    sync_all(today=D(2026, 6, 1))
    assert current(person, requirement).state == AssignmentState.OPEN
    requirement.trigger, requirement.fixed_due_date = "fixed_date", D(2026, 11, 30)
    requirement.save()
    requirement.courses.add(make_course("NEW"))
    result = sync_requirement(requirement=requirement, today=D(2026, 6, 1))
    assignment = current(person, requirement)
    assert (result.redated, result.satisfied) == (1, 1)
    assert (assignment.trigger, assignment.due_date, assignment.state) == ("fixed_date", D(2026, 11, 30), "satisfied")
    assert list(assignment.events.values_list("kind", flat=True)) == ["created", "redated", "satisfied"]


def test_an_extension_overtaken_by_a_later_due_date_is_cleared_on_rejoining():
    """Defect fixed: a leaver's old extension survived their return and made the new cycle overdue."""
    admin = UserFactory(is_superuser=True)
    person = make_person(start_date=D(2026, 5, 1))
    requirement = make_requirement(trigger="joining", trigger_days=30)
    sync_all(today=D(2026, 5, 2))
    assignment = current(person, requirement)
    extension_grant(assignment=assignment, new_due_date=D(2026, 7, 1), reason="Leave", actor=admin, today=D(2026, 5, 2))

    person.is_active, person.end_date = False, D(2026, 6, 15)
    person.save()
    sync_people(person_ids=[person.pk], today=D(2026, 6, 16))
    person.is_active, person.end_date, person.start_date = True, None, D(2027, 3, 1)
    person.role_start_date = D(2027, 3, 1)
    person.save()
    sync_people(person_ids=[person.pk], today=D(2027, 3, 2))

    assignment.refresh_from_db()
    assert (assignment.pk, assignment.state, assignment.due_date) == (assignment.pk, "open", D(2027, 3, 31))
    assert assignment.extended_due_date is None
    assert assignment_status(assignment=assignment, today=D(2027, 3, 2)) != Status.OVERDUE
    kinds = list(assignment.events.values_list("kind", flat=True))
    assert kinds == ["created", "extended", "withdrawn", "reopened"]
    assert assignment.events.last().data["extension_overtaken"] == "2026-07-01"
    # The extension itself stays on record.
    assert assignment.extensions.get().new_due_date == D(2026, 7, 1)
    assert sync_people(person_ids=[person.pk], today=D(2027, 3, 2)).rows_written == 0


def test_an_extension_still_later_than_a_redated_due_date_is_kept():
    admin = UserFactory(is_superuser=True)
    person = make_person(start_date=D(2026, 5, 1))
    requirement = make_requirement(trigger="joining", trigger_days=60)
    sync_all(today=D(2026, 5, 2))
    extension_grant(
        assignment=current(person, requirement),
        new_due_date=D(2026, 9, 1),
        reason="Leave",
        actor=admin,
        today=D(2026, 5, 2),
    )
    requirement.trigger_days = 30
    requirement.save()
    sync_requirement(requirement=requirement, today=D(2026, 5, 2))
    assignment = current(person, requirement)
    assert (assignment.due_date, assignment.extended_due_date) == (D(2026, 5, 31), D(2026, 9, 1))
    assert "extension_overtaken" not in assignment.events.last().data


def test_demotion_transfer_and_rejoining_keep_one_row_and_the_whole_ledger():
    person = make_person(rank_or_grade="Sergeant", leadership_level="first_line", role_start_date=D(2026, 3, 3))
    requirement = make_requirement(include_leadership_levels=["first_line"], trigger="role_start", trigger_days=90)
    sync_all(today=D(2026, 3, 4))
    events_before = AssignmentEvent.objects.count()
    person.is_active = False
    person.end_date = D(2026, 4, 1)
    person.save()
    sync_people(person_ids=[person.pk], today=D(2026, 4, 2))
    person.is_active, person.end_date = True, None
    person.save()
    sync_people(person_ids=[person.pk], today=D(2026, 5, 1))
    assignment = current(person, requirement)
    assert Assignment.objects.filter(person=person).count() == 1
    assert assignment.due_date == D(2026, 6, 1)
    assert AssignmentEvent.objects.count() == events_before + 2
    withdrawn, reopened = assignment.events.order_by("pk")[1:]
    assert withdrawn.reason.startswith("Left the force.")
    assert reopened.data == {"old_due_date": "2026-06-01", "due_date": "2026-06-01"}


def test_absurd_rules_never_crash_the_engine():
    """Dates at the calendar's edges are clamped rather than raising (the admin's own form
    does not bound them yet)."""
    assert add_months(D(2026, 1, 31), -(10**6)) == datetime.date.min
    assert add_months(D(2026, 1, 31), 10**6) == datetime.date.max
    person = make_person()
    requirement = make_requirement(trigger="joining", trigger_days=2_000_000_000)
    far = make_requirement(
        trigger="requirement_start",
        active_from=D(9999, 12, 1),
        recurrence="months",
        recurrence_months=32767,
        window_opens_days=2_000_000_000,
    )
    sync_all(today=D(9999, 12, 2))
    assert current(person, requirement).due_date == datetime.date.max
    assert current(person, far).due_date == datetime.date.max
