"""The Wagtail admin's own screens for courses: the face-to-face sessions' listing, the course
completion and response rates and the course evaluations for L&D (Wagtail reports,
`courses.reports.SafeReportView`, exportable as CSV and XLSX). `wagtail_hooks.py` only
registers them."""

import django_filters
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets import AdminDateInput
from wagtail.coreutils import multigetattr

from courses.access import Right, user_has_right
from courses.models import CoursePage, Evaluation
from courses.reports import ReportInputError, SafeReportView
from courses.selectors.evaluations import MEASURES, evaluation_summary, evaluations_for_ld
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


class _LDReportView(SafeReportView):
    """A report for L&D whose export has `export_columns`: (heading, the value's path in a row)."""

    export_columns: list[tuple[str, str]] = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.list_export = [path for _, path in cls.export_columns]
        cls.export_headings = {path: heading for heading, path in cls.export_columns}

    def user_may_view(self, user) -> bool:
        return user_is_ld(user)


class CourseRatesReportView(_LDReportView):
    """Learners, completions by source, scores, time, evaluations and reflections per course:
    totals only, no person named."""

    page_title = "Course completion and responses"
    header_icon = "doc-full"
    results_template_name = "courses/admin/course_rates.html"
    index_url_name = "courses_course_rates"
    export_columns = COURSE_RATE_COLUMNS
    export_filename = "course-rates"
    export_sheet_title = "Course rates"

    def get_queryset(self):
        return course_rates_for_ld()

    def get_report_context(self, context):
        return {"rows": context["object_list"]}


class EvaluationFilterSet(WagtailFilterSet):
    """One course (or every course) and the days the evaluations were given, both included."""

    course = django_filters.ModelChoiceFilter(
        label="Course",
        queryset=CoursePage.objects.order_by("title"),
        empty_label="Every course",
        error_messages={"invalid_choice": "There is no course with id '%(value)s'."},
    )
    given_from = django_filters.DateFilter(
        label="Given from", field_name="submitted_at", lookup_expr="date__gte", widget=AdminDateInput
    )
    given_to = django_filters.DateFilter(
        label="Given up to", field_name="submitted_at", lookup_expr="date__lte", widget=AdminDateInput
    )

    class Meta:
        model = Evaluation
        fields = []


# The export's columns: every answer, without who gave it.
EVALUATION_COLUMNS = [
    ("Given on", "submitted_on"),
    ("Course", "course.title"),
    *[(f"{question} (1 to 5; Kirkpatrick {level.lower()})", field) for field, question, level in MEASURES],
    ("Change in confidence", "confidence_change"),
    ("Comments", "comments"),
]


class CourseEvaluationsReportView(_LDReportView):
    """Every evaluation answer by course and period, each measure summarised with its
    Kirkpatrick level, and the comments listed: nobody is named."""

    page_title = "Course evaluations"
    header_icon = "form"
    results_template_name = "courses/admin/course_evaluations.html"
    index_url_name = "courses_evaluations"
    index_results_url_name = "courses_evaluations_results"
    filterset_class = EvaluationFilterSet
    paginate_by = 50
    export_columns = EVALUATION_COLUMNS
    export_filename = "course-evaluations"
    export_sheet_title = "Evaluations"

    def check_parameters(self):
        dates = self.filters.form.cleaned_data if self.filters.is_valid() else {}
        start, end = dates.get("given_from"), dates.get("given_to")
        if start and end and start > end:
            raise ReportInputError(f"'Given from' ({start:%-d %B %Y}) is after 'Given up to' ({end:%-d %B %Y}).")

    def get_base_queryset(self):
        return evaluations_for_ld()

    def to_row_dict(self, item):
        given_on = timezone.localtime(item.submitted_at).date()
        return {path: given_on if path == "submitted_on" else multigetattr(item, path) for path in self.list_export}

    def get_report_context(self, context):
        return {"rows": context["object_list"], "summary": evaluation_summary(self.get_queryset())}
