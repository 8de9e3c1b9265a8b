"""The HR endpoints: who may call them, the imports in every form, and the people list."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.importing.people import import_people
from compliance.people.models import OrgUnit, Person
from tests.api.conftest import client_for
from tests.compliance.test_import_hostile import FILE_ERRORS, ROW_ERRORS
from tests.compliance.test_import_people import row, to_csv, write_counts

PEOPLE = "/api/v1/hr/people/"
PEOPLE_IMPORT = "/api/v1/hr/people/import/"
UNITS_LIST = "/api/v1/hr/units/"
UNITS_IMPORT = "/api/v1/hr/units/import/"


@pytest.fixture
def admin(force):
    return client_for(roles=[Role.COMPLIANCE_ADMIN])


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status and isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    return error


# --- permissions -------------------------------------------------------------------------

ENDPOINTS = [
    ("get", PEOPLE),
    ("get", PEOPLE + "1000/"),
    ("get", UNITS_LIST),
    ("post", PEOPLE_IMPORT),
    ("post", UNITS_IMPORT),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_gets_401_in_the_error_shape(force, method, url):
    response = getattr(APIClient(), method)(url)
    error = assert_error_shape(response, 401, "not_authenticated")
    assert "Authentication credentials were not provided" in error["message"]
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
@pytest.mark.parametrize("token", [True, False], ids=["token", "session"])
def test_a_constable_without_a_role_gets_403_everywhere(force, method, url, token):
    client = client_for(token=token)
    Person.objects.filter(staff_number="1003").update(user=client.user)
    before = write_counts()
    if method == "post":
        response = client.post(url, data=to_csv([row("2000")]), content_type="text/csv")
    else:
        response = client.get(url)
    assert_error_shape(response, 403, "permission_denied")
    assert write_counts() == before


@pytest.mark.parametrize("role", [Role.LD_EDITOR, Role.DI_ANALYST, Role.LD_LEAD])
def test_a_token_without_the_hr_role_cannot_import(force, role):
    response = client_for(roles=[role]).post(PEOPLE_IMPORT, to_csv([row("2000")]), content_type="text/csv")
    error = assert_error_shape(response, 403, "permission_denied")
    assert "HR integration" in error["message"]
    assert not Person.objects.filter(staff_number="2000").exists()


def test_the_hr_token_imports_but_cannot_read_people(hr):
    """The issue gives the people list to compliance administrators and the import to the HR
    service: the HR system sends data, it has no need to read the force back."""
    assert_error_shape(hr.get(PEOPLE), 403)
    assert_error_shape(hr.get(PEOPLE + "1000/"), 403)
    assert_error_shape(hr.get(UNITS_LIST), 403)
    assert hr.post(PEOPLE_IMPORT, to_csv([row("2000")]), content_type="text/csv").status_code == 200


def test_importing_is_the_hr_services_own_right_not_a_compliance_administrators(admin, hr):
    refused = admin.post(PEOPLE_IMPORT, to_csv([row("2000")]), content_type="text/csv")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Only the HR integration account may import people and units."
    assert not Person.objects.filter(staff_number="2000").exists()
    response = hr.post(PEOPLE_IMPORT, to_csv([row("2000")]), content_type="text/csv")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="person_created", object_id=str(Person.objects.get(staff_number="2000").pk))
    assert event.actor == hr.user and event.source == "api:import_people"


# --- imports in every form -----------------------------------------------------------------


def test_multipart_upload_with_mapping(hr, tmp_path):
    text = to_csv([row("2000")]).replace("staff_number", "Employee No", 1)
    path = tmp_path / "people.csv"
    path.write_text(text)
    with path.open("rb") as upload:
        response = hr.post(
            PEOPLE_IMPORT,
            {"file": upload, "mapping": json.dumps({"Employee No": "staff_number"})},
            format="multipart",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1


def test_text_csv_body_with_bom_and_semicolons(hr):
    body = "\ufeff" + to_csv([row("2000"), row("2001", line_manager_staff_number="2000")], delimiter=";")
    response = hr.post(PEOPLE_IMPORT, body.encode(), content_type="text/csv; charset=utf-8")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 2


def test_json_rows(hr):
    rows = [
        {**row("2000"), "functions": ["firearms", "psd"], "leadership_level": None},
        {**row("2001"), "staff_number": 2001, "line_manager_staff_number": "2000"},
    ]
    response = hr.post(PEOPLE_IMPORT, {"rows": rows}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["applied"], body["errors"]) == (2, True, [])
    person = Person.objects.get(staff_number="2000")
    assert set(person.functions.values_list("code", flat=True)) == {"firearms", "psd"}
    again = hr.post(PEOPLE_IMPORT, {"rows": rows}, format="json").json()
    assert again["unchanged"] == 2 and again["message"].startswith("No changes")


def test_units_import(hr):
    response = hr.post(UNITS_IMPORT, "unit_code,name,parent_code\nT9,Team 9,RT1\n", content_type="text/csv")
    assert response.status_code == 200 and response.json()["created"] == 1
    assert OrgUnit.objects.filter(code="T9").exists()


def test_row_errors_are_a_400_listing_each_row_and_nothing_is_written(hr):
    before = write_counts()
    rows = [row("2000", email="bad"), row("2001", unit_code="NOPE"), row("1002", line_manager_staff_number="1004")]
    response = hr.post(PEOPLE_IMPORT, to_csv(rows), content_type="text/csv")
    error = assert_error_shape(response, 400, "invalid_rows")
    assert error["message"] == "3 error(s) in 3 of 3 row(s): nothing was written."
    errors = error["details"]["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [
        (2, "email"),
        (3, "unit_code"),
        (4, "line_manager_staff_number"),
    ]
    assert "cycle" in errors[2]["message"]
    assert write_counts() == before


def test_dry_run_and_skip_invalid_flags(hr):
    before = write_counts()
    response = hr.post(PEOPLE_IMPORT + "?dry_run=true", to_csv([row("2000")]), content_type="text/csv")
    assert response.status_code == 200 and response.json()["dry_run"] and not response.json()["applied"]
    assert write_counts() == before
    error = assert_error_shape(
        hr.post(PEOPLE_IMPORT + "?dry_run=1", to_csv([row("2000", email="x")]), content_type="text/csv"), 400
    )
    assert "nothing would be written" in error["message"]
    response = hr.post(
        PEOPLE_IMPORT + "?skip_invalid=yes", to_csv([row("2000"), row("2001", email="x")]), content_type="text/csv"
    )
    body = response.json()
    assert response.status_code == 200 and (body["created"], body["rejected"]) == (1, 1)
    assert body["errors"] == [{"row": 3, "column": "email", "message": "'x' is not a valid email address"}]


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"data": b"", "content_type": "text/csv"}, "invalid_file", "The file is empty."),
        ({"data": {"rows": []}, "format": "json"}, "invalid_file", "nothing to import"),
        ({"data": {"rows": "x"}, "format": "json"}, "invalid_file", 'list of row objects under "rows"'),
        ({"data": [1, 2], "format": "json"}, "invalid_file", 'list of row objects under "rows"'),
        ({"data": {"rows": [1]}, "format": "json"}, "invalid_file", "must be an object"),
        ({"data": {"rows": [{}], "mapping": ["x"]}, "format": "json"}, "invalid_file", "JSON object of headings"),
        ({"data": "{not json", "content_type": "application/json"}, "parse_error", "JSON parse error"),
        ({"data": {}, "format": "multipart"}, "invalid_file", "multipart field 'file'"),
        ({"data": "x", "content_type": "application/xml"}, "unsupported_media_type", "Unsupported media type"),
    ],
    ids=[
        "empty",
        "no-rows",
        "rows-not-list",
        "body-a-list",
        "row-not-object",
        "mapping-list",
        "bad-json",
        "no-file",
        "xml",
    ],
)
def test_bad_payloads_are_400s_in_the_error_shape(hr, kwargs, code, message):
    response = hr.post(PEOPLE_IMPORT, **kwargs)
    error = assert_error_shape(response, 415 if code == "unsupported_media_type" else 400, code)
    assert message in error["message"]


def test_bad_flag_and_mapping_parameters(hr):
    error = assert_error_shape(
        hr.post(PEOPLE_IMPORT + "?dry_run=perhaps", to_csv([row("2000")]), content_type="text/csv"), 400
    )
    assert "dry_run must be true or false" in error["message"]
    error = assert_error_shape(
        hr.post(PEOPLE_IMPORT + "?mapping=[1]", to_csv([row("2000")]), content_type="text/csv"), 400
    )
    assert "JSON object of headings" in error["message"]
    assert not Person.objects.filter(staff_number="2000").exists()


@pytest.mark.parametrize("case", list(FILE_ERRORS) + list(ROW_ERRORS))
def test_hostile_files_are_400s_never_500s(hr, case, settings):
    # Answered in the request, whatever their size (background imports: test_import_jobs.py).
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "IMPORT_BACKGROUND_BYTES": 50 * 1024 * 1024}
    content, message = (FILE_ERRORS | ROW_ERRORS)[case]
    content = content.encode() if isinstance(content, str) else content
    before = write_counts()
    response = hr.post(PEOPLE_IMPORT, content, content_type="text/csv")
    error = assert_error_shape(response, 400)
    if message.startswith("row "):
        where, reason = message.split(": ", 1) if ": " in message else (message, "")
        number, column = where.removeprefix("row ").split(", column ")
        assert any(
            e["row"] == int(number) and e["column"] == column and reason in e["message"]
            for e in error["details"]["errors"]
        ), error
    else:
        assert message in error["message"] or message in json.dumps(error.get("details", {}))
    assert write_counts() == before


# --- the people list -------------------------------------------------------------------------


def test_people_list_is_paginated_and_ordered(admin):
    response = admin.get(PEOPLE, {"page_size": 2})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    assert [p["staff_number"] for p in body["results"]] == ["1000", "1001"]
    page3 = admin.get(PEOPLE, {"page_size": 2, "page": 3}).json()
    assert [p["staff_number"] for p in page3["results"]] == ["1004"]
    first = body["results"][1]
    assert first["line_manager_staff_number"] == "1000" and first["unit_code"] == "RT1"
    assert first["leadership_level"] == "middle"


def test_people_list_filters(admin):
    import_people(to_csv([row("1004", line_manager_staff_number="1002", end_date="2025-01-01", functions="psd")]))

    def staff(**params):
        return sorted(p["staff_number"] for p in admin.get(PEOPLE, params).json()["results"])

    assert staff(is_active="false") == staff(is_active="no") == ["1004"]
    assert len(staff(is_active="true")) == 4
    assert staff(unit="LPA-N") == ["1000"]
    assert staff(leadership_level="first_line") == ["1002"]
    assert staff(worker_type="police_staff") == []
    assert len(staff(worker_type="police_officer")) == 5
    assert admin.get(PEOPLE + "1004/").json()["functions"] == ["psd"]


def test_people_list_bad_parameters_are_4xx_in_the_error_shape(admin):
    error = assert_error_shape(admin.get(PEOPLE, {"is_active": "perhaps"}), 400, "invalid")
    assert error["message"] == "is_active: Use true or false."
    assert_error_shape(admin.get(PEOPLE, {"page": 99}), 404)
    assert_error_shape(admin.get(PEOPLE + "NOPE/"), 404, "not_found")
    assert admin.get(PEOPLE, {"page_size": 10_000}).status_code == 200
    for page_size in ["0", "-1", "true", "null", "٣"]:
        error = assert_error_shape(admin.get(PEOPLE, {"page_size": page_size}), 400, "invalid")
        assert error["message"] == "page_size: Use a whole number from 1 to 500."
    error = assert_error_shape(admin.get(PEOPLE, {"leadership_level": "\x00"}), 400, "invalid")
    assert error["message"].startswith("leadership_level: ")
    assert_error_shape(admin.get(PEOPLE, {"worker_type": "astronaut"}), 400, "invalid")


def test_people_list_query_count_is_pinned_and_flat(admin):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(PEOPLE, {"page_size": 100}).status_code == 200
        return len(queries)

    small = count()
    more = [row(str(3000 + n), line_manager_staff_number="1002", functions="firearms;psd") for n in range(40)]
    import_people(to_csv(more))
    assert count() == small
    # Token, rights (the user's own and their groups'), count, page, functions.
    assert small == 6


def test_units_list(admin):
    body = admin.get(UNITS_LIST).json()
    assert [(u["code"], u["parent_code"]) for u in body["results"]][:2] == [("FORCE", None), ("LPA-N", "FORCE")]


def test_a_database_refusal_is_a_400_not_a_500(hr, monkeypatch):
    from django.db import IntegrityError

    from compliance.importing import people

    def refuse(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(people, "_apply", refuse)
    response = hr.post(PEOPLE_IMPORT, to_csv([row("2000")]), content_type="text/csv")
    error = assert_error_shape(response, 400, "rejected_by_database")
    assert "nothing was written" in error["message"] and "duplicate key" not in error["message"]


def test_a_50_mb_file_is_refused_at_once_with_413_and_nothing_read(hr):
    import time

    before = write_counts()
    body = to_csv([row("2000")]).encode() + b"9" * (50 * 1024 * 1024)
    started = time.monotonic()
    response = hr.post(PEOPLE_IMPORT, body, content_type="text/csv")
    assert time.monotonic() - started < 2
    error = assert_error_shape(response, 413, "file_too_large")
    assert error["message"].startswith("The file is 50.0 MB; the largest accepted is 25 MB. Nothing was read")
    assert write_counts() == before


@pytest.mark.parametrize("form", ["multipart", "csv", "json"])
def test_every_form_of_upload_has_the_limit(hr, settings, form):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "IMPORT_MAX_BYTES": 2000}
    text = to_csv([row(str(2000 + n)) for n in range(40)])
    assert len(text.encode()) > 2000
    if form == "multipart":
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = hr.post(PEOPLE_IMPORT, {"file": SimpleUploadedFile("p.csv", text.encode())}, format="multipart")
    elif form == "json":
        response = hr.post(PEOPLE_IMPORT, {"rows": [row(str(2000 + n)) for n in range(40)]}, format="json")
    else:
        response = hr.post(PEOPLE_IMPORT, text, content_type="text/csv")
    assert_error_shape(response, 413, "file_too_large")
    assert not Person.objects.filter(staff_number="2000").exists()


def test_a_file_of_errors_lists_the_first_200_and_counts_the_rest(hr):
    rows = [row(str(3000 + n), email="not-an-email") for n in range(1000)]
    response = hr.post(PEOPLE_IMPORT, to_csv(rows), content_type="text/csv")
    error = assert_error_shape(response, 400, "invalid_rows")
    assert error["message"] == "1000 error(s) in 1000 of 1000 row(s): nothing was written."
    details = error["details"]
    assert len(details["errors"]) == 200 and details["errors_total"] == 1000
    assert details["errors"][0] == {"row": 2, "column": "email", "message": details["errors"][0]["message"]}
