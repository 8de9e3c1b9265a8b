"""The rank history that progression is counted from: the HR import writes a row for each
joiner and for each change of rank or grade or leadership level, classified as a promotion or an
entry into a leadership level; the migration's backfill gives everyone already loaded one row."""

import datetime

import pytest
from django.utils import timezone

from compliance.importing.people import import_people
from compliance.importing.units import import_units
from compliance.people.models import Person, RankChange
from compliance.people.models.history import classify_change
from tests.compliance.test_import_people import UNITS, row, to_csv, tree_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    assert import_units(UNITS).applied


def history(staff: str) -> list[tuple]:
    return list(
        RankChange.objects.filter(person__staff_number=staff)
        .order_by("started_on", "pk")
        .values_list(
            "started_on",
            "previous_rank_or_grade",
            "rank_or_grade",
            "previous_leadership_level",
            "leadership_level",
            "promotion",
            "level_entry",
            "source",
        )
    )


def test_a_joiner_gets_one_row_from_the_start_of_their_role(units):
    import_people(to_csv([row("2000", rank_or_grade="Sergeant", role_start_date="01/03/2024")]))
    assert history("2000") == [
        (datetime.date(2024, 3, 1), "", "Sergeant", "", "first_line", False, False, "import_people")
    ]


def test_promotion_into_a_leadership_level_is_recorded_once(units):
    import_people(to_csv(tree_rows()))
    today = timezone.localdate()
    report = import_people(to_csv([row("1003", rank_or_grade="PS", line_manager_staff_number="1002")]), source="api")
    assert report.updated == 1
    assert history("1003")[1:] == [(today, "Constable", "Sergeant", "none", "first_line", True, True, "api")]
    # The same file again changes nothing and records nothing.
    import_people(to_csv([row("1003", rank_or_grade="PS", line_manager_staff_number="1002")]))
    assert len(history("1003")) == 2


def test_a_rank_up_within_a_level_is_a_promotion_and_a_step_down_is_not(units):
    import_people(to_csv(tree_rows()))
    import_people(
        to_csv(
            [
                row("1000", rank_or_grade="Chief Superintendent", unit_code="LPA-N", role_start_date="01/06/2026"),
                row("1002", rank_or_grade="Constable", line_manager_staff_number="1001", role_start_date="02/06/2026"),
            ]
        )
    )
    assert history("1000")[1:] == [
        (
            datetime.date(2026, 6, 1),
            "Superintendent",
            "Chief Superintendent",
            "senior",
            "senior",
            True,
            False,
            "import_people",
        )
    ]
    assert history("1002")[1:] == [
        (datetime.date(2026, 6, 2), "Sergeant", "Constable", "first_line", "none", False, False, "import_people")
    ]


def test_a_dry_run_or_a_refused_file_records_nothing(units):
    import_people(to_csv(tree_rows()))
    before = RankChange.objects.count()
    import_people(to_csv([row("1003", rank_or_grade="Sergeant", line_manager_staff_number="1002")]), dry_run=True)
    import_people(to_csv([row("1003", rank_or_grade="Sergeant", line_manager_staff_number="1002"), row("1003")]))
    assert RankChange.objects.count() == before
    assert Person.objects.get(staff_number="1003").rank_or_grade == "Constable"


def test_the_classification_of_changes():
    seniority = {"Constable": ("rank", 1), "Sergeant": ("rank", 2), "Grade E": ("grade", 5), "Grade F": ("grade", 6)}
    assert classify_change(
        old_rank="", old_level="", new_rank="Sergeant", new_level="first_line", seniority=seniority
    ) == (False, False)
    assert classify_change(
        old_rank="Grade E", old_level="none", new_rank="Grade F", new_level="none", seniority=seniority
    ) == (True, False)
    # From a grade to a rank (staff to officer) is no promotion unless the level rises.
    assert classify_change(
        old_rank="Grade F", old_level="none", new_rank="Constable", new_level="none", seniority=seniority
    ) == (False, False)
    # A level given by hand, up, is entry into a leadership level.
    assert classify_change(
        old_rank="Grade E", old_level="none", new_rank="Grade E", new_level="middle", seniority=seniority
    ) == (True, True)
    # An unknown grade (accepted with an explicit level) is no promotion on its own.
    assert classify_change(
        old_rank="Band 6", old_level="none", new_rank="Band 7", new_level="none", seniority=seniority
    ) == (False, False)
