from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class CatalogueIndexPage(Page):
    """The training catalogue at /training/."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    max_count = 1


class DeliveryMode(models.TextChoices):
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended (online and face-to-face)"
    FACE_TO_FACE = "face_to_face", "Face-to-face"


class CoursePage(Page):
    """A course. Its `course_code` is the stable identity used by requirements and imports."""

    course_code = models.SlugField(
        max_length=50,
        unique=True,
        help_text="Stable code used by requirements and completion imports, e.g. MC-STAGE-1. Do not change it.",
    )
    summary = models.TextField(blank=True)
    delivery_mode = models.CharField(max_length=20, choices=DeliveryMode.choices, default=DeliveryMode.ONLINE)
    estimated_minutes = models.PositiveIntegerField(default=30)

    content_panels = [
        *Page.content_panels,
        FieldPanel("course_code"),
        FieldPanel("summary"),
        FieldPanel("delivery_mode"),
        FieldPanel("estimated_minutes"),
    ]

    def __str__(self) -> str:
        return f"{self.title} ({self.course_code})"
