import pytest
from playwright.sync_api import expect

from compliance.access import Role
from tests.compliance.factories import make_course
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_previews_a_requirement_before_saving(page, login, assert_accessible, live_site):
    make_person(username="comp.admin", roles=[Role.COMPLIANCE_ADMIN])
    make_person(first_name="Sam", last_name="Ayres", rank_or_grade="Sergeant", leadership_level="first_line")
    make_course("MC-STAGE-1", "Moral Courage stage 1")
    login(page, "comp.admin")
    page.goto("/admin/compliance_requirement/new/")
    page.get_by_label("Name").fill("Moral Courage stage 1 for first line leaders")
    page.get_by_label("Moral Courage stage 1 (MC-STAGE-1)").check()
    page.get_by_label("First line leader").first.check()
    page.locator("#id_trigger").select_option("fixed_date")
    page.locator("#id_fixed_due_date").fill("2026-11-30")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview who this catches").click()
    expect(page.get_by_role("heading", name="Preview: nothing has been saved")).to_be_visible()
    expect(page.get_by_text("Sam Ayres")).to_be_visible()
    assert_accessible(page, "requirement preview in the admin")
