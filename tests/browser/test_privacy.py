"""Privacy in a real browser, by keyboard alone, with axe on every page: the staff privacy notice,
a learner's own record (page, download and report), and a compliance administrator answering a
subject access request from recording it to marking it answered, and deciding an erasure
request from the person's page to the records erased."""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef
from playwright.sync_api import expect

from cms.demo.force import PASSWORD as DEMO_PASSWORD
from compliance.equality.models import EqualityRecord
from compliance.people.models import Person
from compliance.privacy.models import AccessRequest, RightsRequest

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


def _settled(page) -> None:
    """Wagtail's message fades in: judge its colours once it has."""
    for _ in range(50):
        if page.evaluate("document.getAnimations().every(a => a.playState !== 'running')"):
            break
        page.wait_for_timeout(100)


def test_deciding_an_erasure_request_by_keyboard(demo, page, login, assert_accessible):
    """From the person's page to an erasure partly granted: a decision without its lawful ground
    is refused (the error summary takes the focus and leads to the field), then made, and the
    equality record goes; axe on every page."""
    person = (
        Person.objects.filter(
            Exists(EqualityRecord.objects.filter(person=OuterRef("pk"))), user__isnull=False, end_date__isnull=True
        )
        .order_by("pk")
        .first()
    )
    login(page, "compliance.admin", DEMO_PASSWORD)
    page.goto(f"/admin/compliance_person/inspect/{person.pk}/")
    expect(page.get_by_role("heading", name="Legal hold and restriction")).to_be_visible()
    assert_accessible(page, "a person's page with its holds")
    _tab_to(page, "Record a request for erasure or restriction")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/privacy/rights/new/?staff_number=*")
    expect(page.get_by_label("Staff number")).to_have_value(person.staff_number)
    assert_accessible(page, "record an erasure or restriction request")
    page.get_by_label("Erasure", exact=True).focus()
    page.keyboard.press("Space")
    # The browser's own date control (its keys follow the browser's locale): filled as a value.
    page.get_by_label("Received on").fill(datetime.date.today().isoformat())
    page.get_by_label("How it was received").focus()
    page.keyboard.type("Letter to the data protection officer")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Erasure request from {person.full_name}")
    _settled(page)
    assert_accessible(page, "an erasure request to decide")

    page.get_by_label("Partly granted").focus()
    page.keyboard.press("Space")
    page.get_by_label("Equality records:").focus()
    page.keyboard.press("Space")
    page.get_by_label("Reason").focus()
    page.keyboard.type("Your equality record goes; your training record stays.")
    _tab_to(page, "Record the decision: if granted, erase what is ticked now")
    page.keyboard.press("Enter")
    # No ground: the summary says so and has the focus; its link leads to the field.
    expect(page.get_by_role("alert")).to_contain_text("Give the lawful ground for what is kept.")
    assert "There is a problem" in page.evaluate("document.activeElement.innerText")
    assert_accessible(page, "an erasure decision with an error")
    assert EqualityRecord.objects.filter(person=person).exists()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**#id_ground")
    ground = page.get_by_label("Lawful ground for what is kept")
    ground.focus()
    ground.select_option("legal_claims")  # what a keyboard user's arrow keys choose
    expect(page.get_by_label("Partly granted")).to_be_checked()  # what was chosen is kept
    expect(page.get_by_label("Equality records:")).to_be_checked()
    _tab_to(page, "Record the decision: if granted, erase what is ticked now")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Partly granted: Equality records: 1 deleted")).to_be_visible()
    expect(page.get_by_text("Needed for legal claims or proceedings (Article 17(3)(e))")).to_be_visible()
    assert not EqualityRecord.objects.filter(person=person).exists()
    request = RightsRequest.objects.get()
    assert (request.person_id, request.outcome, request.ground) == (person.pk, "partly", "legal_claims")
    _settled(page)
    assert_accessible(page, "an erasure request decided")
    page.goto("/admin/privacy/rights/")
    assert_accessible(page, "erasure and restriction requests, one decided")


def test_placing_and_lifting_a_legal_hold_by_keyboard(demo, page, login, assert_accessible):
    """From the person's page: a hold without its reason is refused (the form shows again, saying
    so), then placed, listed and lifted; axe on every page."""
    from compliance.people.models import Hold

    person = Person.objects.filter(user__isnull=False, end_date__isnull=True).order_by("pk").first()
    login(page, "compliance.admin", DEMO_PASSWORD)
    page.goto(f"/admin/compliance_person/inspect/{person.pk}/")
    _tab_to(page, f"Place a legal hold on every record about {person.full_name}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/privacy/holds/new/?person={person.pk}")
    expect(page.get_by_role("alert")).to_contain_text("Say why the records are held")
    assert "There is a problem" in page.evaluate("document.activeElement.innerText")
    assert_accessible(page, "a legal hold without its reason")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link: to the field
    page.get_by_label("Reason for the legal hold").focus()
    page.keyboard.type("Employment tribunal case 42")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/admin/compliance_person/inspect/{person.pk}/(#.*)?$"))
    expect(page.get_by_text(f"Legal hold placed on the records about {person.full_name}.")).to_be_visible()
    expect(page.get_by_role("cell", name="Employment tribunal case 42")).to_be_visible()
    _settled(page)
    assert_accessible(page, "a person's page with a legal hold in force")
    assert Hold.objects.in_force().filter(person=person).count() == 1
    _tab_to(page, "Lift this legal hold")
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Legal hold lifted from the records about {person.full_name}.")).to_be_visible()
    expect(page.get_by_text("No: lifted")).to_be_visible()
    assert not Hold.objects.in_force().filter(person=person).exists()
    _settled(page)
    assert_accessible(page, "a person's page with a legal hold lifted")
