"""L&D in the Wagtail admin: an editor edits a module and submits it; the L&D lead approves
and it is published."""

import io

import pytest
from playwright.sync_api import expect

from cms.demo.catalogue import load_catalogue_demo
from courses.models import CoursePage, ModulePage
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_submits_a_module_change_and_the_lead_approves_it(page, login, live_site):
    load_catalogue_demo(seed=1, stdout=io.StringIO())
    UserFactory(username="ld.editor", roles=["L&D editor"])
    UserFactory(username="ld.lead", roles=["L&D editor", "L&D lead"])
    course = CoursePage.objects.get(course_code="MC-STAGE-3")
    module = ModulePage.objects.child_of(course).order_by("path").first()
    new_title = "Moral courage in everyday work (revised)"

    login(page, "ld.editor")
    page.goto(f"/admin/pages/{module.pk}/edit/")
    page.locator("#id_title").fill(new_title)
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to L&D approval").click()
    expect(page.get_by_text("has been submitted for moderation", exact=False).first).to_be_visible()
    assert ModulePage.objects.get(pk=module.pk).title != new_title  # not live yet

    page.context.clear_cookies()
    login(page, "ld.lead")
    page.goto(f"/admin/pages/{module.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(course.title)  # back in the page explorer
    live = ModulePage.objects.get(pk=module.pk)
    assert live.title == new_title and live.live


def test_the_course_rates_report_fits_and_scrolls_accessibly_at_1280px(page, login, live_site):
    """Imported completions made MC-STAGE-1 read 1133%, and the last column was cut off."""
    import datetime

    from axe_playwright_python.sync_playwright import Axe
    from django.utils import timezone

    from courses.services.completions import completion_record
    from courses.services.learning import enrolment_start

    load_catalogue_demo(seed=1, stdout=io.StringIO())
    course = CoursePage.objects.get(course_code="MC-STAGE-1")
    for _ in range(3):
        enrolment_start(user=UserFactory(), course=course)
    for n in range(34):
        completion_record(
            user=UserFactory(),
            course=course,
            source="import",
            idempotency_key=f"browser-import-{n}",
            completed_at=timezone.now() - datetime.timedelta(days=300),
        )
    UserFactory(username="ld.lead", roles=["L&D editor", "L&D lead"])

    login(page, "ld.lead")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/reports/course-rates/")
    row = page.get_by_role("row").filter(has_text="MC-STAGE-1")
    expect(row).to_contain_text("37")  # learners: 3 started here, 34 imported
    expect(row).to_contain_text("92%")  # 34 of 37
    rates = [int(text[:-1]) for text in page.locator("td").all_inner_texts() if text.strip().endswith("%")]
    assert rates and max(rates) <= 100

    region = page.get_by_role("region", name="Completion and response rates by course (scrolls sideways)")
    expect(region).to_have_attribute("tabindex", "0")
    main = page.locator("#main").bounding_box()
    assert region.bounding_box()["x"] + region.bounding_box()["width"] <= main["x"] + main["width"] + 1
    region.focus()
    page.keyboard.press("End")
    last_header = page.get_by_role("columnheader").last
    last_header.scroll_into_view_if_needed()
    expect(last_header).to_be_in_viewport()

    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}})
    assert not results.response["violations"], results.response["violations"]
