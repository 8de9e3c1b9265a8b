"""People and organisation: the two trees everything else hangs from.

Organisation units use treebeard's materialised path (a Wagtail dependency). The line-
management tree keeps its own materialised path on `Person.line_path`: treebeard inserts
one node at a time, which is far too slow for loading a 50,000-person HR file, while a
plain indexed path column can be rebuilt for the whole force in a few set-based writes.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Upper
from treebeard.mp_tree import MP_Node

from courses.privacy import Basis, Expiry, NoPersonalData, PersonalData, Retention

# Fixed-width hex of the person's primary key; a path is the chain of ids from the top.
LINE_PATH_STEP = 8


def line_path_segment(pk: int) -> str:
    return f"{pk:0{LINE_PATH_STEP}x}"


class WorkerType(models.TextChoices):
    POLICE_OFFICER = "police_officer", "Police officer"
    STUDENT_OFFICER = "student_officer", "Student officer"
    POLICE_STAFF = "police_staff", "Police staff"
    PCSO = "pcso", "Police community support officer (PCSO)"
    SPECIAL_CONSTABLE = "special_constable", "Special constable"
    VOLUNTEER = "volunteer", "Volunteer"


class LeadershipLevel(models.TextChoices):
    NONE = "none", "None"
    FIRST_LINE = "first_line", "First line leader"
    MIDDLE = "middle", "Middle leader"
    SENIOR = "senior", "Senior leader"


class UnitKind(models.TextChoices):
    FORCE = "force", "Force"
    DIRECTORATE = "directorate", "Directorate or portfolio"
    DEPARTMENT = "department", "Department"
    LOCAL_POLICING_AREA = "lpa", "Local policing area"
    TEAM = "team", "Team"


class OrgUnit(MP_Node):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=UnitKind.choices, default=UnitKind.TEAM)

    node_order_by = ["name"]

    personal_data = NoPersonalData("A unit of the organisation: its name, code and place in the tree.")

    class Meta:
        verbose_name = "organisation unit"
        ordering = ["path"]
        # Codes are matched case-insensitively by every import, so they must be unique that way.
        constraints = [models.UniqueConstraint(Upper("code"), name="orgunit_code_unique_ignoring_case")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def vocabulary_key(text: str) -> str:
    """How names in the force's lists (ranks and grades, functions) are matched: letter case,
    hyphens, underscores and runs of spaces ignored ("Det Sgt" is "det-sgt")."""
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


class RankOrGrade(models.Model):
    """The table that derives a leadership level from a rank or a staff grade."""

    personal_data = NoPersonalData("A rank or grade the force uses: the list, about no one.")

    class Kind(models.TextChoices):
        RANK = "rank", "Police rank"
        GRADE = "grade", "Staff grade"

    name = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    leadership_level = models.CharField(max_length=20, choices=LeadershipLevel.choices)
    seniority = models.PositiveSmallIntegerField(default=0, help_text="Higher is more senior.")
    aliases = models.CharField(
        max_length=200,
        blank=True,
        help_text="Other spellings found in HR files, separated by semicolons (for example 'PS; Sgt').",
    )

    class Meta:
        verbose_name = "rank or grade"
        verbose_name_plural = "ranks and grades"
        ordering = ["kind", "seniority", "name"]

    def __str__(self) -> str:
        return self.name


class Function(models.Model):
    """A role tag that is not a rank, such as recruitment assessor; many per person."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)

    personal_data = NoPersonalData(
        "A function or specialism the force uses (for example firearms): the list, about no one."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="person")
    staff_number = models.CharField(max_length=32, unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField()
    worker_type = models.CharField(max_length=20, choices=WorkerType.choices, db_index=True)
    rank_or_grade = models.CharField(max_length=64, db_index=True)
    leadership_level = models.CharField(max_length=20, choices=LeadershipLevel.choices, db_index=True)
    leadership_level_overridden = models.BooleanField(
        default=False, help_text="Set when the level was given explicitly instead of derived from the rank or grade."
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="people")
    line_manager = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="direct_reports"
    )
    line_path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    start_date = models.DateField(help_text="Date of joining the force.")
    role_start_date = models.DateField(help_text="Date of entering the current rank, grade or leadership level.")
    functions = models.ManyToManyField(Function, through="PersonFunction", related_name="people", blank=True)
    is_active = models.BooleanField(default=True, db_index=True)
    end_date = models.DateField(null=True, blank=True, help_text="Leaving date.")
    anonymised_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The day the name, email and staff number were erased."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData(
        about="Your record from HR: name, email, staff number, rank or grade, unit, line manager, functions and dates.",
        purpose="To work out what training you must do, by when, and who your managers are.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.PERSON,
        counts_from="end_date",
        on_expiry=Expiry.ANONYMISE,
        seen_by=(
            "The person, their line managers up the chain, compliance administrators "
            "and HR integration (which sends it)."
        ),
        subject="pk",
        identity=("user", "staff_number", "first_name", "last_name", "email", "line_manager", "line_path"),
        training=(
            "worker_type",
            "rank_or_grade",
            "leadership_level",
            "leadership_level_overridden",
            "unit",
            "start_date",
            "role_start_date",
            "is_active",
            "end_date",
            "functions",
        ),
        other=("created_at", "updated_at", "anonymised_on"),
    )

    class Meta:
        verbose_name_plural = "people"
        ordering = ["last_name", "first_name", "staff_number"]
        indexes = [models.Index(Lower("last_name"), name="person_last_name_lower")]
        constraints = [
            models.UniqueConstraint(Upper("staff_number"), name="person_staff_number_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="person_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("pk")), name="person_not_own_line_manager"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.staff_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def line_depth(self) -> int:
        return len(self.line_path) // LINE_PATH_STEP


class PersonFunction(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="person_functions")
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="person_functions")
    gained_on = models.DateField()

    personal_data = PersonalData(
        about="A function or specialism you hold (for example firearms), and since when.",
        purpose="To assign the training that function requires.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.PERSON,
        seen_by="Compliance administrators.",
        subject="person",
        identity=("person",),
        training=("function", "gained_on"),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "function"], name="person_function_once")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.function_id}"
