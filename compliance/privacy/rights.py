"""Erasure (UK GDPR Article 17) and restriction (Article 18) requests, legal holds.

A request is recorded with its one-month deadline, then decided: granted, partly granted or
refused, with the lawful ground for what is kept. Erasure applies the register's own actions
(`retention.act`) to the person's rows of the kinds of record the decision names, whatever
their age: rows are deleted or blanked, and the person themself anonymised only once they have
left (a serving officer's record is their public task). Training records stay where the
decision keeps them; aggregates and the audit trail stay whole. A granted restriction places a
hold that keeps every record and stops every message until it is lifted.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.access import user_may_answer_subject_access
from compliance.audit.services import audit_event_record
from compliance.people.models import Hold, Person
from courses.dates import long_date
from courses.privacy import Expiry, PersonalData, Retention, register

from .models import RightsRequest, one_month_after
from .retention import act, still_to_change
from .selectors import subject_q
from .services import request_receipt_errors

MAX_TEXT = 2000
# What erasure can reach: every kind of record whose rows retention would delete, blank or
# anonymise. The audit trail and the figures without names are never erased on request.
NEVER_ERASED = {Retention.AUDIT, Retention.AGGREGATES}


def _require_right(actor) -> None:
    if not user_may_answer_subject_access(user=actor):
        raise PermissionDenied("Only those who answer data protection requests may do this.")


def _serving(person: Person, today: datetime.date) -> bool:
    return not (person.end_date and person.end_date <= today)


def erasable(person: Person, *, today: datetime.date) -> dict[Retention, list[tuple[PersonalData, int]]]:
    """For each kind of record erasure could reach, the register entries with this person's rows
    that would change: how many of each. The person's own record only once they have left."""
    kinds: dict[Retention, list[tuple[PersonalData, int]]] = {}
    for entry in register():
        if entry.retention in NEVER_ERASED or entry.expiry == Expiry.KEEP:
            continue
        if entry.retention == Retention.PERSON and _serving(person, today):
            continue
        rows = _rows(entry, person)
        count = rows.count() if rows is not None else 0
        if count:
            kinds.setdefault(Retention(entry.retention), []).append((entry, count))
    return kinds


def _rows(entry: PersonalData, person: Person):
    where = subject_q(entry, person)
    if where is None:
        return None
    return entry.model._default_manager.filter(where, still_to_change(entry))


@transaction.atomic
def rights_request_open(
    *,
    person: Person,
    kind: str,
    received_on: datetime.date,
    received_how: str,
    actor: AbstractBaseUser,
    note: str = "",
    today: datetime.date | None = None,
) -> RightsRequest:
    """Record an erasure or restriction request, due one calendar month after it was received."""
    _require_right(actor)
    today = today or timezone.localdate()
    errors = request_receipt_errors(received_on=received_on, received_how=received_how, note=note, today=today)
    if kind not in RightsRequest.Kind.values:
        errors["kind"] = "Choose erasure or restriction."
    if errors:
        raise ValidationError(errors)
    request = RightsRequest.objects.create(
        person=person,
        kind=kind,
        received_on=received_on,
        due_on=one_month_after(received_on),
        received_how=received_how.strip(),
        note=note.strip(),
        opened_by=actor,
    )
    audit_event_record(
        action=f"{kind}_request_opened",
        obj=request,
        summary=f"{request.get_kind_display()} request from {person} received {long_date(received_on)}, "
        f"due by {long_date(request.due_on)}",
        source="admin",
        actor=actor,
    )
    return request


