import datetime

import pytest
from django.core import mail

from compliance.access import Role
from compliance.models import AssignmentState
from compliance.reminders.models import DigestFrequency, Reminder, ReminderKind, ReminderPolicy, ReminderStatus
from compliance.reminders.planning import reminders_plan
from compliance.reminders.sending import reminders_send
from compliance.reminders.services import digest_preference_set
from tests.compliance.factories import make_requirement
from tests.factories import UserFactory

from .helpers import TODAY, make_assignment, make_chain

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def plan(day=TODAY):
    return reminders_plan(today=day, enqueue=False)


def kinds():
    return sorted(Reminder.objects.values_list("kind", flat=True))


def send_all(day=TODAY):
    ids = list(Reminder.objects.filter(status=ReminderStatus.PLANNED).values_list("pk", flat=True))
    return reminders_send(reminder_ids=ids, today=day)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (TODAY + D(days=14), [ReminderKind.BEFORE_DUE]),
        (TODAY + D(days=20), []),
        (TODAY, [ReminderKind.DUE_TODAY]),
        (TODAY - D(days=7), [ReminderKind.OVERDUE]),
        (TODAY - D(days=14), [ReminderKind.ESCALATION_SECOND_LINE]),
        (TODAY - D(days=60), []),
    ],
)
def test_the_default_policy_plans_what_product_says(due, expected):
    _, _, learner = make_chain()
    make_assignment(person=learner, due=due)
    ReminderPolicy.objects.create(digest_enabled=False)
    plan()
    assert kinds() == sorted(expected)


def test_a_new_assignment_is_announced_once_even_when_planned_again():
    _, _, learner = make_chain()
    make_assignment(person=learner, due=TODAY + D(days=90), created=TODAY)
    first = plan()
    second = plan()
    third = plan(TODAY + D(days=1))
    assert first.planned == 1
    assert Reminder.objects.count() == 1
    assert second.planned == 1  # the same row: the day holds one reminder, however often it runs
    assert third.planned == 0
    assert Reminder.objects.get().kind == ReminderKind.ASSIGNED


def test_a_missed_day_is_caught_up_but_not_forever():
    _, _, learner = make_chain()
    make_assignment(person=learner, due=TODAY - D(days=8))
    ReminderPolicy.objects.create(digest_enabled=False)
    plan()
    assert kinds() == [ReminderKind.OVERDUE]
    Reminder.objects.all().delete()
    plan(TODAY + D(days=5))
    assert kinds() == []


@pytest.mark.parametrize("how", ["completed", "exempt", "withdrawn"])
def test_never_plans_for_completed_exempt_or_withdrawn(how):
    _, _, learner = make_chain()
    a = make_assignment(person=learner, due=TODAY - D(days=7))
    if how == "completed":
        a.state, a.satisfied_on = AssignmentState.SATISFIED, TODAY
    elif how == "withdrawn":
        a.state = AssignmentState.WITHDRAWN
    else:
        from compliance.models import Exemption

        a.exemption = Exemption.objects.create(assignment=a, reason="Long-term sick", approved_by=UserFactory())
    a.save()
    plan()
    assert Reminder.objects.filter(assignment=a).count() == 0


def test_ld_escalation_goes_to_the_ld_lead_group_or_the_configured_address():
    _, _, learner = make_chain()
    UserFactory(username="lead1", roles=[Role.LD_LEAD])
    UserFactory(username="lead2", roles=[Role.LD_LEAD])
    make_assignment(person=learner, due=TODAY - D(days=30))
    plan()
    assert sorted(
        Reminder.objects.filter(kind=ReminderKind.ESCALATION_LD).values_list("recipient_email", flat=True)
    ) == [
        "lead1@force.example",
        "lead2@force.example",
    ]
    Reminder.objects.all().delete()
    ReminderPolicy.objects.create(ld_email="ld@force.example")
    plan()
    assert list(Reminder.objects.filter(kind=ReminderKind.ESCALATION_LD).values_list("recipient_email", flat=True)) == [
        "ld@force.example"
    ]


def test_a_requirement_override_replaces_the_default():
    _, _, learner = make_chain()
    requirement = make_requirement()
    ReminderPolicy.objects.create(digest_enabled=False)
    ReminderPolicy.objects.create(requirement=requirement, learner_days_before=None, learner_days_overdue=3)
    make_assignment(person=learner, requirement=requirement, due=TODAY - D(days=3))
    make_assignment(person=learner, due=TODAY - D(days=3))
    plan()
    assert list(Reminder.objects.values_list("assignment__requirement", "kind")) == [
        (requirement.pk, ReminderKind.OVERDUE)
    ]


