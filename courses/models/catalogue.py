"""The catalogue at /training/ and the programme pages that group its courses: what a learner
browses and filters (without JavaScript) to find a course."""

from django import forms
from django.db import models
from django.db.models import Q
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import CourseOverviewBlock
from courses.privacy import NoPersonalData

from .pages import CourseAudienceTag, CoursePage, DeliveryMode, Topic

DURATIONS = {
    "short": ("Under 30 minutes", Q(estimated_minutes__lt=30)),
    "medium": ("30 minutes to 1 hour", Q(estimated_minutes__gte=30, estimated_minutes__lte=60)),
    "long": ("1 to 3 hours", Q(estimated_minutes__gt=60, estimated_minutes__lte=180)),
    "day": ("More than 3 hours", Q(estimated_minutes__gt=180)),
}


class CatalogueFilterForm(forms.Form):
    audience = forms.ChoiceField(required=False, label="Audience")
    delivery_mode = forms.ChoiceField(
        required=False, label="Delivery", choices=[("", "Any delivery")] + list(DeliveryMode.choices)
    )
    duration = forms.ChoiceField(
        required=False,
        label="Duration",
        choices=[("", "Any length")] + [(key, label) for key, (label, _) in DURATIONS.items()],
    )
    topic = forms.ChoiceField(required=False, label="Topic")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        audiences = Tag.objects.filter(
            pk__in=CourseAudienceTag.objects.filter(content_object__live=True).values("tag_id")
        ).order_by("name")
        self.fields["audience"].choices = [("", "Any audience")] + [(t.slug, t.name) for t in audiences]
        self.fields["topic"].choices = [("", "Any topic")] + [(t.slug, t.name) for t in Topic.objects.all()]


class CatalogueIndexPage(Page):
    """The training catalogue at /training/, filterable without JavaScript."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.ProgrammePage", "courses.CoursePage"]
    max_count = 1

    personal_data = NoPersonalData("The catalogue page: course content written by L&D.")

    def courses(self, *, filters: dict) -> list[CoursePage]:
        """Live courses under the catalogue, filtered; each with `.programme` (or None)."""
        courses = CoursePage.objects.live().descendant_of(self).select_related("topic")
        if filters.get("audience"):
            courses = courses.filter(tagged_audiences__tag__slug=filters["audience"])
        if filters.get("delivery_mode"):
            courses = courses.filter(delivery_mode=filters["delivery_mode"])
        if filters.get("duration") in DURATIONS:
            courses = courses.filter(DURATIONS[filters["duration"]][1])
        if filters.get("topic"):
            courses = courses.filter(topic__slug=filters["topic"])
        courses = list(courses.prefetch_related("audience_tags").order_by("path").distinct())
        programmes = {p.path: p for p in ProgrammePage.objects.live().descendant_of(self)}
        for course in courses:
            course.programme = programmes.get(course.path[: -CoursePage.steplen])
        return courses

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(data=request.GET or None)
        context["filter_form"] = form
        context["courses"] = self.courses(filters=form.cleaned_data if form.is_valid() else {})
        context["filtered"] = any(request.GET.get(name) for name in form.fields)
        return context


class ProgrammePage(Page):
    """A programme groups courses: Moral Courage's stages, Learning from our History's versions."""

    intro = models.TextField(help_text="One or two sentences for the catalogue.")
    body = StreamField(CourseOverviewBlock(), blank=True, use_json_field=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("topic"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["courses.CoursePage"]

    personal_data = NoPersonalData("A programme page: content written by L&D.")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = list(
            CoursePage.objects.live().child_of(self).select_related("topic").prefetch_related("audience_tags")
        )
        return context
