"""Every admin screen the project adds, for the role that uses it, passes axe (WCAG 2.2 AA)
and answers without sideways scrolling being the only way to reach its main action."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from cms.demo.force import PASSWORD as DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

SCREENS = {
    "compliance.admin": [
        "/admin/",  # the dashboard: force headline, requests waiting, recent imports
        "/admin/compliance_requirement/",
        "/admin/compliance_requirement/new/",
        "/admin/compliance_assignment/",
        "/admin/compliance_person/",
        "/admin/compliance_unit/",
        "/admin/compliance_rank/",
        "/admin/compliance_rank/new/",
        "/admin/compliance_function/",
        "/admin/compliance_audit/",
        "/admin/compliance_day_runs/",
        "/admin/compliance/completions/new/",
        "/admin/compliance/hr-file-check/",
        "/admin/compliance/imports/",
        "/admin/reminders_policy/",
        "/admin/reminders_log/",
        "/admin/reports/force/?by=unit",
        "/admin/reports/force/campaigns/",
        "/admin/reports/force/overdue/",
        "/admin/privacy/requests/",
        "/admin/privacy/requests/new/",
        "/admin/privacy/register/",
        "/admin/privacy/retention/",
        "/admin/privacy/retention/free_text/",
        "/admin/privacy/rights/",
        "/admin/privacy/rights/new/",
    ],
    # The superuser's dashboard too: the page fixture fails on anything the CSP blocks, such as a
    # request to another site.
    "admin": ["/admin/", "/admin/sign-in-lockouts/", "/admin/sign-in-links/"],
    "di.analyst": ["/admin/"],  # the dashboard: the way into the equality analytics
    "ld.lead": [
        "/admin/",  # the dashboard: force headline, courses and sessions
        "/admin/face_to_face_sessions/",
        "/admin/reports/course-rates/",
        "/admin/reports/course-evaluations/",
        "/admin/reports/manager-observations/",
        "/admin/compliance_assignment/",
    ],
}


@pytest.fixture
def demo(live_site):
    call_command("load_demo", "--people", "150", "--seed", "1", stdout=io.StringIO())


@pytest.mark.parametrize("username", list(SCREENS))
def test_admin_screens_pass_axe(demo, page, login, assert_accessible, username):
    login(page, username, DEMO_PASSWORD)
    assert urlsplit(page.url).path != "/accounts/login/", f"{username} could not sign in"
    for path in SCREENS[username]:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        assert urlsplit(page.url).path == urlsplit(path).path, f"{path} redirected to {page.url}"
        assert_accessible(page, context=path)


def test_checking_an_hr_file_by_keyboard(demo, page, login, assert_accessible, tmp_path):
    """A compliance administrator checks a file from another system, says what its unknown
    rank is with the keyboard alone, and sees the file checked again."""
    csv = tmp_path / "their-people.csv"
    csv.write_text(
        "staff_number,first_name,last_name,email,worker_type,rank_or_grade,unit_code,start_date\n"
        "X1,Ann,Lee,x1@force.example,police_officer,Det Sgt,WMS,2015-04-01\n"
        "X2,Bob,Ray,x2@force.example,police_officer,Det Sgt,WMS,2015-04-01\n"
    )
    login(page, "compliance.admin", DEMO_PASSWORD)
    page.goto("/admin/compliance/hr-file-check/")
    page.set_input_files("#id_file", str(csv))
    page.get_by_role("button", name="Check the file").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/hr-file-check/*/")
    assert page.locator("th[scope=row]", has_text="Det Sgt").count() == 1
    assert_accessible(page, context="HR file check")
    page.locator("#rank-0").focus()
    page.locator("#rank-0").select_option(label="Sergeant")  # what a keyboard user's arrow keys choose
    page.get_by_role("button", name="Save and check the file again").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "is now another name for Sergeant" in page.content()
    assert page.locator("th[scope=row]", has_text="Det Sgt").count() == 0
    page.wait_for_timeout(1000)  # Wagtail's message slides in: judge it where it rests
    assert_accessible(page, context="HR file check, after")


def test_importing_a_file_by_keyboard_and_reading_its_report(demo, page, login, assert_accessible, tmp_path):
    """A compliance administrator sends a completions file from another platform with the
    keyboard alone and reads the import's report, every wrong row named."""
    csv = tmp_path / "completions.csv"
    csv.write_text("staff_number,course_code,completed_on\nNOBODY,NO-SUCH-COURSE,2026-01-05\n")
    login(page, "compliance.admin", DEMO_PASSWORD)
    page.goto("/admin/compliance/imports/")
    assert_accessible(page, context="imports")
    page.set_input_files("#id_file", str(csv))
    page.get_by_label("Import the rows that are right, and list the others").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Import the file").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/compliance/imports/*/")
    assert "Every row was rejected (2 error(s) in 1 row(s)): nothing was imported." in page.content()
    assert page.get_by_role("heading", name="Errors (2)").count() == 1
    assert page.locator("td", has_text="nobody has the staff number 'NOBODY'").count() == 1
    assert_accessible(page, context="import report")
    page.get_by_role("link", name="All imports").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("table.listing tbody tr").count() == 1
