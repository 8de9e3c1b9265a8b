"""The vocabulary a force starts with: ranks and grades (with the leadership level each
carries and the other names HR files use for it, the special constabulary's own ranks
included) and the functions requirements can target. Administrators extend both in the admin;
a force's own names for them go in the aliases."""

from django.db import migrations

# name, kind, leadership level, seniority, aliases
RANKS = [
    ("Constable", "rank", "none", 1, "PC; DC; Police Constable; Detective Constable"),
    ("Sergeant", "rank", "first_line", 2, "PS; DS; Sgt; Police Sergeant; Detective Sergeant"),
    ("Inspector", "rank", "middle", 3, "Insp; DI; Detective Inspector"),
    ("Chief Inspector", "rank", "middle", 4, "CI; Ch Insp; DCI; Detective Chief Inspector"),
    ("Superintendent", "rank", "senior", 5, "Supt; DSupt; Detective Superintendent"),
    ("Chief Superintendent", "rank", "senior", 6, "Ch Supt; C/Supt; DCS; Detective Chief Superintendent"),
    ("Assistant Chief Constable", "rank", "senior", 7, "ACC"),
    ("Deputy Chief Constable", "rank", "senior", 8, "DCC"),
    ("Chief Constable", "rank", "senior", 9, "CC"),
    ("Grade A", "grade", "none", 1, "Scale 1; A"),
    ("Grade B", "grade", "none", 2, "Scale 2; B"),
    ("Grade C", "grade", "none", 3, "Scale 3; C"),
    ("Grade D", "grade", "none", 4, "Scale 4; D"),
    ("Grade E", "grade", "first_line", 5, "Scale 5; E; SO1"),
    ("Grade F", "grade", "first_line", 6, "Scale 6; F; SO2"),
    ("Grade G", "grade", "middle", 7, "PO1; G"),
    ("Grade H", "grade", "middle", 8, "PO2; H"),
    ("Grade I", "grade", "senior", 9, "PO3; I; Senior Manager"),
    ("Director", "grade", "senior", 10, "Head of Department; Chief Officer"),
    ("Student Officer", "rank", "none", 0,
     "Student Constable; Student PC; Student Police Constable; Probationer; Probationary Constable; "
     "Trainee Constable; PCDA; DHEP; Student Officer (PCDA); Student Officer (DHEP)"),
    ("PCSO", "grade", "none", 1, "Police Community Support Officer; Community Support Officer; CSO"),
    ("Special Constable", "rank", "none", 1, "SC; Special; Special Police Constable; Special Officer"),
    ("Special Sergeant", "rank", "first_line", 2, "SS; Special Sgt; Special Police Sergeant"),
    ("Special Inspector", "rank", "middle", 3, "SI; Special Insp"),
    ("Special Chief Inspector", "rank", "middle", 4, "SCI; Special Ch Insp"),
    ("Special Superintendent", "rank", "senior", 5, "Special Supt"),
    ("Special Chief Superintendent", "rank", "senior", 6, "Special Ch Supt"),
    ("Special Chief Officer", "rank", "senior", 7, "Chief Officer of the Special Constabulary; Special Chief Constable"),
    ("Police Support Volunteer", "grade", "none", 1, "PSV; Volunteer; Police Volunteer; Citizens in Policing Volunteer"),
    ("Commander", "rank", "senior", 7, "Cmdr"),
    ("Deputy Assistant Commissioner", "rank", "senior", 7, "DAC"),
    ("Assistant Commissioner", "rank", "senior", 8, "AC; Assistant Commissioner of Police"),
    ("Deputy Commissioner", "rank", "senior", 8, "Deputy Commissioner of Police"),
    ("Commissioner", "rank", "senior", 9, "Commissioner of Police"),
]

FUNCTIONS = [
    ("recruitment-assessor", "Recruitment assessor"),
    ("promotion-panel-member", "Promotion panel member"),
    ("misconduct-cadre", "Misconduct cadre"),
    ("psd", "Professional Standards Department"),
    ("firearms", "Firearms officer"),
    ("tutor-constable", "Tutor constable"),
    ("custody", "Custody"),
    ("public-order", "Public order"),
]


def create(apps, schema_editor):
    RankOrGrade = apps.get_model("people", "RankOrGrade")
    Function = apps.get_model("people", "Function")
    for name, kind, level, seniority, aliases in RANKS:
        RankOrGrade.objects.get_or_create(
            name=name, defaults={"kind": kind, "leadership_level": level, "seniority": seniority, "aliases": aliases}
        )
    for code, name in FUNCTIONS:
        Function.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
