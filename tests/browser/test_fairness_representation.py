"""Browser journey: the D&I analyst moves through the fairness pages' navigation by keyboard
(workforce and representation, progression, programme participation, the community benchmark),
changes a table's choices, loads a benchmark (a bad file first: its problems are listed, then a
good one), and axe finds nothing on any page on the way."""

import re

import pytest
from playwright.sync_api import expect

from compliance.audit.models import AuditEvent
from tests.reporting.conftest import build_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = "characteristic,category,share\nsex,Female,50.8\nsex,Male,49.2\nethnicity,White,78\nethnicity,Asian,12.5\n"
BAD = "characteristic,category,share\nsex,Female,fifty\nheight,tall,3\n"


@pytest.fixture
def force(live_site):
    return build_force()


def _press(locator):
    locator.focus()
    locator.press("Enter")
    locator.page.wait_for_load_state()


def nav(page):
    return page.get_by_role("navigation", name="Fairness pages")


def test_analyst_uses_the_representation_pages_by_keyboard(page, login, assert_accessible, force, tmp_path):
    login(page, "di.analyst")
    page.goto("/fairness/")
    _press(nav(page).get_by_role("link", name="Community benchmark"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Community benchmark")
    expect(nav(page).get_by_role("link", name="Community benchmark")).to_have_attribute("aria-current", "page")
    assert_accessible(page, "community benchmark, none loaded")

    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD)
    good.write_text(GOOD)
    page.get_by_label("Area").fill("Test force area")
    page.get_by_label("Source").fill("Illustrative shares for the test")
    page.get_by_label("CSV file").set_input_files(str(bad))
    _press(page.get_by_role("button", name="Load the benchmark"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The benchmark was not loaded")
    expect(alert).to_contain_text("Row 2, column share: 'fifty' is not a number (per cent, e.g. 4.5).")
    expect(alert).to_contain_text("Row 3, column characteristic: 'height' is not a characteristic")
    assert_accessible(page, "community benchmark with errors")
    page.get_by_label("Area").fill("Test force area")
    page.get_by_label("Source").fill("Illustrative shares for the test")
    page.get_by_label("CSV file").set_input_files(str(good))
    _press(page.get_by_role("button", name="Load the benchmark"))
    expect(page.get_by_role("status")).to_contain_text("The benchmark was loaded.")
    expect(page.get_by_role("table", name="Sex: community shares")).to_be_visible()
    assert_accessible(page, "community benchmark loaded")

    _press(nav(page).get_by_role("link", name="Workforce and representation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Workforce and representation")
    expect(page.get_by_role("table", name="Headcount by ethnicity and rank or grade")).to_be_visible()
    expect(page.get_by_role("table", name="Representation by ethnicity against the community")).to_be_visible()
    expect(page.get_by_role("table", name="Workforce by ethnicity, week by week")).to_be_visible()
    assert_accessible(page, "workforce by ethnicity and rank")
    page.get_by_label("Characteristic").select_option("sex")
    page.get_by_label("Broken down by").select_option("unit")
    _press(page.get_by_role("button", name="Show table"))
    expect(page).to_have_url("/fairness/workforce/?characteristic=sex&breakdown=unit&grouping=fine&level=95")
    region = page.get_by_role("region", name="Headcount by sex and unit")
    region.focus()
    expect(region).to_be_focused()
    expect(page.get_by_role("link", name="Download this table and its trend as CSV, with its metadata")).to_be_visible()
    assert_accessible(page, "workforce by sex and unit")

    _press(nav(page).get_by_role("link", name="Progression"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Progression")
    caption = "Promotion by ethnicity and leadership level at the start of the year"
    expect(page.get_by_role("table", name=re.compile(f"^{caption}, April"))).to_be_visible()
    expect(page.get_by_role("table", name=f"{caption}: every group, year by year")).to_be_visible()
    assert_accessible(page, "progression")
    page.get_by_label("Measure").select_option("leadership_entry")
    _press(page.get_by_role("button", name="Show table"))
    expect(
        page.get_by_role("heading", level=2, name="Entry into a higher leadership level by ethnicity")
    ).to_be_visible()
    assert_accessible(page, "leadership entry")

    _press(nav(page).get_by_role("link", name="Programme participation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme participation")
    assert_accessible(page, "programme participation")

    actions = list(AuditEvent.objects.filter(actor__username="di.analyst").values_list("action", flat=True))
    assert actions.count("fairness_benchmark_loaded") == 1
    assert actions.count("fairness_view") == 6  # the training table, two workforce, two progression, participation
