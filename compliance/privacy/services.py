"""Subject access: a request recorded with its deadline, the archive of everything held about the
person (JSON and a CSV per kind of record, with a readable report), and its delivery. Each step
is audited; a learner's download of their own record is audited too."""

import datetime
import hashlib
import io
import json
import zipfile

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from compliance.access import user_may_answer_subject_access
from compliance.audit.services import audit_event_record
from compliance.people.models import Person
from courses.dates import long_date
from courses.downloads import csv_stream

from .models import AccessRequest, one_month_after
from .selectors import Section, subject_record

MAX_TEXT = 2000


def _require_right(actor) -> None:
    if not user_may_answer_subject_access(user=actor):
        raise PermissionDenied("Only those who answer subject access requests may do this.")


def request_receipt_errors(*, received_on: datetime.date, received_how: str, note: str, today: datetime.date) -> dict:
    """What is wrong with a data protection request as recorded: the day it arrived, how, the note."""
    errors = {}
    if received_on > today:
        errors["received_on"] = "The day it was received is in the future."
    elif received_on < today - datetime.timedelta(days=366):
        errors["received_on"] = "The day it was received is more than a year ago: check the year."
    if not received_how.strip():
        errors["received_how"] = "Say how the request was received."
    elif len(received_how) > 200:
        errors["received_how"] = "Keep how it was received to 200 characters."
    if len(note) > MAX_TEXT:
        errors["note"] = f"Keep the note to {MAX_TEXT} characters."
    return errors


@transaction.atomic
def access_request_open(
    *,
    person: Person,
    received_on: datetime.date,
    received_how: str,
    actor: AbstractBaseUser,
    note: str = "",
    today: datetime.date | None = None,
) -> AccessRequest:
    """Record a subject access request, due one calendar month after it was received."""
    _require_right(actor)
    today = today or timezone.localdate()
    errors = request_receipt_errors(received_on=received_on, received_how=received_how, note=note, today=today)
    if errors:
        raise ValidationError(errors)
    request = AccessRequest.objects.create(
        person=person,
        received_on=received_on,
        due_on=one_month_after(received_on),
        received_how=received_how.strip(),
        note=note.strip(),
        opened_by=actor,
    )
    audit_event_record(
        action="subject_access_opened",
        obj=request,
        summary=f"Subject access request from {person} received {long_date(received_on)}, "
        f"due by {long_date(request.due_on)}",
        source="admin",
        actor=actor,
    )
    return request


def _archive(*, person: Person, sections: list[Section], produced_at: datetime.datetime) -> bytes:
    """A zip: record.json (every section), one CSV per kind of record, and report.html."""
    record = {
        "person": {"staff_number": person.staff_number, "name": person.full_name},
        "produced_at": produced_at.isoformat(),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "about": s.about,
                "purpose": s.purpose,
                "lawful_basis": s.basis,
                "retention": s.retention,
                "rows": [{c.name: value for c, value in zip(s.columns, row, strict=True)} for row in s.rows],
            }
            for s in sections
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("record.json", json.dumps(record, indent=2, ensure_ascii=False))
        for s in sections:
            if s.rows:
                archive.writestr(f"csv/{s.key}.csv", "".join(csv_stream([c.label for c in s.columns], s.rows)))
        archive.writestr("report.html", subject_report_html(person=person, sections=sections, produced_at=produced_at))
    return buffer.getvalue()


def subject_report_html(*, person: Person, sections: list[Section], produced_at: datetime.datetime) -> str:
    """The readable report: a standalone, accessible page to read, print or save as PDF."""
    return render_to_string(
        "privacy/subject_report.html",
        {"person": person, "sections": sections, "produced_at": timezone.localtime(produced_at)},
    )


def access_request_report(*, request: AccessRequest, actor: AbstractBaseUser) -> str:
    """The readable report for an open request, to check before answering; audited."""
    _require_right(actor)
    person = request.person
    html = subject_report_html(person=person, sections=subject_record(person=person), produced_at=timezone.now())
    audit_event_record(
        action="subject_access_report",
        obj=request,
        summary=f"Subject access report read for {person}",
        source="admin",
        actor=actor,
    )
    return html


def access_request_archive(*, request: AccessRequest, actor: AbstractBaseUser) -> tuple[bytes, str]:
    """The archive for an open request, and its fingerprint; audited."""
    _require_right(actor)
    produced_at = timezone.now()
    data = _archive(person=request.person, sections=subject_record(person=request.person), produced_at=produced_at)
    digest = hashlib.sha256(data).hexdigest()
    audit_event_record(
        action="subject_access_archive",
        obj=request,
        summary=f"Subject access archive produced for {request.person}",
        source="admin",
        actor=actor,
        changes={"sha256": digest},
    )
    return data, digest


@transaction.atomic
def access_request_deliver(
    *, request: AccessRequest, actor: AbstractBaseUser, archive_sha256: str, today: datetime.date | None = None
) -> AccessRequest:
    """Record that the archive with this fingerprint was given to the person."""
    _require_right(actor)
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.delivered_on is not None:
        raise ValidationError(f"This request was answered on {long_date(request.delivered_on)}.")
    if len(archive_sha256) != 64 or any(ch not in "0123456789abcdef" for ch in archive_sha256):
        raise ValidationError({"archive_sha256": "Produce the archive first: its fingerprint is what is recorded."})
    request.delivered_on = today or timezone.localdate()
    request.delivered_by = actor
    request.archive_sha256 = archive_sha256
    request.save(update_fields=["delivered_on", "delivered_by", "archive_sha256"])
    late = request.delivered_on > request.due_on
    audit_event_record(
        action="subject_access_delivered",
        obj=request,
        summary=f"Subject access request from {request.person} answered {long_date(request.delivered_on)}"
        + (f", after the deadline of {long_date(request.due_on)}" if late else ""),
        source="admin",
        actor=actor,
        changes={"sha256": archive_sha256},
    )
    return request


def own_record_archive(*, person: Person, actor: AbstractBaseUser) -> bytes:
    """A learner's own record, downloaded from their account; audited."""
    if person.user_id is None or person.user_id != actor.pk:
        raise PermissionDenied("You can download only your own record.")
    data = _archive(person=person, sections=subject_record(person=person), produced_at=timezone.now())
    audit_event_record(
        action="own_record_downloaded",
        obj=person,
        summary=f"{person} downloaded their own record",
        source="site",
        actor=actor,
        changes={"sha256": hashlib.sha256(data).hexdigest()},
    )
    return data
