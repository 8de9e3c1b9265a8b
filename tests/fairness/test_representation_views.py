"""The representation and progression pages: who may see them (exact statuses), the audit of
every view and export, hostile choices, CSV exports that hold only published values, and
loading the community benchmark: all or nothing, every problem named by row and column."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.fairness.models import CommunityBenchmark
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PAGES = [
    "/fairness/workforce/",
    "/fairness/workforce/csv/",
    "/fairness/progression/",
    "/fairness/progression/csv/",
    "/fairness/participation/",
    "/fairness/participation/csv/",
    "/fairness/benchmark/",
]
GOOD = (
    "characteristic,category,share\r\n"
    "ethnicity,White,88.2\r\n"
    "ethnicity,Asian or Asian British,6.1\r\n"
    "ethnicity,black,2.2\r\n"
    "ethnicity,Mixed or multiple ethnic groups,2.0\r\n"
    "ethnicity,Other ethnic group,1.0\r\n"
    "Sex,Female,51%\r\n"
    "sex,male,49\r\n"
)


@pytest.fixture
def analyst_client(client, small):
    client.force_login(small.analyst.user)
    return client


def upload(client, content: bytes | str, *, area="West Midshire force area", source="Census 2021 (illustrative)"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        "/fairness/benchmark/", {"area": area, "source": source, "file": SimpleUploadedFile("shares.csv", data)}
    )


@pytest.mark.parametrize("url", PAGES)
def test_only_the_analyst_may_see_them(client, small, url):
    assert client.get(url).status_code == 302  # to sign in
    assert client.get(url)["Location"].startswith("/accounts/login/")
    manager = make_person(unit=small.force)
    client.force_login(manager.user)
    assert client.get(url).status_code == 403
    for role in (Role.COMPLIANCE_ADMIN, Role.LD_LEAD, Role.HR_SERVICE):
        other = make_person(unit=small.force, roles=[role])
        client.force_login(other.user)
        assert client.get(url).status_code == 403, role
    boss = get_user_model().objects.create_superuser("root", "root@force.example", "x")
    client.force_login(boss)
    assert client.get(url).status_code == 403
    client.force_login(small.analyst.user)
    assert client.get(url).status_code == 200


def test_a_benchmark_upload_by_anyone_else_is_refused(client, small):
    manager = make_person(unit=small.force)
    client.force_login(manager.user)
    assert upload(client, GOOD).status_code == 403
    assert CommunityBenchmark.objects.count() == 0


def test_every_view_and_export_is_audited(analyst_client, small):
    before = AuditEvent.objects.count()
    analyst_client.get("/fairness/workforce/?characteristic=sex&breakdown=unit")
    analyst_client.get("/fairness/workforce/csv/?characteristic=sex&breakdown=unit")
    analyst_client.get("/fairness/progression/?measure=leadership_entry&period=2025")
    analyst_client.get("/fairness/participation/csv/?characteristic=religion")
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.source, e.actor_id, e.object_id) for e in events] == [
        ("fairness_view", "site", small.analyst.user.pk, "workforce/sex/unit"),
        ("fairness_export", "site", small.analyst.user.pk, "workforce/sex/unit"),
        ("fairness_view", "site", small.analyst.user.pk, "leadership_entry/ethnicity/level/2025"),
        ("fairness_export", "site", small.analyst.user.pk, "participation/religion/unit/2026"),
    ]
    assert events[1].changes == {
        "parameters": {
            "measure": "workforce",
            "characteristic": "sex",
            "breakdown": "unit",
            "grouping": "fine",
            "level": "95",
            "format": "csv",
        }
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/fairness/workforce/?breakdown=salary", "Broken down by: &#x27;salary&#x27; is not one of the choices."),
        ("/fairness/workforce/?person=12", "Unknown parameter(s): person."),
        ("/fairness/workforce/?characteristic=sex&characteristic=religion", "Give each of characteristic once."),
        ("/fairness/progression/?period=2019", "Financial year: &#x27;2019&#x27; is not one of the choices."),
        ("/fairness/progression/?measure=demotion", "Measure: &#x27;demotion&#x27; is not one of the choices."),
        ("/fairness/participation/?programme=999", "Programme: &#x27;999&#x27; is not one of the choices."),
        ("/fairness/participation/?programme=%00", "Programme: &#x27;\x00&#x27; is not one of the choices."),
    ],
)
def test_bad_choices_are_explained_with_a_400(analyst_client, url, message):
    before = AuditEvent.objects.count()
    response = analyst_client.get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert message.replace("\x00", "") in body.replace("\x00", "") or message in body
    assert 'role="alert"' in body
    assert AuditEvent.objects.count() == before  # nothing shown, nothing to audit


@pytest.mark.parametrize("url", ["/fairness/workforce/csv/?x=1", "/fairness/progression/csv/?period=1999"])
def test_a_bad_export_is_a_400_page_not_a_file(analyst_client, url):
    response = analyst_client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "The export could not be made" in response.content.decode()


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_workforce_csv_holds_its_metadata_and_only_published_values(analyst_client, small):
    assert upload(analyst_client, GOOD).status_code == 302
    response = analyst_client.get("/fairness/workforce/csv/?characteristic=ethnicity&breakdown=unit")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="fairness-workforce-ethnicity-by-unit-2026-06-17.csv"'
    )
    rows = read_csv(response)
    fields = {row[0]: row[1] for row in rows[: rows.index([])]}
    assert fields["Title"] == "Workforce by ethnicity and unit"
    assert fields["Threshold"] == "10 people"
    assert "West Midshire force area" in fields["Population"] and "Census 2021 (illustrative)" in fields["Population"]
    assert "cell-key method" in fields["Method"]
    header = rows[rows.index([]) + 1]
    assert header[:6] == ["Table", "Characteristic", "Category", "Breakdown", "Column", "People"]
    body = rows[rows.index([]) + 2 :]
    # At the default threshold every category of this five-person force is hidden: no number shows.
    categories = [r for r in body if r[2] not in ("Everyone",)]
    assert categories and all(r[5] == "" and r[8] == "" and r[-1].startswith("Hidden") for r in categories)
    assert any(r[0].startswith("Trend: week of 15 June 2026") for r in body)


def test_the_pages_show_their_tables_with_perturbed_figures(analyst_client, small, settings):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "FAIRNESS_THRESHOLD": 1}
    upload(analyst_client, GOOD)
    body = analyst_client.get("/fairness/workforce/?characteristic=ethnicity&breakdown=worker_type").content.decode()
    assert "Headcount by ethnicity and worker type" in body
    assert "Representation by ethnicity against the community" in body
    assert "Compared with the community benchmark for <strong>West Midshire force area</strong>" in body
    assert "Perturbed figures" in body and "week by week" in body
    assert 'aria-current="page">Workforce and representation' in body
    body = analyst_client.get("/fairness/progression/?characteristic=sex&period=2025").content.decode()
    assert "Promotion by sex, April 2025 to March 2026" in body
    assert "Year by year" in body and "April 2024 to March 2025" in body
    body = analyst_client.get("/fairness/participation/").content.decode()
    assert "Taking part in any programme by ethnicity" in body
    # The training outcomes page has the same navigation.
    assert 'href="/fairness/workforce/"' in analyst_client.get("/fairness/").content.decode()


# --- the community benchmark --------------------------------------------------------------------


def test_a_good_benchmark_is_kept_audited_and_shown(analyst_client, small):
    response = upload(analyst_client, "\ufeff" + GOOD)
    assert response.status_code == 302 and response["Location"] == "/fairness/benchmark/?loaded=1"
    benchmark = CommunityBenchmark.objects.get()
    assert benchmark.area == "West Midshire force area" and benchmark.source == "Census 2021 (illustrative)"
    assert benchmark.shares == {
        "ethnicity": {"white": 88.2, "asian": 6.1, "black": 2.2, "mixed": 2.0, "other": 1.0},
        "sex": {"female": 51.0, "male": 49.0},
    }
    assert benchmark.loaded_by == small.analyst.user
    event = AuditEvent.objects.get(action="fairness_benchmark_loaded")
    assert (event.actor, event.object_id) == (small.analyst.user, str(benchmark.pk))
    body = analyst_client.get("/fairness/benchmark/?loaded=1").content.decode()
    assert "The benchmark was loaded." in body and "Asian or Asian British" in body and "88.2" in body


BAD = [
    ("", ["CSV file: The file is empty: it needs a header row and at least one share."]),
    ("\n\n", ["The file is empty: it needs a header row and at least one share."]),
    (
        "group,share\nethnicity,3\n",
        [
            "Row 1: the header must name the columns characteristic, category, share "
            "(missing: characteristic, category; found: group, share)."
        ],
    ),
    (
        "characteristic,category,share,notes\n",
        ["Row 1: unknown column(s) notes; use only characteristic, category, share."],
    ),
    (
        "characteristic,category,share\nethnicity,White,80\nheight,tall,3\n"
        "ethnicity,Asian,ten\nsex,Prefer not to say,2\n",
        [
            "Row 3, column characteristic: 'height' is not a characteristic; use one of: "
            "sex, ethnicity, disability, sexual_orientation, religion, age_band.",
            "Row 4, column share: 'ten' is not a number (per cent, e.g. 4.5).",
            "Row 5, column category: 'Prefer not to say' is not a community category of sex; use one of: Female, Male.",
        ],
    ),
    (
        "characteristic,category,share\nethnicity,White,80\nethnicity,white,5\nsex,female,101\n"
        "religion,none,40\nreligion,christian,70\n",
        [
            "Row 3, column category: white of ethnicity is already given on row 2.",
            "Row 4, column share: 101 is not a share between 0 and 100 per cent.",
            "column share: the shares of religion add up to 110%, more than 100.",
        ],
    ),
    ("characteristic,category,share\nsex,female\n", ["Row 2: 2 values where the header has 3."]),
    (b"\xff\xfe\x00b\x00a\x00d", ["The file is not UTF-8 text: save it as 'CSV UTF-8' and load it again."]),
    (b"PK\x03\x04\x00\x00binary", ["The file is not a CSV file (it holds binary data)."]),
]


@pytest.mark.parametrize(("content", "errors"), BAD)
def test_a_bad_benchmark_is_refused_whole_with_every_problem_named(analyst_client, small, content, errors):
    upload(analyst_client, GOOD)
    response = upload(analyst_client, content, area="Another area")
    assert response.status_code == 400
    body = response.content.decode()
    assert "The benchmark was not loaded" in body and "Nothing was kept." in body
    from html import unescape

    listed = [unescape(item.split("</li>")[0]) for item in body.split("<li>")[1:] if "</li>" in item]
    assert [e for e in listed if e in errors] == errors
    assert CommunityBenchmark.objects.get().area == "West Midshire force area"  # the old one stays
    assert AuditEvent.objects.filter(action="fairness_benchmark_loaded").count() == 1


def test_a_benchmark_needs_its_area_source_and_file(analyst_client, small):
    response = analyst_client.post("/fairness/benchmark/", {"area": "", "source": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Area: Say which area the shares describe." in body
    assert "Source: Say where the shares come from." in body
    assert "CSV file: Choose the CSV file of population shares." in body
    assert CommunityBenchmark.objects.count() == 0


def test_a_huge_benchmark_file_is_refused(analyst_client, small):
    response = upload(analyst_client, b"characteristic,category,share\n" + b"sex,female,1\n" * 100_000)
    assert response.status_code == 400
    assert "The file is larger than 1024 KB; a benchmark is a few rows." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/fairness/workforce/?characteristic=religion&breakdown=unit",
        "/fairness/progression/?characteristic=religion",
        "/fairness/participation/?characteristic=religion",
    ],
)
def test_a_page_takes_the_same_number_of_queries_however_many_people(analyst_client, small, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from compliance.fairness.models import Release
    from tests.fairness.conftest import build_more_people

    assert analyst_client.get(url).status_code == 200  # the session, the site: once per client
    Release.objects.all().delete()
    with CaptureQueriesContext(connection) as before:
        assert analyst_client.get(url).status_code == 200
    Release.objects.all().delete()
    build_more_people(small, 30)
    with CaptureQueriesContext(connection) as after:
        assert analyst_client.get(url).status_code == 200
    assert len(after) == len(before)


def test_a_talent_programme_is_chosen_on_the_participation_page(analyst_client, small, settings):
    from tests.talent.builders import make_programme

    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "FAIRNESS_THRESHOLD": 1}
    programme = make_programme(title="Future Supers")
    page = analyst_client.get("/fairness/participation/")
    assert f'<option value="talent-{programme.pk}">Future Supers: given a place</option>' in page.content.decode()
    body = analyst_client.get(
        f"/fairness/participation/?characteristic=sex&period=2025&programme=talent-{programme.pk}-promoted"
    ).content.decode()
    assert "Future Supers: promoted within 18 months of completing by sex, April 2025 to March 2026" in body
    assert "Of the people who completed a cohort of the talent programme that ended in the financial year" in body
    export = analyst_client.get(f"/fairness/participation/csv/?programme=talent-{programme.pk}")
    assert export.status_code == 200
    assert analyst_client.get("/fairness/participation/?programme=talent-0").status_code == 400
