"""The admin reports as Wagtail reports (`courses.reports.SafeReportView`): CSV and XLSX exports
through `?export=` (and `?format=`, older links' name for it) with their exact headings and
every formula-looking cell neutralised; the overdue list's filters and pages; and each kind of
bad input answered with its exact status and message."""

import csv
import html
import io

import pytest
from openpyxl import load_workbook

from compliance.models import Requirement
from compliance.reporting.admin_views import OverdueReportView
from courses.models import CoursePage

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RATE_HEADINGS = ["Completed", "Overdue", "Due soon", "Outstanding", "Exempt", "Assigned", "Completion rate (%)"]
ASSIGNMENT_HEADINGS = [
    "Staff number",
    "Last name",
    "First name",
    "Rank or grade",
    "Worker type",
    "Unit code",
    "Unit",
    "Training",
    "Status",
    "Due date",
    "Original due date",
    "Completed on",
    "Valid until",
]
COURSE_RATE_HEADINGS = [
    "Course code",
    "Course",
    "Learners",
    "Completed",
    "Of which imported",
    "Completed online",
    "Completed through SCORM",
    "Completed by attendance",
    "Completed by manual entry",
    "Completed elsewhere (imported)",
    "Completion rate %",
    "Completions with a score",
    "Mean score %",
    "Median score %",
    "Completions with time recorded",
    "Mean time spent (minutes)",
    "Evaluations",
    "Evaluation rate %",
    "Confidence before (1 to 5)",
    "Confidence after (1 to 5)",
    "Reflection prompts sent",
    "Reflection response rate %",
]


