"""The Wagtail admin's own screens for courses: the face-to-face sessions' listing, and the
course completion and response rates for L&D (a Wagtail report, `courses.reports.SafeReportView`,
exportable as CSV and XLSX). `wagtail_hooks.py` only registers them."""

from wagtail.admin.views.generic import IndexView

from courses.access import Right, user_has_right
from courses.reports import SafeReportView
from courses.selectors.rates import course_rates_for_ld


def user_is_ld(user) -> bool:
    return user_has_right(user=user, right=Right.EDIT_CONTENT)


class FaceToFaceSessionIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course", "facilitator")


# The export's columns: (heading, the value's path in a row of course_rates_for_ld).
COURSE_RATE_COLUMNS = [
    ("Course code", "course.course_code"),
    ("Course", "course.title"),
    ("Learners", "reached"),
    ("Completed", "completed"),
    ("Of which imported", "imported"),
    ("Completed online", "by_source.online"),
    ("Completed through SCORM", "by_source.scorm"),
    ("Completed by attendance", "by_source.attendance"),
    ("Completed by manual entry", "by_source.manual"),
    ("Completed elsewhere (imported)", "by_source.import"),
    ("Completion rate %", "completion_rate"),
    ("Completions with a score", "scored"),
    ("Mean score %", "mean_score"),
    ("Median score %", "median_score"),
    ("Completions with time recorded", "timed"),
    ("Mean time spent (minutes)", "mean_minutes"),
    ("Evaluations", "evaluated"),
    ("Evaluation rate %", "evaluation_rate"),
    ("Confidence before (1 to 5)", "confidence_before"),
    ("Confidence after (1 to 5)", "confidence_after"),
    ("Reflection prompts sent", "prompts_sent"),
    ("Reflection response rate %", "reflection_rate"),
]


class CourseRatesReportView(SafeReportView):
    """Learners, completions by source, scores, time, evaluations and reflections per course:
    totals only, no person named."""

    page_title = "Course completion and responses"
    header_icon = "doc-full"
    results_template_name = "courses/admin/course_rates.html"
    index_url_name = "courses_course_rates"
    list_export = [path for _, path in COURSE_RATE_COLUMNS]
    export_headings = {path: heading for heading, path in COURSE_RATE_COLUMNS}
    export_filename = "course-rates"
    export_sheet_title = "Course rates"

    def user_may_view(self, user) -> bool:
        return user_is_ld(user)

    def get_queryset(self):
        return course_rates_for_ld()

    def get_report_context(self, context):
        return {"rows": context["object_list"]}
