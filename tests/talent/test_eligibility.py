"""Who may apply for a cohort: rank or grade, worker type, leadership level, length of service
and unit (with the units below), set-based over everyone and the same for one person."""

import datetime

import pytest

from compliance.people.models import Person
from compliance.talent.selectors import cohort_eligible_people, eligibility_refusals, years_before
from tests.factories import make_person
from tests.talent.builders import make_cohort

pytestmark = pytest.mark.django_db


def _eligible(cohort, today) -> set[str]:
    by_set = set(cohort_eligible_people(cohort=cohort, today=today).values_list("user__username", flat=True))
    by_person = {
        p.user.username
        for p in Person.objects.select_related("unit", "user")
        if not eligibility_refusals(cohort=cohort, person=p, today=today)
    }
    assert by_set == by_person
    return by_set


def test_no_rules_admits_everyone_active(team, programme):
    cohort = make_cohort(programme=programme, today=team.today)
    team.south_pc.is_active = False
    team.south_pc.save()
    assert _eligible(cohort, team.today) == {"insp", "sgt", "pc0", "pc1", "pc2", "staff"}


def test_rank_worker_type_and_level(team, programme):
    assert _eligible(make_cohort(programme=programme, today=team.today, ranks=["Sergeant", "Inspector"]),
                     team.today) == {"insp", "sgt"}  # fmt: skip
    assert _eligible(make_cohort(programme=programme, today=team.today, worker_types=["police_staff"]),
                     team.today) == {"staff"}  # fmt: skip
    assert _eligible(make_cohort(programme=programme, today=team.today, leadership_levels=["first_line", "middle"]),
                     team.today) == {"insp", "sgt"}  # fmt: skip


def test_length_of_service_counts_whole_years_to_the_day(team, programme):
    cohort = make_cohort(programme=programme, today=team.today, ranks=["Constable"], min_service_years=5)
    assert _eligible(cohort, team.today) == {"pc0", "pc1", "pc.south"}
    # Exactly five years today is enough; a day short is not.
    make_person(username="pc.five", unit=team.team_a, start_date=years_before(team.today, 5))
    make_person(username="pc.short", unit=team.team_a, start_date=years_before(team.today, 5) + datetime.timedelta(1))
    assert _eligible(cohort, team.today) == {"pc0", "pc1", "pc.south", "pc.five"}
    short = Person.objects.select_related("unit").get(user__username="pc.short")
    assert eligibility_refusals(cohort=cohort, person=short, today=team.today) == [
        "It needs at least 5 years' service."
    ]


def test_units_include_the_units_below(team, programme):
    cohort = make_cohort(programme=programme, today=team.today, units=["LPA-N"], ranks=["Constable"])
    assert _eligible(cohort, team.today) == {"pc0", "pc1", "pc2"}
    south = Person.objects.select_related("unit").get(pk=team.south_pc.pk)
    assert eligibility_refusals(cohort=cohort, person=south, today=team.today) == ["It is not open to your unit."]


def test_rules_combine_and_every_reason_is_given(team, programme):
    cohort = make_cohort(programme=programme, today=team.today, ranks=["Sergeant"], units=["LPA-S"],
                         worker_types=["police_officer"], min_service_years=20)  # fmt: skip
    staff = Person.objects.select_related("unit").get(pk=team.staff.pk)
    assert eligibility_refusals(cohort=cohort, person=staff, today=team.today) == [
        "It is for Sergeant; your rank or grade is Grade 4.",
        "It is not open to your worker type.",
        "It needs at least 20 years' service.",
        "It is not open to your unit.",
    ]
    assert eligibility_refusals(cohort=cohort, person=None, today=team.today) == [
        "Only people with a current HR record can apply."
    ]


def test_years_before_a_leap_day():
    assert years_before(datetime.date(2028, 2, 29), 1) == datetime.date(2027, 2, 28)


def test_eligibility_is_one_query_however_many_people(team, programme, django_assert_num_queries):
    cohort = make_cohort(programme=programme, today=team.today, ranks=["Constable"], units=["FORCE"])
    for i in range(20):
        make_person(username=f"extra{i}", unit=team.team_a)
    cohort = type(cohort).objects.prefetch_related("ranks", "units").get(pk=cohort.pk)
    with django_assert_num_queries(1):
        assert len(list(cohort_eligible_people(cohort=cohort, today=team.today))) == 24
