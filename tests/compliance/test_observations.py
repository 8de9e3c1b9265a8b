"""The manager observation prompt (Moral Courage stage 1: 90 days after completion)."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.access import Role
from compliance.observations.models import ManagerObservation, ObservedChange
from compliance.observations.selectors import CATCH_UP_DAYS, MIN_ANSWERS_FOR_SHARES, observation_rates_by_course
from compliance.observations.services import observation_prompts_create_due, observation_record
from compliance.reminders.models import Reminder, ReminderKind, ReminderStatus
from compliance.reminders.planning import observation_prompts_plan
from compliance.reminders.sending import reminders_send
from compliance.reminders.tasks import send_reminders
from courses.models import Completion, CompletionSource
from tests.compliance.factories import make_course
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db

DAYS = 90
_keys = itertools.count(1)


@pytest.fixture
def course():
    page = make_course("MC-STAGE-1", "Moral Courage stage 1")
    page.manager_observation_days = DAYS
    page.save()
    return page


@pytest.fixture
def inspector():
    return make_person(
        username="insp", first_name="Ian", last_name="Ives", rank_or_grade="Inspector", leadership_level="middle"
    )


@pytest.fixture
def sergeant(inspector):
    return make_person(
        username="sgt",
        manager=inspector,
        first_name="Sara",
        last_name="Khan",
        rank_or_grade="Sergeant",
        leadership_level="first_line",
    )


def complete(person, course, *, days_ago: int, today: datetime.date | None = None) -> Completion:
    today = today or timezone.localdate()
    when = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(10)))
    return Completion.objects.create(
        user=person.user,
        course=course,
        completed_at=when,
        source=CompletionSource.IMPORT,
        idempotency_key=f"test:{next(_keys)}",
    )


def test_prompt_is_made_on_day_n_and_not_before(course, sergeant, inspector):
    today = timezone.localdate()
    completion = complete(sergeant, course, days_ago=DAYS - 1)
    assert observation_prompts_create_due(today=today) == 0
    assert observation_prompts_create_due(today=today + datetime.timedelta(days=1)) == 1
    prompt = ManagerObservation.objects.get()
    assert (prompt.completion, prompt.learner, prompt.manager, prompt.course_id) == (
        completion,
        sergeant,
        inspector,
        course.pk,
    )
    assert prompt.due_on == today + datetime.timedelta(days=1)
    assert prompt.prompted_at is None and prompt.recorded_at is None


def test_running_twice_makes_and_sends_nothing_new(course, sergeant, django_capture_on_commit_callbacks):
    complete(sergeant, course, days_ago=DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        first = observation_prompts_plan()
    assert (first.created, first.managers, first.enqueued) == (1, 1, 1)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        second = observation_prompts_plan()
    assert (second.created, second.managers, second.enqueued) == (0, 0, 0)
    assert len(mail.outbox) == 1
    assert ManagerObservation.objects.count() == 1
    assert ManagerObservation.objects.get().prompted_at is not None


def message_ids():
    return list(Reminder.objects.filter(kind=ReminderKind.OBSERVATION_PROMPT).values_list("pk", flat=True))


def test_a_duplicated_or_retried_send_emails_once(course, sergeant, inspector):
    complete(sergeant, course, days_ago=DAYS)
    observation_prompts_plan(enqueue=False)
    ids = message_ids()
    assert send_reminders(ids)["sent"] == 1
    assert send_reminders(ids)["sent"] == 0
    assert reminders_send(reminder_ids=ids).sent == 0
    assert len(mail.outbox) == 1
    message = Reminder.objects.get(pk=ids[0])
    assert (message.status, message.recipient_person, message.item) == (
        ReminderStatus.SENT,
        inspector,
        f"Observation prompts ({timezone.localdate():%-d %B %Y})",
    )
    assert mail.outbox[0].extra_headers["X-Reminder-Id"] == str(message.pk)


def test_a_failed_send_is_not_marked_and_is_sent_by_the_retry(course, sergeant, inspector, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    complete(sergeant, course, days_ago=DAYS)
    observation_prompts_plan(enqueue=False)
    ids = message_ids()
    original = EmailMultiAlternatives.send

    def boom(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", boom)
    with pytest.raises(OSError):
        reminders_send(reminder_ids=ids)
    assert ManagerObservation.objects.get().prompted_at is None
    assert Reminder.objects.get().status == ReminderStatus.PLANNED
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert reminders_send(reminder_ids=ids).sent == 1
    assert ManagerObservation.objects.get().prompted_at is not None


@pytest.mark.parametrize("case", ["voided", "inactive_learner", "no_manager", "inactive_manager", "no_setting"])
def test_no_prompt_when_it_is_not_wanted(case, course, sergeant, inspector):
    completion = complete(sergeant, course, days_ago=DAYS + 2)
    if case == "voided":
        Completion.objects.filter(pk=completion.pk).update(
            voided_at=timezone.now(), void_reason="Recorded against the wrong person"
        )
    elif case == "inactive_learner":
        sergeant.is_active = False
        sergeant.save()
    elif case == "no_manager":
        sergeant.line_manager = None
        sergeant.save()
    elif case == "inactive_manager":
        inspector.is_active = False
        inspector.save()
    else:
        course.manager_observation_days = None
        course.save()
    assert observation_prompts_create_due() == 0
    assert not ManagerObservation.objects.exists()


def test_completions_from_long_ago_are_not_prompted(course, sergeant):
    """A course that starts asking does not prompt about completions from long before."""
    complete(sergeant, course, days_ago=DAYS + CATCH_UP_DAYS + 1)
    complete(sergeant, course, days_ago=DAYS + CATCH_UP_DAYS)
    assert observation_prompts_create_due() == 1


def test_a_prompt_whose_completion_is_voided_before_sending_is_not_sent(
    course, sergeant, inspector, django_capture_on_commit_callbacks
):
    completion = complete(sergeant, course, days_ago=DAYS)
    observation_prompts_plan(enqueue=False)
    Completion.objects.filter(pk=completion.pk).update(voided_at=timezone.now(), void_reason="Wrong person")
    with django_capture_on_commit_callbacks(execute=True):
        assert observation_prompts_plan().enqueued == 1  # the message planned before: sent or skipped now
    assert mail.outbox == []
    message = Reminder.objects.get()
    assert (message.status, message.skip_reason) == (
        ReminderStatus.SKIPPED,
        "Not sent: every prompt was answered, sent or is no longer needed.",
    )


def test_email_content(course, sergeant, inspector, django_capture_on_commit_callbacks, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://training.force.example"
    complete(sergeant, course, days_ago=DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        observation_prompts_plan()
    (message,) = mail.outbox
    prompt = ManagerObservation.objects.get()
    assert message.to == [inspector.email]
    assert message.subject == "What change have you seen in Sara Khan since Moral Courage stage 1?"
    link = f"https://training.force.example/compliance/observations/{prompt.pk}/"
    assert link in message.body
    assert "Dear Ian," in message.body and "90 days ago" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en-GB">' in html and f'href="{link}"' in html
    assert "<h1" in html and "Record what you have seen about Sara Khan" in html
    assert "see only totals" in html


def test_one_email_per_manager_for_several_learners(course, inspector, django_capture_on_commit_callbacks):
    for name in ("Amy", "Ben", "Cal"):
        complete(make_person(manager=inspector, first_name=name), course, days_ago=DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        result = observation_prompts_plan()
    assert (result.created, result.managers) == (3, 1)
    (message,) = mail.outbox
    assert message.subject.startswith("3 people in your team")
    assert all(name in message.body for name in ("Amy", "Ben", "Cal"))


def test_a_learner_with_a_newer_manager_is_prompted_to_the_manager_at_the_time(course, sergeant, inspector):
    complete(sergeant, course, days_ago=DAYS)
    observation_prompts_create_due()
    assert ManagerObservation.objects.get().manager == inspector


# The site pages ------------------------------------------------------------------------------


@pytest.fixture
def prompt(course, sergeant):
    complete(sergeant, course, days_ago=DAYS)
    observation_prompts_create_due()
    return ManagerObservation.objects.get()


def url(prompt) -> str:
    return f"/compliance/observations/{prompt.pk}/"


def test_pages_need_a_login(client, prompt):
    for path in ("/compliance/observations/", url(prompt)):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_manager_records_an_observation(client, prompt, inspector):
    client.force_login(inspector.user)
    page = client.get("/compliance/observations/")
    assert page.status_code == 200
    assert "Sara Khan" in page.content.decode() and url(prompt) in page.content.decode()
    response = client.post(url(prompt), {"observed_change": "clearly_improved", "notes": "  Challenged a remark.  "})
    assert response.status_code == 302 and response["Location"] == "/compliance/observations/"
    prompt.refresh_from_db()
    assert prompt.observed_change == ObservedChange.CLEARLY_IMPROVED
    assert prompt.notes == "Challenged a remark."
    assert prompt.recorded_by == inspector and prompt.recorded_at is not None
    # It leaves the pending list and shows as recorded; a second answer changes nothing.
    body = client.get("/compliance/observations/").content.decode()
    assert "Nothing is waiting for you" in body and "Clearly improved" in body
    again = client.post(url(prompt), {"observed_change": "no_change"}, follow=True)
    assert again.status_code == 200
    prompt.refresh_from_db()
    assert prompt.observed_change == ObservedChange.CLEARLY_IMPROVED
    # Audited once, without the notes (the trail is searchable by administrators).
    from compliance.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="observation_recorded")
    assert event.actor == inspector.user and event.object_id == str(prompt.pk)
    assert "Challenged" not in str(event.changes) + event.summary


def test_everyone_else_gets_a_404(client, prompt, inspector, sergeant):
    other_manager = make_person(username="other.insp", rank_or_grade="Inspector", leadership_level="middle")
    make_person(manager=other_manager)
    above = make_person(username="supt", rank_or_grade="Superintendent", leadership_level="senior")
    ld = UserFactory(username="ld", roles=[Role.LD_EDITOR])
    admin = UserFactory(username="root")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    for user in (other_manager.user, sergeant.user, above.user, ld, admin):
        client.force_login(user)
        assert client.get(url(prompt)).status_code == 404
        assert client.post(url(prompt), {"observed_change": "no_change"}).status_code == 404
        assert "Sara Khan" not in client.get("/compliance/observations/").content.decode()
    prompt.refresh_from_db()
    assert prompt.recorded_at is None
    with pytest.raises(PermissionDenied):
        observation_record(user=other_manager.user, observation_id=prompt.pk, observed_change="no_change", notes="")


def test_the_learners_new_line_manager_can_record_it_and_the_old_one_still_can(client, prompt, sergeant, inspector):
    new_manager = make_person(username="new.insp", rank_or_grade="Inspector", leadership_level="middle")
    sergeant.line_manager = new_manager
    sergeant.save()
    client.force_login(inspector.user)
    assert client.get(url(prompt)).status_code == 200
    client.force_login(new_manager.user)
    assert client.get(url(prompt)).status_code == 200
    assert client.post(url(prompt), {"observed_change": "some_change"}).status_code == 302
    prompt.refresh_from_db()
    assert prompt.recorded_by == new_manager and prompt.manager == inspector


def test_a_voided_completion_or_a_leaver_takes_the_prompt_away(client, prompt, inspector, sergeant):
    client.force_login(inspector.user)
    sergeant.is_active = False
    sergeant.save()
    assert client.get(url(prompt)).status_code == 404
    assert "Sara Khan" not in client.get("/compliance/observations/").content.decode()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "observed_change", "Choose what change you have seen"),
        ({"observed_change": "<script>alert(1)</script>"}, "observed_change", "Choose one of the answers shown"),
        ({"observed_change": ["some_change", "no_change"], "notes": "x"}, None, None),
        ({"observed_change": "some_change", "notes": "a\x00b"}, "notes", "Remove the null characters"),
        ({"observed_change": "some_change", "notes": "x" * 5001}, "notes", "Keep what you write under 5,000"),
        ({"observed_change": "' OR 1=1 --", "notes": "é" * 10}, "observed_change", "Choose one of the answers"),
    ],
)
def test_form_validation_with_hostile_input(client, prompt, inspector, data, field, message):
    client.force_login(inspector.user)
    response = client.post(url(prompt), data)
    if field is None:
        # Two values for one radio: Django takes the last, a valid answer.
        assert response.status_code == 302
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary" role="alert"' in body and "There is a problem" in body
    assert message in body
    assert "<script>alert(1)</script>" not in body
    anchor = "#id_observed_change_0" if field == "observed_change" else "#id_notes"
    assert f'href="{anchor}"' in body
    assert body.count("<title>Error: ") == 1
    if data.get("observed_change") == "some_change":
        # The answer given is kept when only the notes are wrong.
        assert 'value="some_change" id="id_observed_change_1" checked' in body
    prompt.refresh_from_db()
    assert prompt.recorded_at is None


def test_hostile_notes_are_stored_as_text_and_escaped(client, prompt, inspector):
    client.force_login(inspector.user)
    notes = '<img src=x onerror="alert(1)"> & "quotes"'
    assert client.post(url(prompt), {"observed_change": "some_change", "notes": notes}).status_code == 302
    body = client.get(url(prompt)).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
    assert "<img src=x" not in body


def test_service_rejects_bad_input(prompt, inspector):
    with pytest.raises(ValidationError) as exc:
        observation_record(user=inspector.user, observation_id=prompt.pk, observed_change=None, notes=["x"])
    assert "observed_change" in exc.value.message_dict
    observation_record(user=inspector.user, observation_id=prompt.pk, observed_change="no_change", notes=None)
    with pytest.raises(ValidationError):
        observation_record(user=inspector.user, observation_id=prompt.pk, observed_change="no_change", notes="")


def test_list_query_count_does_not_grow(client, course, inspector, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            complete(make_person(manager=inspector), course, days_ago=DAYS)
        observation_prompts_create_due()

    add(1)
    client.force_login(inspector.user)
    with django_assert_max_num_queries(8):
        assert client.get("/compliance/observations/").status_code == 200
    add(15)
    with django_assert_max_num_queries(8):
        body = client.get("/compliance/observations/").content.decode()
    assert "Waiting for you (16)" in body


def test_home_page_links_a_manager_to_pending_observations(client, prompt, inspector, sergeant):
    client.force_login(inspector.user)
    body = client.get("/").content.decode()
    assert "Observations to record" in body and 'href="/compliance/observations/"' in body
    client.force_login(sergeant.user)
    assert "Observations to record" not in client.get("/").content.decode()


# L&D totals and privacy -----------------------------------------------------------------------


def test_ld_report_shows_totals_and_hides_small_shares(client, course, inspector, django_capture_on_commit_callbacks):
    learners = [make_person(manager=inspector) for _ in range(MIN_ANSWERS_FOR_SHARES + 1)]
    for learner in learners:
        complete(learner, course, days_ago=DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        observation_prompts_plan()
    prompts = list(ManagerObservation.objects.order_by("pk"))
    answers = ["clearly_improved", "clearly_improved", "some_change", "no_change"]
    for prompt, answer in zip(prompts, answers, strict=False):
        observation_record(user=inspector.user, observation_id=prompt.pk, observed_change=answer, notes="secret words")
    (row,) = observation_rates_by_course()
    assert (row["due"], row["prompted"], row["recorded"], row["response_rate"]) == (6, 6, 4, 67)
    assert row["shares_shown"] is False and row["improved_share"] is None
    observation_record(user=inspector.user, observation_id=prompts[4].pk, observed_change="no_change", notes="")
    (row,) = observation_rates_by_course()
    assert row["shares_shown"] is True and row["improved_share"] == 60
    assert dict(row["shares"])["Clearly improved"] == 40

    ld = UserFactory(username="ld.lead", roles=[Role.LD_LEAD])
    client.force_login(ld)
    response = client.get("/admin/reports/manager-observations/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Moral Courage stage 1" in body and "83%" in body
    assert "secret words" not in body and learners[0].last_name not in body
    client.force_login(inspector.user)
    denied = client.get("/admin/reports/manager-observations/")
    assert denied.status_code == 302
    assert denied["Location"] == "/admin/login/?next=/admin/reports/manager-observations/"


def test_ld_report_exports_csv_and_xlsx_with_formulas_neutralised(
    client, course, inspector, django_capture_on_commit_callbacks
):
    import csv
    import io

    from openpyxl import load_workbook

    course.title = "=1+1"
    course.save()
    learners = [make_person(manager=inspector) for _ in range(MIN_ANSWERS_FOR_SHARES)]
    for learner in learners:
        complete(learner, course, days_ago=DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        observation_prompts_plan()
    for prompt in ManagerObservation.objects.all():
        observation_record(user=inspector.user, observation_id=prompt.pk, observed_change="clearly_improved", notes="")
    headings = [
        "Course",
        "Course code",
        "Prompts due",
        "Managers emailed",
        "Answered",
        "Response rate %",
        "Improved (clearly or some) %",
        "Clearly improved %",
        "Some change %",
        "No change seen %",
        "Not enough contact to say %",
    ]
    n = str(MIN_ANSWERS_FOR_SHARES)
    client.force_login(UserFactory(username="ld.lead", roles=[Role.LD_LEAD]))
    day = f"{timezone.localdate():%Y-%m-%d}"
    for param in ("export", "format"):
        response = client.get(f"/admin/reports/manager-observations/?{param}=csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="manager-observations-{day}.csv"'
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert rows == [headings, ["'=1+1", "MC-STAGE-1", n, n, n, "100", "100", "100", "0", "0", "0"]]
    response = client.get("/admin/reports/manager-observations/?export=xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="manager-observations-{day}.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[1]] == headings
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    assert [c.value for c in sheet[2]][1:] == ["MC-STAGE-1", *[int(v) for v in (n, n, n)], 100, 100, 100, 0, 0, 0]


def test_observations_stay_out_of_the_learner_and_equality_paths(client, prompt, inspector, sergeant):
    observation_record(
        user=inspector.user, observation_id=prompt.pk, observed_change="no_change", notes="Private manager note"
    )
    client.force_login(sergeant.user)
    for path in ("/", "/my-learning/", "/my-training/", "/compliance/observations/", url(prompt)):
        response = client.get(path)
        assert "Private manager note" not in response.content.decode()
    analyst = UserFactory(username="analyst", roles=[Role.DI_ANALYST])
    assert Group.objects.get(name=Role.DI_ANALYST) in analyst.groups.all()
    client.force_login(analyst)
    assert client.get(url(prompt)).status_code == 404


def test_course_field_is_validated(course):
    course.manager_observation_days = 0
    with pytest.raises(ValidationError):
        course.full_clean()


def test_demo_leaves_the_inspector_an_observation_to_record(course):
    import io

    from cms.demo.compliance import load_compliance_demo
    from cms.demo.force import build_force
    from cms.management.commands.load_demo import Command
    from compliance.importing.people import import_people
    from compliance.importing.units import import_units
    from compliance.observations.selectors import observations_pending_for

    force = build_force(people=600, seed=1)  # load_demo's default size
    import_units(force.units_csv(), source="test")
    import_people(force.people_csv(), source="test")
    Command()._make_personas(force.personas)
    out = io.StringIO()
    load_compliance_demo(seed=1, stdout=out)
    assert "manager-observation prompts" in out.getvalue()
    from django.contrib.auth import get_user_model

    inspector_user = get_user_model().objects.get(username="inspector")
    pending = list(observations_pending_for(user=inspector_user))
    assert pending and all(p.course_id == course.pk for p in pending)
    assert all(p.due_on <= timezone.localdate() for p in pending)


def test_planning_is_set_based(course, inspector, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            complete(make_person(manager=inspector), course, days_ago=DAYS)

    add(1)
    with django_assert_max_num_queries(12):
        assert observation_prompts_plan().created == 1
    add(25)
    with django_assert_max_num_queries(12):
        result = observation_prompts_plan()
    # One message to the manager, still on its way: the second run plans no other.
    assert (result.created, result.managers, result.enqueued) == (25, 1, 1)
    assert Reminder.objects.count() == 1


def test_out_of_range_ids_are_not_found(client, prompt, inspector):
    client.force_login(inspector.user)
    assert client.get("/compliance/observations/99999999999999999999999/").status_code == 404
    assert client.post("/compliance/observations/99999999999999999999999/", {}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_email_once(on_postgres, live_site, monkeypatch):
    """Two copies of the same task (a redelivery, a re-run) race: the claim lets one send."""
    import threading
    import time

    from django.core.mail import EmailMultiAlternatives
    from django.db import connection

    course = make_course("MC-STAGE-1", "Moral Courage stage 1")
    course.manager_observation_days = DAYS
    course.save()
    manager = make_person(username="race.insp")
    complete(make_person(manager=manager), course, days_ago=DAYS)
    observation_prompts_plan(enqueue=False)
    ids = message_ids()
    original = EmailMultiAlternatives.send

    def slow_send(self, *args, **kwargs):
        time.sleep(0.5)  # hold the lock while the other worker arrives
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", slow_send)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(reminders_send(reminder_ids=ids).sent)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1


def test_a_recorded_observation_shows_to_the_learners_chain_not_to_the_learner(client, prompt, inspector, sergeant):
    from compliance.people.services import person_set_line_manager

    chief = make_person(username="ci", rank_or_grade="Chief Inspector", leadership_level="middle")
    person_set_line_manager(person=inspector, manager=chief)
    observation_record(
        user=inspector.user, observation_id=prompt.pk, observed_change="clearly_improved", notes="Led a debrief"
    )
    client.force_login(chief.user)
    page = client.get(f"/team/people/{sergeant.staff_number}/").content.decode()
    assert "Observed behaviour change" in page and "Clearly improved" in page and "Led a debrief" in page
    client.force_login(sergeant.user)
    assert "Led a debrief" not in client.get("/my-training/").content.decode()
    assert client.get(f"/team/people/{sergeant.staff_number}/").status_code == 404
