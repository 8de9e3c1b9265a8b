"""Representation and progression, counted: the workforce by every breakdown in one query, small
columns together and near columns refused, promotion and leadership entry from the rank history,
programme participation, the representation ratio against the benchmark, and the weekly
releases with their trend. The clock is the suite's (17 June 2026, a Wednesday): this week's
release is Monday 15 June, the financial years offered 2026 (to 14 June), 2025 and 2024."""

import datetime

import pytest
from django.utils import timezone

from compliance.equality.models import EqualityRecord
from compliance.fairness.benchmark import community_shares, declared, parse_benchmark, representation
from compliance.fairness.perturbation import MAX_NOISE, perturb, record_key_hash
from compliance.fairness.representation import (
    SMALL_COLUMNS,
    participation_inputs,
    period_for,
    periods_offered,
    progression_inputs,
    protect_workforce,
    workforce_cells,
    workforce_inputs,
)
from compliance.fairness.services import workforce_release_page, workforce_trend
from compliance.people.models import Person, RankChange
from courses.models import CatalogueIndexPage, Completion, CoursePage, ProgrammePage
from tests.factories import make_person, make_unit

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 6, 15)


def person(unit, *, sex="", ethnicity="", rank="Constable", level="none", worker_type="police_officer", **fields):
    p = make_person(unit=unit, rank_or_grade=rank, leadership_level=level, worker_type=worker_type, **fields)
    if sex or ethnicity:
        EqualityRecord.objects.create(person=p, sex=sex, ethnicity=ethnicity)
    return p


@pytest.fixture
def force(db):
    top = make_unit(code="FORCE", name="Force", kind="force")
    north = make_unit(code="NORTH", name="North LPA", parent=top, kind="lpa")
    south = make_unit(code="SOUTH", name="South LPA", parent=top, kind="lpa")
    tiny = make_unit(code="TINY", name="Tiny unit", parent=top, kind="department")
    return {"top": top, "north": north, "south": south, "tiny": tiny}


def test_the_workforce_by_every_breakdown_is_one_query(force, django_assert_num_queries):
    north, south = force["north"], force["south"]
    a = person(north, sex="female", ethnicity="asian")
    b = person(north, sex="male", ethnicity="white", rank="Sergeant", level="first_line")
    c = person(south, sex="female", ethnicity="white", worker_type="police_staff", rank="Grade C")
    person(south)  # no record: not recorded
    person(south, is_active=False, sex="male")  # a leaver is not counted
    with django_assert_num_queries(1):
        rows = workforce_cells(characteristic="sex")
    h = record_key_hash()
    assert sorted(rows) == sorted(
        [
            ("female", "police_officer", "Constable", "none", north.path, 1, h.record_key(a.pk)),
            ("male", "police_officer", "Sergeant", "first_line", north.path, 1, h.record_key(b.pk)),
            ("female", "police_staff", "Grade C", "none", south.path, 1, h.record_key(c.pk)),
            ("", "police_officer", "Constable", "none", south.path, 1, rows_key(rows, "")),
        ]
    )


def rows_key(rows, value):
    return next(r[6] for r in rows if r[0] == value)


def build_workforce(force, n: int = 24):
    """n constables across North and South (sex alternating), six inspectors in North, two chief
    superintendents in the tiny unit (a small column of ranks and of units)."""
    for i in range(n):
        person(force["north"] if i % 2 else force["south"], sex="female" if i % 3 else "male", ethnicity="white")
    for _ in range(6):
        person(force["north"], sex="male", ethnicity="white", rank="Inspector", level="middle")
    for _ in range(2):
        person(force["tiny"], sex="female", ethnicity="asian", rank="Chief Superintendent", level="senior")


