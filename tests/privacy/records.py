"""A person with a record of every kind retention and erasure act on, and a snapshot of rows to
compare before and after (for "nothing of anyone else's changed")."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from rest_framework.authtoken.models import Token

from compliance.audit.models import AuditEvent
from compliance.equality.models import EqualityRecord
from compliance.models import AssignmentEvent, Exemption, Extension, ExtensionRequest
from compliance.observations.models import ManagerObservation
from compliance.people.models import Absence, Person, SignInLink
from compliance.privacy.selectors import subject_q
from compliance.reminders.models import DigestPreference, Reminder, ReminderKind, ReminderStatus
from courses.models import Completion, Enrolment, Evaluation, Reflection
from courses.privacy import register
from tests.compliance.factories import make_course, make_requirement
from tests.reminders.helpers import make_assignment


@dataclass
class Records:
    """The ids of one person's rows, by model label."""

    ids: dict[str, list[int]]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def give_records(person: Person, *, manager: Person, on: datetime.date) -> Records:
    """Rows of every kind about `person`, dated `on` (written, sent, recorded that day), with free
    text in each: an equality record, a sign-in link, an API token, a reflection, a completion
    entered by hand and a voided one, an evaluation, a manager observation, an assignment with its
    ledger, a request for more time, an extension and an exemption, a message, an absence, a
    digest preference and audit events naming them."""
    user, when = person.user, at(on)
    course = make_course("RETENTION-1")
    other_course = make_course("RETENTION-2")
    ids: dict[str, list[int]] = {}

    def keep(obj):
        ids.setdefault(obj._meta.label, []).append(obj.pk)
        return obj

    keep(
        EqualityRecord.objects.create(
            person=person, sex="female", ethnicity="asian", disability="no", religion="prefer_not_to_say"
        )
    )
    keep(
        SignInLink.objects.create(
            user=user, issuer="https://idp.force.example", subject=f"sub-{person.pk}", linked_at=when, last_used_at=when
        )
    )
    Token.objects.create(user=user)
    reflection = keep(
        Reflection.objects.create(
            user=user, course=course, prompt_key="week-2", prompt="What changed?", text="I now challenge banter."
        )
    )
    completion = keep(
        Completion.objects.create(
            user=user,
            course=course,
            completed_at=when,
            source="manual",
            reason="Entered by hand: attended a classroom course",
            evidence="Certificate seen by the sergeant",
            idempotency_key=f"manual:{person.staff_number}:RETENTION-1:{on.isoformat()}",
        )
    )
    keep(
        Completion.objects.create(
            user=user,
            course=other_course,
            completed_at=when,
            source="import",
            reason="Imported by test",
            idempotency_key=f"import:{person.staff_number}:RETENTION-2:{on.isoformat()}",
            voided_at=when,
            void_reason="Recorded against the wrong officer",
        )
    )
    enrolment = Enrolment.objects.create(user=user, course=course)
    evaluation = keep(
        Evaluation.objects.create(
            enrolment=enrolment,
            course=course,
            overall=4,
            relevance=4,
            confidence_before=2,
            confidence_after=4,
            comments="The scenario about my own team hit home.",
        )
    )
    observation = keep(
        ManagerObservation.objects.create(
            completion=completion,
            course=course,
            learner=person,
            manager=manager,
            due_on=on,
            observed_change="some_change",
            notes="Challenged a colleague's remark in the briefing.",
            recorded_at=when,
            recorded_by=manager,
        )
    )
    requirement = make_requirement(name=f"Retention requirement {person.pk}", courses=(course,))
    assignment = make_assignment(person=person, requirement=requirement, due=on - datetime.timedelta(days=30))
    keep(
        AssignmentEvent.objects.create(
            assignment=assignment, kind="extended", reason="Caring for a parent", data={"days": 30}
        )
    )
    request = keep(
        ExtensionRequest.objects.create(
            assignment=assignment,
            requested_by=user,
            requested_due_date=on + datetime.timedelta(days=30),
            reason="Caring for a parent in hospital",
            evidence="",
            status=ExtensionRequest.Status.APPROVED,
            decided_by=manager.user,
            decided_at=when,
            decision_note="Approved: look after your family.",
        )
    )
    keep(
        Extension.objects.create(
            assignment=assignment,
            new_due_date=on + datetime.timedelta(days=30),
            previous_due_date=on - datetime.timedelta(days=30),
            reason="Caring for a parent in hospital",
            approved_by=manager.user,
            request=request,
        )
    )
    keep(
        Exemption.objects.create(
            assignment=assignment, reason="Trained at the previous force", approved_by=manager.user
        )
    )
    keep(
        Reminder.objects.create(
            kind=ReminderKind.OVERDUE,
            assignment=assignment,
            due_on=assignment.due_date,
            recipient_person=person,
            recipient_user=user,
            recipient_email=person.email,
            status=ReminderStatus.SENT,
            sent_at=when,
            planned_on=on,
            subject="Your training is overdue",
            reason="Overdue by 30 days",
        )
    )
    keep(Absence.objects.create(person=person, starts_on=on - datetime.timedelta(days=400), category="career_break"))
    keep(DigestPreference.objects.create(person=person, frequency="daily"))
    keep(
        AuditEvent.objects.create(
            source="admin",
            action="person_updated",
            object_type="person",
            object_id=str(person.pk),
            summary=f"{person} moved to a new team",
        )
    )
    # Dated `on`: written, sent or recorded that day.
    Reflection.objects.filter(pk=reflection.pk).update(created_at=when)
    Evaluation.objects.filter(pk=evaluation.pk).update(submitted_at=when)
    ManagerObservation.objects.filter(pk=observation.pk).update(created_at=when)
    Reminder.objects.filter(pk__in=ids["reminders.Reminder"]).update(created_at=when)
    AuditEvent.objects.filter(pk__in=ids["audit.AuditEvent"]).update(at=when)
    return Records(ids)


def rows_of(model, pks) -> dict:
    return {row["pk"]: row for row in model._default_manager.filter(pk__in=pks).values("pk", *_fields(model))}


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def all_rows() -> dict[str, dict]:
    """Every row of every register entry, field by field."""
    return {
        entry.model._meta.label: {
            row["pk"]: row for row in entry.model._default_manager.values("pk", *_fields(entry.model)).order_by("pk")
        }
        for entry in register()
    }


def snapshot_except(person: Person) -> dict[str, dict]:
    """Every row of every register entry that is not about `person`, field by field."""
    shot = {}
    for entry in register():
        rows = entry.model._default_manager.all()
        where = subject_q(entry, person) if entry.subject else None
        if where is not None:
            rows = rows.exclude(where)
        shot[entry.model._meta.label] = {
            row["pk"]: row for row in rows.values("pk", *_fields(entry.model)).order_by("pk")
        }
    return shot


def snapshot_about(person: Person) -> dict[str, dict]:
    """Every row of every register entry about `person`, field by field."""
    shot = {}
    for entry in register():
        where = subject_q(entry, person) if entry.subject else None
        if where is None:
            continue
        rows = entry.model._default_manager.filter(where)
        shot[entry.model._meta.label] = {
            row["pk"]: row for row in rows.values("pk", *_fields(entry.model)).order_by("pk")
        }
    return shot
