import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.equality.models import CHARACTERISTICS, EqualityRecord
from compliance.fairness.disclosure import SMALL, Table, protect_table
from compliance.fairness.selectors import equality_breakdown
from compliance.people.models import Person
from tests.factories import make_person, make_unit

pytestmark = pytest.mark.django_db

SEX_ROWS = ["female", "male", "prefer_not_to_say", "not_recorded"]


@pytest.fixture
def force():
    root = make_unit(code="FORCE", name="The Force", kind="force")
    alpha = make_unit(code="ALPHA", name="Alpha directorate", parent=root, kind="directorate")
    bravo = make_unit(code="BRAVO", name="Bravo directorate", parent=root, kind="directorate")
    alpha_team = make_unit(code="ALPHA-1", name="Alpha team 1", parent=alpha)
    return {"root": root, "alpha": alpha, "bravo": bravo, "alpha_team": alpha_team}


def add_people(n: int, unit, record: dict | None = None, **person_fields) -> list[Person]:
    """`record=None`: no equality record at all."""
    people = [make_person(unit=unit, **person_fields) for _ in range(n)]
    if record is not None:
        EqualityRecord.objects.bulk_create(EqualityRecord(person=p, **record) for p in people)
    return people


@pytest.fixture
def workforce(force):
    add_people(6, force["alpha"], {"sex": "female"})
    add_people(6, force["alpha_team"], {"sex": "female"})  # counted under Alpha
    add_people(15, force["alpha"], {"sex": "male"})
    add_people(2, force["alpha_team"], {"sex": "prefer_not_to_say"})
    add_people(10, force["bravo"], {"sex": "female"})
    add_people(11, force["bravo"], {"sex": "male", "ethnicity": "white"})
    add_people(3, force["bravo"])  # no record: not recorded
    add_people(2, force["bravo"], {"sex": "", "ethnicity": "asian"})  # blank: not recorded
    add_people(1, force["root"], {"sex": "male"})  # placed in the force unit itself
    return force


# Rows: female, male, prefer not to say, not recorded. Columns: FORCE, ALPHA, BRAVO (by path).
EXPECTED = [[0, 12, 10], [1, 15, 11], [0, 2, 0], [0, 0, 5]]


def values(table):
    return [[c.count if c.reason is None else c.reason for c in row] for row in table.cells]


def test_counts_by_category_and_top_level_unit(workforce):
    # Threshold 1 hides only the zeros, so the raw aggregation shows through.
    breakdown = equality_breakdown(characteristic="sex", threshold=1)
    table = breakdown.table
    assert list(table.rows) == SEX_ROWS
    assert list(table.columns) == ["FORCE", "ALPHA", "BRAVO"]
    assert values(table) == [[n if n else SMALL for n in row] for row in EXPECTED]
    assert [c.count for c in table.column_totals] == [1, 29, 26]
    assert table.grand_total.count == 56
    assert breakdown.category_label("prefer_not_to_say") == "Prefer not to say"
    assert breakdown.category_label("not_recorded") == "Not recorded"
    assert breakdown.unit_name("ALPHA") == "Alpha directorate"


def test_suppression_is_the_disclosure_module_applied_to_the_counts(workforce):
    table = equality_breakdown(characteristic="sex").table
    expected = protect_table(
        Table(
            rows=SEX_ROWS,
            columns=["FORCE", "ALPHA", "BRAVO"],
            counts=EXPECTED,
            public_column_totals=True,
            public_grand_total=True,
        )
    )
    assert values(table) == values(expected)
    assert [c.count for c in table.row_totals] == [c.count for c in expected.row_totals]
    assert [c.reason for c in table.row_totals] == [c.reason for c in expected.row_totals]
    # Every published cell is at least the threshold; the unit headcounts are always shown.
    assert all(c.count >= 10 for row in table.cells for c in row if c.reason is None)
    assert table.cell("prefer_not_to_say", "ALPHA").reason == SMALL
    assert [c.count for c in table.column_totals] == [1, 29, 26]


def test_another_characteristic_of_the_same_people(workforce):
    table = equality_breakdown(characteristic="ethnicity", threshold=1).table
    assert list(table.rows) == ["asian", "black", "mixed", "white", "other", "prefer_not_to_say", "not_recorded"]
    assert table.cell("white", "BRAVO").count == 11
    assert table.cell("asian", "BRAVO").count == 2
    assert table.cell("not_recorded", "BRAVO").count == 13
    assert table.cell("not_recorded", "ALPHA").count == 29


@pytest.mark.parametrize("characteristic", list(CHARACTERISTICS))
def test_every_characteristic_has_its_categories_then_not_recorded(force, characteristic):
    add_people(3, force["alpha"])
    table = equality_breakdown(characteristic=characteristic).table
    choices = [value for value, _ in CHARACTERISTICS[characteristic].choices]
    assert list(table.rows) == [*choices, "not_recorded"]
    assert "prefer_not_to_say" in table.rows
    assert all(c.reason == SMALL for row in table.cells for c in row)


