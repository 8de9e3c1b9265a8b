"""The roles (groups) and the table deriving leadership levels from ranks and grades."""

from django.db import migrations

ROLES = {
    "L&D editor": ["wagtailadmin.access_admin"],
    "L&D lead": ["wagtailadmin.access_admin"],
    "Compliance administrator": ["wagtailadmin.access_admin"],
    "D&I analyst": ["wagtailadmin.access_admin", "compliance.analyse_equality"],
    "HR integration": [],
}

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
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    RankOrGrade = apps.get_model("compliance", "RankOrGrade")
    Function = apps.get_model("compliance", "Function")
    # Wagtail's admin-access permission lives on a content type it creates lazily.
    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    Permission.objects.get_or_create(content_type=admin_ct, codename="access_admin", defaults={"name": "Can access Wagtail admin"})
    equality_ct, _ = ContentType.objects.get_or_create(app_label="compliance", model="equalityrecord")
    Permission.objects.get_or_create(
        content_type=equality_ct, codename="analyse_equality",
        defaults={"name": "Can see aggregated, suppressed equality analytics"},
    )
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for name, kind, level, seniority, aliases in RANKS:
        RankOrGrade.objects.update_or_create(
            name=name, defaults={"kind": kind, "leadership_level": level, "seniority": seniority, "aliases": aliases}
        )
    for code, name in FUNCTIONS:
        Function.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
