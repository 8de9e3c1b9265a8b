"""Applying, nominating, line-manager support, scoring and selection, withdrawal and the
waiting list. Every decision records who made it and why (the audit trail) and emails the
applicant after commit. Time is an argument (`now`); callers pass `timezone.now()`.

The messages go out with Django's mail on commit (`courses.mail.subject_line`), not through
the reminders' notification log: that log's rows are each about an assignment, a request, a
booking or a reflection prompt, and widening it is a change of its own."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max

from compliance.access import person_is_manager_of, user_sees_force_reports
from compliance.audit.services import audit_event_record
from compliance.people.models import Person
from compliance.talent.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Attendance,
    Cohort,
    Declaration,
    Milestone,
    SelfDeclaration,
)
from compliance.talent.selectors import eligibility_refusals
from courses.access import user_sits_on_panel
from courses.conf import lms_setting, site_url
from courses.mail import subject_line

SOURCE = "talent"
MAX_TEXT = 4000


def panel_user_ids(*, cohort: Cohort) -> tuple[set[int], set[int]]:
    """The programme's owners and the cohort's panel (two small queries, cached on the cohort)."""
    cached = getattr(cohort, "_panel_ids", None)
    if cached is None:
        owners = set(cohort.programme.owners.values_list("user_id", flat=True))
        panel = set(cohort.panel.values_list("pk", flat=True))
        cached = cohort._panel_ids = (owners, panel)
    return cached


def user_may_select(*, user, cohort: Cohort) -> bool:
    owners, panel = panel_user_ids(cohort=cohort)
    return user_sits_on_panel(user=user, owner_ids=owners, panel_ids=panel)


def user_may_see_programme_report(*, user, programme) -> bool:
    """The board report (counts and outcomes, no names): the programme's owners and whoever sees
    the force's reports."""
    if not getattr(user, "is_authenticated", False):
        return False
    return programme.owners.filter(user_id=user.pk).exists() or user_sees_force_reports(user=user)


def _email(*, to: str, subject: str, lines: list[str]) -> None:
    """Sent after commit, so a rolled-back decision tells no one."""
    if not to:
        return
    body = "\n\n".join(
        [*lines, f"Your applications: {site_url('/programmes/applications/')}", lms_setting("SITE_NAME")]
    )
    transaction.on_commit(lambda: send_mail(subject_line(subject), body, None, [to], fail_silently=True))


def _clean_text(text: str, *, field: str, required: bool, what: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: f"Enter {what}."})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: f"Keep {what} to {MAX_TEXT} characters or fewer."})
    return text


def _check_open(*, cohort: Cohort, person: Person, today: datetime.date) -> None:
    if not cohort.window_open(today):
        raise ValidationError(
            f"Applications for {cohort} are open from {cohort.applications_open_on:%-d %B %Y} "
            f"to {cohort.applications_close_on:%-d %B %Y}."
        )
    reasons = eligibility_refusals(cohort=cohort, person=person, today=today)
    if reasons:
        raise ValidationError(" ".join(reasons))


