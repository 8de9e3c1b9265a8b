from compliance.importing.equality import OPTIONAL, import_equality

from ._importcommand import ImportCommand


class Command(ImportCommand):
    kind = "equality records"
    help = (
        "Load equality-monitoring data (restricted: D&I analytics only). Columns: staff_number, "
        + ", ".join(OPTIONAL)
        + ". Blank means not recorded. Values are never printed."
    )

    def run_import(self, data, **kwargs):
        return import_equality(data, **kwargs)
