import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from compliance.people.models.organisation import vocabulary_key
from courses.conf import lms_setting


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong encoding, missing columns, bad mapping."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    # A value outside the force's vocabulary (a rank, a function, a unit kind...), so that the
    # report can list every unknown value once, with how many rows use it.
    unknown: str = ""

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What an import found and did. `applied` is False for a dry run or a rejected file."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False
    applied: bool = False

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deactivated

    @property
    def refused(self) -> bool:
        """The file had errors and --skip-invalid was not given: nothing is (or would be) written."""
        return bool(self.errors) and not self.applied and not self.skip_invalid

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "deactivated": self.deactivated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "errors": [error.as_dict() for error in self.errors[: lms_setting("IMPORT_ERRORS_LISTED")]],
            "errors_total": len(self.errors),
            "unknown_values": {
                column: [{"value": value, "rows": rows} for value, rows in values]
                for column, values in self.unknown_values().items()
            },
            "notes": self.notes,
            "message": self.headline(),
        }

    def unknown_values(self) -> dict[str, list[tuple[str, int]]]:
        """Every value the force's vocabularies do not know, by column, most frequent first: one
        mapping-file entry (or one new alias) fixes all the rows that use it."""
        by_column: dict[str, Counter] = {}
        spelling: dict[tuple[str, str], str] = {}
        for error in self.errors:
            if error.unknown:
                # Spellings the import treats as one ("Det Sgt", "det-sgt") are one value, shown
                # as first met.
                key = vocabulary_key(error.unknown)
                by_column.setdefault(error.column, Counter())[key] += 1
                spelling.setdefault((error.column, key), error.unknown)
        return {
            column: [(spelling[(column, key)], rows) for key, rows in counts.most_common()]
            for column, counts in sorted(by_column.items())
        }

    def headline(self) -> str:
        if self.refused:
            outcome = "nothing would be written" if self.dry_run else "nothing was written"
            return f"{len(self.errors)} error(s) in {self.rejected} of {self.rows} row(s): {outcome}."
        prefix = "Dry run, nothing written: would have " if self.dry_run else ""
        if self.rows and self.rejected == self.rows:
            outcome = "nothing would be imported" if self.dry_run else "nothing was imported"
            return f"Every row was rejected ({len(self.errors)} error(s) in {self.rows} row(s)): {outcome}."
        if not self.changed and not self.dry_run:
            return f"No changes: all {self.unchanged} row(s) already match." + (
                f" {self.rejected} row(s) rejected." if self.rejected else ""
            )
        counts = (
            f"created {self.created}, updated {self.updated}, deactivated {self.deactivated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )
        return (prefix + counts + ".") if self.dry_run else counts[0].upper() + counts[1:] + "."


_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Spreadsheets and other systems export dates with a time ("2026-03-31 00:00:00", "…T14:05").
_TIME_AFTER_DATE = re.compile(r"^(\S+)[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_date(value: str) -> datetime.date:
    """ISO (2026-03-31) or UK (31/03/2026), with or without a time of day, which is dropped.
    Two-digit years are refused as ambiguous."""
    shown = value.strip()
    text = match.group(1) if (match := _TIME_AFTER_DATE.match(shown)) else shown
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _UK_DATE.match(text)
        if not match:
            raise ValueError(f"'{_clip(shown)}' is not a date: use YYYY-MM-DD or DD/MM/YYYY")
        day, month, year = (int(part) for part in match.groups())
    try:
        date = datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{_clip(shown)}' is not a real date ({exc})") from None
    if not 1900 <= date.year <= 2200:
        raise ValueError(f"'{_clip(shown)}' is outside the years 1900 to 2200")
    return date


def _clip(text: str, limit: int = 60) -> str:
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


clip = _clip
