"""Talent programmes (pages L&D edit), their cohorts (places, dates, an application window and
who is eligible), applications and the applicant's self-declaration, stored apart.

The self-declaration against a programme's positive-action criteria is collected for that
purpose alone, with its own notice. It is a table of its own with no way back from an
application (`related_name="+"`): the panel, the line manager and every export read
applications, never declarations. Nothing here reads the equality-monitoring data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from compliance.people.models import LeadershipLevel, OrgUnit, RankOrGrade, WorkerType
from courses.privacy import Basis, Expiry, NoPersonalData, PersonalData, Retention

DEFAULT_NOTICE = (
    "We ask this only to run this positive-action programme (Equality Act 2010, section 158). "
    "Your answer is kept apart from your application: your line manager and the selection panel "
    "never see it, it is in no export, and it is not taken from or added to the equality "
    "monitoring information you may have given HR. Answering is optional; you can choose "
    "'Prefer not to say'. Only you see your answer, on your applications page."
)


class TalentIndexPage(Page):
    """Where L&D keep the programme pages (and the approval workflow that covers them)."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["talent.TalentProgrammePage"]
    max_count = 1

    personal_data = NoPersonalData("The talent programmes page: content written by L&D.")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = TalentProgrammePage.objects.child_of(self).live().order_by("title")
        return context


class PositiveAction(models.TextChoices):
    NONE = "", "Open to everyone eligible"
    SECTION_158 = "s158", "Positive action for under-represented groups (Equality Act 2010, section 158)"


class TalentProgrammePage(Page):
    """A talent or positive-action programme: what it is, for whom, and how people join."""

    purpose = models.TextField(help_text="What the programme is for, in one or two sentences.")
    audience = models.TextField("Who it is for", help_text="Who should apply, in plain words.")
    involves = RichTextField("What it involves", features=["bold", "italic", "link", "ol", "ul"])
    duration = models.CharField(max_length=100, help_text="For example '12 months' or '6 months, one-to-one'.")
    selection_criteria = models.TextField(
        "Published selection criteria", help_text="What the panel scores applications against."
    )
    application_question = models.CharField(
        max_length=300, default="Why do you want to join this programme, and what will you bring to it?"
    )
    positive_action = models.CharField(max_length=10, choices=PositiveAction.choices, blank=True, default="")
    positive_action_criteria = models.TextField(
        blank=True,
        help_text="Which under-represented groups the programme is for, in words (Equality Act 2010, "
        "section 158). Applicants may declare against it; the panel never sees the answer.",
    )
    declaration_notice = models.TextField("Privacy notice for the self-declaration", default=DEFAULT_NOTICE, blank=True)
    line_manager_support_required = models.BooleanField(
        default=False,
        help_text="Ask the applicant's line manager to support the application before the panel sees it. "
        "The force's strategy recommends leaving this off for progression.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("purpose"),
        FieldPanel("audience"),
        FieldPanel("involves"),
        FieldPanel("duration"),
        FieldPanel("selection_criteria"),
        FieldPanel("application_question"),
        MultiFieldPanel(
            [FieldPanel("positive_action"), FieldPanel("positive_action_criteria"), FieldPanel("declaration_notice")],
            heading="Positive action",
        ),
        FieldPanel("line_manager_support_required"),
        InlinePanel("owners", heading="L&D owners (they run selection for every cohort)", label="Owner"),
    ]
    parent_page_types = ["talent.TalentIndexPage"]
    subpage_types: list[str] = []

    personal_data = NoPersonalData("A talent programme: content written by L&D.")

    @property
    def has_positive_action(self) -> bool:
        return bool(self.positive_action and self.positive_action_criteria.strip())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["cohorts"] = list(self.cohorts.with_rules().order_by("starts_on"))
        return context


class TalentProgrammeOwner(Orderable):
    programme = ParentalKey(TalentProgrammePage, on_delete=models.CASCADE, related_name="owners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("user")]

    personal_data = PersonalData(
        about="That you own a talent programme (you run its selection).",
        purpose="To give owners their programme's panel pages.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TALENT,
        seen_by="L&D.",
        subject="user",
        identity=("user",),
        other=("sort_order", "programme"),
    )

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="talent_owner_once")]