def test_small_columns_share_one_and_the_query_count_is_fixed(force, django_assert_num_queries):
    build_workforce(force)
    with django_assert_num_queries(3):  # the counts, the units' names, the ranks' order
        by_rank = workforce_inputs(characteristic="sex", breakdown="rank", threshold=5)
    assert by_rank.columns == (
        ("Constable", "Constable"),
        ("Inspector", "Inspector"),
        (SMALL_COLUMNS, "Ranks and grades of fewer than 5 people, together"),
    )
    counts = {cell: n for cell, (n, *_) in by_rank.cells.items()}
    assert counts[("male", "Inspector")] == 6 and counts[("female", SMALL_COLUMNS)] == 2
    assert sum(counts.values()) == 32
    build_workforce(force, n=40)
    with django_assert_num_queries(3):
        workforce_inputs(characteristic="ethnicity", breakdown="unit", threshold=5)


def test_a_unit_that_is_a_rank_but_one_person_is_refused(force):
    """A against A-minus-one through units: North holds every inspector and one constable; the
    rank Inspector is offered first, so North is refused (and says why) wherever it would show."""
    for _ in range(6):
        person(force["north"], sex="male", rank="Inspector", level="middle")
    person(force["north"], sex="female")
    for i in range(12):
        person(force["south"], sex="male", **({"rank": "Sergeant", "level": "first_line"} if i % 2 else {}))
    by_unit = workforce_inputs(characteristic="sex", breakdown="unit", threshold=5)
    assert [key for key, _ in by_unit.columns] == ["SOUTH"]
    # The leadership level Middle leader (the same six people) is offered before ranks and units.
    assert by_unit.refused == (("North LPA", "its people differ from those of a leadership level by fewer than 5"),)
    assert all(col != "NORTH" for _, col in by_unit.cells)
    by_rank = workforce_inputs(characteristic="sex", breakdown="rank", threshold=5)
    assert [key for key, _ in by_rank.columns] == ["Constable", "Sergeant", "Inspector"] and by_rank.refused == ()
    # With a threshold of 1 nothing is near, and North is offered.
    assert "NORTH" in {key for key, _ in workforce_inputs(characteristic="sex", breakdown="unit", threshold=1).columns}


def test_the_protected_workforce_is_perturbed_and_its_totals_are_shown(force):
    build_workforce(force, n=60)
    inputs = workforce_inputs(characteristic="sex", breakdown="unit", threshold=10)
    page = protect_workforce(inputs=inputs, grouping="fine", threshold=10)
    table = page.table
    for i, row in enumerate(table.rows):
        for j, column in enumerate(table.columns):
            n, _, key, _ = inputs.cells.get((row, column), (0, 0, 0, 0))
            cell = table.cells[i][j]
            assert cell.suppressed or cell.count == perturb(count=n, key_sum=key)
            assert cell.suppressed or cell.count >= 10
    assert not any(c.suppressed for c in table.column_totals) and not table.grand_total.suppressed
    assert abs(table.grand_total.count - 68) <= MAX_NOISE * len(inputs.cells)


# --- progression ---------------------------------------------------------------------------------


def change(p, on, rank, level, *, previous=("", ""), promotion=False, level_entry=False):
    RankChange.objects.create(
        person=p,
        started_on=on,
        rank_or_grade=rank,
        leadership_level=level,
        previous_rank_or_grade=previous[0],
        previous_leadership_level=previous[1],
        promotion=promotion,
        level_entry=level_entry,
        source="test",
        recorded_at=timezone.now(),
    )


