from compliance.importing.absences import import_absences

from ._importcommand import ImportCommand


class Command(ImportCommand):
    kind = "absences"
    help = (
        "Load or update long absences (due dates paused, reminders stopped). "
        "Columns: staff_number, start_date, end_date, category."
    )

    def run_import(self, data, **kwargs):
        return import_absences(data, **kwargs)
