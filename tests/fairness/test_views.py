"""The fairness pages and API: who may see them, what every view and export writes to the audit
trail, hostile parameters, and that exports hold exactly the published tables."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.fairness.selectors import fairness_page
from tests.factories import make_person

pytestmark = pytest.mark.django_db

HOSTILE = [
    "?characteristic=height",
    "?measure=salary",
    "?breakdown=rank",
    "?characteristic=sex&characteristic=religion",
    "?person=123",
    "?characteristic=%00",
    "?characteristic=" + "x" * 5000,
    "?measure=completion'%20OR%201=1--",
    "?characteristic[]=sex",
    "?breakdown=<script>alert(1)</script>",
]


@pytest.fixture
def analyst_client(client, small):
    client.force_login(small.analyst.user)
    return client


def test_the_analyst_sees_the_table_with_overall_rate_and_gap(analyst_client, small, settings):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "FAIRNESS_THRESHOLD": 1}
    response = analyst_client.get("/fairness/?characteristic=sex&measure=completion&breakdown=unit")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Completion rate by sex and unit" in body
    assert "Prefer not to say" in body and "Not recorded" in body
    assert "[hidden]" in body  # zeros are hidden even at threshold 1
    assert "Everyone" in body and "Gap in points (95% interval)" in body
    assert "Perturbed figures" in body and "cell-key method" in body
    assert 'role="img"' in body and "the numbers" in body  # a chart, and its numbers in a table
    assert response["Cache-Control"] == "private, no-store"


def test_a_hidden_value_is_never_in_the_page(analyst_client, small):
    """At the default threshold every value of this small workforce is hidden: no count shows."""
    page = fairness_page(characteristic="sex", measure="completion", breakdown="unit")
    assert all(c.suppressed for row in page.rates.cells for c in row)
    body = analyst_client.get("/fairness/").content.decode()
    assert " of 2" not in body and " of 1" not in body


def test_every_view_and_export_is_audited(analyst_client, small):
    before = AuditEvent.objects.count()
    analyst_client.get("/fairness/?characteristic=religion&measure=lateness&breakdown=requirement")
    analyst_client.get("/fairness/csv/?characteristic=religion&measure=lateness&breakdown=requirement")
    analyst_client.get("/fairness/xlsx/?characteristic=age_band")
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.source, e.actor_id) for e in events] == [
        ("fairness_view", "site", small.analyst.user.pk),
        ("fairness_export", "site", small.analyst.user.pk),
        ("fairness_export", "site", small.analyst.user.pk),
    ]
    assert events[0].changes == {
        "parameters": {
            "characteristic": "religion",
            "measure": "lateness",
            "breakdown": "requirement",
            "grouping": "fine",
            "level": "95",
        }
    }
    assert events[1].changes["parameters"]["format"] == "csv"
    assert events[2].changes["parameters"] == {
        "characteristic": "age_band",
        "measure": "completion",
        "breakdown": "unit",
        "grouping": "fine",
        "level": "95",
        "format": "xlsx",
    }
    assert all(e.at is not None for e in events)


def test_refused_and_bad_requests_write_no_audit_of_a_view(client, analyst_client, small):
    before = AuditEvent.objects.count()
    analyst_client.get("/fairness/?measure=salary")
    other = make_person(unit=small.alpha, roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(other.user)
    assert client.get("/fairness/").status_code == 403
    assert AuditEvent.objects.count() == before


def test_exports_hold_exactly_the_published_tables(analyst_client, small, settings):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "FAIRNESS_THRESHOLD": 1}
    page = fairness_page(characteristic="sex", measure="completion", breakdown="requirement")
    response = analyst_client.get("/fairness/csv/?characteristic=sex&measure=completion&breakdown=requirement")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    published = [p for t in page.tables for row in t.cells for p in row] + [
        p for t in page.tables for p in (*t.row_totals, *t.column_totals, t.grand_total)
    ]
    assert len(rows) == len(published)
    for row in rows:
        if row["Hidden"]:
            assert row["People"] == row["Numerator"] == row["Rate (%)"] == row["Gap (percentage points)"] == ""
    female_r1 = next(
        r
        for r in rows
        if r["Table"].startswith("Completion")
        and r["Category"] == "Female"
        and r["Column"] == "R1 Learning from our History"
    )
    cell = page.rates.cell("female", str(small.r1.pk))
    assert (female_r1["People"], female_r1["Numerator"]) == (
        ("", "") if cell.suppressed else (str(cell.count), str(cell.numerator))
    )
    response = analyst_client.get("/fairness/xlsx/?characteristic=sex&measure=completion&breakdown=requirement")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert len(book.sheetnames) == 2
    assert sum(len(list(sheet.iter_rows())) - 1 for sheet in book) == len(rows)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_parameters_get_a_clear_400(analyst_client, small, query):
    for url in ("/fairness/", "/fairness/csv/", "/fairness/xlsx/"):
        response = analyst_client.get(url + query)
        assert response.status_code == 400, url + query
        assert "<script>alert" not in response.content.decode()
    api = APIClient()
    api.force_authenticate(small.analyst.user)
    response = api.get("/api/v1/fairness/" + query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_posting_is_refused(analyst_client, small):
    assert analyst_client.post("/fairness/").status_code == 405


def test_a_superuser_without_the_role_is_refused(client, small):
    boss = get_user_model().objects.create_superuser("root", "root@force.example", "pw")
    client.force_login(boss)
    assert client.get("/fairness/").status_code == 403
    api = APIClient()
    api.force_authenticate(boss)
    assert api.get("/api/v1/fairness/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, small):
    response = client.get("/fairness/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert APIClient().get("/api/v1/fairness/").status_code == 401


def test_the_navigation_offers_fairness_to_analysts_only(client, small):
    from django.test import Client

    analyst = Client()
    analyst.login(username="di.analyst", password="password-for-tests")
    assert 'href="/fairness/"' in analyst.get("/fairness/").content.decode()
    other = make_person(unit=small.alpha, username="someone.else")
    client.login(username=other.user.username, password="password-for-tests")
    assert 'href="/fairness/"' not in client.get("/my-training/").content.decode()


def test_the_api_gives_the_same_numbers_and_is_audited(small, settings):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "FAIRNESS_THRESHOLD": 1}
    api = APIClient()
    api.force_authenticate(small.analyst.user)
    before = AuditEvent.objects.count()
    response = api.get("/api/v1/fairness/?characteristic=sex&measure=lateness&breakdown=unit")
    assert response.status_code == 200
    data = response.json()
    page = fairness_page(characteristic="sex", measure="lateness", breakdown="unit")
    by_position = {(p["row"], p["column"]): p for p in data["rates"]}
    cell = page.rates.cell("female", "ALPHA")
    assert by_position[("female", "ALPHA")]["people"] == cell.count
    assert by_position[("female", "ALPHA")]["suppressed"] == cell.suppressed
    assert all(p["people"] is None for p in data["rates"] if p["suppressed"])
    assert "reason" not in data["rates"][0]
    event = AuditEvent.objects.order_by("pk")[before:].get()
    assert (event.action, event.source, event.actor_id) == ("fairness_view", "api", small.analyst.user.pk)


@pytest.mark.parametrize("breakdown", ["unit", "requirement"])
def test_the_page_takes_a_fixed_number_of_queries(analyst_client, small, breakdown):
    from tests.fairness.conftest import build_more_people

    url = f"/fairness/?characteristic=ethnicity&measure=completion&breakdown={breakdown}"
    analyst_client.get(url)
    with CaptureQueriesContext(connection) as before:
        analyst_client.get(url)
    build_more_people(small, 20)
    with CaptureQueriesContext(connection) as after:
        analyst_client.get(url)
    assert len(before) == len(after) <= 16  # session, user, role, site: and 2 for the table