@pytest.fixture
def careers(force):
    """The financial year April 2025 to March 2026 (the year before this one)."""
    north = force["north"]
    long_ago = datetime.date(2015, 4, 1)
    constable = person(north, sex="female", rank="Sergeant", level="first_line")
    change(constable, long_ago, "Constable", "none")
    change(
        constable,
        datetime.date(2025, 6, 1),
        "Sergeant",
        "first_line",
        previous=("Constable", "none"),
        promotion=True,
        level_entry=True,
    )
    sergeant = person(north, sex="male", rank="Inspector", level="middle")
    change(sergeant, long_ago, "Sergeant", "first_line")
    change(
        sergeant,
        datetime.date(2025, 9, 1),
        "Inspector",
        "middle",
        previous=("Sergeant", "first_line"),
        promotion=True,
        level_entry=True,
    )
    superintendent = person(north, sex="male", rank="Chief Superintendent", level="senior")
    change(superintendent, long_ago, "Superintendent", "senior")
    change(
        superintendent,
        datetime.date(2026, 1, 10),
        "Chief Superintendent",
        "senior",
        previous=("Superintendent", "senior"),
        promotion=True,
    )
    # Promoted after the year: in post at its start as a constable, not promoted in it.
    later = person(north, sex="female", rank="Sergeant", level="first_line")
    change(later, long_ago, "Constable", "none")
    change(later, datetime.date(2026, 5, 1), "Sergeant", "first_line", previous=("Constable", "none"), promotion=True)
    # No history before the year (its first row is after it started): the level it left.
    unknown = person(north, sex="female", rank="Inspector", level="middle", role_start_date=datetime.date(2025, 7, 1))
    change(unknown, datetime.date(2025, 7, 1), "Inspector", "middle", previous=("Sergeant", "first_line"))
    # Not counted: joined in the year; left before it.
    person(north, sex="male", start_date=datetime.date(2025, 5, 1))
    person(north, sex="male", is_active=False, end_date=datetime.date(2025, 3, 1))
    # Left during the year: counted.
    person(north, sex="male", is_active=False, end_date=datetime.date(2025, 10, 1))
    return period_for("2025", WEEK)


def test_promotion_by_the_level_held_at_the_start_of_the_year(careers, django_assert_num_queries):
    with django_assert_num_queries(1):
        inputs = progression_inputs(characteristic="sex", measure="promotion", period=careers, threshold=10)
    assert inputs.columns == (
        ("none", "None"),
        ("first_line", "First line leader"),
        ("middle", "Middle leader"),
        ("senior", "Senior leader"),
    )
    got = {cell: (n, k) for cell, (n, k, *_) in inputs.cells.items()}
    assert got == {
        ("female", "none"): (2, 1),  # the constable promoted in the year, and the one promoted after
        ("male", "first_line"): (1, 1),
        ("female", "first_line"): (1, 0),  # the inspector with no history before the year
        ("male", "senior"): (1, 1),
        ("male", "none"): (1, 0),  # the leaver during the year
    }


def test_entry_into_a_higher_leadership_level(careers):
    inputs = progression_inputs(characteristic="sex", measure="leadership_entry", period=careers, threshold=10)
    assert [key for key, _ in inputs.columns] == ["none", "first_line", "middle"]
    got = {cell: (n, k) for cell, (n, k, *_) in inputs.cells.items()}
    # The chief superintendent's promotion is no entry into a level, and senior leaders are not counted.
    assert got == {
        ("female", "none"): (2, 1),
        ("male", "first_line"): (1, 1),
        ("female", "first_line"): (1, 0),
        ("male", "none"): (1, 0),
    }


def test_the_periods_offered_are_financial_years_to_the_start_of_the_week():
    periods = periods_offered(WEEK)
    assert [(p.key, p.start, p.end) for p in periods] == [
        ("2026", datetime.date(2026, 4, 1), WEEK),
        ("2025", datetime.date(2025, 4, 1), datetime.date(2026, 4, 1)),
        ("2024", datetime.date(2024, 4, 1), datetime.date(2025, 4, 1)),
    ]
    assert periods[0].label == "April 2026 to March 2027 (to 14 June 2026)"
    assert periods[1].label == "April 2025 to March 2026"
    with pytest.raises(ValueError, match="Unknown period '2019': expected one of 2026, 2025, 2024."):
        period_for("2019", WEEK)


# --- programme participation ---------------------------------------------------------------------


def programme_with_course(slug: str, code: str) -> tuple[ProgrammePage, CoursePage]:
    programme = CatalogueIndexPage.objects.get().add_child(
        instance=ProgrammePage(title=slug.title(), slug=slug, intro="x")
    )
    course = programme.add_child(instance=CoursePage(title=code, course_code=code, slug=code.lower()))
    return programme, course


