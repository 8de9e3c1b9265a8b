"""Hostile and broken files: each gets a clear message naming what and where, a non-zero exit
status, no traceback, and nothing written."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from compliance.importing.people import COLUMNS
from compliance.importing.units import import_units
from compliance.people.models import Person

from .test_import_people import UNITS, row, run_command, run_command_on, to_csv, write_counts


@pytest.fixture
def units(db):
    import_units(UNITS)


GOOD = to_csv([row("2000")])
HEADER = ",".join(COLUMNS) + "\n"

FILE_ERRORS = {
    "empty": (b"", "The file is empty."),
    "only blank lines": (b"\n \r\n\t\n", "The file is empty."),
    "only a header": (HEADER.encode(), "has a heading row but no data rows"),
    "header only with BOM": (b"\xef\xbb\xbf" + HEADER.encode(), "has a heading row but no data rows"),
    "binary junk": (bytes(range(256)) * 8, "contains a NUL byte on line 1"),
    "an Excel workbook": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "spreadsheet workbook"),
    "Latin-1": (to_csv([row("2000", first_name="Zoë")]).encode("latin-1"), "byte 0xeb on line 2 cannot be read"),
    "UTF-16 without BOM": (GOOD.encode("utf-16-le"), "NUL byte"),
    "NUL byte in the text": (GOOD.encode().replace(b"Alex", b"Al\x00ex"), "contains a NUL byte on line 2"),
    "a 5 MB cell": (to_csv([row("2000", first_name="x" * 5_000_000)]).encode(), "a cell is longer than"),
    "unbalanced quote": ((HEADER + '2000,"Al"ex,Smith\n').encode(), "cannot be read as CSV at line 2"),
    "duplicate headings": (
        to_csv([row("2000")], columns=[*COLUMNS, " EMAIL "]).encode(),
        "names column(s) more than once: email",
    ),
    "no known headings": (b"a;b;c\n1;2;3\n", "Missing required column(s): staff_number"),
}


@pytest.mark.parametrize("case", FILE_ERRORS, ids=list(FILE_ERRORS))
def test_unreadable_files_are_refused_clearly(case, units, tmp_path):
    content, message = FILE_ERRORS[case]
    before = write_counts()
    status, out, err = run_command("import_people", content, tmp_path)
    assert status == 1
    assert message in err
    assert "Nothing was written" in err
    assert "Traceback" not in out + err
    assert write_counts() == before


ROW_ERRORS = {
    "a 20,000 character cell": (
        to_csv([row("2000", last_name="y" * 20_000)]),
        "row 2, column (whole row): the cell in column last_name is longer than 10000 characters",
    ),
    "quoted newline in a name": (
        to_csv([row("2000", first_name="Al\nex")]),
        "row 2, column (whole row): the cell in column first_name contains a line break",
    ),
    "extra cells": (
        HEADER + ",".join(row("2000")[c] for c in COLUMNS) + ",surplus,more\n",
        "row 2, column (whole row): has 15 cells but the heading row has 13",
    ),
    "missing cells": (HEADER + "2000,Alex,Smith\n", "row 2, column email: a value is required"),
    "formula as staff number": (to_csv([row("=cmd|' /C calc'!A0")]), "row 2, column staff_number"),
    "date 31/02/2026": (to_csv([row("2000", start_date="31/02/2026")]), "is not a real date"),
    "date 2026-13-01": (to_csv([row("2000", start_date="2026-13-01")]), "is not a real date"),
    "date 1/1/26": (to_csv([row("2000", start_date="1/1/26")]), "use YYYY-MM-DD or DD/MM/YYYY"),
    "date of blanks": (to_csv([row("2000", start_date="   ")]), "row 2, column start_date: a value is required"),
    "year 0001": (to_csv([row("2000", start_date="0001-01-01")]), "outside the years 1900 to 2200"),
    "email with a space inside": (to_csv([row("2000", email="al ex@force.example")]), "not a valid email"),
    "email 300 characters long": (to_csv([row("2000", email="a" * 290 + "@force.example")]), "not a valid email"),
}


@pytest.mark.parametrize("case", ROW_ERRORS, ids=list(ROW_ERRORS))
def test_broken_rows_are_named_by_row_and_column(case, units, tmp_path):
    content, message = ROW_ERRORS[case]
    status, out, err = run_command("import_people", content, tmp_path)
    assert status == 1
    assert message in err
    assert "Traceback" not in out + err
    assert not Person.objects.exists()


def test_row_numbers_count_spreadsheet_rows_not_lines(units, tmp_path):
    # A line break inside a quoted cell of an ignored column is still one row; a blank line is a row.
    text = to_csv([row("2000", notes="line one\nline two"), row("2001")], columns=[*COLUMNS, "notes"])
    text += "\n" + to_csv([row("2002", email="bad")], columns=[*COLUMNS, "notes"]).split("\n", 1)[1]
    status, _, err = run_command("import_people", text, tmp_path)
    assert status == 1
    assert "row 5, column email" in err


ACCEPTED = {
    "odd heading spacing and case": to_csv([row("2000")])
    .replace("staff_number", "  Staff Number ", 1)
    .replace("first_name", "FIRST-NAME", 1)
    .replace("email", '"Email"', 1),
    "unicode names": to_csv(
        [
            row("2000", first_name="Zoë", last_name="Ní Bhriain"),
            row("2001", last_name="O'Brien"),
            row("2002", first_name="王"),
        ]
    ),
    "email with spaces around it": to_csv([row("2000", email="  Alex.Smith@Force.Example ")]),
    "extra empty cells": HEADER + ",".join(row("2000")[c] for c in COLUMNS) + ",,,\n",
    "blank rows between": HEADER + "\n\n" + ",".join(row("2000")[c] for c in COLUMNS) + "\n\n",
    "pipe delimited": to_csv([row("2000")], delimiter="|"),
}


@pytest.mark.parametrize("case", ACCEPTED, ids=list(ACCEPTED))
def test_messy_but_valid_files_are_accepted(case, units, tmp_path):
    status, out, err = run_command("import_people", ACCEPTED[case], tmp_path)
    assert status == 0, err
    assert "Created" in out
    assert Person.objects.filter(staff_number="2000").exists()


def test_email_is_stored_in_lower_case(units, tmp_path):
    run_command("import_people", ACCEPTED["email with spaces around it"], tmp_path)
    assert Person.objects.get().email == "alex.smith@force.example"


@pytest.mark.parametrize("target", ["folder", "missing"])
def test_file_argument_that_is_not_a_file(units, tmp_path, target):
    path = tmp_path if target == "folder" else tmp_path / "nope.csv"
    status, _, err = run_command_on("import_people", str(path))
    assert status == 1
    assert ("is a folder" if target == "folder" else "No such file") in err


# --- what a user sees in a terminal --------------------------------------------------------


CLI_SCRIPT = """
import contextlib, io, json, sys
import django
from django.core.management import execute_from_command_line
django.setup()
results = []
for args in json.loads(sys.argv[1]):
    err = io.StringIO()
    status = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            execute_from_command_line(["manage.py", *args])
        except SystemExit as exc:
            status = exc.code
    results.append([status, err.getvalue()])
