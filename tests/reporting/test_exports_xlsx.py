"""Formula escaping in the team exports: the CSV keeps a leading apostrophe (spreadsheets would
otherwise run the text); the XLSX holds the text exactly, as a text cell, with no apostrophe."""

import csv
import io

import pytest
from openpyxl import load_workbook

from courses import downloads

pytestmark = pytest.mark.django_db

RISKY = ["-2+3", "=HYPERLINK(1)", "+44 1234", "@SUM(A1)"]


def _rows_for(client, force, url):
    for person, name in zip(force.team_a, RISKY, strict=False):
        person.last_name = name
        person.save()
    client.force_login(force.sgt_a.user)
    return client.get(url)


def test_xlsx_writes_formula_like_text_as_text_without_an_apostrophe(client, force):
    response = _rows_for(client, force, "/team/xlsx/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    heading = [c.value for c in sheet[1]]
    column = heading.index("Last name") + 1
    cells = {
        sheet.cell(row=r, column=column).value: sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)
    }
    expected = set(RISKY[: len(force.team_a)])
    assert expected <= set(cells)
    assert not any(str(v).startswith("'") for v in cells)
    for name in expected:
        assert cells[name].data_type == "s", name  # never "f": a spreadsheet shows it, never runs it
        assert cells[name].number_format == "@", name


def test_csv_still_escapes_formula_like_text(client, force):
    response = _rows_for(client, force, "/team/csv/")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    column = rows[0].index("Last name")
    last_names = {r[column] for r in rows[1:]}
    for name in RISKY[: len(force.team_a)]:
        assert "'" + name in last_names and name not in last_names


def test_xlsx_response_unescapes_only_what_safe_cell_escaped():
    rows = [[downloads.safe_cell("-2+3"), "'kept as typed", 5, downloads.safe_cell("plain")]]
    response = downloads.xlsx_response(stem="t", sheets=[("Sheet", ["a", "b", "c", "d"], rows)])
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[2]] == ["-2+3", "'kept as typed", 5, "plain"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    assert downloads.safe_cell("-2+3") == "'-2+3"  # CSV, HTML and other callers still see the escape
    assert downloads.safe_cell(downloads.safe_cell("=1")) == "'=1"  # never escaped twice


def test_the_command_views_headings_are_neutralised_too(client, force):
    """Requirement names are headings of the command view's downloads: a name that starts like
    a formula is kept from running there as in any cell."""
    from compliance.models import Requirement

    Requirement.objects.filter(name="Learning from our History").update(name='=HYPERLINK("http://x.example","y")')
    client.force_login(force.supt_north.user)
    body = b"".join(client.get("/command/csv/").streaming_content).decode("utf-8-sig")
    heading = next(csv.reader(io.StringIO(body)))
    assert '\'=HYPERLINK("http://x.example","y"): completed' in heading
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in heading)
    book = load_workbook(io.BytesIO(b"".join(client.get("/command/xlsx/").streaming_content)))
    cells = {c.value: c for c in book.active[1]}
    cell = cells['=HYPERLINK("http://x.example","y"): completed']
    assert cell.data_type == "s" and cell.number_format == "@"
