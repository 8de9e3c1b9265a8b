"""Recording and voiding completions. A completion is immutable once written; the only
change ever made to it is voiding it, with a reason."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Completion, CompletionSource, CoursePage
from courses.signals import completion_recorded, completion_voided


def _notify(signal, ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: signal.send(sender=Completion, completion_ids=ids))


def completion_record(
    *,
    user,
    course: CoursePage,
    source: str,
    idempotency_key: str,
    completed_at: datetime.datetime | None = None,
    score: Decimal | None = None,
    revision=None,
    recorded_by=None,
    reason: str = "",
    evidence: str = "",
) -> tuple[Completion, bool]:
    """Record that `user` completed `course`, once.

    The idempotency key names the event (for example one enrolment's completion, or one
    imported row), so a double submission, two tabs, or a re-run lands on the same row.
    Returns the completion and whether it was created now.
    """
    if source not in CompletionSource.values:
        raise ValueError(f"unknown completion source {source!r}")
    existing = Completion.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                user=user,
                course=course,
                source=source,
                idempotency_key=idempotency_key,
                completed_at=completed_at or timezone.now(),
                score=score,
                revision=revision,
                recorded_by=recorded_by,
                reason=reason,
                evidence=evidence,
            )
    except IntegrityError:
        # Another request recorded the same event between our read and our write.
        return Completion.objects.get(idempotency_key=idempotency_key), False
    _notify(completion_recorded, [completion.pk])
    return completion, True


@dataclass(frozen=True)
class CompletionInput:
    user_id: int
    course_id: int
    completed_at: datetime.datetime
    source: str
    idempotency_key: str
    score: Decimal | None = None
    reason: str = ""


def completions_record_many(*, items: Iterable[CompletionInput], recorded_by=None, batch_size: int = 2000) -> int:
    """Bulk form of completion_record for imports: rows whose key exists already are skipped.
    Returns how many were created."""
    items = list(items)
    keys = [item.idempotency_key for item in items]
    known = set()
    for start in range(0, len(keys), batch_size):
        known.update(
            Completion.objects.filter(idempotency_key__in=keys[start : start + batch_size]).values_list(
                "idempotency_key", flat=True
            )
        )
    new = [
        Completion(
            user_id=item.user_id,
            course_id=item.course_id,
            completed_at=item.completed_at,
            source=item.source,
            idempotency_key=item.idempotency_key,
            score=item.score,
            reason=item.reason,
            recorded_by=recorded_by,
        )
        for item in items
        if item.idempotency_key not in known
    ]
    created = Completion.objects.bulk_create(new, batch_size=batch_size, ignore_conflicts=True)
    ids = list(
        Completion.objects.filter(idempotency_key__in=[c.idempotency_key for c in created]).values_list("pk", flat=True)
    )
    _notify(completion_recorded, ids)
    return len(ids)


@transaction.atomic
def completion_void(*, completion: Completion, voided_by, reason: str) -> Completion:
    """Void a wrong completion. It stays on record, marked void, with who, when and why."""
    if not reason.strip():
        raise ValueError("A reason is required to void a completion.")
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    if completion.voided_at is not None:
        return completion
    completion.voided_at = timezone.now()
    completion.voided_by = voided_by
    completion.void_reason = reason.strip()
    completion.save(update_fields=["voided_at", "voided_by", "void_reason"])
    _notify(completion_voided, [completion.pk])
    return completion