def application_submit(
    *, person: Person, cohort: Cohort, statement: str, declaration: str = "", now: datetime.datetime
) -> Application:
    """The person applies (or completes the application they were nominated for). With a
    declaration only where the programme has positive-action criteria; stored apart."""
    statement = _clean_text(statement, field="statement", required=True, what="your answer")
    if declaration and declaration not in Declaration.values:
        raise ValidationError({"declaration": "Choose one of the answers."})
    if declaration and not cohort.programme.has_positive_action:
        declaration = ""
    today = now.date()
    status = (
        ApplicationStatus.AWAITING_SUPPORT
        if cohort.programme.line_manager_support_required
        else ApplicationStatus.SUBMITTED
    )
    with transaction.atomic():
        _check_open(cohort=cohort, person=person, today=today)
        existing = Application.objects.select_for_update().filter(cohort=cohort, person=person).first()
        if existing is not None and existing.status != ApplicationStatus.NOMINATED:
            raise ValidationError("You have already applied for this cohort.")
        application = existing or Application(cohort=cohort, person=person, created_at=now)
        application.status = status
        application.statement = statement
        application.applied_at = now
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise ValidationError("You have already applied for this cohort.") from None
        if declaration:
            SelfDeclaration.objects.update_or_create(
                application=application, defaults={"answer": declaration, "recorded_at": now}
            )
        audit_event_record(
            action="talent_apply",
            obj=application,
            summary=f"Applied for {cohort}",
            source=SOURCE,
            actor=person.user,
            changes={"status": status},
        )
        manager = person.line_manager
        if status == ApplicationStatus.AWAITING_SUPPORT and manager is not None:
            transaction.on_commit(
                lambda: send_mail(
                    subject_line(f"{person.full_name} asks for your support: {cohort.programme.title}"),
                    f"{person.full_name} has applied for {cohort}. The programme asks for their line manager's "
                    f"support before the panel sees the application.\n\n{site_url('/programmes/support/')}",
                    None,
                    [manager.email],
                    fail_silently=True,
                )
            )
    return application


def application_nominate(
    *, nominator, person: Person, cohort: Cohort, note: str, now: datetime.datetime
) -> Application:
    """A line manager (anyone above the person) nominates them; the nominee then applies."""
    note = _clean_text(note, field="note", required=True, what="why you are nominating them")
    nominator_person = getattr(nominator, "person", None)
    if nominator_person is None or not person_is_manager_of(manager=nominator_person, person=person):
        raise PermissionDenied("You can nominate only people below you in line management.")
    with transaction.atomic():
        _check_open(cohort=cohort, person=person, today=now.date())
        if Application.objects.filter(cohort=cohort, person=person).exists():
            raise ValidationError(f"{person.full_name} has already applied or been nominated for this cohort.")
        application = Application.objects.create(
            cohort=cohort,
            person=person,
            status=ApplicationStatus.NOMINATED,
            nominated_by=nominator,
            nomination_note=note,
            created_at=now,
        )
        audit_event_record(
            action="talent_nominate",
            obj=application,
            summary=f"Nominated for {cohort}",
            source=SOURCE,
            actor=nominator,
            changes={"note": note},
        )
        _email(
            to=person.email,
            subject=f"You have been nominated for {cohort.programme.title}",
            lines=[
                f"{nominator_person.full_name} has nominated you for {cohort}.",
                f"To take it up, complete your application by {cohort.applications_close_on:%-d %B %Y}.",
            ],
        )
    return application


def application_support(
    *, actor, application: Application, supported: bool, note: str, now: datetime.datetime
) -> Application:
    """The applicant's line manager (anyone above them) supports the application, which goes
    to the panel, or does not, with a reason the applicant reads."""
    note = _clean_text(note, field="note", required=not supported, what="why you do not support it")
    actor_person = getattr(actor, "person", None)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("person", "cohort__programme").get(pk=application.pk)
        )
        if actor_person is None or not person_is_manager_of(manager=actor_person, person=application.person):
            raise PermissionDenied("Only the applicant's line management can support an application.")
        if application.status != ApplicationStatus.AWAITING_SUPPORT:
            raise ValidationError("This application is not waiting for support.")
        application.status = ApplicationStatus.SUBMITTED if supported else ApplicationStatus.NOT_SUPPORTED
        application.support_by = actor
        application.support_at = now
        application.support_note = note
        if not supported:
            application.decided_by, application.decided_at, application.decision_reason = actor, now, note
        application.save()
        audit_event_record(
            action="talent_support" if supported else "talent_not_supported",
            obj=application,
            summary=("Supported" if supported else "Not supported") + f" for {application.cohort}",
            source=SOURCE,
            actor=actor,
            changes={"note": note},
        )
        if not supported:
            _email(
                to=application.person.email,
                subject=f"Your application for {application.cohort.programme.title}",
                lines=[f"Your line manager did not support your application for {application.cohort}.", note],
            )
    return application


