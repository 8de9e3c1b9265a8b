"""The HR people import: every error it must report, and every change a real HR file brings.

The helpers at the top are shared by the other import and HR API tests.
"""

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.audit.models import AuditEvent
from compliance.importing.people import COLUMNS, import_people
from compliance.importing.units import import_units
from compliance.people.models import Person, PersonFunction
from compliance.people.signals import people_changed

UNITS = (
    "unit_code,name,parent_code,kind\n"
    "FORCE,West Midshire Police,,force\n"
    "LPA-N,North LPA,FORCE,lpa\n"
    "RT1,Response Team 1,LPA-N,team\n"
    "RT2,Response Team 2,LPA-N,team\n"
)


def row(staff: str, **fields) -> dict[str, str]:
    """One people row with sensible values; override any column by keyword."""
    values = {
        "staff_number": staff,
        "first_name": "Alex",
        "last_name": f"Smith{staff}",
        "email": f"p{staff}@force.example",
        "worker_type": "police_officer",
        "rank_or_grade": "Constable",
        "leadership_level": "",
        "unit_code": "RT1",
        "line_manager_staff_number": "",
        "start_date": "2015-04-01",
        "role_start_date": "",
        "functions": "",
        "end_date": "",
    }
    values.update(fields)
    return values


def to_csv(rows: list[dict], *, delimiter: str = ",", columns: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    columns = columns or COLUMNS
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(c, "") for c in columns])
    return out.getvalue()


def tree_rows() -> list[dict]:
    """A superintendent over an inspector over a sergeant over two constables."""
    return [
        row("1000", rank_or_grade="Superintendent", unit_code="LPA-N"),
        row("1001", rank_or_grade="Inspector", line_manager_staff_number="1000"),
        row("1002", rank_or_grade="Sergeant", line_manager_staff_number="1001"),
        row("1003", line_manager_staff_number="1002"),
        row("1004", line_manager_staff_number="1002"),
    ]


@pytest.fixture
def units(db):
    report = import_units(UNITS)
    assert report.applied and not report.errors


@pytest.fixture
def tree(units):
    report = import_people(to_csv(tree_rows()))
    assert report.applied, report.errors
    return {p.staff_number: p for p in Person.objects.all()}


