"""Exemptions, extensions and learners' requests (for more time or an exemption). Completions
entered by hand are in `completions`.

Each write records a ledger event on the assignment and an audit event, in the same
transaction.
"""

import datetime
import logging
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from compliance.access import require_compliance_admin, user_may_decide_request
from compliance.audit.services import audit_event_record
from compliance.models import (
    Assignment,
    AssignmentEvent,
    AssignmentState,
    EventKind,
    Exemption,
    ExemptionDecider,
    Extension,
    ExtensionRequest,
    RequestKind,
)
from compliance.signals import extension_request_decided, extension_requested
from courses.dates import long_date

logger = logging.getLogger(__name__)

# The longest extension: this many days after the current due date (or today, if later).
MAX_EXTENSION_DAYS = 365
# The longest reason, evidence or note a person may write (the forms and the API say the same).
MAX_TEXT = 2000


def _require_open(assignment: Assignment) -> None:
    if assignment.state != AssignmentState.OPEN:
        raise ValidationError(
            f"This assignment is {assignment.get_state_display().lower()}: only open ones can change."
        )


def extension_latest_date(*, assignment: Assignment, today: datetime.date | None = None) -> datetime.date:
    """The latest due date an extension may give: a year after the current due date, or
    after today if the training is already overdue."""
    today = today or timezone.localdate()
    return max(assignment.effective_due_date, today) + datetime.timedelta(days=MAX_EXTENSION_DAYS)


def _check_new_due_date(
    *, assignment: Assignment, new_due_date: datetime.date, field: str, today: datetime.date | None = None
) -> None:
    """The one rule for every extension (granted, asked for or approved): not in the past,
    later than the current due date, and at most MAX_EXTENSION_DAYS after it (or after today,
    when the training is already overdue)."""
    today = today or timezone.localdate()
    current = assignment.effective_due_date
    if new_due_date < today:
        raise ValidationError(
            {field: f"The new due date, {long_date(new_due_date)}, has already passed: choose today or later."},
            code="in_the_past",
        )
    if new_due_date <= current:
        raise ValidationError(
            {field: f"Choose a date after the current due date, {long_date(current)}."}, code="too_early"
        )
    latest = extension_latest_date(assignment=assignment, today=today)
    if new_due_date > latest:
        after = "today" if today > current else f"the current due date, {long_date(current)}"
        raise ValidationError(
            {
                field: f"The new due date can be at most {MAX_EXTENSION_DAYS} days after {after}: "
                f"choose {long_date(latest)} or earlier."
            },
            code="too_late",
        )


def _event(assignment: Assignment, kind: str, actor, reason: str, **data) -> None:
    AssignmentEvent.objects.create(assignment=assignment, kind=kind, actor=actor, reason=reason[:500], data=data)


@transaction.atomic
def exemption_grant(
    *,
    assignment: Assignment,
    reason: str,
    actor: AbstractBaseUser,
    until: datetime.date | None = None,
    source: str = "admin",
    today: datetime.date | None = None,
) -> Exemption:
    require_compliance_admin(actor)
    assignment = (
        Assignment.objects.select_for_update(of=("self",)).select_related("person", "requirement").get(pk=assignment.pk)
    )
    return _grant_exemption(assignment=assignment, reason=reason, actor=actor, until=until, source=source, today=today)