def application_score(
    *, actor, application: Application, score: int | None, shortlisted: bool, note: str, now: datetime.datetime
) -> Application:
    """A panel member scores (0 to 10) and shortlists or not, against the published criteria."""
    note = _clean_text(note, field="note", required=False, what="the note")
    if score is not None and not 0 <= score <= 10:
        raise ValidationError({"score": "Give a score from 0 to 10."})
    if shortlisted and score is None:
        raise ValidationError({"score": "Give a score to shortlist an application."})
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("cohort__programme").get(pk=application.pk)
        if not user_may_select(user=actor, cohort=application.cohort):
            raise PermissionDenied("Only the programme's owners and the cohort's panel select.")
        if application.status != ApplicationStatus.SUBMITTED:
            raise ValidationError("Only applications still with the panel can be scored.")
        application.score, application.shortlisted, application.panel_note = score, shortlisted, note
        application.scored_by = actor
        application.save(update_fields=["score", "shortlisted", "panel_note", "scored_by"])
        audit_event_record(
            action="talent_score",
            obj=application,
            summary=f"Scored {score if score is not None else 'none'}"
            + (", shortlisted" if shortlisted else "")
            + f" for {application.cohort}",
            source=SOURCE,
            actor=actor,
            changes={"score": score, "shortlisted": shortlisted, "note": note},
        )
    return application


DECISION_LINES = {
    ApplicationStatus.SELECTED: "You have been offered a place on {cohort}, starting {starts:%-d %B %Y}.",
    ApplicationStatus.WAITING: "You are number {position} on the waiting list for {cohort}. If a place "
    "becomes free you will be offered it and told by email.",
    ApplicationStatus.NOT_SELECTED: "You have not been selected for {cohort} this time.",
}


def _tell(application: Application, cohort: Cohort, reason: str) -> None:
    line = DECISION_LINES[application.status].format(
        cohort=cohort, starts=cohort.starts_on, position=application.waiting_position
    )
    _email(
        to=application.person.email,
        subject=f"Your application for {cohort.programme.title}",
        lines=[line, f"The panel's reason: {reason}"],
    )


def cohort_fill_places(*, actor, cohort: Cohort, reason: str, now: datetime.datetime) -> dict[str, int]:
    """Places filled in order: shortlisted applications by score (highest first; earlier
    applications first on a tie) take the free places, the rest of the shortlist joins the
    waiting list in the same order, and applications not shortlisted are not selected. Run
    again after more are shortlisted, it adds to the list and never moves anyone already placed."""
    reason = _clean_text(reason, field="reason", required=True, what="the reason for the decision")
    counts = {ApplicationStatus.SELECTED: 0, ApplicationStatus.WAITING: 0, ApplicationStatus.NOT_SELECTED: 0}
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
        if not user_may_select(user=actor, cohort=cohort):
            raise PermissionDenied("Only the programme's owners and the cohort's panel select.")
        pending = list(
            Application.objects.select_related("person")
            .filter(cohort=cohort, status=ApplicationStatus.SUBMITTED)
            .order_by("-shortlisted", F("score").desc(nulls_last=True), "applied_at", "pk")
        )
        if not pending:
            raise ValidationError("There are no applications waiting for a decision.")
        if not any(a.shortlisted for a in pending):
            raise ValidationError("Shortlist at least one application before filling places.")
        taken = Application.objects.filter(cohort=cohort, status=ApplicationStatus.SELECTED).count()
        free = max(cohort.places - taken, 0)
        last = (
            Application.objects.filter(cohort=cohort, status=ApplicationStatus.WAITING).aggregate(
                m=Max("waiting_position")
            )["m"]
            or 0
        )
        for application in pending:
            if application.shortlisted and free:
                application.status, application.offered_at, free = ApplicationStatus.SELECTED, now, free - 1
            elif application.shortlisted:
                last += 1
                application.status, application.waiting_position = ApplicationStatus.WAITING, last
            else:
                application.status = ApplicationStatus.NOT_SELECTED
            application.decided_by, application.decided_at, application.decision_reason = actor, now, reason
            counts[application.status] += 1
        Application.objects.bulk_update(
            pending, ["status", "waiting_position", "decided_by", "decided_at", "offered_at", "decision_reason"]
        )
        audit_event_record(
            action="talent_select",
            obj=cohort,
            summary=f"Places filled for {cohort}: {counts[ApplicationStatus.SELECTED]} selected, "
            f"{counts[ApplicationStatus.WAITING]} waiting, {counts[ApplicationStatus.NOT_SELECTED]} not selected",
            source=SOURCE,
            actor=actor,
            changes={
                "reason": reason,
                "decisions": {str(a.pk): a.status for a in pending},
            },
        )
        for application in pending:
            _tell(application, cohort, reason)
    return {str(k): v for k, v in counts.items()}