def _check_decision(request: RightsRequest, *, outcome: str, ground: str, reason: str, kinds, person, today):
    errors = {}
    if request.decided_on:
        raise ValidationError(f"This request was decided on {long_date(request.decided_on)}.")
    if outcome not in RightsRequest.Outcome.values:
        errors["outcome"] = "Choose granted, partly granted or refused."
    if ground and ground not in RightsRequest.Ground.values:
        errors["ground"] = "Choose a lawful ground from the list."
    elif outcome in (RightsRequest.Outcome.PARTLY, RightsRequest.Outcome.REFUSED) and not ground:
        errors["ground"] = "Give the lawful ground for what is kept."
    if not reason.strip():
        errors["reason"] = "Give the reason the person will be told."
    elif len(reason) > MAX_TEXT:
        errors["reason"] = f"Keep the reason to {MAX_TEXT} characters."
    if request.kind == RightsRequest.Kind.ERASURE and outcome in (
        RightsRequest.Outcome.GRANTED,
        RightsRequest.Outcome.PARTLY,
    ):
        reachable = {kind.value for kind in Retention if kind not in NEVER_ERASED}
        unknown = sorted(set(kinds) - reachable)
        if unknown:
            errors["kinds"] = f"These cannot be erased on request: {', '.join(unknown)}."
        elif not kinds:
            errors["kinds"] = "Choose what to erase, or refuse the request."
        elif Retention.PERSON in kinds and _serving(person, today):
            errors["kinds"] = (
                "The person's own record can be anonymised only once they have left the force: "
                "while they serve it is needed for their training (public task)."
            )
    if (
        outcome != RightsRequest.Outcome.REFUSED
        and request.kind == RightsRequest.Kind.ERASURE
        and Hold.objects.in_force(kind=Hold.Kind.LEGAL_HOLD).filter(person=person).exists()
    ):
        errors["outcome"] = "The records about this person are under a legal hold: lift it first, or refuse."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rights_request_decide(
    *,
    request: RightsRequest,
    outcome: str,
    reason: str,
    actor: AbstractBaseUser,
    ground: str = "",
    kinds: list[str] = (),
    today: datetime.date | None = None,
) -> RightsRequest:
    """Decide the request and carry it out in the same transaction: all of it happens, or none."""
    _require_right(actor)
    today = today or timezone.localdate()
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    person = Person.objects.get(pk=request.person_id)
    _check_decision(request, outcome=outcome, ground=ground, reason=reason, kinds=kinds, person=person, today=today)
    done = {}
    if outcome != RightsRequest.Outcome.REFUSED:
        if request.kind == RightsRequest.Kind.ERASURE:
            done = _erase(person, kinds=set(kinds), today=today)
            person.refresh_from_db()  # anonymised, it is named as it is now
        else:
            hold = hold_place(person=person, kind=Hold.Kind.RESTRICTION, reason=reason.strip()[:500], actor=actor)
            done = {"hold": hold.pk}
    request.outcome, request.ground, request.reason = outcome, ground, reason.strip()
    request.decided_by, request.decided_on, request.done = actor, today, done
    request.save(update_fields=["outcome", "ground", "reason", "decided_by", "decided_on", "done"])
    audit_event_record(
        action=f"{request.kind}_request_decided",
        obj=request,
        summary=f"{request.get_kind_display()} request {request.pk} from {person}: {request.get_outcome_display()}"
        + (f" ({request.get_ground_display()})" if ground else ""),
        source="admin",
        actor=actor,
        changes={"outcome": outcome, "ground": ground, "done": done},
    )
    return request


def _erase(person: Person, *, kinds: set[str], today: datetime.date) -> dict:
    done = {}
    entries = sorted(register(), key=lambda entry: entry.expiry == Expiry.ANONYMISE)
    for entry in entries:
        if entry.retention not in kinds or entry.expiry == Expiry.KEEP:
            continue
        rows = _rows(entry, person)
        if rows is None:
            continue
        changed = act(entry, rows, today=today)
        if changed:
            done[entry.model._meta.label] = {"action": entry.expiry.value, "rows": changed}
    return done


@transaction.atomic
def hold_place(*, person: Person, kind: str, reason: str, actor: AbstractBaseUser) -> Hold:
    _require_right(actor)
    if kind not in Hold.Kind.values:
        raise ValidationError({"kind": "Choose a legal hold or a restriction."})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the records are held."})
    if len(reason) > 500:
        raise ValidationError({"reason": "Keep the reason to 500 characters."})
    hold = Hold.objects.create(person=person, kind=kind, reason=reason, placed_by=actor, placed_at=timezone.now())
    audit_event_record(
        action="hold_placed",
        obj=hold,
        summary=f"{hold.get_kind_display()} placed on the records about {person}",
        source="admin",
        actor=actor,
    )
    return hold


@transaction.atomic
def hold_lift(*, hold: Hold, actor: AbstractBaseUser) -> Hold:
    _require_right(actor)
    hold = Hold.objects.select_for_update().select_related("person").get(pk=hold.pk)
    if hold.lifted_at:
        raise ValidationError(f"This hold was lifted on {long_date(hold.lifted_at.date())}.")
    hold.lifted_at, hold.lifted_by = timezone.now(), actor
    hold.save(update_fields=["lifted_at", "lifted_by"])
    audit_event_record(
        action="hold_lifted",
        obj=hold,
        summary=f"{hold.get_kind_display()} lifted from the records about {hold.person}",
        source="admin",
        actor=actor,
    )
    return hold
