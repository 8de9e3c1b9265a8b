"""Browser journeys through the team, command and force report pages: by keyboard, with axe on
every page, and at 320 px wide."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from compliance.models import ExtensionRequest
from tests.reporting.conftest import build_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def force(live_site):
    return build_force()


def _press(locator):
    locator.focus()
    locator.press("Enter")
    locator.page.wait_for_load_state()


def _fits(page, width=320):
    """Nothing but the tables' own scrolling areas is wider than the viewport."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_inspector_filters_opens_a_person_approves_and_exports(page, login, assert_accessible, force):
    login(page, "insp.north")
    page.goto("/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My team")
    assert_accessible(page, "my team")
    page.get_by_label("Status", exact=True).select_option("not_started")
    page.get_by_label("Unit", exact=True).select_option("TEAM-A")
    _press(page.get_by_role("button", name="Apply"))
    expect(page).to_have_url("/team/?direct=&unit=TEAM-A&requirement=&status=not_started&rank=&sort=due&q=")
    rows = page.get_by_role("region", name="Page 1 of 1").get_by_role("row")
    expect(rows).to_have_count(2)  # the heading row and Amir Ashcombe's
    assert_accessible(page, "my team, filtered")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list as CSV").click()
    assert "Ashcombe" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    _press(page.get_by_role("link", name="Ashcombe, Amir"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Amir Ashcombe")
    expect(page.get_by_text("Reason given: On a course abroad")).to_be_visible()
    assert_accessible(page, "a person in my team")
    _press(page.get_by_role("button", name="Approve more time for Learning from our History"))
    expect(page.get_by_text("Request from Amir Ashcombe approved.")).to_be_visible()
    assert ExtensionRequest.objects.get(pk=force.extension_request.pk).status == "approved"
    assert_accessible(page, "a person after a decision")


def test_bad_filters_are_explained_accessibly(page, login, assert_accessible, force):
    login(page, "sgt.a")
    page.goto("/team/?status=bogus")
    expect(page.get_by_role("alert")).to_contain_text("Status: 'bogus' is not one of the choices.")
    assert_accessible(page, "my team with an error")


def test_charts_have_their_numbers_in_tables(page, login, assert_accessible, force):
    login(page, "insp.north")
    page.goto("/team/")
    _press(page.get_by_role("link", name="Charts: completion by training and over 12 months"))
    expect(page.get_by_role("img", name="Completion rate by training")).to_be_visible()
    expect(page.get_by_role("table", name="Completion by training: the numbers")).to_be_visible()
    expect(page.get_by_role("table", name="Completion at each month end: the numbers")).to_be_visible()
    assert_accessible(page, "team charts")


def test_people_with_no_team_are_told_so(page, login, assert_accessible, force):
    login(page, "pc.a1")
    page.goto("/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have no team")
    assert_accessible(page, "no team")


def test_superintendent_drills_from_command_to_unit(page, login, assert_accessible, force):
    login(page, "supt.north")
    page.goto("/command/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Command view")
    expect(page.get_by_role("table", name="Fixed-date training: completed, remaining and days left")).to_contain_text(
        "Moral Courage stage 1"
    )
    assert_accessible(page, "command view")
    _press(page.get_by_role("link", name="North Response A"))
    expect(page.get_by_role("heading", level=1)).to_have_text("North Response A")
    expect(page.get_by_role("navigation", name="Units above this one")).to_contain_text("North LPA")
    assert_accessible(page, "command view of a unit")


@pytest.mark.parametrize(
    "username, path",
    [
        ("insp.north", "/team/"),
        ("insp.north", "/team/charts/"),
        ("sgt.a", "/team/people/{PERSON}/"),
        ("supt.north", "/command/"),
    ],
)
def test_pages_reflow_at_320_pixels(page, login, force, username, path):
    page.set_viewport_size({"width": 320, "height": 800})
    login(page, username)
    page.goto(path.format(PERSON=force.team_a[2].staff_number))
    assert _fits(page), f"{path} is wider than 320 px"
    # The tables scroll inside their own focusable region, reachable by keyboard.
    region = page.locator(".table-wrap").first
    expect(region).to_have_attribute("tabindex", "0")


def test_force_reports_in_the_admin_pass_axe(page, login, assert_accessible, force):
    login(page, "compliance.admin")
    for path, heading in [
        ("/admin/reports/force/?by=unit", "Force completion"),
        ("/admin/reports/force/campaigns/", "Campaigns against their deadlines"),
        ("/admin/reports/force/overdue/", "Overdue training"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page, path)
