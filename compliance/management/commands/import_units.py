from compliance.importing.units import import_units

from ._importcommand import ImportCommand


class Command(ImportCommand):
    kind = "units"
    help = "Load or update organisation units. Columns: unit_code, name, parent_code, kind."

    def run_import(self, data, **kwargs):
        return import_units(data, **kwargs)
