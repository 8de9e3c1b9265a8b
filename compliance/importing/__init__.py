"""Imports from files: people, units, equality data (and, later, completions).

Every import reads the whole file, validates every row, and only then writes, in one
transaction. Errors name the row (as numbered in a spreadsheet: the header is row 1),
the column and the reason.
"""

from .base import ImportFileError, ImportReport, RowError
from .csvfile import read_mapping, read_table

__all__ = ["ImportFileError", "ImportReport", "RowError", "read_mapping", "read_table"]