def complete(p, course, when, *, voided=False):
    Completion.objects.create(
        user=p.user,
        course=course,
        completed_at=timezone.make_aware(datetime.datetime.combine(when, datetime.time(12))),
        source="manual",
        idempotency_key=f"{p.pk}-{course.pk}-{when}",
        voided_at=timezone.now() if voided else None,
        void_reason="Entered twice" if voided else "",
    )


def test_participation_counts_completions_of_the_programme_in_the_year(force, django_assert_num_queries):
    moral, course = programme_with_course("moral-courage", "MC-1")
    _, other = programme_with_course("history", "LH-1")
    north, south = force["north"], force["south"]
    took_part = person(north, sex="female")
    voided = person(north, sex="female")
    before = person(south, sex="male")
    elsewhere = person(south, sex="male")
    person(south, sex="male")
    complete(took_part, course, datetime.date(2025, 6, 1))
    complete(voided, course, datetime.date(2025, 6, 1), voided=True)
    complete(before, course, datetime.date(2025, 3, 31))
    complete(elsewhere, other, datetime.date(2025, 6, 1))
    year = period_for("2025", WEEK)
    with django_assert_num_queries(3):  # the programme, the counts, the units
        inputs = participation_inputs(characteristic="sex", programme=str(moral.pk), period=year, threshold=1)
    assert [key for key, _ in inputs.columns] == ["NORTH", "SOUTH"]
    assert {cell: (n, k) for cell, (n, k, *_) in inputs.cells.items()} == {
        ("female", "NORTH"): (2, 1),
        ("male", "SOUTH"): (3, 0),
    }
    any_programme = participation_inputs(characteristic="sex", programme="any", period=year, threshold=1)
    assert {cell: k for cell, (_, k, *_) in any_programme.cells.items()} == {
        ("female", "NORTH"): 1,
        ("male", "SOUTH"): 1,
    }
    with pytest.raises(ValueError, match="Unknown programme '999999'"):
        participation_inputs(characteristic="sex", programme="999999", period=year, threshold=1)


# --- the benchmark and the ratio -----------------------------------------------------------------


def test_the_representation_ratio_and_its_interval():
    r = representation(count=20, declared=100, community=0.1)
    assert (r.workforce_share, r.community_share, r.ratio) == (20.0, 10.0, 2.0)
    assert r.ratio_low < 2.0 < r.ratio_high and r.verdict == "Over-represented"
    assert representation(count=8, declared=100, community=0.1).verdict == "Could be proportionate"
    assert representation(count=25, declared=1000, community=0.038).verdict == "Under-represented"
    # A hidden figure gives no ratio, never a guess.
    assert representation(count=None, declared=100, community=0.1).ratio is None
    assert declared([5, None]) is None and declared([5, 10]) == 15 and declared([]) is None


def test_community_shares_are_over_the_categories_given_and_add_up_in_broad_groups():
    shares, errors = parse_benchmark(
        b"characteristic,category,share\nethnicity,White,80\nethnicity,Asian,10\nethnicity,black,5\n"
    )
    assert errors == []
    fine = community_shares(shares, "ethnicity", "fine")
    assert fine == pytest.approx({"white": 80 / 95, "asian": 10 / 95, "black": 5 / 95})
    assert community_shares(shares, "ethnicity", "broad") == pytest.approx({"white": 80 / 95, "minority": 15 / 95})
    assert community_shares(shares, "sex", "fine") == {}


# --- releases and the trend ----------------------------------------------------------------------


def test_the_workforce_is_kept_for_the_week_and_the_trend_has_a_column_a_week(force, pinned_clock):
    build_workforce(force, n=30)
    first = workforce_release_page(characteristic="sex", breakdown="unit", threshold=5)
    Person.objects.filter(rank_or_grade="Inspector").update(unit=force["south"])
    assert workforce_release_page(characteristic="sex", breakdown="unit", threshold=5) == first
    pinned_clock.move_to(datetime.datetime(2026, 6, 23, 9, 0, tzinfo=datetime.UTC))
    second = workforce_release_page(characteristic="sex", breakdown="unit", threshold=5)
    assert second != first
    trend = workforce_trend(characteristic="sex", breakdown="unit", threshold=5)
    assert [week for week, _ in trend] == [datetime.date(2026, 6, 22), datetime.date(2026, 6, 15)]
    assert [page for _, page in trend] == [second, first]


