"""The ranks and grades a force's HR file uses that the first list lacked: student officers,
PCSOs, the special constabulary's own ranks, police support volunteers, and the Metropolitan
and City of London ranks above Chief Superintendent. Rows an administrator already edited are
kept; only their missing aliases are added."""

from django.db import migrations

# name, kind, leadership level, seniority, aliases
RANKS = [
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


def add(apps, schema_editor):
    RankOrGrade = apps.get_model("compliance", "RankOrGrade")
    for name, kind, level, seniority, aliases in RANKS:
        rank, created = RankOrGrade.objects.get_or_create(
            name=name, defaults={"kind": kind, "leadership_level": level, "seniority": seniority, "aliases": aliases}
        )
        if not created:
            held = [a.strip() for a in rank.aliases.split(";") if a.strip()]
            missing = [a.strip() for a in aliases.split(";") if a.strip().lower() not in {h.lower() for h in held}]
            if missing:
                rank.aliases = "; ".join(held + missing)
                rank.save(update_fields=["aliases"])


class Migration(migrations.Migration):
    dependencies = [("compliance", "0007_requirement_minimum_active_days")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
