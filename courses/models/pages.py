"""The catalogue's page tree: catalogue > programme > course > module (a course may also sit
directly under the catalogue)."""

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


class CatalogueIndexPage(Page):
    """The training catalogue at /training/, filterable without JavaScript."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.ProgrammePage", "courses.CoursePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import catalogue_courses, catalogue_filter_form

        context = super().get_context(request, *args, **kwargs)
        form = catalogue_filter_form(data=request.GET)
        context["filter_form"] = form
        context["courses"] = catalogue_courses(catalogue=self, filters=form.cleaned_data if form.is_valid() else {})
        context["filtered"] = any(request.GET.get(name) for name in form.fields)
        return context


class Topic(models.Model):
    """A subject area learners can filter the catalogue by."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryMode(models.TextChoices):
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended (online and face-to-face)"
    FACE_TO_FACE = "face_to_face", "Face-to-face"


class ProgrammePage(Page):
    """A programme groups courses: Moral Courage's stages, Learning from our History's versions."""

    intro = models.TextField(help_text="One or two sentences for the catalogue.")
    body = StreamField(CourseOverviewBlock(), blank=True, use_json_field=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("topic"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["courses.CoursePage"]

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import programme_courses

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = programme_courses(programme=self)
        return context


class CourseAudienceTag(TaggedItemBase):
    content_object = ParentalKey("courses.CoursePage", related_name="tagged_audiences", on_delete=models.CASCADE)


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

    def __str__(self) -> str:
        return f"{self.title} ({self.course_code})"

    @property
    def has_face_to_face(self) -> bool:
        return self.delivery_mode in (DeliveryMode.BLENDED, DeliveryMode.FACE_TO_FACE)

    @property
    def reflection_week_list(self) -> list[int]:
        return sorted({int(part) for part in self.reflection_weeks.split(",") if part.strip()})

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_page_context

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

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import module_page_context

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