def test_the_workforce_page_shows_each_groups_ratio_from_published_figures_only():
    """Cell keys of 100 carry no noise, so the figures are exact: 60 White and 20 Asian people in
    North, 30 and 30 in South, a few in other groups (hidden); the benchmark gives White and
    Asian only, 75% and 25% of those two."""
    from types import SimpleNamespace

    from compliance.fairness.pages.workforce import workforce_context
    from compliance.fairness.selectors import PageInputs

    cells = {
        ("white", "NORTH"): (60, 0, 100, 0),
        ("asian", "NORTH"): (20, 0, 100, 0),
        ("white", "SOUTH"): (30, 0, 100, 0),
        ("asian", "SOUTH"): (30, 0, 100, 0),
        ("prefer_not_to_say", "NORTH"): (12, 0, 100, 0),
        ("prefer_not_to_say", "SOUTH"): (12, 0, 100, 0),
        ("black", "NORTH"): (4, 0, 100, 0),
        ("black", "SOUTH"): (5, 0, 100, 0),
        ("other", "NORTH"): (3, 0, 100, 0),
        ("other", "SOUTH"): (2, 0, 100, 0),
        ("mixed", "NORTH"): (1, 0, 100, 0),
        ("not_recorded", "SOUTH"): (2, 0, 100, 0),
    }
    inputs = PageInputs(
        characteristic="ethnicity",
        measure="workforce",
        breakdown="unit",
        columns=(("NORTH", "North"), ("SOUTH", "South")),
        cells=cells,
    )
    page = protect_workforce(inputs=inputs, grouping="fine", threshold=10)
    benchmark = SimpleNamespace(shares={"ethnicity": {"white": 60.0, "asian": 20.0}})
    context = workforce_context(page, benchmark, level=0.95)
    rows = {row["key"]: row for row in context["rows"]}
    white, asian = rows["white"]["representation"], rows["asian"]["representation"]
    assert (white.workforce_share, white.community_share, white.ratio) == (64.3, 75.0, 0.86)
    assert (asian.workforce_share, asian.community_share, asian.ratio) == (35.7, 25.0, 1.43)
    assert white.verdict == "Under-represented" and asian.verdict == "Over-represented"
    north_white = rows["white"]["cells"][0][1]
    assert (north_white.workforce_share, north_white.ratio) == (75.0, 1.0)
    # A category without a benchmark share has no ratio; "Prefer not to say" is left out of the shares.
    assert rows["prefer_not_to_say"]["representation"] is None and rows["mixed"]["representation"] is None
    # No benchmark: no ratios at all.
    assert not workforce_context(page, None, level=0.95)["benchmarked"]


# --- talent programmes ---------------------------------------------------------------------------


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _cohort_with(programme, people, *, opened: datetime.date, places: int, owner):
    """A cohort whose window opened on `opened` (it runs from 60 to 425 days later): everyone
    applies, the first `places` are offered a place."""
    from compliance.talent.services import application_score, application_submit, cohort_fill_places
    from tests.talent.builders import make_cohort

    cohort = make_cohort(programme=programme, today=opened, places=places)
    apps = [application_submit(person=p, cohort=cohort, statement="Hi", now=_at(opened)) for p in people]
    for i, app in enumerate(apps):
        application_score(actor=owner, application=app, score=9 - i, shortlisted=i < places, note="", now=_at(opened))
    cohort_fill_places(actor=owner, cohort=cohort, reason="Ranked", now=_at(opened))
    return cohort, apps


