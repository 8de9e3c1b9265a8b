"""Privacy in a real browser, by keyboard alone, with axe on every page: the staff privacy notice,
a learner's own record (page, download and report), and a compliance administrator answering a
subject access request from recording it to marking it answered."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cms.demo.force import PASSWORD as DEMO_PASSWORD
from compliance.people.models import Person
from compliance.privacy.models import AccessRequest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture
def demo(live_site):
    call_command("load_demo", "--people", "150", "--seed", "1", stdout=io.StringIO())


def _tab_to(page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the element with this accessible text has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if name in (page.evaluate("document.activeElement && document.activeElement.innerText") or ""):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_learner_reads_the_notice_and_downloads_their_record_by_keyboard(demo, page, login, assert_accessible):
    page.goto("/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How we use your information")
    assert_accessible(page, "privacy notice, signed out")
    login(page, "constable", DEMO_PASSWORD)
    page.goto("/")
    _tab_to(page, "Your record")
    page.keyboard.press("Enter")
    page.wait_for_url("**/privacy/my-record/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your record")
    assert_accessible(page, "your record")
    _tab_to(page, "Download your record")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    with zipfile.ZipFile(download.value.path()) as archive:
        record = json.loads(archive.read("record.json"))
    assert record["person"]["name"] in page.content()
    assert any(s["key"] == "compliance.assignment" and s["rows"] for s in record["sections"])
    _tab_to(page, "Read it as a page")
    page.keyboard.press("Enter")
    page.wait_for_url("**/privacy/my-record/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The information we hold about you")
    assert_accessible(page, "your record as a report")


def test_answering_a_subject_access_request_by_keyboard(demo, page, login, assert_accessible):
    login(page, "compliance.admin", DEMO_PASSWORD)
    page.goto("/admin/privacy/requests/")
    assert_accessible(page, "subject access requests, none yet")
    _tab_to(page, "Record a request")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/privacy/requests/new/")
    assert_accessible(page, "record a request")
    page.get_by_label("Staff number").focus()
    page.keyboard.type("NOT-A-NUMBER")
    page.keyboard.press("Tab")
    # The browser's own date control (its keys follow the browser's locale): filled as a value.
    page.get_by_label("Received on").fill("2026-06-01")
    page.get_by_label("How it was received").focus()  # Tab would walk the date's day, month and year first
    page.keyboard.type("Email to the data protection officer")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Nobody has the staff number NOT-A-NUMBER.")).to_be_visible()
    assert_accessible(page, "record a request, with an error")
    staff_number = Person.objects.get(user__username="constable").staff_number
    page.get_by_label("Staff number").fill("")
    page.get_by_label("Staff number").focus()
    page.keyboard.type(staff_number)
    page.get_by_label("Received on").fill("2026-06-01")
    page.get_by_label("How it was received").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Subject access request from")
    # Wagtail's message fades in: judge its colours once it has.
    for _ in range(50):
        if page.evaluate("document.getAnimations().every(a => a.playState !== 'running')"):
            break
        page.wait_for_timeout(100)
    assert_accessible(page, "a request")
    _tab_to(page, "Download the archive")
    with page.expect_download():
        page.keyboard.press("Enter")
    page.reload()
    _tab_to(page, "Mark as answered")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Recorded as answered")).to_be_visible()
    request = AccessRequest.objects.get()
    assert request.delivered_on is not None and len(request.archive_sha256) == 64
    page.goto("/admin/privacy/register/")
    assert_accessible(page, "personal data register")