class CohortQuerySet(models.QuerySet):
    def with_rules(self) -> "CohortQuerySet":
        """With the programme and the eligibility lists loaded, in a fixed number of queries."""
        return self.select_related("programme").prefetch_related(
            models.Prefetch("ranks", queryset=RankOrGrade.objects.only("id", "name")),
            models.Prefetch("units", queryset=OrgUnit.objects.only("id", "name", "path")),
        )


class Cohort(models.Model):
    """One intake of a programme: its dates, places, application window and eligibility.
    An empty eligibility list means "anyone"; units include the units below them."""

    programme = models.ForeignKey(TalentProgrammePage, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=100, help_text="For example '2026 to 2027'.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    places = models.PositiveSmallIntegerField()
    applications_open_on = models.DateField()
    applications_close_on = models.DateField(help_text="The last day to apply.")
    ranks = models.ManyToManyField(RankOrGrade, blank=True, related_name="+", verbose_name="ranks or grades")
    worker_types = models.JSONField(default=list, blank=True)
    leadership_levels = models.JSONField(default=list, blank=True)
    min_service_years = models.PositiveSmallIntegerField("minimum length of service (years)", null=True, blank=True)
    units = models.ManyToManyField(OrgUnit, blank=True, related_name="+", help_text="And the units below them.")
    panel = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="talent_panels",
        verbose_name="selection panel",
        help_text="Who scores and selects, with the programme's owners.",
    )

    objects = CohortQuerySet.as_manager()

    personal_data = PersonalData(
        about="A programme's intake, with the members of its selection panel.",
        purpose="To run selection and show who selected.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TALENT,
        seen_by="L&D and the programme's owners.",
        subject="panel",
        identity=("panel",),
        other=(
            "programme",
            "name",
            "starts_on",
            "ends_on",
            "places",
            "applications_open_on",
            "applications_close_on",
            "worker_types",
            "leadership_levels",
            "min_service_years",
            "ranks",
            "units",
        ),
    )

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="cohort_ends_after_start"),
            models.CheckConstraint(
                condition=Q(applications_close_on__gte=models.F("applications_open_on")),
                name="cohort_window_closes_after_opening",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="cohort_places_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.title}: {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = "The cohort must end after it starts."
        if (
            self.applications_open_on
            and self.applications_close_on
            and self.applications_close_on < self.applications_open_on
        ):
            errors["applications_close_on"] = "Applications must close on or after the day they open."
        if self.places is not None and self.places < 1:
            errors["places"] = "Give at least 1 place."
        unknown = set(self.worker_types or []) - set(WorkerType.values)
        if unknown:
            errors["worker_types"] = "Choose worker types from the list."
        if set(self.leadership_levels or []) - set(LeadershipLevel.values):
            errors["leadership_levels"] = "Choose leadership levels from the list."
        if errors:
            raise ValidationError(errors)

    def window_open(self, today) -> bool:
        return self.applications_open_on <= today <= self.applications_close_on


class ApplicationStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated: waiting for the nominee to apply"
    AWAITING_SUPPORT = "awaiting_support", "Waiting for line manager support"
    NOT_SUPPORTED = "not_supported", "Not supported by line manager"
    SUBMITTED = "submitted", "With the selection panel"
    SELECTED = "selected", "Offered a place"
    WAITING = "waiting", "On the waiting list"
    NOT_SELECTED = "not_selected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed the programme"


# Applications the panel considers, and those that can still be withdrawn.
PANEL_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.SELECTED, ApplicationStatus.WAITING,
                  ApplicationStatus.NOT_SELECTED)  # fmt: skip
OPEN_STATUSES = (ApplicationStatus.NOMINATED, ApplicationStatus.AWAITING_SUPPORT, ApplicationStatus.SUBMITTED,
                 ApplicationStatus.SELECTED, ApplicationStatus.WAITING)  # fmt: skip


