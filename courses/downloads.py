"""Downloads of what a viewer sees, as CSV (streamed) and XLSX (openpyxl in write-only mode).

The CSV is generated row by row, so exporting every assignment in the force holds one chunk of
rows in memory, not the whole list. The XLSX is written in openpyxl's write-only mode to a
temporary file that spills to disk. Both neutralise formulas in every cell, headings
included, so no caller has to: text a spreadsheet would run as a formula (starting with
= + - @, a tab or a carriage return) is prefixed with an apostrophe in the CSV; in the XLSX it
is written as it is, in a text cell, which a spreadsheet never runs.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the heading row
CHUNK = 2000


class FormulaSafeText(str):
    """Text a spreadsheet would run as a formula: reads (and goes into a CSV) with an apostrophe
    in front; `xlsx_response` writes `original` instead, as a text cell, which is safe without one."""

    __slots__ = ("original",)

    def __new__(cls, original: str):
        text = super().__new__(cls, "'" + original)
        text.original = original
        return text


def safe_cell(value):
    """Neutralise spreadsheet formulas in text; dates and numbers pass through."""
    if (
        isinstance(value, str)
        and not isinstance(value, FormulaSafeText)
        and value[:1] in ("=", "+", "-", "@", "\t", "\r")
    ):
        return FormulaSafeText(value)
    return value


def xlsx_cell(sheet, value):
    """One value for a write-only sheet, made safe: escaped text becomes a text cell ("@")
    holding the text as it is (no visible apostrophe); anything else passes through."""
    from openpyxl.cell import WriteOnlyCell

    value = safe_cell(value)
    if isinstance(value, FormulaSafeText):
        cell = WriteOnlyCell(sheet, value=value.original)
        cell.data_type = "s"
        cell.number_format = "@"
        return cell
    return value


def _xlsx_cells(sheet, row: list) -> list:
    return [xlsx_cell(sheet, value) for value in row]


class _Echo:
    def write(self, value):
        return value


def _csv_text(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else safe_cell(value)


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow([_csv_text(v) for v in header])
    for row in rows:
        yield writer.writerow([_csv_text(v) for v in row])


def filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(*, stem: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_stream(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(
    *, stem: str, sheets: list[tuple[str, list[str], Iterable[list]]], on_truncate: Callable[[str], None] = None
) -> FileResponse:
    """One worksheet per (title, header, rows); rows past Excel's limit are cut and a last
    row says so."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(_xlsx_cells(sheet, header))
        for count, row in enumerate(rows, start=1):
            if count > XLSX_MAX_ROWS - 1:
                sheet.append(["More rows than a spreadsheet holds: use the CSV export for the whole list."])
                break
            sheet.append(_xlsx_cells(sheet, row))
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 (closed by FileResponse)
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=filename(stem, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response
