"""Talent programmes in Chromium: every page passes axe (WCAG 2.2 AA), and applying and
selecting work with the keyboard alone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.talent.models import Application, ApplicationStatus, SelfDeclaration
from compliance.talent.services import application_score, application_submit
from tests.factories import UserFactory, make_person, make_unit
from tests.talent.builders import make_cohort, make_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def talent(live_site):
    from types import SimpleNamespace

    force = make_unit(code="FORCE", name="Test Force", kind="force")
    sgt = make_person(username="sgt", unit=force, first_name="Alys", last_name="Ashdown",
                      rank_or_grade="Sergeant", leadership_level="first_line")  # fmt: skip
    pc = make_person(username="pc", manager=sgt, unit=force, first_name="Priya", last_name="Parmar")
    owner = UserFactory(username="ld.owner")
    today = timezone.localdate()
    programme = make_programme(title="Front Line Leadership", owners=[owner], support=True)
    cohort = make_cohort(programme=programme, today=today, ranks=["Constable"], places=1)
    return SimpleNamespace(sgt=sgt, pc=pc, owner=owner, programme=programme, cohort=cohort, today=today)


def _tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element's accessible text contains `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "(() => { const e = document.activeElement; const l = e.labels && e.labels[0];"
            " return (l ? l.textContent : '') + ' ' + (e.textContent || '') + ' ' + (e.value || ''); })()"
        )
        if name in text:
            return
    raise AssertionError(f"{name!r} is not reachable with Tab")


def test_applying_with_the_keyboard_alone(page, login, assert_accessible, talent):
    login(page, "pc")
    page.goto(talent.programme.url)
    assert_accessible(page, "programme page")
    page.goto("/talent-programmes/")
    assert_accessible(page, "programme index")
    page.goto("/programmes/")
    assert_accessible(page, "open cohorts")
    _tab_to(page, "Apply for Front Line Leadership")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Apply for Front Line Leadership: {talent.cohort.name}")
    assert_accessible(page, "apply form")
    # Sent empty: the error summary takes focus's place at the top and links to the field.
    _tab_to(page, "Send application")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Enter your answer")
    assert_accessible(page, "apply form with an error")
    page.get_by_role("link", name="Enter your answer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Why do you want to join")).to_be_focused()
    page.keyboard.type("I lead the shift when my sergeant is away.")
    page.keyboard.press("Tab")  # into the self-declaration: the first answer
    page.keyboard.press("Space")
    expect(page.get_by_label("Yes, I am in a group this programme is for")).to_be_checked()
    _tab_to(page, "Send application")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your applications")
    expect(page.get_by_text("Waiting for line manager support")).to_be_visible()
    assert_accessible(page, "your applications")
    assert SelfDeclaration.objects.get().answer == "yes"


def test_supporting_and_selecting_with_the_keyboard_alone(page, login, assert_accessible, talent):
    application_submit(person=talent.pc, cohort=talent.cohort, statement="Ready to lead", declaration="yes",
                       now=timezone.now())  # fmt: skip
    login(page, "sgt")
    page.goto("/programmes/support/")
    assert_accessible(page, "support")
    expect(page.get_by_text("Yes, I am in a group")).to_have_count(0)
    _tab_to(page, "Support Priya Parmar")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Application from Priya Parmar supported.")).to_be_visible()
    page.goto(f"/programmes/cohorts/{talent.cohort.pk}/nominate/")
    assert_accessible(page, "nominate")
    page.context.clear_cookies()

    login(page, "ld.owner")
    page.goto(f"/programmes/cohorts/{talent.cohort.pk}/panel/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Selection: {talent.cohort}")
    expect(page.get_by_text("Yes, I am in a group")).to_have_count(0)
    assert_accessible(page, "panel")
    page.get_by_label("Score from 0 to 10").focus()
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_label("Shortlist")).to_be_checked()
    _tab_to(page, "Save score")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Score saved.")).to_be_visible()
    page.get_by_label("The panel's reason").focus()
    page.keyboard.type("Strongest evidence against the criteria.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Places filled: 1 offered a place")).to_be_visible()
    assert_accessible(page, "panel after filling places")
    application = Application.objects.get()
    assert (application.status, application.decided_by) == (ApplicationStatus.SELECTED, talent.owner)


def test_recording_a_milestone_with_the_keyboard_alone(page, login, assert_accessible, talent):
    from compliance.talent.models import Attendance, Milestone
    from compliance.talent.services import application_support, cohort_fill_places, mentor_assign

    now = timezone.now()
    application = application_submit(person=talent.pc, cohort=talent.cohort, statement="Ready", now=now)
    application_support(actor=talent.sgt.user, application=application, supported=True, note="", now=now)
    application_score(actor=talent.owner, application=application, score=7, shortlisted=True, note="", now=now)
    cohort_fill_places(actor=talent.owner, cohort=talent.cohort, reason="Ranked", now=now)
    mentor_assign(actor=talent.owner, application=application, mentor=talent.sgt.user, now=now)
    milestone = Milestone.objects.create(cohort=talent.cohort, title="Launch workshop", on=talent.cohort.starts_on)
    login(page, "ld.owner")
    page.goto(f"/programmes/cohorts/{talent.cohort.pk}/running/")
    assert_accessible(page, "running a cohort")
    _tab_to(page, "Record attendance at Launch workshop")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance: Launch workshop")
    assert_accessible(page, "attendance")
    _tab_to(page, "Priya Parmar")
    page.keyboard.press("Space")
    _tab_to(page, "Save attendance")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Attendance at Launch workshop saved.")).to_be_visible()
    assert Attendance.objects.get(milestone=milestone).attended is True
    page.context.clear_cookies()
    login(page, "sgt")
    page.goto("/programmes/mentoring/")
    expect(page.get_by_text("Launch workshop")).to_contain_text("attended")
    assert_accessible(page, "people you mentor")
    page.context.clear_cookies()
    login(page, "pc")
    page.goto("/programmes/applications/")
    assert_accessible(page, "a participant's applications, with milestones and plan")


def test_reaching_the_board_report_with_the_keyboard_alone(page, login, assert_accessible, talent):
    import datetime

    from compliance.talent.services import application_complete, application_support, cohort_fill_places

    opened = talent.today - datetime.timedelta(days=900)
    finished = make_cohort(programme=talent.programme, today=opened, name="Two years ago", places=1)
    at = timezone.now() - datetime.timedelta(days=900)
    pc = make_person(username="pc.past", manager=talent.sgt, unit=talent.sgt.unit, start_date=datetime.date(2010, 1, 1))
    application = application_submit(person=pc, cohort=finished, statement="Ready", now=at)
    application_support(actor=talent.sgt.user, application=application, supported=True, note="", now=at)
    application_score(actor=talent.owner, application=application, score=7, shortlisted=True, note="", now=at)
    cohort_fill_places(actor=talent.owner, cohort=finished, reason="Ranked", now=at)
    application_complete(actor=talent.owner, application=application, note="", now=at)
    login(page, "ld.owner")
    page.goto(f"/programmes/cohorts/{finished.pk}/panel/")
    _tab_to(page, "Board report for Front Line Leadership")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Board report: Front Line Leadership")
    expect(page.get_by_role("heading", name="Two years ago")).to_be_visible()
    assert_accessible(page, "a programme's board report")
    page.set_viewport_size({"width": 320, "height": 640})  # reflows: a wide table scrolls in its own region
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