class Application(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="talent_applications")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, db_index=True)
    statement = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nomination_note = models.TextField(blank=True)
    support_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    support_at = models.DateTimeField(null=True, blank=True)
    support_note = models.TextField(blank=True)
    shortlisted = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    panel_note = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    waiting_position = models.PositiveSmallIntegerField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talent_mentees",
        help_text="The participant's mentor or buddy.",
    )
    plan = models.TextField(blank=True, help_text="The participant's own development plan.")
    offered_at = models.DateTimeField(
        null=True, blank=True, help_text="When a place was offered: kept if they later withdrew."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    created_at = models.DateTimeField()

    personal_data = PersonalData(
        about=(
            "Your application to a talent programme: your statement, nominations, "
            "support, scores, decision and progress."
        ),
        purpose="To select fairly against published criteria and run the programme.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TALENT,
        counts_from="cohort__ends_on",
        seen_by="The person, their line managers (support), the programme's owners and the cohort's panel.",
        subject="person",
        identity=("person", "nominated_by", "support_by", "scored_by", "decided_by", "mentor"),
        training=(
            "cohort",
            "status",
            "applied_at",
            "support_at",
            "shortlisted",
            "score",
            "decided_at",
            "waiting_position",
            "offered_at",
            "completed_at",
        ),
        free_text=(
            "statement",
            "nomination_note",
            "support_note",
            "panel_note",
            "decision_reason",
            "withdrawn_reason",
            "plan",
            "completion_note",
        ),
        other=("created_at",),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="talent_one_application_per_cohort"),
            models.CheckConstraint(
                condition=Q(status="waiting", waiting_position__isnull=False)
                | (~Q(status="waiting") & Q(waiting_position__isnull=True)),
                name="talent_waiting_has_position",
            ),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=10), name="talent_score_out_of_ten"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} for {self.cohort_id}: {self.status}"


class Declaration(models.TextChoices):
    YES = "yes", "Yes, I am in a group this programme is for"
    NO = "no", "No"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class SelfDeclaration(models.Model):
    """The applicant's own answer to the programme's positive-action criteria. Stored apart,
    read only by the applicant's own status page: never by the panel, the line manager or
    an export (no reverse accessor from the application)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=12, choices=Declaration.choices)
    recorded_at = models.DateTimeField()

    personal_data = PersonalData(
        about="Your optional self-declaration against a positive-action programme's criteria.",
        purpose="Only to run that positive-action programme; never seen by your manager or the panel.",
        basis=Basis.POSITIVE_ACTION,
        retention=Retention.TALENT,
        counts_from="application__cohort__ends_on",
        on_expiry=Expiry.DELETE,
        seen_by="The person alone.",
        subject="application__person",
        special=("answer",),
        other=("application", "recorded_at"),
    )

    def __str__(self) -> str:
        return f"Self-declaration {self.pk}"


class MilestoneKind(models.TextChoices):
    MENTORING = "mentoring", "Mentoring session"
    WORKSHOP = "workshop", "Workshop"
    WEBINAR = "webinar", "Webinar"
    EXAM = "exam", "Exam or assessment"
    OTHER = "other", "Other"


class Milestone(models.Model):
    """A dated step of a running cohort, with attendance; it may point at a course or a
    face-to-face session the product already has."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.WORKSHOP)
    on = models.DateField("date")
    course = models.ForeignKey("courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session = models.ForeignKey(
        "courses.FaceToFaceSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    personal_data = NoPersonalData("A talent programme's milestone (a session or course): content, about no one.")

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.on:%-d %b %Y})"


class Attendance(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="attendance")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attendance")
    attended = models.BooleanField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    personal_data = PersonalData(
        about="Whether you attended a talent programme's milestone.",
        purpose="To run the programme and report who completed it.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TALENT,
        seen_by="The person, the programme's owners and the cohort's panel.",
        subject="application__person",
        identity=("recorded_by",),
        training=("milestone", "application", "attended"),
        other=("recorded_at",),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["milestone", "application"], name="talent_attendance_once")]

    def __str__(self) -> str:
        return f"{self.application_id} at {self.milestone_id}: {self.attended}"
