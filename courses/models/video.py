"""Videos L&D upload (or point to on the force's intranet), with WebVTT captions and a
transcript; the course module that plays one; and each learner's record of what they watched.

A small model of our own rather than wagtailmedia (0.19.1 supports Wagtail 8): captions and a
transcript are required with every video and checked with it, wagtailmedia has neither, and its
files are served straight from storage, where no access rule applies.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page

from courses.models.learning import Enrolment, ProgressStatus
from courses.models.pages import CoursePage, ModulePage
from courses.privacy import Basis, NoPersonalData, PersonalData, Retention


class Video(models.Model):
    """One video: an uploaded file or an intranet address, never both; captions always."""

    title = models.CharField(max_length=255)
    file = models.FileField(upload_to="videos/%Y/%m/", blank=True, max_length=255)
    url = models.URLField(
        blank=True,
        max_length=500,
        verbose_name="Intranet address",
        help_text="Instead of a file: an MP4 or WebM file's address on the force's own network (https).",
    )
    content_type = models.CharField(max_length=40, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    duration_seconds = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        verbose_name="Length in seconds",
        help_text="Read from an uploaded file; give it for an intranet address (or a file it cannot be read from).",
    )
    captions = models.FileField(
        upload_to="videos/captions/%Y/%m/",
        max_length=255,
        help_text="A WebVTT (.vtt) caption file: every word spoken, and the sounds that matter.",
    )
    captions_language = models.CharField(
        max_length=20, default="en", help_text="The captions' language, as a code: en, cy (Welsh)..."
    )
    captions_label = models.CharField(max_length=60, default="English")
    # Plain text (blank lines between paragraphs): the admin's rich-text editor has no
    # accessible name for screen readers, and a transcript needs no formatting.
    transcript = models.TextField(
        help_text=(
            "A full transcript, with what is shown as well as said; leave a blank line between paragraphs. "
            "Required: not everyone can watch or hear."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("title"),
        MultiFieldPanel([FieldPanel("file"), FieldPanel("url"), FieldPanel("duration_seconds")], heading="Video"),
        MultiFieldPanel(
            [FieldPanel("captions"), FieldPanel("captions_language"), FieldPanel("captions_label")], heading="Captions"
        ),
        FieldPanel("transcript"),
    ]

    personal_data = PersonalData(
        about="A video L&D uploaded or linked, with who uploaded it.",
        purpose="To play the video and show who is responsible for it.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.AUDIT,
        seen_by="L&D.",
        subject="uploaded_by",
        identity=("uploaded_by",),
        other=(
            "title",
            "file",
            "url",
            "content_type",
            "size_bytes",
            "duration_seconds",
            "captions",
            "captions_language",
            "captions_label",
            "transcript",
            "uploaded_at",
        ),
    )

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="video_file_or_url",
                violation_error_message="Upload a video file or give its intranet address (one of the two).",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VideoModulePage(ModulePage):
    """A module of a course that plays one video; it completes when the learner has watched
    enough of it, as the server counts."""

    video = models.ForeignKey(
        Video,
        on_delete=models.PROTECT,
        related_name="modules",
        help_text="Upload videos under Training delivery → Videos, then choose one here.",
    )
    watch_percent = models.PositiveSmallIntegerField(
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        verbose_name="Watched to complete (%)",
        help_text="How much of the video the learner must watch for the module to complete: 100 is to the end.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("video"),
        FieldPanel("watch_percent"),
        MultiFieldPanel([FieldPanel("estimated_minutes"), FieldPanel("required")]),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "courses/video_module_page.html"

    personal_data = NoPersonalData("A video module page: content, pointing at a video.")

    class Meta:
        verbose_name = "video module"
        constraints = [
            models.CheckConstraint(
                condition=Q(watch_percent__gte=1, watch_percent__lte=100), name="video_watch_percent_range"
            )
        ]

    def clean(self):
        Page.clean(self)

    def watched_by(self, user) -> tuple["VideoProgress | None", bool]:
        """How much the learner has watched, and whether the module is complete, in their
        current enrolment (the open one, else the latest)."""
        latest = self.progress_for(user)
        if latest is None:
            return None, False
        watched = VideoProgress.objects.filter(enrolment_id=latest.enrolment_id, module=self).first()
        return watched, latest.status == ProgressStatus.COMPLETED

    def get_context(self, request, *args, **kwargs):
        from courses.video.player import player_context

        context = Page.get_context(self, request, *args, **kwargs)
        context.update(player_context(module=self, request=request, preview=getattr(request, "is_preview", False)))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        origin = getattr(request, "video_media_origin", None)
        if origin:
            # An intranet video: django-csp's per-response update lets the player load it.
            response._csp_update = {**(getattr(response, "_csp_update", None) or {}), "media-src": ["'self'", origin]}
        return response


# A course lists video modules beside native ones (as it does SCORM modules).
if "courses.VideoModulePage" not in CoursePage.subpage_types:
    CoursePage.subpage_types = [*CoursePage.subpage_types, "courses.VideoModulePage"]


class VideoProgress(models.Model):
    """What one learner has watched of one video module, per enrolment: the union of the
    ranges the player reported, each report checked against the time that has passed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="video_progress")
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey(Video, on_delete=models.PROTECT, related_name="progress")
    ranges = models.JSONField(default=list, help_text="Watched ranges [start, end] in seconds, merged and sorted.")
    watched_seconds = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    position_seconds = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    reports = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    last_report_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        about="How much of a video module you watched.",
        purpose="To resume the video and complete the module when enough is watched.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="The person, their line managers up the chain, L&D and compliance administrators.",
        subject="enrolment__user",
        training=(
            "enrolment",
            "module",
            "video",
            "ranges",
            "watched_seconds",
            "position_seconds",
            "reports",
            "completed_at",
        ),
        other=("started_at", "last_report_at"),
    )

    class Meta:
        verbose_name_plural = "video progress"
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module", "video"], name="one_video_progress_per_module"),
            models.CheckConstraint(condition=Q(watched_seconds__gte=0), name="video_watched_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: video {self.video_id} {self.watched_seconds} s"
