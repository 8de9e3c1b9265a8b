from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The front door: a welcome for visitors, the learner's dashboard once signed in."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import dashboard_for

        context = super().get_context(request, *args, **kwargs)
        context.update(dashboard_for(user=request.user))
        return context


__all__ = ["HomePage", "models"]
