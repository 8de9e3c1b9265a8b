"""Imports for people in the admin: a file sent from a form is imported in the background, and
its page follows it from waiting to its report. HR's files are HR's alone; completion files are
the compliance administrators'."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.access import Role
from compliance.importing.units import import_units
from compliance.models import ImportJob
from compliance.people.models import Person
from tests.factories import UserFactory

from .test_import_people import UNITS, row, to_csv

pytestmark = pytest.mark.django_db

URL = "/admin/compliance/imports/"


def signed_in(client, *roles, superuser=False):
    user = UserFactory(username=f"u{UserFactory._meta.model.objects.count()}", roles=list(roles))
    if superuser:
        user.is_superuser = True
        user.save()
    client.force_login(user)
    return client


@pytest.fixture
def hr_client(client):
    import_units(UNITS)
    return signed_in(client, Role.HR_SERVICE)


def send(client, data: bytes, **fields):
    form = {"kind": "people", "file": SimpleUploadedFile("people.csv", data, "text/csv"), **fields}
    return client.post(URL, form)


def test_a_file_sent_from_the_page_is_imported_in_the_background_and_reported(
    hr_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = send(hr_client, to_csv([row("7001"), row("7002")]).encode())
    job = ImportJob.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"{URL}{job.pk}/")
    assert (job.kind, job.status, job.source, job.dry_run) == ("people", "queued", "admin", False)

    waiting = hr_client.get(response["Location"])
    assert waiting.status_code == 200
    assert "The file is waiting to be imported." in waiting.content.decode()
    assert "compliance/import-job" in waiting.content.decode()  # it follows the job without a reload
    assert hr_client.get(response["Location"] + "?status").json() == {
        "status": "queued",
        "progress": None,
        "message": "The file is waiting to be imported.",
    }

    for callback in queued:  # the worker's turn (tasks run in-process here)
        callback()
    done = hr_client.get(response["Location"])
    text = done.content.decode()
    assert "Created 2, updated 0, deactivated 0, unchanged 0, rejected 0." in text
    assert "17/06/2026 09:30" in text  # sent at, in the force's time
    assert "<td>2</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td>" in text
    assert "compliance/import-job" not in text
    assert hr_client.get(response["Location"] + "?status").json()["status"] == "done"
    assert set(Person.objects.values_list("staff_number", flat=True)) >= {"7001", "7002"}
    # The list shows it, newest first, with its outcome.
    listing = hr_client.get(URL).content.decode()
    assert f'href="{URL}{job.pk}/"' in listing and "Done" in listing


def test_a_file_with_wrong_rows_writes_nothing_and_lists_the_errors(
    hr_client, django_capture_on_commit_callbacks, settings
):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "IMPORT_ERRORS_LISTED": 2}
    rows = [row("7100")] + [row(str(7101 + n), email="not-an-email") for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        location = send(hr_client, to_csv(rows).encode())["Location"]
    text = hr_client.get(location).content.decode()
    assert "The import failed" in text
    assert "5 error(s) in 5 of 6 row(s): nothing was written." in text
    assert text.count("<td>email</td>") == 2
    assert "And 3 more, not listed" in text
    assert not Person.objects.filter(staff_number="7100").exists()


def test_asking_for_the_right_rows_imports_them_and_lists_the_others(hr_client, django_capture_on_commit_callbacks):
    rows = [row("7200"), row("7201", email="not-an-email")]
    with django_capture_on_commit_callbacks(execute=True):
        location = send(hr_client, to_csv(rows).encode(), skip_invalid="on")["Location"]
    text = hr_client.get(location).content.decode()
    assert "right rows imported and the others listed" in text
    assert "<td>3</td><td>email</td>" in text
    assert Person.objects.filter(staff_number="7200").exists()


def test_a_check_only_import_changes_nothing(hr_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        location = send(hr_client, to_csv([row("7300")]).encode(), dry_run="on")["Location"]
    assert "Dry run, nothing written" in hr_client.get(location).content.decode()
    assert not Person.objects.filter(staff_number="7300").exists()


def test_bad_uploads_are_refused_on_the_form_naming_the_problem(hr_client, settings):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "IMPORT_MAX_BYTES": 100}
    too_big = send(hr_client, b"x" * 101)
    assert too_big.status_code == 200
    assert "The file is 101 bytes: the most an import takes is 100." in too_big.content.decode()
    bad_mapping = hr_client.post(
        URL,
        {
            "kind": "people",
            "file": SimpleUploadedFile("p.csv", b"staff_number\n1\n"),
            "mapping": SimpleUploadedFile("m.json", b"\xff\xfe"),
        },
    )
    assert "The mapping file is not UTF-8 text." in bad_mapping.content.decode()
    no_kind = hr_client.post(URL, {"kind": "equality", "file": SimpleUploadedFile("p.csv", b"a\n")})
    assert "Select a valid choice" in no_kind.content.decode()
    assert not ImportJob.objects.exists()


def test_hr_files_are_hr_s_alone_and_completion_files_the_administrators(client, django_capture_on_commit_callbacks):
    import_units(UNITS)
    hr = signed_in(client, Role.HR_SERVICE)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = send(hr, to_csv([row("7400")]).encode())["Location"]
    client.logout()

    admin = signed_in(client, Role.COMPLIANCE_ADMIN)
    page = admin.get(URL).content.decode()
    assert 'value="completions"' in page and 'value="people"' not in page
    assert admin.get(job_url).status_code == 404
    assert admin.get(job_url + "?status").status_code == 404
    refused = send(admin, to_csv([row("7401")]).encode())
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    client.logout()

    # Wagtail sends someone in the admin without the right back to the dashboard, with a message.
    for roles in ([Role.LD_LEAD], [Role.DI_ANALYST]):
        signed_in(client, *roles)
        for url in (URL, job_url, job_url + "?status"):
            response = client.get(url)
            assert (response.status_code, response["Location"]) == (302, "/admin/")
        client.logout()
    signed_in(client)  # a learner: no admin at all
    assert client.get(job_url)["Location"] == f"/admin/login/?next={job_url}"
    client.logout()
    assert client.get(URL)["Location"] == f"/admin/login/?next={URL}"

    signed_in(client, superuser=True)
    assert client.get(job_url).status_code == 200


def test_an_hr_file_check_is_not_an_import(client):
    import_units(UNITS)
    hr = signed_in(client, Role.HR_SERVICE, Role.COMPLIANCE_ADMIN)
    hr.post("/admin/compliance/hr-file-check/", {"file": SimpleUploadedFile("p.csv", to_csv([row("7500")]).encode())})
    check = ImportJob.objects.get()
    assert check.source == "admin-check"
    assert hr.get(f"{URL}{check.pk}/").status_code == 404
    assert f"{URL}{check.pk}/" not in hr.get(URL).content.decode()
