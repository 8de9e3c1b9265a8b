"""Registers the courses screens in the Wagtail admin: topics as snippets; face-to-face
sessions, SCORM packages and videos under Training delivery (`viewsets.py`, each limited by
the access policy's EDIT_CONTENT right); the course completion and responses report for L&D
(`admin_views.py`, its menu item in `menus.py`); and the product's rights on Settings → Groups."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.access import RIGHTS_APP, Right, RightPolicy
from courses.admin_views import CourseEvaluationsReportView, CourseRatesReportView
from courses.menus import CourseRatesMenuItem
from courses.models import FaceToFaceSession, ScormPackage, Topic, Video
from courses.viewsets import CoursesAdminGroup

register_snippet(Topic)
register_permission_policy(
    FaceToFaceSession,
    RightPolicy(FaceToFaceSession, right=Right.EDIT_CONTENT, actions=("add", "change", "delete", "view")),
)
register_permission_policy(
    ScormPackage, RightPolicy(ScormPackage, right=Right.EDIT_CONTENT, actions=("add", "change", "delete", "view"))
)
register_permission_policy(
    Video, RightPolicy(Video, right=Right.EDIT_CONTENT, actions=("add", "change", "delete", "view"))
)


@hooks.register("register_admin_viewset")
def register_courses_viewsets():
    return CoursesAdminGroup()


@hooks.register("register_admin_urls")
def register_course_report_urls():
    evaluations = CourseEvaluationsReportView.as_view
    return [
        path("reports/course-rates/", CourseRatesReportView.as_view(), name="courses_course_rates"),
        path("reports/course-evaluations/", evaluations(), name="courses_evaluations"),
        path("reports/course-evaluations/results/", evaluations(results_only=True), name="courses_evaluations_results"),
    ]


@hooks.register("register_reports_menu_item")
def register_course_rates_menu_item():
    return CourseRatesMenuItem(
        "Course completion and responses", reverse("courses_course_rates"), icon_name="doc-full", order=700
    )


@hooks.register("register_reports_menu_item")
def register_course_evaluations_menu_item():
    return CourseRatesMenuItem("Course evaluations", reverse("courses_evaluations"), icon_name="form", order=701)


@hooks.register("register_permissions")
def register_rights():
    """The product's rights, listed on Settings → Groups so a force can grant them."""
    return Permission.objects.filter(content_type__app_label=RIGHTS_APP, codename__in=Right.values)
