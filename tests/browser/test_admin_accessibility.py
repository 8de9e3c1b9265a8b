"""Every admin screen the project adds, for the role that uses it, passes axe (WCAG 2.2 AA)
and answers without sideways scrolling being the only way to reach its main action."""

import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

SCREENS = {
    "compliance.admin": [
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
        "/admin/reminders_policy/",
        "/admin/reminders_log/",
        "/admin/reports/force/?by=unit",
        "/admin/reports/force/campaigns/",
        "/admin/reports/force/overdue/",
    ],
    # The superuser's dashboard too: the page fixture fails on anything the CSP blocks, such as a
    # request to another site.
    "admin": ["/admin/", "/admin/sign-in-lockouts/"],
    "ld.lead": [
        "/admin/face_to_face_sessions/",
        "/admin/reports/course-rates/",
        "/admin/reports/manager-observations/",
        "/admin/compliance_assignment/",
    ],
}


@pytest.fixture
def demo(live_site):
    call_command("load_demo", "--people", "150", "--seed", "1", stdout=io.StringIO())


@pytest.mark.parametrize("username", list(SCREENS))
def test_admin_screens_pass_axe(demo, page, login, assert_accessible, username):
    login(page, username)
    for path in SCREENS[username]:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        assert page.url.endswith(path.split("?")[0]) or "?" in path, f"{path} redirected to {page.url}"
        assert_accessible(page, context=path)
