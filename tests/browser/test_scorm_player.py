"""Real SCORM packages in Chromium: the demo's SCORM 1.2 and SCORM 2004 packages are launched,
answered, suspended, resumed in a new browser, and completed; the data the server kept, the
completion and the requirement it satisfies are checked, axe passes around the player, and
the player and the content work from the keyboard. Every page is watched for anything the
Content-Security-Policy blocks."""

import io
import re

import pytest
from playwright.sync_api import expect

from cms.demo.scorm import load_scorm_demo
from courses.models import Completion, CompletionSource, ModuleProgress, ScormAttempt, ScormModulePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scorm_course(live_site):
    return load_scorm_demo(stdout=io.StringIO())


@pytest.fixture
def learner(scorm_course):
    from compliance.models import Assignment, AssignmentState
    from compliance.services.sync import sync_all
    from tests.compliance.factories import make_requirement
    from tests.factories import make_person

    person = make_person()
    person.user.first_name, person.user.last_name = "Sam", "Patel"
    person.user.save()
    make_requirement(name="Everyday respect", courses=[scorm_course], trigger="joining", trigger_days=60)
    sync_all()
    assert Assignment.objects.get(person=person).state == AssignmentState.OPEN
    return person


@pytest.fixture
def new_browser(browser, live_server):
    """Another browser (a context with no cookies), watched for CSP blocks like `page`."""
    contexts, blocked = [], []

    def open_page():
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        other = context.new_page()
        other.set_default_timeout(15_000)
        other.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
        return other

    yield open_page
    for context in contexts:
        context.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked[:5]}"


def sco(page):
    """The SCO: inside the launch frame (package origin), inside the player page."""
    return page.frame_locator("#scorm-frame").frame_locator("#sco")


def module(slug: str) -> ScormModulePage:
    return ScormModulePage.objects.get(slug=slug)


def saved(page, count: int = 1) -> None:
    expect(page.locator("#scorm-status")).to_have_text(re.compile(r"Progress saved at|completed this module"))
    expect(page.locator("#scorm-error")).to_have_text("")


def eventually(page, check, seconds: float = 10) -> None:
    """The server keeps what the player sends, in order, a moment after the click."""
    from django.db import OperationalError

    for _ in range(int(seconds * 10)):
        try:
            if check():
                return
        except OperationalError:  # SQLite: the live server is writing that table
            pass
        page.wait_for_timeout(100)
    raise AssertionError("the server did not record it in time")


def test_scorm_12_suspend_resume_in_a_new_browser_and_pass(page, new_browser, login, assert_accessible, learner):
    respect = module("respect-at-work")
    login(page, learner.user.username)
    page.goto(respect.url)
    content = sco(page)
    expect(content.get_by_role("heading", name="What respect looks like")).to_be_visible()
    expect(content.get_by_text("Learner: Patel, Sam")).to_be_visible()
    assert_accessible(page, "the SCORM 1.2 player")
    content.get_by_role("button", name="Next page").click()
    content.get_by_label("Say calmly that it is not OK, then check in with them").check()
    content.get_by_role("button", name="Save and close").click()
    saved(page)
    eventually(page, lambda: ScormAttempt.objects.filter(sco="respect-item", terminated_at__isnull=False).exists())
    attempt = ScormAttempt.objects.get(sco="respect-item")
    assert (attempt.location, attempt.exit, attempt.completion_status) == ("2", "suspend", "incomplete")
    assert attempt.suspend_data == '{"canteen":"challenge"}' and attempt.terminated_at is not None

    # A new browser, signed in again: the package resumes where the learner stopped.
    other = new_browser()
    login(other, learner.user.username)
    other.goto(respect.url)
    content = sco(other)
    expect(content.get_by_role("heading", name="A moment in the canteen")).to_be_visible()
    expect(content.get_by_text("Welcome back: you are on the page where you stopped.")).to_be_visible()
    expect(content.get_by_label("Say calmly that it is not OK, then check in with them")).to_be_checked()
    content.get_by_role("button", name="Next page").click()
    content.get_by_label("Everyone, whatever their rank or grade").check()
    content.get_by_label("Behaviour to challenge, whatever the intent").check()
    content.get_by_role("button", name="Submit answers").click()
    expect(content.get_by_text("You scored 100%: passed.")).to_be_visible()
    content.get_by_role("button", name="Finish").click()
    expect(other.locator("#scorm-done")).to_be_visible()
    expect(other.get_by_role("link", name="Next module: Everyday exclusion")).to_be_visible()
    assert_accessible(other, "the SCORM 1.2 player, completed")
    eventually(other, lambda: ScormAttempt.objects.filter(sco="respect-item", sessions=2, exit="").exists())

    attempt.refresh_from_db()
    assert (attempt.completion_status, attempt.success_status, attempt.score_raw) == ("passed", "passed", 100)
    assert attempt.sessions == 2 and attempt.exit == "" and attempt.completed_at is not None
    assert [(i["id"], i["response"], i["result"]) for i in attempt.interactions] == [
        ("q-code", "b", "correct"),
        ("q-banter", "a", "correct"),
    ]
    assert attempt.objectives[0]["id"] == "quiz" and attempt.objectives[0]["status"] == "passed"
    assert attempt.total_seconds >= 0 and attempt.session_seconds is not None
    assert ModuleProgress.objects.get(module_id=respect.pk).status == "completed"
    assert not Completion.objects.exists()  # the SCORM 2004 module is still required


