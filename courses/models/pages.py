"""A course and its modules: the pages L&D write, in tree order. The catalogue and programme
pages above them are in `catalogue`.

A page serves itself (Wagtail calls its `get_context` for a visit and for a preview): it
reads the page structure through its own methods here and the learner's state through
`courses.selectors.pages`, which imports no page model."""

from dataclasses import dataclass

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import CourseOverviewBlock, ModuleBodyBlock
from courses.models.learning import ModuleProgress
from courses.privacy import NoPersonalData


class Topic(models.Model):
    """A subject area learners can filter the catalogue by."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    personal_data = NoPersonalData("A subject area of the catalogue.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryMode(models.TextChoices):
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended (online and face-to-face)"
    FACE_TO_FACE = "face_to_face", "Face-to-face"


class CourseAudienceTag(TaggedItemBase):
    content_object = ParentalKey("courses.CoursePage", related_name="tagged_audiences", on_delete=models.CASCADE)

    personal_data = NoPersonalData("A course's audience tag (for example first line leaders): content, about no one.")


reflection_weeks_validator = RegexValidator(
    r"^\s*$|^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$", "Weeks after completion, separated by commas, e.g. 2, 6, 12."
)


class CoursePage(Page):
    """A course. Its `course_code` is the stable identity used by requirements and imports."""

    course_code = models.SlugField(
        max_length=50,
        unique=True,
        help_text="Stable code used by requirements and completion imports, e.g. MC-STAGE-1. Do not change it.",
    )
    programme_label = models.CharField(
        max_length=100, blank=True, help_text="Its place in the programme, e.g. 'Stage 1' or 'Student officers'."
    )
    summary = models.TextField(blank=True)
    learning_outcomes = RichTextField(blank=True, features=["bold", "italic", "ul", "ol", "link"])
    audience = models.TextField(blank=True, help_text="Who it is for, in words.")
    audience_tags = ClusterTaggableManager(
        through=CourseAudienceTag, blank=True, help_text="Audiences learners can filter by, e.g. first line leaders."
    )
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses")
    delivery_mode = models.CharField(max_length=20, choices=DeliveryMode.choices, default=DeliveryMode.ONLINE)
    estimated_minutes = models.PositiveIntegerField(default=30)
    overview = StreamField(CourseOverviewBlock(), blank=True, use_json_field=True)
    face_to_face_description = models.TextField(
        blank=True, help_text="For blended and face-to-face courses: what happens at the session."
    )
    reflection_weeks = models.CharField(
        max_length=50,
        blank=True,
        default="2, 6, 12",
        validators=[reflection_weeks_validator],
        help_text="When to prompt learners to reflect, in weeks after completion. Leave blank for none.",
    )
    reflection_prompt = models.TextField(
        blank=True,
        default="What have you done differently since the course? What got in the way, and what helped?",
    )
    manager_observation_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=(
            "Days after completion to ask the learner's line manager what change in behaviour they have seen, "
            "e.g. 90. Leave blank for none."
        ),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("course_code"), FieldPanel("programme_label"), FieldPanel("topic")], heading="Identity"
        ),
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel([FieldPanel("audience"), FieldPanel("audience_tags")], heading="Audience"),
        MultiFieldPanel(
            [FieldPanel("delivery_mode"), FieldPanel("estimated_minutes"), FieldPanel("face_to_face_description")],
            heading="Delivery",
        ),
        FieldPanel("overview"),
        MultiFieldPanel([FieldPanel("reflection_weeks"), FieldPanel("reflection_prompt")], heading="Guided reflection"),
        MultiFieldPanel([FieldPanel("manager_observation_days")], heading="Manager observation"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("course_code")]
    parent_page_types = ["courses.CatalogueIndexPage", "courses.ProgrammePage"]
    subpage_types = ["courses.ModulePage"]

    personal_data = NoPersonalData("A course: content written by L&D.")

    def __str__(self) -> str:
        return f"{self.title} ({self.course_code})"

    @property
    def has_face_to_face(self) -> bool:
        return self.delivery_mode in (DeliveryMode.BLENDED, DeliveryMode.FACE_TO_FACE)

    @property
    def reflection_week_list(self) -> list[int]:
        return sorted({int(part) for part in self.reflection_weeks.split(",") if part.strip()})

    def module_pages(self):
        """The course's live modules, in order."""
        return ModulePage.objects.child_of(self).live().order_by("path")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors.pages import course_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(course=self, user=request.user))
        return context


class ModulePage(Page):
    """A module of a course, in tree order. Its screens are shown one at a time."""

    summary = models.TextField(blank=True)
    estimated_minutes = models.PositiveIntegerField(default=20)
    pass_mark = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percentage of knowledge-check questions to answer correctly to pass.",
    )
    required = models.BooleanField(default=True, help_text="The course completes only when every required module does.")
    body = StreamField(ModuleBodyBlock(), blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("estimated_minutes"), FieldPanel("pass_mark"), FieldPanel("required")]),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    personal_data = NoPersonalData("A course module: content written by L&D.")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pass_mark__lte=100), name="module_pass_mark_percentage")
        ]

    def clean(self):
        super().clean()
        checks = sum(
            1 for screen in self.body for child in screen.value["content"] if child.block_type == "knowledge_check"
        )
        if checks > 1:
            raise ValidationError({"body": "Use one knowledge check per module: it is marked as a whole."})

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), redirect_field_name=REDIRECT_FIELD_NAME)
        # Viewing writes nothing: the course starts, and progress is kept, when the learner
        # moves on (courses.views.module_move), answers or completes.
        return super().serve(request, *args, **kwargs)

    def progress_for(self, user) -> ModuleProgress | None:
        """The learner's progress on this module in their current enrolment (the open one, else the latest)."""
        return (
            ModuleProgress.objects.filter(
                enrolment__user=user, enrolment__course__path=self.path[: -self.steplen], module=self
            )
            .order_by(models.F("enrolment__completed_at").desc(nulls_first=True), "-enrolment_id")
            .first()
        )

    def place(self) -> "CoursePlace":
        """The course this module is in and where it stands among the course's live modules."""
        course = CoursePage.objects.filter(path=self.path[: -self.steplen]).first()
        modules = (
            list(course.module_pages().only("pk", "title", "url_path", "path", "depth")) if course is not None else []
        )
        return CoursePlace(
            course=course, modules=modules, index=next((i for i, m in enumerate(modules) if m.pk == self.pk), 0)
        )

    def get_context(self, request, *args, **kwargs):
        from courses.selectors.pages import module_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(
            module_page_context(
                module=self,
                user=request.user,
                screen=request.GET.get("screen"),
                attempt_id=request.GET.get("attempt"),
                preview=getattr(request, "is_preview", False),
                retake=request.GET.get("retake") == "1",
            )
        )
        return context


@dataclass(frozen=True)
class CoursePlace:
    """A module's course, the course's live modules in order, and the module's index among them."""

    course: CoursePage | None
    modules: list[ModulePage]
    index: int

    def context(self) -> dict:
        """What a module page shows of its place: "Module 2 of 4", the previous and next module."""
        return {
            "module_number": self.index + 1,
            "module_total": len(self.modules),
            "previous_module": self.modules[self.index - 1] if self.index > 0 else None,
            "next_module": self.modules[self.index + 1] if self.index + 1 < len(self.modules) else None,
        }
