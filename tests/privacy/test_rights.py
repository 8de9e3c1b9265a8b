"""Erasure (Article 17) and restriction (Article 18) requests: opening one, deciding it with its
lawful ground, erasing exactly the person's rows of the kinds chosen and nothing of anyone
else's, all or nothing; a legal hold; a restriction that stops messages; who may do it."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from compliance.audit.models import AuditEvent
from compliance.people.models import Hold, Person
from compliance.privacy import rights
from compliance.privacy.models import RightsRequest
from compliance.privacy.retention import ERASED, still_to_change
from compliance.privacy.rights import (
    erasable,
    hold_lift,
    hold_place,
    rights_request_decide,
    rights_request_open,
)
from compliance.privacy.selectors import subject_q
from compliance.reminders.models import Reminder, ReminderPolicy, ReminderStatus
from compliance.reminders.planning import reminders_plan
from compliance.reminders.sending import reminders_send
from courses.privacy import Expiry, Retention, register
from tests.factories import make_person
from tests.reminders.helpers import make_assignment, make_chain

from .records import give_records, snapshot_about, snapshot_except

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 17)
# What deciding a request writes about the person: the request itself, and the audit trail.
DECISION = ("audit.AuditEvent", "audit.AuditMention", "privacy.RightsRequest")
RESTRICTED = "Not sent: the person asked for the processing of their records to be restricted."


@pytest.fixture
def asker(manager):
    """A serving officer with a record of every kind, and a colleague with one too."""
    person = make_person(manager=manager, username="pc.asker", first_name="Ashley", last_name="Asker")
    give_records(person, manager=manager, on=datetime.date(2025, 3, 1))
    give_records(make_person(manager=manager, first_name="Colin", last_name="Colleague"), manager=manager, on=TODAY)
    return person


def _open(person, actor, kind="erasure", **fields) -> RightsRequest:
    return rights_request_open(
        person=person,
        kind=kind,
        received_on=fields.pop("received_on", TODAY),
        received_how=fields.pop("received_how", "Email to the data protection officer"),
        actor=actor,
        **fields,
    )


# --- opening ------------------------------------------------------------------------------


def test_a_request_is_recorded_with_its_deadline_and_audited(dpo, asker):
    request = _open(asker, dpo, received_on=datetime.date(2026, 5, 31), note="  Wants it all gone  ")
    assert (request.due_on, request.note, request.opened_by) == (datetime.date(2026, 6, 30), "Wants it all gone", dpo)
    assert request.decided_on is None and request.outcome == ""
    event = AuditEvent.objects.get(action="erasure_request_opened")
    assert event.actor == dpo and "due by 30 June 2026" in event.summary


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"received_on": TODAY + datetime.timedelta(days=1)}, "received_on", "in the future"),
        ({"received_on": TODAY - datetime.timedelta(days=400)}, "received_on", "more than a year ago"),
        ({"received_how": "   "}, "received_how", "Say how the request was received."),
        ({"received_how": "x" * 201}, "received_how", "200 characters"),
        ({"note": "x" * 2001}, "note", "2000 characters"),
        ({"kind": "portability"}, "kind", "Choose erasure or restriction."),
    ],
)
def test_a_bad_request_is_refused_with_its_reason(dpo, asker, fields, field, message):
    kind = fields.pop("kind", "erasure")
    with pytest.raises(ValidationError) as refused:
        _open(asker, dpo, kind=kind, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert not RightsRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__endswith="_request_opened").exists()


# --- erasure ------------------------------------------------------------------------------


def test_granted_erasure_changes_exactly_the_persons_rows_of_the_kinds_chosen(dpo, asker):
    kinds = ["free_text", "equality", "messages", "sign_in", "training_record"]
    request = _open(asker, dpo)
    offered = erasable(asker, today=TODAY)
    assert {Retention.FREE_TEXT, Retention.EQUALITY, Retention.TRAINING_RECORD} <= set(offered)
    assert Retention.PERSON not in offered  # still serving: their own record is their public task
    assert Retention.AUDIT not in offered and Retention.AGGREGATES not in offered
    others, theirs = snapshot_except(asker), snapshot_about(asker)

    request = rights_request_decide(
        request=request, outcome="granted", reason="Granted in full", kinds=kinds, actor=dpo
    )

    # Nothing of anyone else's changed, row by row and field by field.
    assert snapshot_except(asker) == others
    # Of theirs: the kinds chosen were deleted or blanked; every other kind is as it was.
    after = snapshot_about(asker)
    for entry in register():
        label = entry.model._meta.label
        if label not in theirs:
            continue
        chosen = entry.retention in kinds and entry.expiry != Expiry.KEEP
        if not chosen:
            if label not in DECISION:
                assert after[label] == theirs[label], label
        elif entry.expiry == Expiry.DELETE:
            assert after[label] == {}, label
        else:
            assert set(after[label]) == set(theirs[label]), label  # the rows stay, emptied
            rows = entry.model._default_manager.filter(subject_q(entry, asker))
            assert not rows.filter(still_to_change(entry)).exists(), label
    assert Person.objects.get(pk=asker.pk).anonymised_on is None
    assert request.done["courses.Reflection"] == {"action": "delete", "rows": 1}
    assert request.done["equality.EqualityRecord"] == {"action": "delete", "rows": 1}
    assert request.done["compliance.ExtensionRequest"] == {"action": "blank", "rows": 1}
    assert "people.Person" not in request.done and "audit.AuditEvent" not in request.done
    request.refresh_from_db()
    assert (request.outcome, request.decided_on, request.decided_by) == ("granted", TODAY, dpo)
    event = AuditEvent.objects.get(action="erasure_request_decided")
    assert event.changes["done"] == request.done and event.actor == dpo
    # Asked again, there is nothing left of those kinds to erase.
    assert not set(erasable(asker, today=TODAY)) & {Retention.FREE_TEXT, Retention.EQUALITY, Retention.TRAINING_RECORD}


def test_a_guarded_reason_is_marked_erased_not_emptied(dpo, asker):
    request = _open(asker, dpo)
    rights_request_decide(request=request, outcome="granted", reason="Granted", kinds=["training_record"], actor=dpo)
    from compliance.models import ExtensionRequest

    (ask,) = ExtensionRequest.objects.filter(assignment__person=asker)
    assert (ask.reason, ask.decision_note) == (ERASED, "")


def test_partly_granted_erases_what_it_names_and_says_why_the_rest_is_kept(dpo, asker):
    request = _open(asker, dpo)
    with pytest.raises(ValidationError) as refused:
        rights_request_decide(request=request, outcome="partly", reason="Some kept", kinds=["free_text"], actor=dpo)
    assert "Give the lawful ground" in " ".join(refused.value.message_dict["ground"])
    request = rights_request_decide(
        request=request,
        outcome="partly",
        ground="public_task",
        reason="Your reflections go; your training record is needed to prove your training.",
        kinds=["free_text"],
        actor=dpo,
    )
    assert set(request.done) == {"courses.Evaluation", "courses.Reflection", "observations.ManagerObservation"}
    assert request.ground == "public_task"


def test_a_refusal_needs_its_ground_and_erases_nothing(dpo, asker):
    request = _open(asker, dpo)
    before = snapshot_about(asker)
    with pytest.raises(ValidationError) as refused:
        rights_request_decide(request=request, outcome="refused", reason="No", actor=dpo)
    assert "Give the lawful ground" in " ".join(refused.value.message_dict["ground"])
    rights_request_decide(
        request=request, outcome="refused", ground="legal_claims", reason="Needed for a tribunal", actor=dpo
    )
    after = snapshot_about(asker)
    for label in DECISION:
        after.pop(label), before.pop(label)
    assert after == before


@pytest.mark.parametrize(
    "decision, field, message",
    [
        ({"outcome": "maybe"}, "outcome", "Choose granted, partly granted or refused."),
        ({"ground": "because"}, "ground", "Choose a lawful ground from the list."),
        ({"reason": "  "}, "reason", "Give the reason the person will be told."),
        ({"reason": "x" * 2001}, "reason", "2000 characters"),
        ({"kinds": []}, "kinds", "Choose what to erase, or refuse the request."),
        ({"kinds": ["audit", "aggregates"]}, "kinds", "cannot be erased on request: aggregates, audit"),
        ({"kinds": ["nonsense"]}, "kinds", "cannot be erased on request: nonsense"),
    ],
)
def test_a_bad_decision_is_refused_and_changes_nothing(dpo, asker, decision, field, message):
    request = _open(asker, dpo)
    before = snapshot_about(asker)
    decision = {"outcome": "granted", "reason": "Granted", "kinds": ["free_text"]} | decision
    with pytest.raises(ValidationError) as refused:
        rights_request_decide(request=request, actor=dpo, **decision)
    assert message in " ".join(refused.value.message_dict[field])
    assert snapshot_about(asker) == before
    request.refresh_from_db()
    assert request.decided_on is None


def test_a_serving_officers_own_record_is_not_anonymised_a_leavers_is(dpo, asker, manager):
    request = _open(asker, dpo)
    with pytest.raises(ValidationError) as refused:
        rights_request_decide(request=request, outcome="granted", reason="Granted", kinds=["person"], actor=dpo)
    assert "only once they have left the force" in " ".join(refused.value.message_dict["kinds"])
    assert Person.objects.get(pk=asker.pk).anonymised_on is None

    left = make_person(manager=manager, first_name="Lee", last_name="Leaver", end_date=TODAY - datetime.timedelta(1))
    give_records(left, manager=manager, on=datetime.date(2025, 3, 1))
    others = snapshot_except(left)
    request = rights_request_decide(
        request=_open(left, dpo), outcome="granted", reason="Granted", kinds=["person"], actor=dpo
    )
    assert request.done == {
        "people.Absence": {"action": "delete", "rows": 1},
        "people.Person": {"action": "anonymise", "rows": 1},
        "reminders.DigestPreference": {"action": "delete", "rows": 1},
    }
    person = Person.objects.get(pk=left.pk)
    assert (person.first_name, person.anonymised_on, person.email) == ("Erased", TODAY, "")
    assert snapshot_except(person) == others
    decided = AuditEvent.objects.get(action="erasure_request_decided", object_id=str(request.pk))
    assert decided.summary == f"Erasure request {request.pk} from Erased person {left.pk} (ERASED-{left.pk}): Granted"


def test_a_legal_hold_blocks_erasure_until_it_is_lifted(dpo, asker):
    hold = hold_place(person=asker, kind=Hold.Kind.LEGAL_HOLD, reason="Misconduct hearing", actor=dpo)
    request = _open(asker, dpo)
    before = snapshot_about(asker)
    with pytest.raises(ValidationError) as refused:
        rights_request_decide(request=request, outcome="granted", reason="Granted", kinds=["free_text"], actor=dpo)
    assert "under a legal hold" in " ".join(refused.value.message_dict["outcome"])
    assert snapshot_about(asker) == before
    hold_lift(hold=hold, actor=dpo)
    request = rights_request_decide(
        request=request, outcome="granted", reason="Granted", kinds=["free_text"], actor=dpo
    )
    assert request.done["courses.Reflection"]["rows"] == 1


def test_deciding_twice_is_refused(dpo, asker):
    request = _open(asker, dpo)
    rights_request_decide(request=request, outcome="granted", reason="Granted", kinds=["equality"], actor=dpo)
    with pytest.raises(ValidationError, match="This request was decided on 17 June 2026"):
        rights_request_decide(request=request, outcome="granted", reason="Again", kinds=["free_text"], actor=dpo)
    assert AuditEvent.objects.filter(action="erasure_request_decided").count() == 1


def test_a_failure_midway_leaves_nothing_changed(dpo, asker, monkeypatch):
    request = _open(asker, dpo)
    before, others = snapshot_about(asker), snapshot_except(asker)
    real_act, calls = rights.act, []

    def act_then_fail(entry, rows, *, today):
        changed = real_act(entry, rows, today=today)
        calls.append(entry.model._meta.label)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return changed

    monkeypatch.setattr(rights, "act", act_then_fail)
    with pytest.raises(RuntimeError):
        rights_request_decide(
            request=request, outcome="granted", reason="Granted", kinds=["free_text", "equality"], actor=dpo
        )
    assert calls == ["courses.Evaluation", "courses.Reflection"]  # the first blanked, the second deleted
    assert snapshot_about(asker) == before and snapshot_except(asker) == others
    request.refresh_from_db()
    assert (request.decided_on, request.outcome, request.done) == (None, "", {})
    assert not AuditEvent.objects.filter(action="erasure_request_decided").exists()


# --- restriction --------------------------------------------------------------------------


def test_a_granted_restriction_holds_the_records_and_stops_the_persons_messages(dpo, pinned_clock):
    from tests.reminders.helpers import TODAY as MONDAY

    pinned_clock.move_to(datetime.datetime(MONDAY.year, MONDAY.month, MONDAY.day, 9, 30, tzinfo=datetime.UTC))
    _, manager, restricted = make_chain()
    other = make_person(manager=manager, first_name="Other", last_name="Learner")
    for learner in (restricted, other):
        make_assignment(person=learner, due=MONDAY + datetime.timedelta(days=14))
    ReminderPolicy.objects.create(digest_enabled=False)
    reminders_plan(today=MONDAY, enqueue=False)
    planned = {r.recipient_person_id: r for r in Reminder.objects.all()}
    assert set(planned) == {restricted.pk, other.pk}

    request = _open(restricted, dpo, kind="restriction", received_on=MONDAY)
    request = rights_request_decide(
        request=request, outcome="granted", reason="You contest the accuracy of your record", actor=dpo
    )
    hold = Hold.objects.get()
    assert (hold.person, hold.kind, hold.reason) == (
        restricted,
        "restriction",
        "You contest the accuracy of your record",
    )
    assert request.done == {"hold": hold.pk}

    result = reminders_send(reminder_ids=[r.pk for r in planned.values()], today=MONDAY)
    assert (result.sent, result.skipped) == (1, 1)
    skipped, sent = (Reminder.objects.get(pk=planned[p.pk].pk) for p in (restricted, other))
    assert (skipped.status, skipped.skip_reason) == (ReminderStatus.SKIPPED, RESTRICTED)
    assert sent.status == ReminderStatus.SENT
    assert [m.to for m in mail.outbox] == [[other.email]]

    # Lifted, the next message goes again.
    hold_lift(hold=hold, actor=dpo)
    Reminder.objects.filter(pk=skipped.pk).update(status=ReminderStatus.PLANNED, skip_reason="")
    assert reminders_send(reminder_ids=[skipped.pk], today=MONDAY).sent == 1


def test_a_restriction_stops_messages_about_the_person_too(dpo, pinned_clock):
    """An escalation to the manager about a restricted learner's overdue training is processing of
    the learner's record: it is skipped as well."""
    from tests.reminders.helpers import TODAY as MONDAY

    pinned_clock.move_to(datetime.datetime(MONDAY.year, MONDAY.month, MONDAY.day, 9, 30, tzinfo=datetime.UTC))
    _, manager, restricted = make_chain()
    other = make_person(manager=manager, first_name="Other", last_name="Learner")
    escalations = [
        Reminder.objects.create(
            assignment=make_assignment(person=learner, due=MONDAY - datetime.timedelta(days=30)),
            kind="escalation_second_line",
            recipient_person=manager,
            recipient_user=manager.user,
            recipient_email=manager.email,
            due_on=MONDAY - datetime.timedelta(days=30),
            period=period,
            planned_on=MONDAY,
        )
        # One escalation row per manager and period: two periods, one about each learner.
        for learner, period in ((restricted, MONDAY), (other, MONDAY - datetime.timedelta(days=7)))
    ]
    hold_place(person=restricted, kind="restriction", reason="Contests the record", actor=dpo)
    reminders_send(reminder_ids=[r.pk for r in escalations], today=MONDAY)
    about_restricted, about_other = (Reminder.objects.get(pk=r.pk) for r in escalations)
    assert (about_restricted.status, about_restricted.skip_reason) == (ReminderStatus.SKIPPED, RESTRICTED)
    assert about_other.status == ReminderStatus.SENT