def test_scorm_2004_two_parts_by_keyboard_complete_the_course(page, login, assert_accessible, learner):
    from compliance.models import Assignment, AssignmentState

    # The SCORM 1.2 module is done already, by the package's own report.
    respect = module("respect-at-work")
    exclusion = module("everyday-exclusion")
    login(page, learner.user.username)
    page.goto(respect.url)
    content = sco(page)
    content.get_by_role("button", name="Next page").click()
    content.get_by_role("button", name="Next page").click()
    content.get_by_label("Everyone, whatever their rank or grade").check()
    content.get_by_label("Behaviour to challenge, whatever the intent").check()
    content.get_by_role("button", name="Submit answers").click()
    content.get_by_role("button", name="Finish").click()
    expect(page.locator("#scorm-done")).to_be_visible()
    eventually(page, lambda: ScormAttempt.objects.filter(sco="respect-item", terminated_at__isnull=False).exists())

    page.goto(exclusion.url)
    expect(page.get_by_role("navigation", name="Parts of this module")).to_be_visible()
    content = sco(page)
    expect(content.get_by_role("heading", name="Small moments, big effects")).to_be_visible()
    assert_accessible(page, "the SCORM 2004 player")
    # From the keyboard: the content's own buttons, then the table of contents.
    for _ in range(2):
        content.get_by_role("button", name="Next page").focus()
        page.keyboard.press("Enter")
    expect(content.get_by_role("heading", name="What you can do")).to_be_visible()
    content.get_by_role("button", name="Finish").focus()
    page.keyboard.press("Enter")
    saved(page)
    expect(page.locator('[data-sco-status="0"]')).to_have_text("Completed")
    eventually(page, lambda: ScormAttempt.objects.filter(sco="micro-learn", terminated_at__isnull=False).exists())
    learn = ScormAttempt.objects.get(sco="micro-learn")
    assert (learn.completion_status, learn.progress_measure, learn.location) == ("completed", 1, "3")

    # The part asked for the next one as it finished (adl.nav.request "continue").
    expect(page.get_by_role("link", name="Part 2: Check your understanding")).to_have_attribute("aria-current", "step")
    expect(sco(page).get_by_role("heading", name="Two questions")).to_be_visible()
    page.get_by_role("link", name="Part 1: Recognising microaggressions").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Part 2: Check your understanding":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Part 2: Check your understanding")).to_have_attribute("aria-current", "step")
    content = sco(page)
    expect(content.get_by_role("heading", name="Two questions")).to_be_visible()
    # A wrong answer first: the passing score (0.8) is the server's to apply.
    content.get_by_label("True").focus()
    page.keyboard.press("Space")
    content.get_by_label('Say "That builds on what Sam said earlier"').focus()
    page.keyboard.press("Space")
    content.get_by_role("button", name="Submit answers").focus()
    page.keyboard.press("Enter")
    expect(content.get_by_text("You scored 50%: not passed yet.")).to_be_visible()
    eventually(page, lambda: ScormAttempt.objects.filter(sco="micro-check", success_status="failed").exists())
    content.get_by_label("False: the effect matters, whatever the intent").focus()
    page.keyboard.press("Space")
    content.get_by_role("button", name="Submit answers").focus()
    page.keyboard.press("Enter")
    expect(content.get_by_text("You scored 100%: passed.")).to_be_visible()
    content.get_by_role("button", name="Finish").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#scorm-done")).to_be_visible()
    expect(page.locator('[data-sco-status="1"]')).to_have_text("Passed")
    assert_accessible(page, "the SCORM 2004 player, completed")
    eventually(page, lambda: ScormAttempt.objects.filter(sco="micro-check", terminated_at__isnull=False).exists())

    check = ScormAttempt.objects.get(sco="micro-check")
    assert (check.success_status, check.score_scaled, check.completion_status) == ("passed", 1, "completed")
    completion = Completion.objects.get(user=learner.user)
    course = exclusion.get_parent().specific
    assert completion.source == CompletionSource.SCORM and completion.revision_id == course.live_revision_id
    assignment = Assignment.objects.get(person=learner)
    assert assignment.state == AssignmentState.SATISFIED and assignment.satisfied_by == completion
    # The course page shows it done, as for a native course.
    page.goto(course.url)
    expect(page.get_by_text("Completed").first).to_be_visible()