def _grant_exemption(
    *,
    assignment: Assignment,
    reason: str,
    actor,
    until: datetime.date | None,
    source: str,
    request: ExtensionRequest | None = None,
    today: datetime.date | None = None,
) -> Exemption:
    """The one way an exemption is made (by an administrator, or by approving a learner's
    request): the caller has checked the actor's authority and locked the assignment."""
    _require_open(assignment)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the exemption."})
    if until and until < (today or timezone.localdate()):
        raise ValidationError({"until": "The exemption would already have ended."})
    previous = assignment.exemption
    if previous is not None and previous.revoked_at is None:
        # One exemption in force at a time: a new grant replaces the old one, on the record.
        previous.revoked_at, previous.revoked_by = timezone.now(), actor
        previous.revoke_reason = "Replaced by a new exemption"
        previous.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    exemption = Exemption.objects.create(
        assignment=assignment, reason=reason.strip(), until=until, approved_by=actor, request=request
    )
    assignment.exemption = exemption
    assignment.exempt_until = until
    assignment.save(update_fields=["exemption", "exempt_until", "updated_at"])
    extension_requests_close_settled(assignment_ids=[assignment.pk])
    _event(assignment, EventKind.EXEMPTED, actor, reason, until=until.isoformat() if until else None)
    audit_event_record(
        action="exemption_granted",
        obj=exemption,
        summary=f"Exempted {str(assignment.person)} from '{assignment.requirement}'"
        + (f" until {long_date(until)}" if until else ""),
        source=source,
        actor=actor,
        changes={"assignment": assignment.pk, "reason": reason, "until": until.isoformat() if until else None},
    )
    return exemption


@transaction.atomic
def exemption_revoke(*, exemption: Exemption, actor: AbstractBaseUser, reason: str, source: str = "admin") -> Exemption:
    require_compliance_admin(actor)
    exemption = (
        Exemption.objects.select_for_update(of=("self",))
        .select_related("assignment__person", "assignment__requirement")
        .get(pk=exemption.pk)
    )
    if exemption.revoked_at:
        return exemption
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for revoking the exemption."})
    exemption.revoked_at, exemption.revoked_by, exemption.revoke_reason = timezone.now(), actor, reason.strip()
    exemption.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    Assignment.objects.filter(pk=exemption.assignment_id, exemption=exemption).update(
        exemption=None, exempt_until=None, updated_at=timezone.now()
    )
    _event(exemption.assignment, EventKind.EXEMPTION_REVOKED, actor, reason)
    audit_event_record(
        action="exemption_revoked",
        obj=exemption,
        summary=f"Exemption of {str(exemption.assignment.person)} from '{exemption.assignment.requirement}' revoked",
        source=source,
        actor=actor,
        changes={"reason": reason},
    )
    return exemption


def _grant_extension(
    *,
    assignment: Assignment,
    new_due_date: datetime.date,
    reason: str,
    actor,
    source: str,
    request=None,
    today: datetime.date | None = None,
) -> Extension:
    _require_open(assignment)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the extension."})
    previous = assignment.effective_due_date
    _check_new_due_date(
        assignment=assignment,
        new_due_date=new_due_date,
        field="requested_due_date" if request is not None else "new_due_date",
        today=today,
    )
    extension = Extension.objects.create(
        assignment=assignment,
        new_due_date=new_due_date,
        previous_due_date=previous,
        reason=reason.strip(),
        approved_by=actor,
        request=request,
    )
    assignment.extended_due_date = new_due_date
    assignment.save(update_fields=["extended_due_date", "updated_at"])
    _event(
        assignment,
        EventKind.EXTENDED,
        actor,
        reason,
        old_due_date=previous.isoformat(),
        due_date=new_due_date.isoformat(),
    )
    audit_event_record(
        action="extension_granted",
        obj=extension,
        summary=f"Extended '{assignment.requirement}' for {str(assignment.person)} to {long_date(new_due_date)}",
        source=source,
        actor=actor,
        changes={"assignment": assignment.pk, "from": previous.isoformat(), "to": new_due_date.isoformat()},
    )
    return extension


@transaction.atomic
def extension_grant(
    *,
    assignment: Assignment,
    new_due_date: datetime.date,
    reason: str,
    actor: AbstractBaseUser,
    source: str = "admin",
    today: datetime.date | None = None,
) -> Extension:
    require_compliance_admin(actor)
    assignment = (
        Assignment.objects.select_for_update(of=("self",)).select_related("requirement", "person").get(pk=assignment.pk)
    )
    return _grant_extension(
        assignment=assignment, new_due_date=new_due_date, reason=reason, actor=actor, source=source, today=today
    )