def _promote_next(*, cohort: Cohort, actor, now: datetime.datetime) -> Application | None:
    """The first on the waiting list takes the freed place; the rest move up one."""
    if now.date() >= cohort.starts_on:
        return None  # the cohort is running: a place freed now is not offered
    taken = Application.objects.filter(cohort=cohort, status=ApplicationStatus.SELECTED).count()
    if taken >= cohort.places:
        return None
    first = (
        Application.objects.select_related("person")
        .filter(cohort=cohort, status=ApplicationStatus.WAITING)
        .order_by("waiting_position")
        .first()
    )
    if first is None:
        return None
    first.status, first.waiting_position = ApplicationStatus.SELECTED, None
    first.decided_by, first.decided_at, first.offered_at = actor, now, now
    first.decision_reason = "A place became free and you were first on the waiting list."
    first.save(
        update_fields=["status", "waiting_position", "decided_by", "decided_at", "offered_at", "decision_reason"]
    )
    Application.objects.filter(cohort=cohort, status=ApplicationStatus.WAITING).update(
        waiting_position=F("waiting_position") - 1
    )
    audit_event_record(
        action="talent_promote",
        obj=first,
        summary=f"Offered a freed place on {cohort} from the waiting list",
        source=SOURCE,
        actor=actor,
    )
    _tell(first, cohort, first.decision_reason)
    return first


def application_withdraw(*, actor, application: Application, reason: str, now: datetime.datetime) -> Application:
    """The applicant withdraws (or a panel member records a withdrawal). Before the cohort
    starts, a freed place goes to the first on the waiting list at once; someone leaving the
    waiting list moves those behind them up."""
    reason = _clean_text(reason, field="reason", required=True, what="a reason")
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=application.cohort_id)
        application = Application.objects.select_for_update().select_related("person").get(pk=application.pk)
        own = application.person.user_id == getattr(actor, "pk", None)
        if not own and not user_may_select(user=actor, cohort=cohort):
            raise PermissionDenied("You cannot withdraw this application.")
        if application.status not in OPEN_STATUSES:
            raise ValidationError("This application has already been decided or withdrawn.")
        was, position = application.status, application.waiting_position
        application.status, application.waiting_position, application.withdrawn_reason = (
            ApplicationStatus.WITHDRAWN,
            None,
            reason,
        )
        application.save(update_fields=["status", "waiting_position", "withdrawn_reason"])
        audit_event_record(
            action="talent_withdraw",
            obj=application,
            summary=f"Withdrawn from {cohort}",
            source=SOURCE,
            actor=actor,
            changes={"was": was, "reason": reason},
        )
        if was == ApplicationStatus.WAITING:
            Application.objects.filter(
                cohort=cohort, status=ApplicationStatus.WAITING, waiting_position__gt=position
            ).update(waiting_position=F("waiting_position") - 1)
        elif was == ApplicationStatus.SELECTED:
            _promote_next(cohort=cohort, actor=actor, now=now)
    return application


# Running a cohort ----------------------------------------------------------------------------

PARTICIPANT_STATUSES = (ApplicationStatus.SELECTED, ApplicationStatus.COMPLETED)


