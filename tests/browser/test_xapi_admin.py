"""The xAPI dead-letter screen in Chromium: axe (WCAG 2.2 AA) finds nothing, before and after a
compliance administrator sends a statement again with the keyboard alone."""

import uuid

import pytest

from courses.access import Role
from courses.xapi.models import Statement, StatementStatus
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def test_dead_letters_pass_axe_and_are_sent_again_by_keyboard(page, login, assert_accessible, settings):
    settings.INCLUSION_LMS = {**getattr(settings, "INCLUSION_LMS", {}), "XAPI_LRS_ENDPOINT": "http://lrs.invalid/xAPI/"}
    UserFactory(username="compliance.lead", roles=[Role.COMPLIANCE_ADMIN])
    learner = UserFactory(username="AB123")
    for number, error in enumerate(["The LRS answered 400: invalid statement", "The LRS answered 409: conflict"]):
        sid = uuid.uuid4()
        Statement.objects.create(
            id=sid,
            event_key=f"browser:{number}",
            verb="answered",
            activity=f"http://127.0.0.1/xapi/activities/module/{number}",
            user=learner,
            statement={"id": str(sid)},
            status=StatementStatus.FAILED,
            attempts=1,
            last_error=error,
            created_at="2026-06-17T08:00:00Z",
            failed_at="2026-06-17T08:30:00Z",
        )
    login(page, "compliance.lead")
    response = page.goto("/admin/learning-records/")
    assert response is not None and response.status == 200
    assert page.locator("#dead-letters tbody tr").count() == 2
    assert_accessible(page, context="xAPI dead letters")

    send_again = page.get_by_role("button", name="Send again").first
    send_again.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("will be sent again").count() == 1
    assert page.locator("#dead-letters tbody tr").count() == 1
    assert Statement.objects.filter(status=StatementStatus.FAILED).count() == 1
    page.wait_for_timeout(1000)  # Wagtail's message slides in: judge it where it rests
    assert_accessible(page, context="xAPI dead letters after sending one again")