# Why a pending request (for more time or an exemption) closed itself, by what became of its assignment.
SETTLED = [
    (Q(state=AssignmentState.SATISFIED), "No longer needed: the training was completed."),
    (Q(state=AssignmentState.WITHDRAWN), "No longer needed: the training no longer applies."),
    (Q(state=AssignmentState.OPEN, is_current=False), "No longer needed: a new cycle has begun."),
    (Q(state=AssignmentState.OPEN, exemption__isnull=False), "No longer needed: an exemption was granted."),
]


def extension_requests_close_settled(*, assignment_ids: Iterable[int]) -> int:
    """Close the pending requests (for more time or an exemption) of these assignments that no
    longer need a decision (completed, no longer applying, superseded or exempted), saying why. The learner
    is told nothing: nothing went wrong. Set-based: one UPDATE per reason."""
    ids = list(assignment_ids)
    closed = 0
    if not ids:
        return closed
    now = timezone.now()
    for condition, note in SETTLED:
        closed += ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.PENDING, assignment__in=Assignment.objects.filter(condition, pk__in=ids)
        ).update(status=ExtensionRequest.Status.WITHDRAWN, decided_at=now, decision_note=note)
    return closed


@transaction.atomic
def extension_request_create(
    *,
    assignment: Assignment,
    user: AbstractBaseUser,
    requested_due_date: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> ExtensionRequest:
    assignment = (
        Assignment.objects.select_for_update(of=("self",)).select_related("person", "requirement").get(pk=assignment.pk)
    )
    if assignment.person.user_id != user.pk:
        raise PermissionDenied("You can only ask for more time for your own training.")
    _require_open(assignment)
    if not reason.strip():
        raise ValidationError({"reason": "Say why you need more time."})
    _check_new_due_date(assignment=assignment, new_due_date=requested_due_date, field="requested_due_date", today=today)
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                assignment=assignment, requested_by=user, requested_due_date=requested_due_date, reason=reason.strip()
            )
    except IntegrityError:
        raise ValidationError("You have already asked for more time for this; wait for the decision.") from None
    _event(
        assignment,
        EventKind.EXTENSION_REQUESTED,
        user,
        reason.strip(),
        requested_due_date=requested_due_date.isoformat(),
    )
    audit_event_record(
        action="extension_requested",
        obj=request,
        summary=f"{str(assignment.person)} asked for more time for '{assignment.requirement}', "
        f"until {long_date(requested_due_date)}",
        source="site",
        actor=user,
        changes={"assignment": assignment.pk, "reason": reason},
    )
    # The reminders app puts it in the line manager's next daily message.
    extension_requested.send(sender=ExtensionRequest, request=request)
    return request


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"Keep {label} to {MAX_TEXT:,} characters or fewer (it has {len(value):,})."})
    return value


@transaction.atomic
def exemption_request_create(
    *,
    assignment: Assignment,
    user: AbstractBaseUser,
    reason: str,
    evidence: str = "",
    until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ExtensionRequest:
    """A learner asks to be exempted from one of their open obligations, with a reason, the
    evidence they can show (described in words) and, optionally, until when. Decided by their
    line manager or a compliance administrator, as the requirement says
    (`Requirement.exemption_decided_by`)."""
    today = today or timezone.localdate()
    assignment = (
        Assignment.objects.select_for_update(of=("self",)).select_related("person", "requirement").get(pk=assignment.pk)
    )
    if assignment.person.user_id != user.pk:
        raise PermissionDenied("You can only ask to be exempted from your own training.")
    _require_open(assignment)
    if assignment.exemption_id and (assignment.exempt_until is None or assignment.exempt_until >= today):
        raise ValidationError("You are already exempt from this.", code="already_exempt")
    reason = _text(reason, "reason", "the reason")
    evidence = _text(evidence, "evidence", "the evidence")
    if not reason:
        raise ValidationError({"reason": "Say why you should be exempted."})
    if until is not None and until < today:
        raise ValidationError(
            {"exempt_until": f"The date, {long_date(until)}, has already passed: choose today or later, or none."},
            code="in_the_past",
        )
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                assignment=assignment,
                kind=RequestKind.EXEMPTION,
                requested_by=user,
                exempt_until=until,
                reason=reason,
                evidence=evidence,
            )
    except IntegrityError:
        raise ValidationError("You have already asked to be exempted from this; wait for the decision.") from None
    _event(
        assignment,
        EventKind.EXEMPTION_REQUESTED,
        user,
        reason,
        until=until.isoformat() if until else None,
        evidence=evidence,
    )
    audit_event_record(
        action="exemption_requested",
        obj=request,
        summary=f"{str(assignment.person)} asked to be exempted from '{assignment.requirement}'"
        + (f" until {long_date(until)}" if until else ""),
        source="site",
        actor=user,
        changes={"assignment": assignment.pk, "reason": reason, "evidence": evidence},
    )
    # The reminders app puts it in the line manager's next daily message (when they decide it).
    extension_requested.send(sender=ExtensionRequest, request=request)
    return request