def test_taking_part_in_a_talent_programme_is_being_given_a_place(force):
    from compliance.talent.services import application_withdraw
    from tests.factories import UserFactory
    from tests.talent.builders import make_programme

    owner = UserFactory(username="owner")
    programme = make_programme(owners=[owner])
    north, south = force["north"], force["south"]
    start = datetime.date(2015, 1, 1)
    placed, not_chosen = person(north, sex="female", start_date=start), person(north, sex="female", start_date=start)
    withdrew, never = person(south, sex="male", start_date=start), person(south, sex="male", start_date=start)
    # Runs from 30 April 2025 to 30 April 2026: within the financial year 2025.
    _, apps = _cohort_with(programme, [placed, withdrew, not_chosen], opened=datetime.date(2025, 3, 1), places=2,
                           owner=owner)  # fmt: skip
    application_withdraw(actor=owner, application=apps[1], reason="Moved", now=_at(datetime.date(2025, 3, 5)))
    year = period_for("2025", WEEK)

    inputs = participation_inputs(characteristic="sex", programme=f"talent-{programme.pk}", period=year, threshold=1)

    assert {cell: (n, k) for cell, (n, k, *_) in inputs.cells.items()} == {
        ("female", "NORTH"): (2, 1),
        ("male", "SOUTH"): (2, 1),
    }
    assert never.pk  # counted among the workforce, not among those given a place
    earlier = participation_inputs(
        characteristic="sex", programme=f"talent-{programme.pk}", period=period_for("2024", WEEK), threshold=1
    )
    assert sum(k for _, k, *_ in earlier.cells.values()) == 0  # the cohort had not started
    for bad in ("talent-999999", "talent-x", f"talent-{programme.pk}-later"):
        with pytest.raises(ValueError, match="Unknown programme"):
            participation_inputs(characteristic="sex", programme=bad, period=year, threshold=1)


def test_promoted_within_18_months_of_completing_a_talent_programme(force):
    from compliance.talent.models import Application
    from compliance.talent.services import application_complete
    from tests.factories import UserFactory
    from tests.talent.builders import make_programme

    owner = UserFactory(username="owner")
    programme = make_programme(owners=[owner])
    north = force["north"]
    start = datetime.date(2015, 1, 1)
    soon, never, too_early = (person(north, sex=s, start_date=start) for s in ("female", "female", "male"))
    bystander = person(north, sex="male", start_date=start)
    # Runs from 30 April 2024 to 30 April 2025: it ended in the financial year 2025.
    cohort, _ = _cohort_with(programme, [soon, never, too_early], opened=datetime.date(2024, 3, 1), places=3,
                             owner=owner)  # fmt: skip
    for app in Application.objects.filter(cohort=cohort):
        application_complete(actor=owner, application=app, note="", now=_at(cohort.ends_on))

    def promoted(p, on):
        RankChange.objects.create(person=p, started_on=on, rank_or_grade="Sergeant", leadership_level="first_line",
                                  previous_rank_or_grade="Constable", previous_leadership_level="none",
                                  promotion=True, source="test", recorded_at=_at(on))  # fmt: skip

    promoted(soon, datetime.date(2025, 10, 1))
    promoted(too_early, datetime.date(2025, 1, 1))  # before the cohort ended
    promoted(bystander, datetime.date(2025, 10, 1))  # never took part: not counted at all
    year = period_for("2025", WEEK)

    inputs = participation_inputs(
        characteristic="sex", programme=f"talent-{programme.pk}-promoted", period=year, threshold=1
    )

    assert {cell: (n, k) for cell, (n, k, *_) in inputs.cells.items()} == {
        ("female", "NORTH"): (2, 1),
        ("male", "NORTH"): (1, 0),
    }


def test_the_fairness_analytics_never_read_a_self_declaration():
    """They count who took part from the applications; the answers to a programme's
    self-declaration are for the applicant alone."""
    from pathlib import Path

    import compliance.fairness

    root = Path(compliance.fairness.__file__).parent
    for source in root.rglob("*.py"):
        text = source.read_text()
        assert "SelfDeclaration" not in text and "selfdeclaration" not in text, source
