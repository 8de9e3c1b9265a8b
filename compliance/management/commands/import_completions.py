from compliance.importing.completions import COLUMNS, import_completions

from ._importcommand import ImportCommand


class Command(ImportCommand):
    kind = "completions"
    help = (
        "Import historic completions from another platform. Columns: " + ", ".join(COLUMNS) + ". "
        "The whole file is validated first; on any error nothing is written unless --skip-invalid. "
        "Importing the same file again creates nothing."
    )

    def run_import(self, data, **kwargs):
        return import_completions(data, progress=self.progress, **kwargs)
