import datetime
import functools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from compliance.models import Requirement
from compliance.services.requirements import (
    CompiledRule,
    PersonFacts,
    add_months,
    month_end,
    next_calendar_due,
)

dates = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31))


def test_add_months_clamps_to_the_end_of_shorter_months():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 2, 28)
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 12, 15), 1) == datetime.date(2027, 1, 15)


@given(dates, st.integers(min_value=-240, max_value=240))
def test_add_months_lands_in_the_right_month_never_past_the_day(date, months):
    result = add_months(date, months)
    assert (result.year * 12 + result.month) - (date.year * 12 + date.month) == months
    assert result.day <= date.day
    assert result.day == date.day or result == month_end(result.year, result.month)


@given(dates, st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=300))
def test_next_calendar_due_is_a_month_end_after_the_window_opens(completed_on, month, opens_days):
    due = next_calendar_due(completed_on=completed_on, month=month, opens_days=opens_days)
    assert due == month_end(due.year, month)
    assert due - datetime.timedelta(days=opens_days) > completed_on
    previous = month_end(due.year - 1, month)
    assert previous - datetime.timedelta(days=opens_days) <= completed_on


def test_completing_inside_an_open_window_counts_for_that_window():
    assert next_calendar_due(completed_on=datetime.date(2025, 12, 15), month=1, opens_days=61) == datetime.date(
        2027, 1, 31
    )
    assert next_calendar_due(completed_on=datetime.date(2025, 10, 1), month=1, opens_days=61) == datetime.date(
        2026, 1, 31
    )
    assert next_calendar_due(completed_on=datetime.date(2028, 2, 29), month=2, opens_days=0) == datetime.date(
        2029, 2, 28
    )


def test_a_completion_shortly_before_the_window_counts_for_the_coming_year():
    """Minimum active period: a window ending 31 January and opening on 2 December."""
    due = functools.partial(next_calendar_due, month=1, opens_days=60, minimum_active_days=180)
    # Completed on 28 October: 95 days before the window's end, so it lasts until the next one.
    assert due(completed_on=datetime.date(2026, 10, 28)) == datetime.date(2028, 1, 31)
    # Completed in May: 275 days before the window's end, so it is renewed in that window.
    assert due(completed_on=datetime.date(2026, 5, 1)) == datetime.date(2027, 1, 31)
    # The first day that counts for the coming year, exactly 180 days before its end.
    assert due(completed_on=datetime.date(2026, 8, 4)) == datetime.date(2027, 1, 31)
    assert due(completed_on=datetime.date(2026, 8, 5)) == datetime.date(2028, 1, 31)
    # No minimum: only completions inside the open window count for the following year.
    assert next_calendar_due(completed_on=datetime.date(2026, 10, 28), month=1, opens_days=60) == datetime.date(
        2027, 1, 31
    )


@given(dates, st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=300), st.integers(0, 366))
def test_a_calendar_completion_always_lasts_at_least_the_minimum(completed_on, month, opens_days, minimum):
    due = next_calendar_due(completed_on=completed_on, month=month, opens_days=opens_days, minimum_active_days=minimum)
    assert due == month_end(due.year, month)
    assert (due - completed_on).days >= minimum


def facts(**overrides) -> PersonFacts:
    values = {
        "pk": 1,
        "user_id": 1,
        "first_name": "A",
        "last_name": "B",
        "worker_type": "police_officer",
        "leadership_level": "none",
        "rank_or_grade": "Constable",
        "unit_id": 1,
        "unit_path": "00010001",
        "start_date": datetime.date(2020, 1, 1),
        "role_start_date": datetime.date(2020, 1, 1),
        "is_active": True,
    }
    values.update(overrides)
    return PersonFacts(**values)


def rule(**fields) -> CompiledRule:
    fields.setdefault("active_from", datetime.date(2020, 1, 1))
    fields.setdefault("name", "R")
    return CompiledRule(Requirement(**fields), unit_paths={"LPA": "0001", "CID": "0002"}, function_names={})


@given(dates, st.integers(min_value=0, max_value=400))
def test_joining_trigger_due_is_trigger_plus_days(start, days):
    cycle = rule(trigger="joining", trigger_days=days).first_cycle(facts(start_date=start))
    assert cycle.trigger_date == start
    assert cycle.due_date == start + datetime.timedelta(days=days)
    assert cycle.counts_from is None


@given(dates, st.integers(min_value=1, max_value=36))
def test_recurring_first_cycle_counts_completions_from_one_period_before_due(start, months):
    compiled = rule(trigger="joining", trigger_days=30, recurrence="months", recurrence_months=months)
    cycle = compiled.first_cycle(facts(start_date=start))
    assert cycle.counts_from == add_months(cycle.due_date, -months)
    assert compiled.valid_until(start) == add_months(start, months)


def test_audience_dimensions():
    assert rule(include_units=["LPA"]).matches(facts(unit_path="00010005"))
    assert not rule(include_units=["LPA"]).matches(facts(unit_path="00020005"))
    assert not rule(include_units=["GONE"]).matches(facts())  # an unknown unit matches nobody
    assert rule(include_ranks=["constable"]).matches(facts())
    assert not rule(exclude_worker_types=["police_officer"]).matches(facts())
    assert not rule(started_on_or_after=datetime.date(2021, 1, 1)).matches(facts())
    assert not rule().matches(facts(is_active=False))
    assert rule(include_functions=["firearms"]).matches(facts(functions={"firearms": datetime.date(2022, 1, 1)}))
    assert not rule(exclude_functions=["firearms"]).matches(facts(functions={"firearms": datetime.date(2022, 1, 1)}))


@pytest.mark.django_db
def test_requirement_validation_explains_missing_parts():
    requirement = Requirement(
        name="Bad",
        active_from=datetime.date(2026, 1, 1),
        trigger="fixed_date",
        recurrence="months",
        include_worker_types=["wizard"],
    )
    with pytest.raises(ValidationError) as error:
        requirement.full_clean()
    assert {"fixed_due_date", "recurrence_months", "include_worker_types"} <= set(error.value.message_dict)
