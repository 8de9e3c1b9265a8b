"""Reading a delimited text file into rows keyed by canonical column names."""

import codecs
import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .base import ImportFileError, clip

DELIMITERS = [",", ";", "\t", "|"]
MAX_CELL = 10_000
MAX_FILE_BYTES = 100 * 1024 * 1024
ROW_ERROR = "__error__"


def normalise_heading(heading: str) -> str:
    return re.sub(r"[\s\-]+", "_", heading.strip().strip('"').strip().lower())


@dataclass
class Table:
    # (row number as in a spreadsheet, values). A row that cannot be used at all carries
    # its reason under ROW_ERROR, next to whatever values could be read.
    rows: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str]
    # The known columns the heading row has: an optional column missing from the file is
    # not the same as a blank cell (which clears a value).
    columns: frozenset[str] = frozenset()


class Mapping(dict):
    """A mapping file: headings renamed ({"Their heading": "column"}), and optionally values
    translated per column (`value_maps`: {"column": {"their value": "ours"}}, matched ignoring
    letter case and spacing; for `functions`, each item of the list)."""

    def __init__(self, columns: dict[str, str] | None = None, value_maps: dict[str, dict[str, str]] | None = None):
        super().__init__(columns or {})
        self.value_maps = value_maps or {}


def value_key(text: str) -> str:
    return " ".join(text.lower().split())


def read_mapping(source: str | Path | None) -> Mapping:
    """A mapping file, either a JSON object of headings, or
    {"columns": {"Their heading": "column"}, "values": {"column": {"their value": "ours"}}}."""
    if source is None:
        return Mapping()
    path = Path(source)
    if path.is_dir():
        raise ImportFileError(f"The mapping file {source} is a folder, not a file.")
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(f"Cannot read the mapping file {source}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"The mapping file {source} is not UTF-8 text.") from None
    return parse_mapping(raw, name=f"mapping file {source}")


def parse_mapping(raw: str | dict, *, name: str = "mapping") -> Mapping:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"The {name} is not valid JSON: {exc.msg} at line {exc.lineno}.") from None
    values: dict = {}
    if isinstance(raw, dict) and set(raw) <= {"columns", "values"} and raw:
        raw, values = raw.get("columns", {}), raw.get("values", {})
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise ImportFileError(f'The {name} must be a JSON object of headings, like {{"Employee No": "staff_number"}}.')
    if not isinstance(values, dict) or not all(
        isinstance(column, str)
        and isinstance(pairs, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in pairs.items())
        for column, pairs in values.items()
    ):
        raise ImportFileError(
            f'The {name}\'s "values" must map each column to an object of values, '
            'like {"rank_or_grade": {"Sgt.": "Sergeant"}}.'
        )
    mapping = {normalise_heading(k): normalise_heading(v) for k, v in raw.items()}
    if "" in mapping or "" in mapping.values():
        raise ImportFileError(f"The {name} has an empty heading.")
    value_maps = {
        normalise_heading(column): {value_key(k): v.strip() for k, v in pairs.items()}
        for column, pairs in values.items()
    }
    return Mapping(mapping, value_maps)


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; UTF-16 only when its BOM says so (Excel's "Unicode text")."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("The file is a spreadsheet workbook, not CSV text: save it as 'CSV UTF-8' and try again.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError("The file starts as UTF-16 text but cannot be read as such.") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError(
            f"The file contains a NUL byte on line {line}: it is not UTF-8 text "
            "(a binary file, or UTF-16 without a byte-order mark?). Save it as 'CSV UTF-8' and try again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} cannot be read. "
            "Save it as 'CSV UTF-8' and try again."
        ) from None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc


def _has_control_characters(value: str) -> bool:
    return _CONTROL.search(value) is not None


def read_table(
    data: bytes | str,
    *,
    required: list[str],
    optional: list[str],
    mapping: dict[str, str] | None = None,
    confidential: bool = False,
) -> Table:
    """Parse the file; check the headings; return every non-empty row as a dict.

    Cells are stripped and put in Unicode normal form C, so the same name typed on another
    system compares equal. `confidential` files never have their contents quoted in errors
    (a data row mistaken for the heading row would otherwise be echoed).

    Rows are numbered as a spreadsheet shows them (the heading is row 1, a blank line is a
    row, a cell with a line break inside quotes does not start a new row).
    """
    # A file saved twice by some tools carries more than one byte-order mark.
    text = (decode(data) if isinstance(data, bytes) else data).lstrip("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFileError(f"The file contains a NUL byte on line {line}: it is not a text file.")
    if not text.strip():
        raise ImportFileError("The file is empty.")
    mapping = mapping or {}
    value_maps = getattr(mapping, "value_maps", {})
    known = set(required) | set(optional)
    unknown_targets = sorted((set(mapping.values()) | set(value_maps)) - known)
    if unknown_targets:
        raise ImportFileError(
            f"The mapping names unknown column(s) {', '.join(unknown_targets)}; "
            f"the columns are: {', '.join(required + optional)}."
        )
    first_line = next(line for line in text.splitlines() if line.strip())

    def canonical(heading: str) -> str:
        name = normalise_heading(heading)
        return mapping.get(name, name)

    delimiter = max(DELIMITERS, key=lambda d: sum(canonical(h) in known for h in first_line.split(d)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row_number = 0
    try:
        header = next(reader)
        row_number = 1
        while not any(cell.strip() for cell in header):
            header = next(reader)
            row_number += 1
        columns = [canonical(h) for h in header]
        duplicates = sorted({c for c in columns if c in known and columns.count(c) > 1})
        if duplicates:
            raise ImportFileError(f"The heading row names column(s) more than once: {', '.join(duplicates)}.")
        missing = [c for c in required if c not in columns]
        if missing:
            found = clip(", ".join(clip(h, 40) for h in header) or "nothing", 300)
            if confidential:
                found = f"{len(header)} heading(s), not shown as the file is confidential"
            raise ImportFileError(
                f"Missing required column(s): {', '.join(missing)}. The heading row has: {found}. "
                "Rename the headings or give a mapping file."
            )
        ignored = [h for h, c in zip(header, columns, strict=True) if c not in known and h.strip()]
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            values = {}
            for column, cell in zip(columns, cells, strict=False):
                if column in known:
                    values[column] = unicodedata.normalize("NFC", cell.strip())
            for column in known - values.keys():
                values[column] = ""
            for column, translate in value_maps.items():
                if column == "functions":
                    parts = [part.strip() for part in values[column].split(";")]
                    values[column] = "; ".join(translate.get(value_key(part), part) for part in parts if part)
                elif values[column]:
                    values[column] = translate.get(value_key(values[column]), values[column])
            if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
                values[ROW_ERROR] = f"has {len(cells)} cells but the heading row has {len(columns)}"
            elif too_long := [c for c in columns if c in known and len(values[c]) > MAX_CELL]:
                values[ROW_ERROR] = f"the cell in column {too_long[0]} is longer than {MAX_CELL} characters"
            elif bad := [c for c in columns if c in known and _has_control_characters(values[c])]:
                values[ROW_ERROR] = f"the cell in column {bad[0]} contains a line break or a control character"
            rows.append((row_number, values))
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"a cell is longer than {csv.field_size_limit()} characters"
        raise ImportFileError(f"The file cannot be read as CSV at line {reader.line_num}: {reason}.") from None
    except StopIteration:
        raise ImportFileError("The file has no heading row.") from None
    if not rows:
        raise ImportFileError("The file has a heading row but no data rows: there is nothing to import.")
    return Table(rows=rows, ignored_columns=ignored, columns=frozenset(columns) & known)
