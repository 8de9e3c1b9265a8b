"""Asking to be exempted, with the keyboard alone, and the decision, in Chromium with axe."""

import pytest
from playwright.sync_api import expect

from compliance.models import Assignment, ExemptionDecider, ExtensionRequest, Requirement

from .test_compliance_my_training import sergeant  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_asking_to_be_exempted_with_the_keyboard(page, login, assert_accessible, sergeant):  # noqa: F811
    Requirement.objects.filter(name="Championing Fairness").update(exemption_decided_by=ExemptionDecider.LINE_MANAGER)
    login(page, "sgt.b")
    page.goto("/my-training/")
    link = page.get_by_role("link", name="Ask to be exempted from Championing Fairness")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask to be exempted")
    assert_accessible(page, "exemption request form")
    # Sent empty: the error summary takes the focus's place, and names the field.
    page.get_by_role("button", name="Send request").press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Say why you should be exempted")
    assert_accessible(page, "exemption request form with errors")
    page.get_by_role("link", name="Say why you should be exempted").press("Enter")
    expect(page.get_by_label("Why should you be exempted?")).to_be_focused()
    page.keyboard.type("I completed Passport to Management at my last force")
    page.keyboard.press("Tab")
    expect(page.get_by_label("What evidence can you show? (optional)")).to_be_focused()
    page.keyboard.type("Certificate PTM-2025-44, signed by Ch Insp Hale")
    page.get_by_role("button", name="Send request").press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Your request to be exempted has been sent to your line manager.")).to_be_visible()
    expect(page.get_by_text("waiting for Ian")).to_be_visible()
    assert_accessible(page, "my training with an exemption requested")
    # The inspector (the line manager) decides, with the keyboard too.
    page.context.clear_cookies()
    login(page, "insp.b")
    page.goto("/compliance/extension-requests/")
    expect(page.get_by_text("Certificate PTM-2025-44")).to_be_visible()
    assert_accessible(page, "requests to decide with an exemption")
    page.get_by_role("button", name="Approve exemption for Sara").press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("to be exempted approved")).to_be_visible()
    request = ExtensionRequest.objects.get(kind="exemption")
    assert request.status == "approved"
    assignment = Assignment.objects.get(person=sergeant, requirement__name="Championing Fairness")
    assert assignment.exemption.request == request
