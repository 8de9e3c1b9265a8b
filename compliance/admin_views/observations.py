"""The manager observations report (a Wagtail report): prompts, answers and the share of each
answer by course, without names."""

from compliance.access import Right, user_has_right
from compliance.observations.models import ObservedChange
from compliance.observations.selectors import MIN_ANSWERS_FOR_SHARES, observation_rates_by_course
from courses.reports import SafeReportView

# Manager observations: response rates for L&D, in totals only.

_OBSERVATION_HEADINGS = {
    "title": "Course",
    "course_code": "Course code",
    "due": "Prompts due",
    "prompted": "Managers emailed",
    "recorded": "Answered",
    "response_rate": "Response rate %",
    "improved_share": "Improved (clearly or some) %",
    # Each answer's share, in the order of ObservedChange (empty below MIN_ANSWERS_FOR_SHARES).
    **{f"shares.{i}.1": f"{choice.label} %" for i, choice in enumerate(ObservedChange)},
}


class ObservationRatesReportView(SafeReportView):
    """For courses that ask line managers what change they have seen: prompts, answers and
    the share of each answer (only from MIN_ANSWERS_FOR_SHARES answers up). No names."""

    page_title = "Manager observations"
    header_icon = "view"
    results_template_name = "compliance/observations/admin_report.html"
    index_url_name = "compliance_observation_rates"
    list_export = list(_OBSERVATION_HEADINGS)
    export_headings = _OBSERVATION_HEADINGS
    export_filename = "manager-observations"
    export_sheet_title = "Manager observations"

    def user_may_view(self, user) -> bool:
        return user_has_right(user=user, right=Right.EDIT_CONTENT)

    def get_queryset(self):
        return observation_rates_by_course()

    def get_report_context(self, context):
        return {"rows": context["object_list"], "min_answers": MIN_ANSWERS_FOR_SHARES}
