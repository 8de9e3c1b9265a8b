"""A line manager records, by keyboard, what change they have seen 90 days after a course."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from compliance.observations.models import ManagerObservation, ObservedChange
from compliance.reminders.planning import observation_prompts_plan
from courses.models import Completion, CompletionSource
from tests.compliance.factories import make_course
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def prompt(live_site):
    inspector = make_person(
        username="insp.o", first_name="Ian", last_name="Ives", rank_or_grade="Inspector", leadership_level="middle"
    )
    sergeant = make_person(
        username="sgt.o",
        manager=inspector,
        first_name="Sara",
        last_name="Khan",
        rank_or_grade="Sergeant",
        leadership_level="first_line",
    )
    course = make_course("MC-STAGE-1", "Moral Courage stage 1")
    course.manager_observation_days = 90
    course.save()
    done = timezone.localdate() - datetime.timedelta(days=92)
    Completion.objects.create(
        user=sergeant.user,
        course=course,
        completed_at=timezone.make_aware(datetime.datetime.combine(done, datetime.time(10))),
        source=CompletionSource.IMPORT,
        idempotency_key="browser:obs:1",
    )
    observation_prompts_plan()
    assert len(mail.outbox) == 1
    return ManagerObservation.objects.get()


def test_manager_records_an_observation_by_keyboard(page, login, assert_accessible, prompt):
    login(page, "insp.o")
    page.goto("/")
    assert_accessible(page, "home page with observations waiting")
    link = page.get_by_role("link", name="Record what you have seen")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Observations to record")
    assert_accessible(page, "observations list")

    record = page.get_by_role("link", name="Record what you have seen about Sara Khan")
    record.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("What change have you seen in Sara Khan?")
    assert_accessible(page, "observation form")

    # Submitting with nothing chosen: an error summary that links to the question.
    page.get_by_role("button", name="Record observation").press("Enter")
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose what change you have seen")
    expect(page).to_have_title("Error: What change have you seen in Sara Khan? – Inclusion training")
    assert_accessible(page, "observation form with errors")
    summary.get_by_role("link", name="Choose what change you have seen").focus()
    page.keyboard.press("Enter")

    # The radios by keyboard: focus the first, arrow to the second ("Some change") and type the notes.
    page.get_by_label("Clearly improved").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Some change")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What have you seen? (optional)")).to_be_focused()
    page.keyboard.type("Speaks up in briefings when a remark lands badly; still hesitant with senior colleagues.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Record observation")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    expect(page.get_by_role("status")).to_contain_text("your observation of Sara Khan is recorded")
    expect(page.get_by_text("Nothing is waiting for you")).to_be_visible()
    assert_accessible(page, "observations list after recording")
    prompt.refresh_from_db()
    assert prompt.observed_change == ObservedChange.SOME_CHANGE
    assert prompt.notes.startswith("Speaks up in briefings")


def test_another_manager_gets_not_found(page, login, prompt):
    make_person(username="other.o", rank_or_grade="Inspector", leadership_level="middle")
    login(page, "other.o")
    response = page.goto(f"/compliance/observations/{prompt.pk}/")
    assert response.status == 404
