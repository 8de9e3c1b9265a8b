"""The learner's journey in Chromium: axe on every learner page, reflow at 320px, a whole
module completed with the keyboard alone, booking, attendance and completion."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.demo.catalogue import load_catalogue_demo
from courses.blocks import knowledge_check_questions
from courses.models import Completion, CoursePage, FaceToFaceSession, ModulePage
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(live_site):
    load_catalogue_demo(seed=1, stdout=io.StringIO())


def modules_of(code: str) -> list[ModulePage]:
    return list(ModulePage.objects.child_of(CoursePage.objects.get(course_code=code)).live().order_by("path"))


def assert_reflows(page, context: str) -> None:
    """At 320 CSS pixels wide nothing scrolls sideways (WCAG 1.4.10)."""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 320, f"{context} is {width}px wide at 320px"


def check_page(page, assert_accessible, context: str) -> None:
    assert_accessible(page, context)
    assert_reflows(page, context)


def tab_to(page, script: str, limit: int = 250) -> None:
    """Press Tab until `script` (a JS expression on `el`) is true for the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({script}); }})()"):
            return
    raise AssertionError(f"could not reach {script} with the Tab key")


def answer_with_keyboard(page, module: ModulePage) -> None:
    for question in knowledge_check_questions(module.body):
        name = f"q-{question['id']}"
        if question["kind"] == "single":
            (index,) = question["correct"]
            tab_to(page, f"el.name === '{name}'")
            if index == 0:
                page.keyboard.press("Space")
            else:
                for _ in range(index):
                    page.keyboard.press("ArrowDown")
        else:
            for index in sorted(question["correct"]):
                tab_to(page, f"el.id === '{name}-{index}'")
                page.keyboard.press("Space")
    tab_to(page, "el.textContent.trim() === 'Submit answers'")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def answer_by_clicking(page, module: ModulePage) -> None:
    for question in knowledge_check_questions(module.body):
        for index in question["correct"]:
            page.locator(f"[id='q-{question['id']}-{index}']").check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()


def test_constable_completes_stage_3_with_the_keyboard_and_downloads_the_certificate(
    page, login, assert_accessible, catalogue
):
    UserFactory(username="constable", first_name="Jordan", last_name="Reid")
    login(page, "constable")
    course = CoursePage.objects.get(course_code="MC-STAGE-3")
    first, second = modules_of("MC-STAGE-3")

    page.goto("/training/")
    check_page(page, assert_accessible, "catalogue")
    page.goto("/training/?delivery_mode=online&duration=medium")
    check_page(page, assert_accessible, "catalogue, filtered")
    page.goto("/training/moral-courage/")
    check_page(page, assert_accessible, "programme page")
    page.goto(course.url)
    check_page(page, assert_accessible, "course page")

    # Start, then the whole first module with the keyboard alone.
    tab_to(page, "el.textContent.trim() === 'Start this course'")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    for number in range(1, len(first.body) + 1):
        expect(page.locator("#screen-title")).to_contain_text(f"Screen {number} of {len(first.body)}")
        check_page(page, assert_accessible, f"module screen {number}")
        if number < len(first.body):
            tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Next screen'")
            page.keyboard.press("Enter")
            page.wait_for_load_state()
    # Submitting with nothing chosen explains the problem accessibly.
    tab_to(page, "el.textContent.trim() === 'Submit answers'")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Answer question 1")
    # The error summary takes the focus, and the title says there is an error.
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith("Error: ")
    check_page(page, assert_accessible, "knowledge check with errors")
    answer_with_keyboard(page, first)
    expect(page.locator("#check-result")).to_contain_text("You passed")
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)
    check_page(page, assert_accessible, "knowledge check passed")
    tab_to(page, "el.textContent.trim().startsWith('Next module')")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)

    # The second module, by pointer.
    check_screen = knowledge_check_questions(second.body)[0]["screen"]
    page.goto(f"{second.url}?screen={check_screen}")
    answer_by_clicking(page, second)
    expect(page.locator("#check-result")).to_contain_text("You passed")

    completion = Completion.objects.get(user__username="constable")
    assert completion.course_id == course.pk
    page.goto(course.url)
    expect(page.get_by_text("You completed this course")).to_be_visible()
    check_page(page, assert_accessible, "course page, completed")
    page.get_by_role("link", name="View your certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of completion")
    expect(page.locator(".certificate__name")).to_have_text("Jordan Reid")
    check_page(page, assert_accessible, "certificate")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate").click()
    assert download.value.suggested_filename.startswith("certificate-")

    code = completion.certificate.code
    page.goto(f"/certificates/verify/{code}/")
    expect(page.get_by_role("status")).to_contain_text("genuine")
    check_page(page, assert_accessible, "verification, valid")
    page.goto("/certificates/verify/?code=WRONG-CODE")
    check_page(page, assert_accessible, "verification, unknown code")

    page.goto(f"/learning/courses/{course.pk}/evaluation/")
    check_page(page, assert_accessible, "evaluation form")
    page.get_by_role("button", name="Send evaluation").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith("Error: ")
    check_page(page, assert_accessible, "evaluation form with errors")

    page.goto("/my-learning/")
    expect(page.get_by_role("link", name=f"Certificate for {course.title}")).to_be_visible()
    check_page(page, assert_accessible, "my learning")