def test_weekly_digest_on_the_chosen_weekday_and_daily_for_those_who_ask():
    second, manager, learner = make_chain()
    make_assignment(person=learner, due=TODAY - D(days=40))  # overdue, too late for learner reminders
    ReminderPolicy.objects.create(digest_weekday=TODAY.weekday())
    plan()
    digest = Reminder.objects.get(kind=ReminderKind.MANAGER_DIGEST)
    assert digest.recipient_person == manager
    assert digest.period == TODAY
    plan(TODAY + D(days=1))
    assert Reminder.objects.filter(kind=ReminderKind.MANAGER_DIGEST).count() == 1
    digest_preference_set(person=manager, frequency=DigestFrequency.DAILY)
    plan(TODAY + D(days=1))
    assert Reminder.objects.filter(kind=ReminderKind.MANAGER_DIGEST).count() == 2


def test_sending_an_accessible_email_with_the_reason_and_a_link_once():
    _, _, learner = make_chain()
    make_assignment(person=learner, due=TODAY + D(days=14))
    ReminderPolicy.objects.create(digest_enabled=False)
    plan()
    result = send_all()
    assert result.sent == 1
    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert "is due in 14 days" in message.subject
    assert "so this is due within 90 days" in message.body
    assert "http://127.0.0.1:8000/my-training/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en-GB">' in html
    assert "<h1" in html and '<a href="http://127.0.0.1:8000/my-training/"' in html
    row = Reminder.objects.get()
    assert row.status == ReminderStatus.SENT and row.sent_at and row.attempts == 1
    assert send_all().sent == 0
    assert reminders_send(reminder_ids=[row.pk], today=TODAY).sent == 0
    assert len(mail.outbox) == 1


def test_completed_between_planning_and_sending_is_skipped_with_a_reason():
    _, _, learner = make_chain()
    a = make_assignment(person=learner, due=TODAY + D(days=14))
    ReminderPolicy.objects.create(digest_enabled=False)
    plan()
    a.state, a.satisfied_on = AssignmentState.SATISFIED, TODAY
    a.save()
    result = send_all()
    assert (result.sent, result.skipped) == (0, 1)
    row = Reminder.objects.get()
    assert row.status == ReminderStatus.SKIPPED
    assert "completed" in row.skip_reason
    assert mail.outbox == []


def test_digest_lists_team_items_with_due_date_and_days_overdue():
    second, manager, learner = make_chain()
    make_assignment(person=learner, due=TODAY - D(days=40))
    ReminderPolicy.objects.create(digest_weekday=TODAY.weekday())
    plan()
    send_all()
    digest = next(m for m in mail.outbox if m.to == [manager.email])
    assert digest.subject == "Your team's training: 1 overdue, 0 due soon"
    assert "Lee Learner" in digest.body and "40 days overdue" in digest.body
    assert "http://127.0.0.1:8000/team/" in digest.body
    html = digest.alternatives[0][0]
    assert '<th scope="col"' in html and "<caption" in html


def test_escalation_to_second_line_manager():
    second, manager, learner = make_chain()
    make_assignment(person=learner, due=TODAY - D(days=14))
    ReminderPolicy.objects.create(digest_enabled=False)
    plan()
    send_all()
    (message,) = mail.outbox
    assert message.to == [second.email]
    assert message.subject.startswith("Lee Learner is 14 days overdue with")


def statements(context) -> list[str]:
    """Queries run, leaving out the savepoints that only exist because a test wraps everything
    in a transaction (in a worker each email's transaction is a real one)."""
    return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_sending_costs_at_most_two_queries_per_email():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, manager, _ = make_chain()
    requirement = make_requirement()
    from tests.factories import make_person

    for _ in range(20):
        make_assignment(person=make_person(manager=manager), requirement=requirement, due=TODAY + D(days=14))
    ReminderPolicy.objects.create(digest_enabled=False)
    plan()
    ids = list(Reminder.objects.values_list("pk", flat=True))
    assert len(ids) == 20
    with CaptureQueriesContext(connection) as context:
        assert reminders_send(reminder_ids=ids, today=TODAY).sent == 20
    # Per email: the claim, committed before it leaves, and the record that it was sent.
    assert len(statements(context)) <= 2 * 20 + 5


def test_planning_makes_a_constant_number_of_queries(django_assert_max_num_queries):
    _, manager, _ = make_chain()
    requirement = make_requirement()
    from tests.factories import make_person

    for _ in range(30):
        make_assignment(person=make_person(manager=manager), requirement=requirement, due=TODAY - D(days=7))
    # Reminders, escalations and digests; observation prompts (created, then messages); reflection
    # prompts; enqueueing; the day's counts: the same however many people.
    with django_assert_max_num_queries(15):
        plan()
    assert Reminder.objects.filter(kind=ReminderKind.OVERDUE).count() == 30


def test_enqueueing_waits_for_commit_and_a_rolled_back_plan_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    _, _, learner = make_chain()
    make_assignment(person=learner, due=TODAY + D(days=14))
    ReminderPolicy.objects.create(digest_enabled=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                reminders_plan(today=TODAY)
                raise RuntimeError("the caller failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Reminder.objects.count() == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reminders_plan(today=TODAY)
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1  # eager in the tests: sent by the callback
