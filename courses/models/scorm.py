"""SCORM packages, the course module that plays one, and each learner's runtime data.

A SCORM module is a `ModulePage` (a subclass in the page tree, so the course lists it, counts
it among its required modules and records its progress exactly as it does a native module);
instead of screens it plays an uploaded package. Packages are stored once, validated, and never
changed: a new version of the content is a new package, chosen in a new revision of the page.
"""

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page

from courses.models.learning import Enrolment, ProgressStatus
from courses.models.pages import CoursePage, ModulePage
from courses.privacy import Basis, NoPersonalData, PersonalData, Retention


class ScormVersion(models.TextChoices):
    SCORM_12 = "1.2", "SCORM 1.2"
    SCORM_2004_2 = "2004-2", "SCORM 2004 2nd edition"
    SCORM_2004_3 = "2004-3", "SCORM 2004 3rd edition"
    SCORM_2004_4 = "2004-4", "SCORM 2004 4th edition"


class ScormPackage(models.Model):
    """An uploaded SCORM zip, checked and unpacked into storage under `storage_prefix`."""

    title = models.CharField(max_length=255, help_text="Shown to L&D only; the module page has its own title.")
    version = models.CharField(max_length=10, choices=ScormVersion.choices)
    manifest_identifier = models.CharField(max_length=255, blank=True)
    steps = models.JSONField(default=list, help_text="The items to launch, in manifest order.")
    storage_prefix = models.CharField(max_length=100, unique=True)
    file_count = models.PositiveIntegerField()
    total_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("title")]

    personal_data = PersonalData(
        about="A SCORM package L&D uploaded, with who uploaded it.",
        purpose="To play the package and show who is responsible for it.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.AUDIT,
        seen_by="L&D.",
        subject="uploaded_by",
        identity=("uploaded_by",),
        other=(
            "title",
            "version",
            "manifest_identifier",
            "steps",
            "storage_prefix",
            "file_count",
            "total_bytes",
            "sha256",
            "uploaded_at",
        ),
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "SCORM package"

    def __str__(self) -> str:
        label = self.get_version_display()
        return self.title if label in self.title else f"{self.title} ({label})"

    @property
    def is_scorm_12(self) -> bool:
        return self.version == ScormVersion.SCORM_12

    @property
    def sco_steps(self) -> list[dict]:
        return [step for step in self.steps if step.get("scorm_type") == "sco"]

    def step(self, identifier: str) -> dict | None:
        return next((step for step in self.steps if step.get("identifier") == identifier), None)

    def stored_file_names(self) -> list[str]:
        names: list[str] = []

        def walk(folder: str) -> None:
            directories, files = default_storage.listdir(folder)
            names.extend(f"{folder}/{name}" for name in files)
            for directory in directories:
                walk(f"{folder}/{directory}")

        try:
            walk(self.storage_prefix)
        except (FileNotFoundError, NotImplementedError):
            return []
        return names

    def delete(self, *args, **kwargs):
        """Its files go with it, once the row is gone (a module still using it keeps it: PROTECT)."""
        names = self.stored_file_names()
        result = super().delete(*args, **kwargs)
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
        return result


class CompletionRule(models.TextChoices):
    COMPLETED = "completed", "The package reports every SCO completed (or passed), none failed"
    PASSED = "passed", "The package reports every SCO passed"


class ScormModulePage(ModulePage):
    """A module of a course that plays a SCORM 1.2 or 2004 package."""

    package = models.ForeignKey(
        ScormPackage,
        on_delete=models.PROTECT,
        related_name="modules",
        help_text="Upload packages under Training delivery → SCORM packages, then choose one here.",
    )
    completion_rule = models.CharField(
        max_length=20,
        choices=CompletionRule.choices,
        default=CompletionRule.COMPLETED,
        help_text=(
            "When the module counts as complete. The server applies the package's mastery or passing score "
            "itself, whatever status the package reports."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("package"),
        FieldPanel("completion_rule"),
        MultiFieldPanel([FieldPanel("estimated_minutes"), FieldPanel("required")]),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "courses/scorm_module_page.html"

    personal_data = NoPersonalData("A SCORM module page: content, pointing at a package.")

    class Meta:
        verbose_name = "SCORM module"

    def clean(self):
        Page.clean(self)

    def attempts_for(self, user) -> dict[str, "ScormAttempt"]:
        """The learner's data for each SCO of this module's package, from their current
        enrolment (the open one, else the latest): what a new launch resumes from."""
        enrolment = (
            Enrolment.objects.filter(user=user, course__path=self.path[: -self.steplen])
            .order_by(models.F("completed_at").desc(nulls_first=True), "-pk")
            .first()
        )
        if enrolment is None:
            return {}
        attempts = ScormAttempt.objects.filter(enrolment=enrolment, module=self, package_id=self.package_id)
        return {a.sco: a for a in attempts}

    def progress_status(self, user) -> str:
        """not_started, in_progress or completed, in the learner's current enrolment."""
        progress = self.progress_for(user)
        if progress is None:
            return "not_started"
        return "completed" if progress.status == ProgressStatus.COMPLETED else "in_progress"

    def get_context(self, request, *args, **kwargs):
        from courses.scorm.player import player_context

        context = Page.get_context(self, request, *args, **kwargs)
        context.update(player_context(module=self, request=request, preview=getattr(request, "is_preview", False)))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        origin = getattr(request, "scorm_content_origin", None)
        if origin:
            # django-csp's per-response update (a no-op on a site without it): the player frames
            # the package's origin.
            response._csp_update = {**(getattr(response, "_csp_update", None) or {}), "frame-src": [origin]}
        return response


# A course lists SCORM modules beside native ones: the page type is registered with the course
# here, where it is defined, so the course model needs no knowledge of SCORM.
if "courses.ScormModulePage" not in CoursePage.subpage_types:
    CoursePage.subpage_types = [*CoursePage.subpage_types, "courses.ScormModulePage"]


class ScormAttempt(models.Model):
    """One learner's data for one SCO of a module's package, across every session: kept per
    enrolment, so a new cycle of a yearly course starts afresh while the old one stays."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="scorm_attempts")
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(ScormPackage, on_delete=models.PROTECT, related_name="attempts")
    sco = models.CharField(max_length=255, help_text="The item's identifier in the manifest.")
    # SCORM 1.2's cmi.core.lesson_status, or SCORM 2004's cmi.completion_status, as the server
    # judged it (a mastery score or completion threshold in the manifest overrides the package).
    completion_status = models.CharField(max_length=20, default="not attempted")
    success_status = models.CharField(max_length=10, default="unknown")
    score_raw = models.DecimalField(max_digits=17, decimal_places=7, null=True, blank=True)
    score_min = models.DecimalField(max_digits=17, decimal_places=7, null=True, blank=True)
    score_max = models.DecimalField(max_digits=17, decimal_places=7, null=True, blank=True)
    score_scaled = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    progress_measure = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    location = models.TextField(blank=True)
    suspend_data = models.TextField(blank=True)
    exit = models.CharField(max_length=10, blank=True)
    session_seconds = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="The latest session's time."
    )
    total_seconds = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    sessions = models.PositiveIntegerField(default=0)
    commits = models.PositiveIntegerField(default=0)
    interactions = models.JSONField(default=list, help_text="Every interaction reported, by session.")
    objectives = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the SCO first met the module's rule.")

    personal_data = PersonalData(
        about="What a SCORM course recorded about you: status, score, time, interactions and where you left off.",
        purpose="To resume a SCORM course and decide its completion.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="The person; L&D in course reports.",
        subject="enrolment__user",
        training=(
            "enrolment",
            "module",
            "package",
            "sco",
            "completion_status",
            "success_status",
            "score_raw",
            "score_min",
            "score_max",
            "score_scaled",
            "progress_measure",
            "location",
            "suspend_data",
            "exit",
            "session_seconds",
            "total_seconds",
            "sessions",
            "commits",
            "interactions",
            "objectives",
            "completed_at",
        ),
        other=("started_at", "updated_at", "terminated_at"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module", "package", "sco"], name="one_scorm_attempt_per_sco"),
            models.CheckConstraint(
                condition=Q(score_scaled__isnull=True) | Q(score_scaled__gte=-1, score_scaled__lte=1),
                name="scorm_scaled_score_range",
            ),
            models.CheckConstraint(
                condition=Q(progress_measure__isnull=True) | Q(progress_measure__gte=0, progress_measure__lte=1),
                name="scorm_progress_measure_range",
            ),
            models.CheckConstraint(condition=Q(total_seconds__gte=0), name="scorm_total_time_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.sco} {self.completion_status}"
