"""Wagtail admin registration for courses: face-to-face sessions (bookings are managed by
learners and through each session's attendance register, so the waiting list stays fair), and
SCORM packages (uploaded and checked here, then chosen by a SCORM module page)."""

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.access import RIGHTS_APP, Right, RightPolicy, user_has_right
from courses.models import FaceToFaceSession, ScormPackage, Topic, Video
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


register_snippet(Topic)
register_permission_policy(
    FaceToFaceSession,
    RightPolicy(FaceToFaceSession, right=Right.EDIT_CONTENT, actions=("add", "change", "delete", "view")),
)


class FaceToFaceSessionIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course", "facilitator")


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
    panels = [
        FieldPanel("course"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When"),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("online_link")], heading="Where"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("facilitator")]),
        FieldPanel("notes"),
        FieldPanel("cancelled"),
    ]


register_permission_policy(
    ScormPackage, RightPolicy(ScormPackage, right=Right.EDIT_CONTENT, actions=("add", "change", "delete", "view"))
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


register_permission_policy(
    Video, RightPolicy(Video, right=Right.EDIT_CONTENT, actions=("add", "change", "delete", "view"))
)


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


@hooks.register("register_admin_viewset")
def register_courses_viewsets():
    return CoursesAdminGroup()


def _is_ld(user) -> bool:
    return user_has_right(user=user, right=Right.EDIT_CONTENT)


COURSE_RATE_COLUMNS = [
    ("Course code", lambda r: r["course"].course_code),
    ("Course", lambda r: r["course"].title),
    ("Learners", lambda r: r["reached"]),
    ("Completed", lambda r: r["completed"]),
    ("Of which imported", lambda r: r["imported"]),
    ("Completed online", lambda r: r["by_source"]["online"]),
    ("Completed through SCORM", lambda r: r["by_source"]["scorm"]),
    ("Completed by attendance", lambda r: r["by_source"]["attendance"]),
    ("Completed by manual entry", lambda r: r["by_source"]["manual"]),
    ("Completed elsewhere (imported)", lambda r: r["by_source"]["import"]),
    ("Completion rate %", lambda r: r["completion_rate"]),
    ("Completions with a score", lambda r: r["scored"]),
    ("Mean score %", lambda r: r["mean_score"]),
    ("Median score %", lambda r: r["median_score"]),
    ("Completions with time recorded", lambda r: r["timed"]),
    ("Mean time spent (minutes)", lambda r: r["mean_minutes"]),
    ("Evaluations", lambda r: r["evaluated"]),
    ("Evaluation rate %", lambda r: r["evaluation_rate"]),
    ("Confidence before (1 to 5)", lambda r: r["confidence_before"]),
    ("Confidence after (1 to 5)", lambda r: r["confidence_after"]),
    ("Reflection prompts sent", lambda r: r["prompts_sent"]),
    ("Reflection response rate %", lambda r: r["reflection_rate"]),
]


def course_rates_view(request):

    from django.core.exceptions import PermissionDenied
    from django.shortcuts import render

    from courses.downloads import csv_response
    from courses.selectors import course_rates_for_ld

    if not _is_ld(request.user):
        raise PermissionDenied
    rows = course_rates_for_ld()
    if request.GET.get("format") == "csv":
        return csv_response(
            stem="course-rates",
            header=[label for label, _ in COURSE_RATE_COLUMNS],
            rows=([value(row) for _, value in COURSE_RATE_COLUMNS] for row in rows),
        )
    return render(request, "courses/admin/course_rates.html", {"rows": rows})


@hooks.register("register_admin_urls")
def register_course_rates_url():
    from django.urls import path

    return [path("reports/course-rates/", course_rates_view, name="courses_course_rates")]


class CourseRatesMenuItem(MenuItem):
    def is_shown(self, request):
        return _is_ld(request.user)


@hooks.register("register_reports_menu_item")
def register_course_rates_menu_item():
    return CourseRatesMenuItem(
        "Course completion and responses", reverse("courses_course_rates"), icon_name="doc-full", order=700
    )


@hooks.register("register_permissions")
def register_rights():
    """The product's rights, listed on Settings → Groups so a force can grant them."""
    return Permission.objects.filter(content_type__app_label=RIGHTS_APP, codename__in=Right.values)
