"""The export fit to publish: an accessible HTML page and a CSV, with their metadata, for the
analyst only, audited; the broader groups; refused choices."""

import csv
import io

import pytest

from compliance.access import Role
from compliance.audit.models import AuditEvent
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client, small):
    client.force_login(small.analyst.user)
    return client


def test_the_publication_page_and_csv_carry_their_metadata_and_are_audited(analyst_client, small):
    before = AuditEvent.objects.count()
    response = analyst_client.get("/fairness/publish/?characteristic=ethnicity&measure=lateness")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en-GB">' in body and "<main>" in body and "<caption>" in body
    for field in ("Counts taken", "Population", "Threshold", "Method", "Figure: Rate interval"):
        assert field in body
    assert "cell-key method" in body
    response = analyst_client.get("/fairness/publish/csv/?characteristic=ethnicity&measure=lateness&level=99")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    fields = {row[0]: row[1] for row in rows if len(row) == 2}
    assert fields["Threshold"] == "10 people" and fields["Confidence level"] == "99%"
    assert "Perturbed" in rows[rows.index([]) + 1]
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.changes["parameters"]["format"]) for e in events] == [
        ("fairness_publish", "html"),
        ("fairness_publish", "csv"),
    ]


def test_only_the_analyst_may_publish(client, small):
    other = make_person(unit=small.alpha, roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(other.user)
    assert client.get("/fairness/publish/").status_code == 403
    assert client.get("/fairness/publish/csv/").status_code == 403
    client.logout()
    assert client.get("/fairness/publish/").status_code == 302


def test_bad_choices_are_a_clear_400(analyst_client, small):
    for url in ("/fairness/publish/?grouping=tiny", "/fairness/publish/csv/?level=42", "/fairness/?grouping=x"):
        assert analyst_client.get(url).status_code == 400, url


def test_mostly_hidden_tables_offer_broader_groups(analyst_client, small):
    body = analyst_client.get("/fairness/?characteristic=ethnicity").content.decode()
    assert "Show broader groups" in body
    body = analyst_client.get("/fairness/?characteristic=ethnicity&grouping=broad").content.decode()
    assert "Ethnic minority groups" in body and "Show broader groups" not in body