def _participant(*, actor, application: Application) -> Application:
    application = (
        Application.objects.select_for_update().select_related("cohort__programme", "person").get(pk=application.pk)
    )
    if not user_may_select(user=actor, cohort=application.cohort):
        raise PermissionDenied("Only the programme's owners and the cohort's panel run the cohort.")
    if application.status != ApplicationStatus.SELECTED:
        raise ValidationError("Only a participant with a place can be changed.")
    return application


def mentor_assign(*, actor, application: Application, mentor, now: datetime.datetime) -> Application:
    """Give a participant a mentor or buddy (who then sees them at /programmes/mentoring/)."""
    with transaction.atomic():
        application = _participant(actor=actor, application=application)
        if mentor is None or not mentor.is_active:
            raise ValidationError({"staff_number": "Nobody in the force has that staff number."})
        if mentor.pk == application.person.user_id:
            raise ValidationError({"staff_number": "A participant cannot mentor themselves."})
        application.mentor = mentor
        application.save(update_fields=["mentor"])
        audit_event_record(
            action="talent_mentor",
            obj=application,
            summary=f"Mentor assigned for {application.cohort}",
            source=SOURCE,
            actor=actor,
            changes={"mentor": mentor.pk},
        )
    return application


def application_complete(*, actor, application: Application, note: str, now: datetime.datetime) -> Application:
    note = _clean_text(note, field="note", required=False, what="the note")
    with transaction.atomic():
        application = _participant(actor=actor, application=application)
        application.status, application.completed_at, application.completion_note = (
            ApplicationStatus.COMPLETED,
            now,
            note,
        )
        application.save(update_fields=["status", "completed_at", "completion_note"])
        audit_event_record(
            action="talent_complete",
            obj=application,
            summary=f"Completed {application.cohort}",
            source=SOURCE,
            actor=actor,
            changes={"note": note},
        )
    return application


def attendance_record(*, actor, milestone: Milestone, attended_ids: set[int], now: datetime.datetime) -> int:
    """Who came to a milestone, for every participant at once (ids of applications; anyone
    not named did not attend). Set-based: one read, then one insert and one update."""
    with transaction.atomic():
        milestone = Milestone.objects.select_related("cohort__programme").get(pk=milestone.pk)
        if not user_may_select(user=actor, cohort=milestone.cohort):
            raise PermissionDenied("Only the programme's owners and the cohort's panel record attendance.")
        participants = set(
            Application.objects.filter(cohort=milestone.cohort, status__in=PARTICIPANT_STATUSES).values_list(
                "pk", flat=True
            )
        )
        unknown = set(attended_ids) - participants
        if unknown:
            raise ValidationError("Attendance can only be recorded for the cohort's participants.")
        existing = {a.application_id: a for a in Attendance.objects.filter(milestone=milestone)}
        new, changed = [], []
        for pk in sorted(participants):
            attended = pk in attended_ids
            row = existing.get(pk)
            if row is None:
                new.append(Attendance(milestone=milestone, application_id=pk, attended=attended,
                                      recorded_by=actor, recorded_at=now))  # fmt: skip
            elif row.attended != attended:
                row.attended, row.recorded_by, row.recorded_at = attended, actor, now
                changed.append(row)
        Attendance.objects.bulk_create(new)
        Attendance.objects.bulk_update(changed, ["attended", "recorded_by", "recorded_at"])
        audit_event_record(
            action="talent_attendance",
            obj=milestone,
            summary=f"Attendance at {milestone}: {len(attended_ids)} of {len(participants)}",
            source=SOURCE,
            actor=actor,
            changes={"attended": sorted(attended_ids)},
        )
    return len(new) + len(changed)


def plan_save(*, person: Person, application: Application, plan: str) -> Application:
    """The participant's own plan (their mentor and the cohort's panel read it)."""
    plan = _clean_text(plan, field="plan", required=False, what="your plan")
    if application.person_id != person.pk:
        raise PermissionDenied("Only the participant writes their plan.")
    if application.status not in PARTICIPANT_STATUSES:
        raise ValidationError("Your plan starts when you have a place.")
    application.plan = plan
    application.save(update_fields=["plan"])
    return application
