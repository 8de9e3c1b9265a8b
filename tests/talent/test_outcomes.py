"""Outcomes and the board report: what became of a cohort's participants within 6, 12 and 18
months of its end, from HR's rank history and functions, beside similar colleagues who did not
take part; as a page, a CSV and a workbook, for the programme's owners and the force's report
readers."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from compliance.people.models import Function, PersonFunction, RankChange
from compliance.talent.models import Application
from compliance.talent.selectors import cohort_report
from compliance.talent.services import (
    application_complete,
    application_score,
    application_submit,
    application_withdraw,
    cohort_fill_places,
)
from tests.factories import UserFactory, make_person
from tests.talent.builders import make_cohort

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 17)  # the suite's pinned day
OPENED = datetime.date(2024, 4, 1)  # the cohort ran from 31 May 2024 to 31 May 2025


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def promote(person, on: datetime.date, to: str = "Sergeant") -> None:
    RankChange.objects.create(
        person=person,
        started_on=on,
        rank_or_grade=to,
        leadership_level="first_line",
        previous_rank_or_grade=person.rank_or_grade,
        previous_leadership_level=person.leadership_level,
        promotion=True,
        source="test",
        recorded_at=at(on),
    )
    person.rank_or_grade, person.leadership_level = to, "first_line"
    person.save(update_fields=["rank_or_grade", "leadership_level"])


@pytest.fixture
def finished(team, programme):
    """A cohort of constables that ended on 31 May 2025: five applied, four were offered a place,
    one of them withdrew and three completed; the fifth was not selected."""
    cohort = make_cohort(programme=programme, today=OPENED, places=4, ranks=["Constable"], panel=[team.panellist])
    people = [
        make_person(
            username=f"p{i}",
            manager=team.sgt,
            unit=team.team_a,
            last_name=f"Part{i}",
            start_date=datetime.date(2016, 1, 1),
        )  # fmt: skip
        for i in range(5)
    ]
    apps = [application_submit(person=p, cohort=cohort, statement="Hi", now=at(OPENED)) for p in people]
    for i, app in enumerate(apps):
        application_score(actor=team.owner, application=app, score=9 - i, shortlisted=i < 4, note="", now=at(OPENED))
    cohort_fill_places(actor=team.owner, cohort=cohort, reason="Ranked", now=at(OPENED))
    application_withdraw(actor=team.owner, application=apps[3], reason="Moved away", now=at(OPENED))
    for app in apps[:3]:
        application_complete(actor=team.owner, application=app, note="Done", now=at(cohort.ends_on))
    return cohort, people


def test_outcomes_within_each_window_beside_similar_colleagues(team, finished):
    cohort, people = finished
    end = cohort.ends_on
    assert end == datetime.date(2025, 5, 31)
    # Participants: one promoted within 6 months, one within 12, one gained a specialism.
    promote(people[0], end + datetime.timedelta(days=100))
    promote(people[1], end + datetime.timedelta(days=300))
    firearms, _ = Function.objects.get_or_create(code="firearms", defaults={"name": "Firearms"})
    PersonFunction.objects.create(person=people[2], function=firearms, gained_on=end + datetime.timedelta(days=30))
    # Similar colleagues: constables serving throughout who took no place (the one not selected
    # included, the one who withdrew not): Priya, Quinn, Sam and Part4. Rhys joined later; the
    # sergeant and the inspector held other ranks. One is promoted within 6 months, one leaves.
    priya, quinn, rhys = team.pcs
    promote(priya, end + datetime.timedelta(days=50))
    quinn.end_date = end + datetime.timedelta(days=200)
    quinn.save(update_fields=["end_date"])
    promote(rhys, end + datetime.timedelta(days=20))  # not similar: joined in 2025
    promote(people[3], end + datetime.timedelta(days=20))  # withdrew from a place: not similar either

    report = cohort_report(cohort=cohort, today=TODAY)

    assert (report.applied, report.offered, report.completed, report.withdrawn) == (5, 4, 3, 1)
    assert report.comparison_size == 4
    six, twelve, eighteen = (report.outcome("promoted", m) for m in (6, 12, 18))
    assert (six.participants, six.rate, six.comparison_rate) == (1, 1 / 3, 1 / 4)
    assert (twelve.participants, twelve.rate_percent, twelve.comparison_percent) == (2, "67%", "25%")
    assert (eighteen.participants, eighteen.rate, eighteen.ends_on) == (None, None, datetime.date(2026, 11, 30))
    assert report.outcome("specialism", 6).participants == 1
    assert report.outcome("left", 6).comparison_rate == 0
    assert report.outcome("left", 12).comparison_rate == 1 / 4


def test_the_comparison_is_weighted_to_the_participants_mix_of_ranks(team, programme):
    """Two participants were constables and one a sergeant when the cohort began; the constables
    around them were promoted at 1 in 2, the sergeants at 0 in 1: similar colleagues are promoted
    at 2/3 x 1/2 + 1/3 x 0 = 1/3, not at the pooled 1 in 3 by chance alone."""
    cohort = make_cohort(programme=programme, today=OPENED, places=3)
    start = datetime.date(2016, 1, 1)
    joined = [
        make_person(username="c1", start_date=start),
        make_person(username="c2", start_date=start),
        make_person(username="s1", start_date=start, rank_or_grade="Sergeant", leadership_level="first_line"),
    ]
    for person in joined:
        app = application_submit(person=person, cohort=cohort, statement="Hi", now=at(OPENED))
        application_score(actor=team.owner, application=app, score=5, shortlisted=True, note="", now=at(OPENED))
    cohort_fill_places(actor=team.owner, cohort=cohort, reason="All", now=at(OPENED))
    for app in Application.objects.filter(cohort=cohort):
        application_complete(actor=team.owner, application=app, note="", now=at(cohort.ends_on))
    # Around them: Priya and Sam, constables, one promoted; Alys, the sergeant, not; Quinn left
    # before the cohort ended, so is not similar.
    promote(team.pcs[0], cohort.ends_on + datetime.timedelta(days=10))
    team.pcs[1].end_date = cohort.starts_on + datetime.timedelta(days=10)
    team.pcs[1].save(update_fields=["end_date"])
    # The inspector and the staff member held ranks no participant held.
    report = cohort_report(cohort=cohort, today=TODAY)
    promoted = report.outcome("promoted", 6)
    assert promoted.participants == 0
    assert promoted.comparison_rate == pytest.approx(2 / 3 * 1 / 2 + 1 / 3 * 0)
    assert report.comparison_size == 3


def test_the_rank_held_on_the_first_day_is_read_from_the_history(team, programme, finished):
    """A participant promoted since is compared with the rank they held when the cohort began."""
    cohort, people = finished
    promote(people[0], cohort.ends_on + datetime.timedelta(days=10))
    report = cohort_report(cohort=cohort, today=TODAY)
    # Everyone similar is still a constable's peer: the sergeant is not among them.
    assert report.comparison_size == 4


def _client_as(client, user):
    client.force_login(user)
    return client


def test_the_board_report_page_and_its_downloads(client, team, programme, finished):
    cohort, people = finished
    promote(people[0], cohort.ends_on + datetime.timedelta(days=100))
    make_cohort(programme=programme, today=TODAY, name="Not started yet")
    url = f"/programmes/{programme.pk}/report/"

    page = _client_as(client, team.owner).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Board report: Future Leaders" in text and cohort.name in text and "Not started yet" not in text
    assert "Not yet: the 18 months end on 30 November 2026" in text
    assert "Part0" not in text and "Part1" not in text  # no names

    rows = list(csv.reader(io.StringIO(b"".join(client.get(url + "csv/").streaming_content).decode("utf-8-sig"))))
    assert rows[0][:7] == ["Cohort", "Started", "Ended", "Applied", "Offered a place", "Completed",
                           "Withdrew from a place"]  # fmt: skip
    assert rows[1][:7] == [cohort.name, "2024-05-31", "2025-05-31", "5", "4", "3", "1"]
    assert rows[1][rows[0].index("Promoted within 6 months")] == "1"
    assert rows[1][rows[0].index("Promoted within 18 months")] == ""  # not yet
    workbook = client.get(url + "xlsx/")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert [c.value for c in sheet[2]][3:7] == [5, 4, 3, 1]


def test_the_board_report_is_for_the_owners_and_the_force_report_readers(client, team, programme, finished):
    url = f"/programmes/{programme.pk}/report/"
    assert _client_as(client, team.pcs[0].user).get(url).status_code == 403
    assert _client_as(client, team.panellist).get(url).status_code == 403  # a panel selects, it is not the board
    reader = UserFactory(username="reader", roles=["L&D lead"])
    assert _client_as(client, reader).get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302
    assert _client_as(client, team.owner).get("/programmes/999999/report/").status_code == 404


def test_the_report_reads_a_few_queries_a_cohort(client, team, programme, finished):
    client.force_login(team.owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/programmes/{programme.pk}/report/").status_code == 200
        return len(captured)

    one = queries()
    for n in range(3):
        past = make_cohort(programme=programme, today=OPENED - datetime.timedelta(days=400 * (n + 1)))
        application_submit(person=team.pcs[0], cohort=past, statement="Hi", now=at(past.applications_open_on))
    # Each cohort: its counts and its participants' outcomes (and, once someone has completed, those
    # of similar colleagues): the same few queries however many people it has.
    assert queries() == one + 3 * 2