print(json.dumps(results))
"""


def _env(tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        # A database file of its own: file errors are found before any table is read.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }


def test_command_line_shows_clear_messages_without_traceback(tmp_path):
    """Each case goes through manage.py's own entry point (run_from_argv), as a user's terminal does."""
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "latin1.csv").write_bytes(to_csv([row("2000", first_name="Zoë")]).encode("latin-1"))
    (tmp_path / "list.json").write_text('["staff_number"]')
    (tmp_path / "good.csv").write_text(GOOD)
    cases = [
        (["import_people", str(tmp_path / "empty.csv")], "The file is empty."),
        (["import_people", str(tmp_path / "latin1.csv")], "is not UTF-8 text: byte 0xeb on line 2"),
        (["import_people", str(tmp_path / "nope.csv")], "No such file."),
        (["import_people", str(tmp_path)], "is a folder, not a file"),
        (
            ["import_people", str(tmp_path / "good.csv"), "--mapping", str(tmp_path / "list.json")],
            "must be a JSON object of headings",
        ),
        (["import_units", str(tmp_path / "empty.csv")], "The file is empty."),
        (["import_equality", str(tmp_path / "latin1.csv")], "is not UTF-8 text"),
    ]
    result = subprocess.run(
        [sys.executable, "-c", CLI_SCRIPT, json.dumps([args for args, _ in cases])],
        capture_output=True,
        env=_env(tmp_path),
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr.decode()
    for (args, message), (status, err) in zip(cases, json.loads(result.stdout), strict=True):
        assert status == 1, (args, err)
        assert err.startswith("CommandError: ") and message in err, (args, err)
        assert "Traceback" not in err, err
    # And once through manage.py itself, reading standard input.
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "import_people", "-"],
        input=b"\x00\x01",
        capture_output=True,
        env=_env(tmp_path),
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 1
    assert "NUL byte" in result.stderr.decode() and "Traceback" not in result.stderr.decode()
