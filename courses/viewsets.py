"""The Wagtail admin's model screens for courses: face-to-face sessions (bookings are managed by
learners and through each session's attendance register, so the waiting list stays fair),
SCORM packages (uploaded and checked here, then chosen by a SCORM module page) and videos,
grouped under Training delivery. `wagtail_hooks.py` registers the group."""

from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from courses.admin_views import FaceToFaceSessionIndexView
from courses.forms import FaceToFaceSessionForm
from courses.models import FaceToFaceSession, ScormPackage, Video
from courses.scorm.admin_views import ScormPackageDeleteView
from courses.scorm.forms import ScormPackageForm
from courses.video.forms import VideoForm


class RegisterLinkColumn(Column):
    def get_value(self, instance):
        return format_html(
            '<a href="{}">Attendance register</a>', reverse("courses:session_register", args=[instance.pk])
        )


class FacilitatorColumn(Column):
    def get_value(self, instance):
        user = instance.facilitator
        if user is None:
            return ""
        return user.get_full_name() or user.username


class FaceToFaceSessionViewSet(ModelViewSet):
    model = FaceToFaceSession
    index_view_class = FaceToFaceSessionIndexView
    icon = "date"
    menu_label = "Face-to-face sessions"
    add_to_admin_menu = False
    list_display = [
        "course",
        "starts_at",
        "venue",
        "capacity",
        FacilitatorColumn("facilitator", label="Facilitator"),
        "cancelled",
        RegisterLinkColumn("register", label="Register"),
    ]
    list_filter = ["course", "cancelled"]
    search_fields = ["venue", "course__title"]
    ordering = ["-starts_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("course"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When"),
            MultiFieldPanel([FieldPanel("venue"), FieldPanel("online_link")], heading="Where"),
            FieldRowPanel([FieldPanel("capacity"), FieldPanel("facilitator")]),
            FieldPanel("notes"),
            FieldPanel("cancelled"),
        ],
        base_form_class=FaceToFaceSessionForm,
    )


class ScormPackageViewSet(ModelViewSet):
    model = ScormPackage
    delete_view_class = ScormPackageDeleteView
    icon = "doc-full-inverse"
    menu_label = "SCORM packages"
    add_to_admin_menu = False
    list_display = ["title", "version", "file_count", "uploaded_at"]
    list_filter = ["version"]
    search_fields = ["title", "manifest_identifier"]
    ordering = ["-uploaded_at"]
    edit_handler = ObjectList([FieldPanel("package_file"), FieldPanel("title")], base_form_class=ScormPackageForm)


class VideoViewSet(ModelViewSet):
    model = Video
    delete_view_class = ScormPackageDeleteView  # the same answer: a video a module plays stays
    icon = "media"
    menu_label = "Videos"
    add_to_admin_menu = False
    list_display = ["title", "content_type", "duration_seconds", "uploaded_at"]
    search_fields = ["title"]
    ordering = ["title"]
    edit_handler = ObjectList(Video.panels, base_form_class=VideoForm)


class CoursesAdminGroup(ModelViewSetGroup):
    menu_label = "Training delivery"
    menu_icon = "date"
    menu_order = 250
    items = (
        FaceToFaceSessionViewSet("face_to_face_sessions"),
        ScormPackageViewSet("scorm_packages"),
        VideoViewSet("videos"),
    )