def test_sergeant_books_stage_1_is_marked_attended_and_completes(page, login, assert_accessible, catalogue):
    from django.contrib.auth.models import Group

    UserFactory(username="sergeant", first_name="Alex", last_name="Morgan")
    facilitator = UserFactory(username="ld.editor")
    facilitator.groups.add(Group.objects.get(name="L&D editor"))
    course = CoursePage.objects.get(course_code="MC-STAGE-1")
    session = FaceToFaceSession.objects.filter(course=course).order_by("starts_at").first()
    FaceToFaceSession.objects.filter(pk=session.pk).update(facilitator=facilitator)

    login(page, "sergeant")
    page.goto(course.url)
    check_page(page, assert_accessible, "blended course page")
    page.get_by_role("button", name=f"Book {session.starts_at.astimezone().strftime('%-d %B %Y %H:%M')}").click()
    expect(page.get_by_text("You are booked", exact=False).first).to_be_visible()
    check_page(page, assert_accessible, "blended course page, booked")
    page.goto("/my-learning/")
    check_page(page, assert_accessible, "my learning with a booking")

    for module in modules_of("MC-STAGE-1"):
        check_screen = knowledge_check_questions(module.body)[0]["screen"]
        page.goto(f"{module.url}?screen={check_screen}")
        answer_by_clicking(page, module)
        expect(page.locator("#check-result")).to_contain_text("You passed")
    assert not Completion.objects.exists()

    # The register can be marked once the session has started.
    page.context.clear_cookies()
    login(page, "ld.editor")
    page.goto(f"/learning/sessions/{session.pk}/register/")
    expect(page.get_by_text("Attendance cannot be marked yet")).to_be_visible()
    expect(page.get_by_text("Alex Morgan")).to_be_visible()
    FaceToFaceSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    page.goto(f"/learning/sessions/{session.pk}/register/")
    check_page(page, assert_accessible, "attendance register")
    page.get_by_label("Alex Morgan").check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Register saved: 1 attended")).to_be_visible()
    assert Completion.objects.get().course_id == course.pk

    page.context.clear_cookies()
    login(page, "sergeant")
    page.goto("/my-learning/")
    expect(page.get_by_role("link", name=f"Certificate for {course.title}")).to_be_visible()


def test_module_screens_with_scenarios_and_reflections_pass_axe(page, login, assert_accessible, catalogue):
    UserFactory(username="learner")
    login(page, "learner")
    module = modules_of("LFOH-STUDENT")[1]
    for number in range(1, len(module.body) + 1):
        page.goto(f"{module.url}?screen={number}")
        check_page(page, assert_accessible, f"{module.title}, screen {number}")
    page.goto(f"{module.url}?screen=3")
    page.locator("details summary").first.click()
    textarea = page.locator("textarea").first
    textarea.fill("I will explain my grounds every time.")
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.get_by_text("Your reflection is saved")).to_be_visible()
    expect(page.locator("textarea").first).to_have_value("I will explain my grounds every time.")
    check_page(page, assert_accessible, "module screen after saving a reflection")