def test_a_refused_restriction_places_no_hold(dpo, asker):
    request = _open(asker, dpo, kind="restriction")
    rights_request_decide(request=request, outcome="refused", ground="accurate", reason="Checked: accurate", actor=dpo)
    assert not Hold.objects.exists()


# --- holds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, reason, field, message",
    [
        ("freeze", "Tribunal", "kind", "Choose a legal hold or a restriction."),
        ("legal_hold", "  ", "reason", "Say why the records are held."),
        ("legal_hold", "x" * 501, "reason", "500 characters"),
    ],
)
def test_a_bad_hold_is_refused(dpo, asker, kind, reason, field, message):
    with pytest.raises(ValidationError) as refused:
        hold_place(person=asker, kind=kind, reason=reason, actor=dpo)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Hold.objects.exists()


def test_a_hold_is_placed_and_lifted_once_and_audited(dpo, asker):
    hold = hold_place(person=asker, kind="legal_hold", reason="  Tribunal  ", actor=dpo)
    assert (hold.reason, hold.placed_by, hold.lifted_at) == ("Tribunal", dpo, None)
    assert list(Hold.objects.in_force()) == [hold]
    hold = hold_lift(hold=hold, actor=dpo)
    assert hold.lifted_by == dpo and hold.lifted_at is not None
    assert not Hold.objects.in_force().exists()
    with pytest.raises(ValidationError, match="This hold was lifted on 17 June 2026"):
        hold_lift(hold=hold, actor=dpo)
    assert list(AuditEvent.objects.filter(object_type="hold").order_by("pk").values_list("action", flat=True)) == [
        "hold_placed",
        "hold_lifted",
    ]


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [(), ("L&D lead",), ("D&I analyst",), ("HR integration",), ("Line manager",)])
def test_only_those_who_answer_data_protection_requests_may(dpo, asker, roles):
    roles = tuple(r for r in roles if Group.objects.filter(name=r).exists())
    user = make_person(username="someone", roles=roles).user
    request = _open(asker, dpo)
    hold = hold_place(person=asker, kind="legal_hold", reason="Tribunal", actor=dpo)
    before = snapshot_about(asker)
    attempts = [
        lambda: _open(asker, user),
        lambda: rights_request_decide(request=request, outcome="granted", reason="x", kinds=["equality"], actor=user),
        lambda: hold_place(person=asker, kind="restriction", reason="x", actor=user),
        lambda: hold_lift(hold=hold, actor=user),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert snapshot_about(asker) == before


def test_an_administrator_without_the_right_is_refused(dpo, asker):
    admin = make_person(username="admin.norights", roles=["Compliance administrator"]).user
    Group.objects.get(name="Compliance administrator").permissions.remove(
        Permission.objects.get(content_type__app_label="courses", codename="answer_subject_access")
    )
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(pk=admin.pk)  # no cached permissions
    with pytest.raises(PermissionDenied):
        _open(asker, admin)
