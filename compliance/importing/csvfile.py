"""Reading a delimited text file into rows keyed by canonical column names."""

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .base import ImportFileError, clip

DELIMITERS = [",", ";", "\t", "|"]
MAX_CELL = 10_000


def normalise_heading(heading: str) -> str:
    return re.sub(r"[\s\-]+", "_", heading.strip().strip('"').lower())


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]]  # (row number as in a spreadsheet, values)
    ignored_columns: list[str]


def read_mapping(source: str | Path | None) -> dict[str, str]:
    """A mapping file: a JSON object {"Their heading": "canonical_column", ...}."""
    if source is None:
        return {}
    try:
        raw = Path(source).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(f"Cannot read the mapping file {source}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"The mapping file {source} is not UTF-8 text.") from None
    return parse_mapping(raw, name=str(source))


def parse_mapping(raw: str | dict, *, name: str = "mapping") -> dict[str, str]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"The {name} is not valid JSON: {exc.msg} at line {exc.lineno}.") from None
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise ImportFileError(f'The {name} must be a JSON object of headings, like {{"Employee No": "staff_number"}}.')
    return {normalise_heading(k): normalise_heading(v) for k, v in raw.items()}


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} cannot be read. "
            "Save it as 'CSV UTF-8' and try again."
        ) from None


def read_table(
    data: bytes | str,
    *,
    required: list[str],
    optional: list[str],
    mapping: dict[str, str] | None = None,
) -> Table:
    """Parse the file; check the headings; return every non-empty row as a dict."""
    text = decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFileError(f"The file contains a NUL byte on line {line}: it is not a text file.")
    if not text.strip():
        raise ImportFileError("The file is empty.")
    mapping = mapping or {}
    known = set(required) | set(optional)
    unknown_targets = sorted(set(mapping.values()) - known)
    if unknown_targets:
        raise ImportFileError(
            f"The mapping names unknown column(s) {', '.join(unknown_targets)}; "
            f"the columns are: {', '.join(required + optional)}."
        )
    first_line = text.lstrip("\r\n").splitlines()[0]

    def canonical(heading: str) -> str:
        name = normalise_heading(heading)
        return mapping.get(name, name)

    delimiter = max(DELIMITERS, key=lambda d: sum(canonical(h) in known for h in first_line.split(d)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
        columns = [canonical(h) for h in header]
        duplicates = sorted({c for c in columns if c and columns.count(c) > 1})
        if duplicates:
            raise ImportFileError(f"The heading row names column(s) more than once: {', '.join(duplicates)}.")
        missing = [c for c in required if c not in columns]
        if missing:
            found = ", ".join(clip(h, 40) for h in header) or "nothing"
            raise ImportFileError(
                f"Missing required column(s): {', '.join(missing)}. The heading row has: {found}. "
                "Rename the headings or give a mapping file."
            )
        ignored = [h for h, c in zip(header, columns, strict=True) if c not in known and h.strip()]
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            row_number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
                rows.append(
                    (row_number, {"__error__": f"has {len(cells)} cells but the heading row has {len(columns)}"})
                )
                continue
            values = {}
            for column, cell in zip(columns, cells, strict=False):
                if column in known:
                    values[column] = cell.strip()
            for column in known - values.keys():
                values[column] = ""
            too_long = [c for c, v in values.items() if len(v) > MAX_CELL]
            if too_long:
                rows.append(
                    (row_number, {"__error__": f"cell in column {too_long[0]} is longer than {MAX_CELL} characters"})
                )
                continue
            rows.append((row_number, values))
    except csv.Error as exc:
        raise ImportFileError(f"The file cannot be read as CSV at line {reader.line_num}: {exc}.") from None
    except StopIteration:
        raise ImportFileError("The file has no heading row.") from None
    return Table(rows=rows, ignored_columns=ignored)
