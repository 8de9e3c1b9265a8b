"""Checking an HR file in the admin: what an import would do, nothing written, and every value
the force's lists do not know settled in one step."""

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.importing.units import import_units
from compliance.models import ImportJob
from compliance.people.models import Function, Person, RankOrGrade
from tests.factories import UserFactory

from .test_import_people import UNITS, row, to_csv

pytestmark = pytest.mark.django_db

URL = "/admin/compliance/hr-file-check/"


@pytest.fixture
def admin_client(client):
    import_units(UNITS)
    admin = UserFactory(username="ca", roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(admin)
    client.user = admin
    return client


def their_file() -> bytes:
    rows = [
        row("2001", rank_or_grade="Det Sgt"),
        row("2002", rank_or_grade="Det Sgt"),
        row("2003", rank_or_grade="det-sgt"),
        row("2004", rank_or_grade="Band 7", worker_type="police_staff"),
        row("2005", functions="Taser trainer"),
        row("2006", unit_code="NOPE"),
    ]
    return to_csv(rows).encode()


def upload(client, data: bytes, mapping: bytes | None = None):
    files = {"file": SimpleUploadedFile("people.csv", data, "text/csv")}
    if mapping is not None:
        files["mapping"] = SimpleUploadedFile("mapping.json", mapping, "application/json")
    return client.post(URL, files)


def test_a_check_lists_every_unknown_value_once_and_writes_nothing(admin_client):
    response = upload(admin_client, their_file())
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"{URL}{job.pk}/"
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "nothing would be written" in text
    # One line for three rows: the spellings the import treats as one.
    assert '<th scope="row">Det Sgt</th>\n                  <td>3</td>' in text
    assert "Band 7" in text and "Taser trainer (1 row)" in text
    assert "Unknown values in unit_code" in text and "Import these units first" in text
    assert not Person.objects.exists()


def test_settling_the_values_in_one_step_fixes_every_row_and_is_audited(admin_client):
    job_url = upload(admin_client, their_file())["Location"]
    sergeant = RankOrGrade.objects.get(name="Sergeant")
    response = admin_client.post(
        job_url,
        {
            "rank-0": f"alias:{sergeant.pk}",  # Det Sgt (3 rows), the most frequent first
            "rank-1": "new",  # Band 7
            "rank-1-kind": "grade",
            "rank-1-level": "first_line",
            "function-0": "create",
        },
    )
    assert response.status_code == 302 and response["Location"] == job_url
    sergeant.refresh_from_db()
    assert "Det Sgt" in sergeant.aliases.split("; ")
    band = RankOrGrade.objects.get(name="Band 7")
    assert (band.kind, band.leadership_level) == ("grade", "first_line")
    assert Function.objects.filter(name="Taser trainer", code="taser-trainer").exists()
    actions = sorted(AuditEvent.objects.filter(actor=admin_client.user).values_list("action", flat=True))
    assert actions == ["function_created", "rank_alias_added", "rank_created"]
    text = admin_client.get(job_url).content.decode()
    assert "<h3>Ranks and grades</h3>" not in text and "Create these functions" not in text
    assert "Unknown values in unit_code" in text  # the unit is left for the file
    assert not Person.objects.exists()


def test_a_change_that_cannot_be_made_changes_nothing_and_says_why(admin_client):
    job_url = upload(admin_client, their_file())["Location"]
    sergeant = RankOrGrade.objects.get(name="Sergeant")
    full = "; ".join(f"Old name {n}" for n in range(17))[:195]
    RankOrGrade.objects.filter(pk=sergeant.pk).update(aliases=full)
    response = admin_client.post(
        job_url,
        {"rank-0": f"alias:{sergeant.pk}", "rank-1": "new", "rank-1-kind": "grade", "rank-1-level": "none"},
        follow=True,
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Sergeant has too many other names to add 'Det Sgt' (200 characters at most)" in text
    sergeant.refresh_from_db()
    assert sergeant.aliases == full
    assert not RankOrGrade.objects.filter(name="Band 7").exists()  # all or nothing
    assert not AuditEvent.objects.filter(action__startswith="rank_").exists()


@pytest.mark.parametrize(
    ("data", "mapping", "message"),
    [
        (b"PK\x03\x04rest-of-a-workbook", None, "is a spreadsheet workbook"),
        (b"staff_number\n1\n", None, "missing"),
        (b"staff_number\n" + b"\xff\xfe\x00bad", None, "UTF"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_on_the_page(admin_client, data, mapping, message):
    response = admin_client.get(upload(admin_client, data, mapping)["Location"])
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (json.dumps(["a list"]).encode(), "must be a JSON object of headings"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_bad_mapping_file_is_refused_on_the_form(admin_client, mapping, message):
    response = upload(admin_client, their_file(), mapping)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_only_compliance_administrators_and_only_their_own_check(admin_client, client):
    job_url = upload(admin_client, their_file())["Location"]
    other = UserFactory(roles=[Role.COMPLIANCE_ADMIN])
    admin_client.force_login(other)
    assert admin_client.get(job_url).status_code == 404
    for role in (Role.LD_LEAD, Role.HR_SERVICE):
        admin_client.force_login(UserFactory(roles=[role]))
        assert admin_client.get(URL).status_code == 302  # back to the admin: not theirs
        assert admin_client.get(job_url).status_code == 302


def test_a_new_check_replaces_the_last_and_its_file(admin_client):
    upload(admin_client, their_file())
    upload(admin_client, their_file())
    assert ImportJob.objects.count() == 1