@pytest.mark.parametrize("characteristic", ["gender", "", "SEX", "person", None])
def test_an_unknown_characteristic_is_refused(characteristic):
    with pytest.raises(ValueError, match="Unknown characteristic") as raised:
        equality_breakdown(characteristic=characteristic)
    assert "sexual_orientation" in str(raised.value)


def test_only_the_people_given_and_by_default_only_those_still_serving(force):
    add_people(12, force["alpha"], {"disability": "no"}, worker_type="police_staff")
    add_people(14, force["alpha"], {"disability": "no"})
    add_people(20, force["alpha"], {"disability": "no"}, is_active=False)
    everyone = equality_breakdown(characteristic="disability", threshold=1).table
    assert everyone.cell("no", "ALPHA").count == 26
    staff = equality_breakdown(
        characteristic="disability", people=Person.objects.filter(worker_type="police_staff"), threshold=1
    ).table
    assert staff.cell("no", "ALPHA").count == 12
    assert staff.grand_total.count == 12


def test_unit_depth_chooses_the_level_of_the_columns(workforce):
    table = equality_breakdown(characteristic="sex", unit_depth=3, threshold=1).table
    assert list(table.columns) == ["FORCE", "ALPHA", "ALPHA-1", "BRAVO"]
    assert table.cell("female", "ALPHA-1").count == 6
    assert table.cell("female", "ALPHA").count == 6
    with pytest.raises(ValueError, match="unit_depth"):
        equality_breakdown(characteristic="sex", unit_depth=0)


def test_nobody(force):
    table = equality_breakdown(characteristic="religion").table
    assert table.columns == ()
    assert all(c.reason == SMALL for c in table.row_totals)
    assert table.grand_total.count == 0


def test_counts_are_made_in_the_database_in_three_queries(force, django_assert_max_num_queries):
    add_people(4, force["alpha"], {"sex": "female"})
    with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as queries:
        equality_breakdown(characteristic="sex")
    reading_equality = [q["sql"] for q in queries if "equalityrecord" in q["sql"].lower()]
    assert reading_equality and all("GROUP BY" in sql.upper() for sql in reading_equality)


def test_the_number_of_queries_does_not_grow_with_the_workforce(force):
    def queries_for_breakdown() -> int:
        with CaptureQueriesContext(connection) as queries:
            equality_breakdown(characteristic="ethnicity")
        return len(queries)

    add_people(2, force["alpha"], {"ethnicity": "white"})
    small = queries_for_breakdown()
    add_people(25, force["bravo"], {"ethnicity": "black"})
    add_people(15, force["alpha_team"], {"ethnicity": "mixed"})
    add_people(10, force["root"])
    large = queries_for_breakdown()
    assert small == large <= 3


def test_a_unit_all_in_one_category_does_not_say_so(force):
    # Everyone in Alpha answered "no": showing 26 beside hidden zeros would tell every one of them.
    add_people(26, force["alpha"], {"disability": "no"})
    add_people(30, force["bravo"], {"disability": "no"})
    add_people(12, force["bravo"], {"disability": "yes"})
    table = equality_breakdown(characteristic="disability").table
    assert table.cell("no", "ALPHA").reason is not None
    assert table.column_total("ALPHA").count == 26


def test_a_rate_table_on_the_same_page_is_protected_with_the_headcount(workforce):
    # Completions of the same people, as a later selector would count them (here by hand).
    completed = {("female", "ALPHA"): 6, ("male", "ALPHA"): 5, ("female", "BRAVO"): 5, ("male", "BRAVO"): 10}
    headcount = {
        ("female", "ALPHA"): 12,
        ("male", "ALPHA"): 15,
        ("prefer_not_to_say", "ALPHA"): 2,
        ("female", "BRAVO"): 10,
        ("male", "BRAVO"): 11,
        ("not_recorded", "BRAVO"): 5,
        ("male", "FORCE"): 1,
    }
    completion = Table.from_mapping(
        rows=SEX_ROWS,
        columns=["FORCE", "ALPHA", "BRAVO"],
        counts=headcount,
        numerators=completed,
        measure="completed",
        row_margin="sex",
        column_margin="units",
        public_column_totals=True,
    )
    breakdown = equality_breakdown(characteristic="sex", threshold=2, linked=[completion])
    (rates,) = breakdown.linked
    assert rates.is_rate
    assert rates.cell("male", "BRAVO").reason == SMALL  # only one did not complete
    assert rates.cell("prefer_not_to_say", "ALPHA").reason == SMALL  # nobody completed
    assert rates.row_total("male").rate == pytest.approx(15 / 27)
    assert rates.column_total("ALPHA").rate == pytest.approx(11 / 29)  # public: the command view shows it
    for row in rates.cells:
        for cell in row:
            if cell.reason is None:
                assert cell.numerator >= 2 and cell.count - cell.numerator >= 2
    # Its denominators are the headcount's cells: a table of other people cannot share the margins.
    with pytest.raises(ValueError, match="disagree"):
        equality_breakdown(
            characteristic="sex",
            linked=[Table.from_mapping(rows=SEX_ROWS, columns=["ALPHA"], counts={}, row_margin="sex")],
        )
