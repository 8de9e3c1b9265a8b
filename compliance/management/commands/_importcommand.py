"""What every import command shares: reading the file, the flags, the report, the exit status."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from compliance.importing import ImportFileError, ImportReport, read_mapping


class ImportCommand(BaseCommand):
    kind = "rows"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8 with or without BOM; '-' for standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report what would change; write nothing"
        )
        parser.add_argument(
            "--mapping",
            metavar="MAPPING.json",
            help='JSON renaming headings, {"Their heading": "column"}, or also translating values: '
            '{"columns": {...}, "values": {"rank_or_grade": {"Sgt.": "Sergeant"}}}',
        )
        parser.add_argument("--skip-invalid", action="store_true", help="apply the valid rows and report the rest")

    def run_import(self, data: bytes, *, mapping, dry_run: bool, skip_invalid: bool) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args, file, dry_run, mapping, skip_invalid, **options):
        try:
            mapping = read_mapping(mapping)
            data = self._read(file)
            report = self.run_import(data, mapping=mapping, dry_run=dry_run, skip_invalid=skip_invalid)
        except ImportFileError as exc:
            raise CommandError(f"{file}: {exc} Nothing was written.") from None
        except DatabaseError as exc:
            # Validation should leave nothing for the database to refuse; the transaction is rolled
            # back. The database's own message may quote values (restricted ones, for equality
            # data), so it is shown only with --traceback.
            raise CommandError(
                f"{file}: the database refused the import; nothing was written. "
                "Run again with --traceback for the details."
            ) from exc
        for note in report.notes:
            self.stdout.write(note)
        for error in report.errors:
            self.stderr.write(f"{file}: {error}")
        unknown = report.unknown_values()
        if unknown:
            # One line per column: every unknown value once, with how many rows use it, so that
            # one mapping-file entry or one new alias in the admin fixes all of them.
            self.stderr.write("Values the force's lists do not know (map them in a mapping file, or add them):")
            for column, values in unknown.items():
                listed = "; ".join(f"'{value}' ({rows} row{'s' if rows != 1 else ''})" for value, rows in values)
                self.stderr.write(f"  {column}: {listed}")
        style = self.style.SUCCESS if not report.errors else self.style.WARNING
        self.stdout.write(style(report.headline()))
        self.stdout.write(
            f"Summary ({self.kind}): rows {report.rows}, created {report.created}, updated {report.updated}, "
            f"deactivated {report.deactivated}, unchanged {report.unchanged}, rejected {report.rejected}"
            + (" [dry run]" if dry_run else "")
        )
        if report.refused:
            raise CommandError(f"{len(report.errors)} error(s) in {file}; nothing was written.")
        if report.errors:
            # Applied with --skip-invalid, but some rows were rejected: still worth a non-zero status.
            sys.exit(3)

    def _read(self, file: str) -> bytes:
        if file == "-":
            return sys.stdin.buffer.read()
        path = Path(file)
        if path.is_dir():
            raise ImportFileError(f"{file} is a folder, not a file.")
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise ImportFileError("No such file.") from None
        except OSError as exc:
            raise ImportFileError(f"Cannot read the file: {exc.strerror}.") from None

    def progress(self, done: int, total: int) -> None:
        if total < 1000 or not self.stderr.isatty():
            return
        width = 30
        filled = width * done // total
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        if done >= total:
            self.stderr.write("")