def run_command(name: str, content: bytes | str, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """Run an import command on a file; return (exit status, stdout, stderr) as a user sees them."""
    path = tmp_path / "upload.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return run_command_on(name, str(path), *args)


def run_command_on(name: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = 1
        err.write(f"CommandError: {exc}\n")
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def write_counts() -> tuple:
    """Everything an import writes, to show that a run wrote nothing."""
    return (
        Person.objects.count(),
        AuditEvent.objects.count(),
        PersonFunction.objects.count(),
        get_user_model().objects.count(),
        sorted(Person.objects.values_list("pk", "updated_at", "line_path")),
    )


# --- every error of the issue, through the command ------------------------------------------

ERROR_CASES = {
    "duplicate staff number": (
        [row("2000"), row("2000", first_name="Sam")],
        [(2, "staff_number", "duplicate staff number '2000'"), (3, "staff_number", "also on row 2")],
    ),
    "unknown unit": ([row("2000", unit_code="NOPE")], [(2, "unit_code", "unknown unit 'NOPE'")]),
    "manager not in file nor database": (
        [row("2000", line_manager_staff_number="9999")],
        [(2, "line_manager_staff_number", "'9999' is not in the file nor already loaded")],
    ),
    "cycle within the file": (
        [row("2000", line_manager_staff_number="2001"), row("2001", line_manager_staff_number="2000")],
        [(2, "line_manager_staff_number", "line-management cycle"), (3, "line_manager_staff_number", "cycle")],
    ),
    "own line manager": (
        [row("2000", line_manager_staff_number="2000")],
        [(2, "line_manager_staff_number", "cannot be their own line manager")],
    ),
    "bad date": ([row("2000", start_date="31/02/2026")], [(2, "start_date", "'31/02/2026' is not a real date")]),
    "bad month": ([row("2000", start_date="2026-13-01")], [(2, "start_date", "is not a real date")]),
    "two-digit year": ([row("2000", end_date="1/1/26")], [(2, "end_date", "'1/1/26' is not a date")]),
    "leaving before joining": (
        [row("2000", end_date="2014-01-01")],
        [(2, "end_date", "is before the start date")],
    ),
    "bad email": ([row("2000", email="not an email")], [(2, "email", "'not an email' is not a valid email")]),
    "email with spaces inside": ([row("2000", email="a b@force.example")], [(2, "email", "not a valid email")]),
    "unknown worker type": ([row("2000", worker_type="astronaut")], [(2, "worker_type", "unknown worker type")]),
    "missing required value": (
        [row("2000", first_name="", start_date="   ")],
        [(2, "first_name", "a value is required"), (2, "start_date", "a value is required")],
    ),
    "unknown rank": ([row("2000", rank_or_grade="Admiral")], [(2, "rank_or_grade", "unknown rank or grade")]),
    "unknown leadership level": (
        [row("2000", leadership_level="supreme")],
        [(2, "leadership_level", "unknown leadership level")],
    ),
    "unknown function": ([row("2000", functions="juggling")], [(2, "functions", "unknown function 'juggling'")]),
    "staff number with spaces": ([row("20 00")], [(2, "staff_number", "is not a staff number")]),
    "very long staff number": ([row("9" * 40)], [(2, "staff_number", "at most 32")]),
    "formula in a name": (
        [row("2000", first_name="=cmd|' /C calc'!A0")],
        [(2, "first_name", "like a spreadsheet formula")],
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_every_error_is_listed_with_row_and_column_and_nothing_is_written(case, tree, tmp_path):
    rows, expected = ERROR_CASES[case]
    before = write_counts()
    status, out, err = run_command("import_people", to_csv([*rows, row("3000")]), tmp_path)
    assert status == 1
    for number, column, reason in expected:
        line = next((line for line in err.splitlines() if f"row {number}, column {column}:" in line), "")
        assert reason in line, err
    assert "nothing was written" in err
    assert "Traceback" not in err + out
    assert write_counts() == before
    assert not Person.objects.filter(staff_number="3000").exists()


def test_cycle_across_file_and_database_is_refused(tree, tmp_path):
    # In the database 1001 manages 1002; the file makes 1002 manage 1001.
    status, _, err = run_command(
        "import_people", to_csv([row("1001", rank_or_grade="Inspector", line_manager_staff_number="1002")]), tmp_path
    )
    assert status == 1
    assert "row 2, column line_manager_staff_number: line-management cycle" in err
    assert "1001" in err and "1002" in err
    assert Person.objects.get(staff_number="1001").line_manager.staff_number == "1000"


def test_errors_are_all_listed_not_just_the_first(units, tmp_path):
    rows = [row(str(n), email="bad") for n in range(5000, 5040)]
    status, _, err = run_command("import_people", to_csv(rows), tmp_path)
    assert status == 1
    assert err.count("column email") == 40
    assert "row 41, column email" in err


# --- encodings, delimiters, mapping ---------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode(), id="utf8"),
        pytest.param(lambda text: "\ufeff".encode() + text.encode(), id="utf8-bom"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf16-with-bom"),
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_encodings_and_delimiters(units, tmp_path, encode, delimiter):
    rows = [row("2000", first_name="Zoë", last_name="Ní Bhriain"), row("2001", last_name="O'Brien, Jr")]
    status, out, err = run_command("import_people", encode(to_csv(rows, delimiter=delimiter)), tmp_path)
    assert status == 0, err
    assert "Created 2" in out
    assert Person.objects.get(staff_number="2000").last_name == "Ní Bhriain"
    assert Person.objects.get(staff_number="2001").last_name == "O'Brien, Jr"


def test_uk_and_iso_dates(units):
    import_people(to_csv([row("2000", start_date="01/09/2020", role_start_date="2021-03-31")]))
    person = Person.objects.get(staff_number="2000")
    assert person.start_date == datetime.date(2020, 9, 1)
    assert person.role_start_date == datetime.date(2021, 3, 31)


def test_mapping_file_renames_headings(units, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Employee Number": "staff_number", "Forename": "first_name", "Unit": "unit_code"}))
    text = to_csv([row("2000")]).replace("staff_number", "Employee Number", 1)
    text = text.replace("first_name", "Forename", 1).replace("unit_code", " UNIT ", 1)
    status, out, err = run_command("import_people", text, tmp_path, "--mapping", str(mapping))
    assert status == 0, err
    assert Person.objects.filter(staff_number="2000").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('["staff_number"]', "must be a JSON object of headings"),
        ('{"Employee Number": 5}', "must be a JSON object of headings"),
        ('{"Employee Number": "payroll_id"}', "unknown column(s) payroll_id"),
    ],
    ids=["invalid-json", "a-list", "not-strings", "unknown-column"],
)
def test_bad_mapping_files(units, tmp_path, content, message):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(content)
    status, _, err = run_command("import_people", to_csv([row("2000")]), tmp_path, "--mapping", str(mapping))
    assert status == 1
    assert message in err and "Nothing was written" in err
    assert not Person.objects.exists()


def test_mapping_file_missing_or_a_folder(units, tmp_path):
    for target, message in [(tmp_path / "nope.json", "No such file"), (tmp_path, "is a folder")]:
        status, _, err = run_command("import_people", to_csv([row("2000")]), tmp_path, "--mapping", str(target))
        assert status == 1 and message in err


def test_missing_column_is_named(units, tmp_path):
    status, _, err = run_command("import_people", "staff_number,first_name\n1,Al\n", tmp_path)
    assert status == 1
    assert "Missing required column(s): last_name, email" in err


def test_unknown_columns_are_ignored_and_said(units, tmp_path):
    text = to_csv([row("2000", notes="x")], columns=[*COLUMNS, "notes"])
    status, out, _ = run_command("import_people", text, tmp_path)
    assert status == 0
    assert "Ignored column(s): notes" in out


# --- dry run, skip invalid, re-import ------------------------------------------------------


def test_dry_run_writes_nothing_and_says_what_would_change(tree, tmp_path):
    before = write_counts()
    rows = [*tree_rows()[:4], row("1004", rank_or_grade="Sergeant"), row("2000", line_manager_staff_number="1002")]
    status, out, _ = run_command("import_people", to_csv(rows), tmp_path, "--dry-run")
    assert status == 0
    assert "Dry run, nothing written: would have created 1, updated 1" in out
    assert write_counts() == before


def test_dry_run_with_errors_fails(tree, tmp_path):
    status, out, err = run_command("import_people", to_csv([row("2000", email="x")]), tmp_path, "--dry-run")
    assert status == 1
    assert "nothing would be written" in out


def test_skip_invalid_applies_valid_rows_and_reports_the_rest(tree, tmp_path):
    rows = [row("2000"), row("2001", unit_code="NOPE"), row("2002", email="bad")]
    status, out, err = run_command("import_people", to_csv(rows), tmp_path, "--skip-invalid")
    assert status == 3
    assert "row 3, column unit_code" in err and "row 4, column email" in err
    assert "created 1" in out.lower() and "rejected 2" in out
    assert set(Person.objects.values_list("staff_number", flat=True)) >= {"2000"}
    assert not Person.objects.filter(staff_number__in=["2001", "2002"]).exists()


def test_skip_invalid_rejects_reports_of_a_rejected_new_manager(tree, tmp_path):
    rows = [
        row("2000", email="bad", rank_or_grade="Sergeant"),
        row("2001", line_manager_staff_number="2000"),
        row("2002", line_manager_staff_number="2001"),
        row("2003", line_manager_staff_number="1002"),
    ]
    status, _, err = run_command("import_people", to_csv(rows), tmp_path, "--skip-invalid")
    assert status == 3
    assert "row 3, column line_manager_staff_number: line manager '2000' is on a row that has errors" in err
    assert "row 4, column line_manager_staff_number: line manager '2001' is on a row that has errors" in err
    assert set(Person.objects.filter(staff_number__startswith="200").values_list("staff_number", flat=True)) == {"2003"}


def test_skip_invalid_keeps_reports_of_a_rejected_row_whose_manager_is_loaded(tree, tmp_path):
    rows = [row("1002", rank_or_grade="Sergeant", email="bad"), row("2000", line_manager_staff_number="1002")]
    status, _, err = run_command("import_people", to_csv(rows), tmp_path, "--skip-invalid")
    assert status == 3
    assert err.count("row ") == 1
    assert Person.objects.get(staff_number="2000").line_manager.staff_number == "1002"


def test_reimporting_the_same_file_changes_nothing_and_says_so(units, tmp_path):
    text = to_csv([*tree_rows(), row("2000", functions="firearms; recruitment-assessor", end_date="2020-01-01")])
    assert run_command("import_people", text, tmp_path)[0] == 0
    before = write_counts()
    signals = []

    def listen(sender, person_ids, **kwargs):
        signals.append(person_ids)

    people_changed.connect(listen)
    try:
        status, out, _ = run_command("import_people", text, tmp_path)
    finally:
        people_changed.disconnect(listen)
    assert status == 0
    assert "No changes: all 6 row(s) already match." in out
    assert "unchanged 6" in out
    assert write_counts() == before
    assert signals == []


def test_reimport_does_not_write_a_single_row(tree):
    text = to_csv(tree_rows())
    with CaptureQueriesContext(connection) as queries:
        report = import_people(text)
    assert report.unchanged == 5 and report.changed == 0
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


# --- joiners, movers, promotions, leavers, rejoiners -------------------------------------------


def test_joiner_gets_an_account_functions_and_a_place_in_the_tree(tree):
    report = import_people(to_csv([row("2000", line_manager_staff_number="1002", functions="Firearms officer; psd")]))
    assert report.created == 1
    person = Person.objects.get(staff_number="2000")
    assert person.user.username == "2000" and not person.user.has_usable_password()
    assert person.line_path == tree["1002"].line_path + f"{person.pk:08x}"
    assert set(person.functions.values_list("code", flat=True)) == {"firearms", "psd"}
    assert AuditEvent.objects.filter(action="person_created", object_id=str(person.pk)).exists()


def test_partial_file_updates_only_the_people_in_it(tree):
    before = {p.staff_number: p.updated_at for p in Person.objects.all()}
    report = import_people(to_csv([row("1004", first_name="Robin", line_manager_staff_number="1002")]))
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 1, 0, 0)
    after = {p.staff_number: p.updated_at for p in Person.objects.all()}
    assert [s for s in after if after[s] != before[s]] == ["1004"]
    assert Person.objects.count() == 5 and Person.objects.filter(is_active=True).count() == 5


def test_promotion_rederives_leadership_level_and_dates_the_new_role(tree):
    report = import_people(to_csv([row("1003", rank_or_grade="PS", line_manager_staff_number="1002")]))
    assert report.updated == 1
    person = Person.objects.get(staff_number="1003")
    assert (person.rank_or_grade, person.leadership_level, person.leadership_level_overridden) == (
        "Sergeant",
        "first_line",
        False,
    )
    assert person.role_start_date == timezone.localdate()
    event = AuditEvent.objects.get(action="person_updated", object_id=str(person.pk))
    assert event.changes["rank_or_grade"] == ["Constable", "Sergeant"]
    assert event.changes["leadership_level"] == ["none", "first_line"]
    # The same promoted file again is a no-op: the role date is kept.
    again = import_people(to_csv([row("1003", rank_or_grade="PS", line_manager_staff_number="1002")]))
    assert again.changed == 0


def test_promotion_with_a_role_start_date_uses_it(tree):
    import_people(
        to_csv([row("1003", rank_or_grade="Sergeant", role_start_date="01/02/2026", line_manager_staff_number="1002")])
    )
    assert Person.objects.get(staff_number="1003").role_start_date == datetime.date(2026, 2, 1)


def test_leadership_level_override_is_kept_until_a_promotion(tree):
    import_people(to_csv([row("1003", leadership_level="First line leader", line_manager_staff_number="1002")]))
    person = Person.objects.get(staff_number="1003")
    assert (person.leadership_level, person.leadership_level_overridden) == ("first_line", True)
    # A later file without the column keeps the override while the rank is the same...
    assert import_people(to_csv([row("1003", line_manager_staff_number="1002")])).changed == 0
    # ...and a promotion derives the level again.
    import_people(to_csv([row("1003", rank_or_grade="Inspector", line_manager_staff_number="1002")]))
    person.refresh_from_db()
    assert (person.leadership_level, person.leadership_level_overridden) == ("middle", False)


def test_unknown_grade_is_accepted_with_an_explicit_leadership_level(units):
    report = import_people(to_csv([row("2000", rank_or_grade="Band 7", leadership_level="middle")]))
    assert report.created == 1
    assert Person.objects.get(staff_number="2000").leadership_level == "middle"


def test_mover_changes_unit(tree):
    import_people(to_csv([row("1003", unit_code="rt2", line_manager_staff_number="1002")]))
    assert Person.objects.get(staff_number="1003").unit.code == "RT2"


def test_manager_change_moves_the_whole_subtree(units):
    rows = [
        row("1000", rank_or_grade="Superintendent"),
        row("1100", rank_or_grade="Inspector"),
        row("1001", rank_or_grade="Inspector", line_manager_staff_number="1000"),
        row("1002", rank_or_grade="Sergeant", line_manager_staff_number="1001"),
        row("1003", line_manager_staff_number="1002"),
        row("1004", line_manager_staff_number="1003"),
    ]
    import_people(to_csv(rows))
    report = import_people(to_csv([row("1001", rank_or_grade="Inspector", line_manager_staff_number="1100")]))
    assert report.updated == 1
    people = {p.staff_number: p for p in Person.objects.all()}
    chain = ["1100", "1001", "1002", "1003", "1004"]
    expected = ""
    for staff in chain:
        expected += f"{people[staff].pk:08x}"
        assert people[staff].line_path == expected
    assert people["1000"].line_path == f"{people['1000'].pk:08x}"


def test_manager_change_to_a_joiner_in_the_same_file(tree):
    rows = [
        row("2000", rank_or_grade="Sergeant", line_manager_staff_number="1001"),
        row("1003", line_manager_staff_number="2000"),
    ]
    report = import_people(to_csv(rows))
    assert (report.created, report.updated) == (1, 1)
    new_sergeant = Person.objects.get(staff_number="2000")
    moved = Person.objects.get(staff_number="1003")
    assert moved.line_manager == new_sergeant
    assert moved.line_path == new_sergeant.line_path + f"{moved.pk:08x}"
    event = AuditEvent.objects.get(action="person_updated", object_id=str(moved.pk))
    assert event.changes["line_manager"] == ["1002", "2000"]


def test_manager_in_the_database_only(tree):
    report = import_people(to_csv([row("2000", line_manager_staff_number="1002")]))
    assert report.created == 1
    assert Person.objects.get(staff_number="2000").line_manager == tree["1002"]


def test_staff_numbers_that_differ_only_in_case_are_the_same_person(units):
    import_people(to_csv([row("AB100", rank_or_grade="Sergeant")]))
    report = import_people(to_csv([row("ab100", rank_or_grade="Sergeant", first_name="Al")]))
    assert (report.created, report.updated) == (0, 1)
    assert list(Person.objects.values_list("staff_number", "first_name")) == [("AB100", "Al")]
    report = import_people(to_csv([row("CD200", line_manager_staff_number="ab100")]))
    assert Person.objects.get(staff_number="CD200").line_manager.staff_number == "AB100"


def test_staff_numbers_that_differ_only_in_case_in_one_file_are_duplicates(units):
    report = import_people(to_csv([row("AB100"), row("ab100")]))
    assert not report.applied
    assert [(e.row, e.column) for e in report.errors] == [(2, "staff_number"), (3, "staff_number")]


def test_an_account_named_after_a_joiner_is_taken_over_and_brought_up_to_date(units):
    user = get_user_model().objects.create(username="2000", email="old@example.com", is_active=False)
    import_people(to_csv([row("2000", first_name="Sam")]))
    user.refresh_from_db()
    assert user.person.staff_number == "2000"
    assert (user.email, user.first_name, user.is_active) == ("p2000@force.example", "Sam", True)


def test_a_staff_number_that_is_another_persons_login_name_is_refused(tree):
    user = tree["1003"].user
    user.username = "constable"
    user.save()
    report = import_people(to_csv([row("constable")]))
    assert not report.applied
    assert "already the login name of another person's account" in report.errors[0].message


def test_leaver_is_deactivated_never_deleted_and_history_kept(tree):
    report = import_people(to_csv([row("1004", line_manager_staff_number="1002", end_date="2026-01-31")]))
    assert (report.deactivated, report.updated) == (1, 0)
    person = Person.objects.get(staff_number="1004")
    assert not person.is_active and person.end_date == datetime.date(2026, 1, 31)
    assert not person.user.is_active
    event = AuditEvent.objects.get(action="person_deactivated", object_id=str(person.pk))
    assert event.changes["is_active"] == [True, False]
    assert AuditEvent.objects.filter(action="person_created", object_id=str(person.pk)).exists()
    assert Person.objects.count() == 5


def test_future_leaving_date_keeps_the_person_active_until_then(tree):
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    report = import_people(to_csv([row("1004", line_manager_staff_number="1002", end_date=future)]))
    assert (report.updated, report.deactivated) == (1, 0)
    assert Person.objects.get(staff_number="1004").is_active


def test_leaver_who_manages_people_is_deactivated_and_their_reports_are_kept_and_flagged(tree):
    report = import_people(
        to_csv([row("1002", rank_or_grade="Sergeant", line_manager_staff_number="1001", end_date="2026-01-31")])
    )
    assert report.deactivated == 1
    reports = Person.objects.filter(line_manager__staff_number="1002")
    assert reports.count() == 2 and all(p.is_active for p in reports)
    assert any("2 active person(s) report to a line manager who has left" in note for note in report.notes)
    assert "1003 to 1002" in " ".join(report.notes)


def test_rejoiner_is_reactivated(tree):
    import_people(to_csv([row("1004", line_manager_staff_number="1002", end_date="2025-01-31")]))
    report = import_people(to_csv([row("1004", line_manager_staff_number="1002")]))
    assert report.updated == 1
    person = Person.objects.get(staff_number="1004")
    assert person.is_active and person.user.is_active and person.end_date is None
    assert AuditEvent.objects.filter(action="person_reactivated", object_id=str(person.pk)).exists()


def test_functions_added_and_removed(tree):
    import_people(to_csv([row("1003", line_manager_staff_number="1002", functions="firearms;psd")]))
    person = Person.objects.get(staff_number="1003")
    assert set(person.functions.values_list("code", flat=True)) == {"firearms", "psd"}
    report = import_people(to_csv([row("1003", line_manager_staff_number="1002", functions="psd;custody")]))
    assert report.updated == 1
    assert set(person.functions.values_list("code", flat=True)) == {"psd", "custody"}
    event = AuditEvent.objects.filter(action="person_updated", object_id=str(person.pk)).first()
    assert "functions" in event.changes


def test_changes_are_signalled_after_commit_only(tree, django_capture_on_commit_callbacks):
    received = []

    def listen(sender, person_ids, **kwargs):
        received.append(person_ids)

    people_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_people(to_csv([row("2000", line_manager_staff_number="1002"), row("1003", first_name="Kim")]))
        assert len(received) == 1
        assert set(received[0]) == set(
            Person.objects.filter(staff_number__in=["2000", "1003"]).values_list("pk", flat=True)
        )
        received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            import_people(to_csv([row("2001")]), dry_run=True)
        assert received == []
    finally:
        people_changed.disconnect(listen)


def test_query_count_does_not_grow_with_the_file(units):
    """Work is done in batches: within a batch, 5 rows or many cost the same queries.

    (SQLite caps a batch at 999 parameters, a few dozen people; PostgreSQL takes 2000.)
    """
    larger = 1500 if connection.vendor == "postgresql" else 30

    def queries_for(count: int, start: int, **fields) -> int:
        rows = [row(str(start), rank_or_grade="Sergeant", **fields)]
        rows += [row(str(start + n), line_manager_staff_number=str(start), **fields) for n in range(1, count)]
        with CaptureQueriesContext(connection) as ctx:
            report = import_people(to_csv(rows))
        assert not report.errors
        return len(ctx)

    assert queries_for(5, 10000) == queries_for(larger, 20000)
    # Updates too: everyone in both files changes unit.
    assert queries_for(5, 10000, unit_code="RT2") == queries_for(larger, 20000, unit_code="RT2")


def test_progress_is_reported_up_to_the_whole_file(units):
    calls = []
    import_people(
        to_csv([row(str(2000 + n)) for n in range(5)]), progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (5, 5)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_progress_bar_is_drawn_only_on_a_terminal_for_large_files():
    from compliance.management.commands.import_people import Command

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    drawn, piped = Terminal(), io.StringIO()
    Command(stderr=drawn).progress(500, 1000)
    Command(stderr=piped).progress(500, 1000)
    Command(stderr=Terminal()).progress(5, 10)
    assert "[###############...............] 500/1000" in drawn.getvalue()
    assert piped.getvalue() == ""


def test_a_database_refusal_is_reported_without_traceback(units, tmp_path, monkeypatch):
    from django.db import IntegrityError

    from compliance.importing import people

    def refuse(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(people, "_apply", refuse)
    status, _, err = run_command("import_people", to_csv([row("2000")]), tmp_path)
    assert status == 1
    assert "the database refused the import; nothing was written" in err
    assert "duplicate key" not in err


DATA = Path(__file__).parent / "data"


def test_another_systems_export_with_its_mapping(units):
    """A BOM, semicolons, UK and ISO dates, abbreviations, unicode names and an unknown column."""
    status, out, err = run_command_on(
        "import_people",
        str(DATA / "hr_export_other_system.csv"),
        "--mapping",
        str(DATA / "hr_export_other_system.mapping.json"),
    )
    assert status == 0, err
    assert "Ignored column(s): Cost Centre" in out
    assert "Created 5, updated 0, deactivated 0" in out
    people = {p.staff_number: p for p in Person.objects.all()}
    assert people["P1002"].last_name == "Ní Bhriain" and people["P1002"].leadership_level == "first_line"
    assert set(people["P1002"].functions.values_list("code", flat=True)) == {"tutor-constable", "firearms"}
    assert people["P1003"].worker_type == "student_officer" and people["P1003"].line_manager == people["P1002"]
    assert not people["P1004"].is_active and people["P1004"].first_name == "Wei"
    assert people["P1000"].email == "priya.sharma@force.example"
    status, out, _ = run_command_on(
        "import_people",
        str(DATA / "hr_export_other_system.csv"),
        "--mapping",
        str(DATA / "hr_export_other_system.mapping.json"),
    )
    assert "No changes: all 5 row(s) already match." in out
