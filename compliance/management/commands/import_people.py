from compliance.importing.people import COLUMNS, import_people

from ._importcommand import ImportCommand


class Command(ImportCommand):
    kind = "people"
    help = (
        "Load or update the workforce from the HR export. Columns: " + ", ".join(COLUMNS) + ". "
        "The whole file is validated first; on any error nothing is written unless --skip-invalid."
    )

    def run_import(self, data, **kwargs):
        return import_people(data, progress=self.progress, **kwargs)