@transaction.atomic
def extension_request_decide(
    *,
    request: ExtensionRequest,
    actor: AbstractBaseUser,
    approve: bool,
    note: str = "",
    source: str = "site",
    today: datetime.date | None = None,
) -> ExtensionRequest:
    """Approve or refuse a learner's request, for more time (an extension) or an exemption
    (through the one way an exemption is made, so the ledger and the sync stay right)."""
    request = (
        ExtensionRequest.objects.select_for_update(of=("self",))
        .select_related("assignment__person__user", "assignment__requirement")
        .get(pk=request.pk)
    )
    exemption = request.kind == RequestKind.EXEMPTION
    if not user_may_decide_request(user=actor, request=request):
        admins_only = exemption and request.assignment.requirement.exemption_decided_by != ExemptionDecider.LINE_MANAGER
        raise PermissionDenied(
            "Only a compliance administrator may decide this request."
            if admins_only
            else "Only the learner's line managers or a compliance administrator may decide this."
        )
    if request.assignment.person.user_id == actor.pk:
        raise PermissionDenied("You cannot decide your own request.")
    if request.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(f"This request has already been {request.get_status_display().lower()}.")
    note = _text(note, "note", "the note")
    if not approve and not note:
        raise ValidationError({"note": "Say why the request is refused."})
    request.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("requirement", "person__user")
            .get(pk=request.assignment_id)
        )
        reason = f"Requested: {request.reason}" + (f" Approved: {note}" if note else "")
        if exemption:
            _grant_exemption(
                assignment=assignment,
                reason=reason,
                actor=actor,
                until=request.exempt_until,
                source=source,
                request=request,
                today=today,
            )
        else:
            _grant_extension(
                assignment=assignment,
                new_due_date=request.requested_due_date,
                reason=reason,
                actor=actor,
                source=source,
                request=request,
                today=today,
            )
        request.assignment = assignment
    elif exemption:
        _event(request.assignment, EventKind.EXEMPTION_REFUSED, actor, note)
    else:
        _event(
            request.assignment,
            EventKind.EXTENSION_REFUSED,
            actor,
            note,
            requested_due_date=request.requested_due_date.isoformat(),
        )
    # The reminders app tells the learner (an in-app notification, and an email on commit).
    extension_request_decided.send(sender=ExtensionRequest, request=request, actor=actor)
    person = request.assignment.person
    if exemption:
        action = "exemption_request_" + request.status
        what = f"to be exempted from '{request.assignment.requirement}'" + (
            f" (until {long_date(request.exempt_until)})" if request.exempt_until else ""
        )
    else:
        action = "extension_request_" + request.status
        what = f"for more time for '{request.assignment.requirement}' (until {long_date(request.requested_due_date)})"
    audit_event_record(
        action=action,
        obj=request,
        summary=f"Request from {str(person)} {what} {request.status}",
        source=source,
        actor=actor,
        changes={"note": note},
    )
    return request