def read_csv(response, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheet programs then read it as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def assert_text_cell(sheet, value):
    """The formula-looking text is in the sheet as it is, as text: shown, never run."""
    (cell,) = [c for row in sheet.iter_rows() for c in row if c.value == value]
    assert cell.data_type == "s" and cell.number_format == "@"
    assert not any(str(c.value).startswith("'") for row in sheet.iter_rows() for c in row if c.value)


# Exports -------------------------------------------------------------------------------------


def test_breakdown_exports_with_exact_headings_and_neutralised_cells(client, force):
    risky = '=HYPERLINK("http://x.example","y")'
    Requirement.objects.filter(pk=force.lfoh.pk).update(name=risky)
    client.force_login(force.admin.user)
    day = f"{force.today:%Y-%m-%d}"
    exported = client.get("/admin/reports/force/?by=requirement&export=csv")
    rows = read_csv(exported, f"force-by-requirement-{day}.csv")
    assert rows[0] == ["Training", *RATE_HEADINGS]
    assert "'" + risky in [r[0] for r in rows[1:]] and risky not in [r[0] for r in rows[1:]]
    assert len(rows) == len(client.get("/admin/reports/force/?by=requirement").context["rows"]) + 1
    # ?format= is the same export, by the same code path.
    legacy = client.get("/admin/reports/force/?by=requirement&format=csv")
    assert read_csv(legacy, f"force-by-requirement-{day}.csv") == rows
    sheet = read_xlsx(
        client.get("/admin/reports/force/?by=worker_type&export=xlsx"), f"force-by-worker-type-{day}.xlsx"
    )
    assert sheet.title == "By worker type"
    assert [c.value for c in sheet[1]] == ["Worker type", *RATE_HEADINGS]
    sheet = read_xlsx(
        client.get("/admin/reports/force/?by=requirement&format=xlsx"), f"force-by-requirement-{day}.xlsx"
    )
    assert_text_cell(sheet, risky)


def test_campaigns_export(client, force):
    Requirement.objects.filter(pk=force.moral.pk).update(name="@SUM(A1)")
    client.force_login(force.ld.user)
    day = f"{force.today:%Y-%m-%d}"
    headings = [
        "Training",
        "Deadline",
        "Days left",
        "Completed",
        "Remaining",
        "Overdue",
        "Exempt",
        "Assigned (not exempt)",
        "Completion rate (%)",
    ]
    rows = read_csv(client.get("/admin/reports/force/campaigns/?export=csv"), f"force-campaigns-{day}.csv")
    assert rows[0] == headings
    (row,) = rows[1:]
    assert row[:3] == ["'@SUM(A1)", force.moral.fixed_due_date.isoformat(), "20"]
    sheet = read_xlsx(client.get("/admin/reports/force/campaigns/?format=xlsx"), f"force-campaigns-{day}.xlsx")
    assert sheet.title == "Campaigns" and [c.value for c in sheet[1]] == headings
    assert_text_cell(sheet, "@SUM(A1)")


def test_overdue_export_is_the_whole_filtered_list(client, force, monkeypatch):
    monkeypatch.setattr(OverdueReportView, "paginate_by", 1)  # pages never cut an export
    person = force.team_c[0]
    person.last_name = "-2+3"
    person.save()
    client.force_login(force.admin.user)
    day = f"{force.today:%Y-%m-%d}"
    rows = read_csv(client.get("/admin/reports/force/overdue/?unit=LPA-S&p=2&export=csv"), f"overdue-{day}.csv")
    assert rows[0] == ASSIGNMENT_HEADINGS
    assert sorted(r[1] for r in rows[1:]) == ["'-2+3", force.sgt_c.last_name, force.supt_south.last_name]
    mine = next(r for r in rows if r[0] == person.staff_number)
    assert mine[4:9] == ["Police officer", "TEAM-C", "South Response C", "Learning from our History", "Overdue"]
    sheet = read_xlsx(client.get("/admin/reports/force/overdue/?unit=LPA-S&format=xlsx"), f"overdue-{day}.xlsx")
    assert sheet.title == "Overdue" and [c.value for c in sheet[1]] == ASSIGNMENT_HEADINGS
    assert sheet.max_row == 4
    assert_text_cell(sheet, "-2+3")


def test_course_rates_export(client, force):
    course = CoursePage.objects.get(course_code="LFOH")
    course.title = "+44 1234"
    course.save()
    client.force_login(force.ld.user)
    day = f"{force.today:%Y-%m-%d}"
    rows = read_csv(client.get("/admin/reports/course-rates/?export=csv"), f"course-rates-{day}.csv")
    assert rows[0] == COURSE_RATE_HEADINGS
    mine = next(r for r in rows if r[0] == "LFOH")
    assert mine[:4] == ["LFOH", "'+44 1234", "1", "1"]
    assert read_csv(client.get("/admin/reports/course-rates/?format=csv"), f"course-rates-{day}.csv") == rows
    sheet = read_xlsx(client.get("/admin/reports/course-rates/?export=xlsx"), f"course-rates-{day}.xlsx")
    assert sheet.title == "Course rates" and [c.value for c in sheet[1]] == COURSE_RATE_HEADINGS
    assert_text_cell(sheet, "+44 1234")


def test_exports_are_refused_like_the_page(client, force):
    client.force_login(force.analyst.user)
    for url in [
        "/admin/reports/force/?export=csv",
        "/admin/reports/force/campaigns/?format=xlsx",
        "/admin/reports/force/overdue/?export=csv",
        "/admin/reports/force/overdue/results/",
        "/admin/reports/course-rates/?export=csv",
        "/admin/reports/manager-observations/?export=xlsx",
    ]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url


# The overdue list's filters and pages -------------------------------------------------------------


def _names(response):
    assert response.status_code == 200
    return sorted(a.person.last_name for a in response.context["rows"])


def test_overdue_filters_by_training_and_by_unit_with_the_units_below(client, force):
    client.force_login(force.admin.user)
    everyone = _names(client.get("/admin/reports/force/overdue/"))
    assert everyone and _names(client.get(f"/admin/reports/force/overdue/?requirement={force.lfoh.pk}")) == everyone
    none = client.get(f"/admin/reports/force/overdue/?requirement={force.moral.pk}")
    assert _names(none) == [] and "Nobody is overdue for these filters." in none.content.decode()
    north = client.get("/admin/reports/force/overdue/?unit=LPA-N")
    units = {a.person.unit.code for a in north.context["rows"]}
    assert units == {"LPA-N", "TEAM-A", "TEAM-B"}  # the unit and every unit below it
    # A unit code in any letter case; filters combine.
    assert _names(client.get(f"/admin/reports/force/overdue/?unit=team-b&requirement={force.lfoh.pk}")) == sorted(
        p.last_name for p in [force.sgt_b, *force.team_b]
    )
    # The filters are Wagtail's: labelled fields in the header, and the results alone for them.
    body = north.content.decode()
    assert '<label class="w-field__label" for="id_requirement" id="id_requirement-label">' in body
    assert '<label class="w-field__label" for="id_unit" id="id_unit-label">' in body
    results = client.get("/admin/reports/force/overdue/results/?unit=LPA-S")
    assert _names(results) == sorted([force.team_c[0].last_name, force.sgt_c.last_name, force.supt_south.last_name])
    assert "<html" not in results.content.decode()


def test_overdue_pages(client, force, monkeypatch):
    monkeypatch.setattr(OverdueReportView, "paginate_by", 2)
    client.force_login(force.admin.user)
    first = client.get("/admin/reports/force/overdue/?unit=LPA-N")
    total = first.context["paginator"].count
    last = (total + 1) // 2
    assert total > 4 and len(first.context["rows"]) == 2
    assert f"<caption>{total} overdue, longest overdue first (page 1 of {last})</caption>" in first.content.decode()
    assert 'href="/admin/reports/force/overdue/?unit=LPA-N&amp;p=2"' in first.content.decode()
    second = client.get("/admin/reports/force/overdue/?unit=LPA-N&p=2")
    assert _names(client.get("/admin/reports/force/overdue/?unit=LPA-N&page=2")) == _names(second)
    assert not set(_names(first)) & set(_names(second))
    assert len(client.get(f"/admin/reports/force/overdue/?unit=LPA-N&p={last}").context["rows"]) == total - 2 * (
        last - 1
    )
    past = client.get(f"/admin/reports/force/overdue/?unit=LPA-N&p={last + 1}")
    assert past.status_code == 404
    assert f'role="alert"><p>There is no page {last + 1}: the last page is {last}.</p>' in past.content.decode()


# Bad input --------------------------------------------------------------------------------------------

OVERDUE_PARAMETERS = "export, format, p, page, requirement, unit"


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (
            "/admin/reports/force/?by=shoe_size",
            400,
            "'shoe_size' is not a breakdown: use one of requirement, unit, rank, worker_type.",
        ),
        ("/admin/reports/force/?colour=red", 400, "Unknown filter(s): colour. Use only: by, export, format."),
        ("/admin/reports/force/?page=2", 400, "Unknown filter(s): page. Use only: by, export, format."),
        ("/admin/reports/force/?by=unit&by=rank", 400, "'by' is given 2 times: give it once."),
        ("/admin/reports/force/?format=pdf", 400, "'pdf' is not an export format: use csv or xlsx."),
        ("/admin/reports/force/?export=pdf", 400, "'pdf' is not an export format: use csv or xlsx."),
        ("/admin/reports/force/?export=csv&format=xlsx", 400, "export=csv and format=xlsx disagree: give one of them."),
        ("/admin/reports/force/campaigns/?x=1", 400, "Unknown filter(s): x. Use only: export, format."),
        (
            "/admin/reports/force/overdue/?colour=red",
            400,
            f"Unknown filter(s): colour. Use only: {OVERDUE_PARAMETERS}.",
        ),
        ("/admin/reports/force/overdue/?unit=NOPE", 400, "There is no unit with the code 'NOPE'."),
        ("/admin/reports/force/overdue/?unit=NOPE&export=csv", 400, "There is no unit with the code 'NOPE'."),
        ("/admin/reports/force/overdue/?requirement=abc", 400, "There is no training with id 'abc'."),
        ("/admin/reports/force/overdue/?requirement=99999", 400, "There is no training with id '99999'."),
        ("/admin/reports/force/overdue/?page=abc", 400, "Page 'abc' is not a page number: use a whole number from 1."),
        ("/admin/reports/force/overdue/?p=0", 400, "Page 0 does not exist: pages start at 1."),
        ("/admin/reports/force/overdue/?page=9", 404, "There is no page 9: the last page is 1."),
        ("/admin/reports/force/overdue/?p=1&page=2", 400, "p=1 and page=2 disagree: give one of them."),
        ("/admin/reports/force/overdue/results/?unit=NOPE", 400, "There is no unit with the code 'NOPE'."),
        ("/admin/reports/course-rates/?sort=name", 400, "Unknown filter(s): sort. Use only: export, format."),
        ("/admin/reports/course-rates/?format=pdf", 400, "'pdf' is not an export format: use csv or xlsx."),
        ("/admin/reports/manager-observations/?export=ods", 400, "'ods' is not an export format: use csv or xlsx."),
        ("/admin/reports/manager-observations/?q=x", 400, "Unknown filter(s): q. Use only: export, format."),
    ],
)
def test_bad_input_gets_its_status_and_exact_message(client, force, url, status, message):
    client.force_login(force.ld.user)  # L&D may open every one of these reports
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'role="alert"><p>{html.escape(message)}</p></div>' in response.content.decode()
