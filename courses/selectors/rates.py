"""Course rates for L&D: per course, learners reached, completed and passed, with median
scores and time spent, each rate over its own denominator."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from courses.models import (
    Completion,
    CompletionSource,
    CoursePage,
    Enrolment,
    Evaluation,
    Reflection,
    ReflectionPromptDelivery,
)

SOURCE_LABELS = [
    (CompletionSource.ONLINE, "Online"),
    (CompletionSource.SCORM, "SCORM"),
    (CompletionSource.ATTENDANCE, "Attendance"),
    (CompletionSource.MANUAL, "Manual"),
    (CompletionSource.IMPORT, "Imported"),
]


def course_rates_for_ld() -> list[dict]:
    """Per course, counted in learners so every rate has its own denominator and none can
    pass 100%:

    - reached: learners who started the course on this site or have a valid completion of
      it (an imported completion counts: that learner reached the course elsewhere);
    - completed: learners with a valid completion, wherever it came from (imported ones
      are also shown apart);
    - evaluation rate: evaluations over completed site enrolments (only those can be
      evaluated; an imported completion has no evaluation form);
    - reflection rate: answered prompts over prompts sent;
    - by source: learners who completed online, through a SCORM package, by attendance, by
      manual entry or by import (one learner may count under two sources);
    - score: mean and median over valid completions with a score;
    - time spent: the mean over completions made here whose time is known (`_time_spent`).

    A handful of grouped queries, whatever the numbers."""
    from django.db.models import Avg, CharField, Exists, OuterRef, Value
    from django.db.models.functions import Cast, Concat

    def by_course(queryset, field="course_id", **aggregates):
        return {row[field]: row for row in queryset.values(field).annotate(**aggregates)}

    valid = Completion.objects.filter(voided_at__isnull=True)
    completed = by_course(
        valid,
        n=Count("user_id", distinct=True),
        imported=Count("user_id", distinct=True, filter=Q(source=CompletionSource.IMPORT)),
        mean_score=Avg("score"),
        scored=Count("pk", filter=Q(score__isnull=False)),
        **{
            f"source_{source}": Count("user_id", distinct=True, filter=Q(source=source))
            for source in CompletionSource.values
        },
    )
    medians = _median_scores(valid)
    timed = _time_spent(valid)
    # Learners who started here and have no valid completion of the course (yet).
    started_only = by_course(
        Enrolment.objects.filter(~Exists(valid.filter(user_id=OuterRef("user_id"), course_id=OuterRef("course_id")))),
        n=Count("user_id", distinct=True),
    )
    finished_enrolments = by_course(Enrolment.objects.filter(completed_at__isnull=False), n=Count("pk"))
    evaluated = by_course(
        Evaluation.objects.filter(enrolment__completed_at__isnull=False),
        n=Count("pk"),
        before=Avg("confidence_before"),
        after=Avg("confidence_after"),
    )
    sent_deliveries = ReflectionPromptDelivery.objects.filter(sent_at__isnull=False)
    sent = by_course(sent_deliveries, field="completion__course_id", n=Count("pk"))
    # Only answers to prompts that were sent, so the rate stays a share of those.
    sent_key = Concat(
        Value("week-"),
        Cast("weeks", CharField()),
        Value(":completion-"),
        Cast("completion_id", CharField()),
        output_field=CharField(),
    )
    answered = by_course(
        Reflection.objects.filter(
            prompt_key__startswith="week-",
            prompt_key__in=sent_deliveries.annotate(key=sent_key).values("key"),
        ),
        n=Count("pk"),
    )

    rows = []
    for course in CoursePage.objects.order_by("path").only("pk", "title", "course_code"):
        c = completed.get(course.pk, {})
        done = c.get("n", 0)
        reached = done + started_only.get(course.pk, {}).get("n", 0)
        ev = evaluated.get(course.pk, {})
        s = sent.get(course.pk, {}).get("n", 0)
        t = timed.get(course.pk, {})
        rows.append(
            {
                "course": course,
                "reached": reached,
                "started_only": reached - done,
                "completed": done,
                "imported": c.get("imported", 0),
                "by_source": {source: c.get(f"source_{source}", 0) for source in CompletionSource.values},
                "sources": [
                    (label, c[f"source_{source}"]) for source, label in SOURCE_LABELS if c.get(f"source_{source}")
                ],
                "scored": c.get("scored", 0),
                "mean_score": _round1(c.get("mean_score")),
                "median_score": medians.get(course.pk),
                "timed": t.get("n", 0),
                "mean_minutes": _round1(t["seconds"] / t["n"] / 60) if t.get("n") else None,
                "completion_rate": _rate(done, reached),
                "evaluated": ev.get("n", 0),
                "evaluation_rate": _rate(ev.get("n", 0), finished_enrolments.get(course.pk, {}).get("n", 0)),
                "confidence_before": ev.get("before"),
                "confidence_after": ev.get("after"),
                "prompts_sent": s,
                "reflection_rate": _rate(answered.get(course.pk, {}).get("n", 0), s),
            }
        )
    return rows


def _round1(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _median_scores(completions) -> dict[int, Decimal]:
    """Each course's median score over its valid completions with a score: one query that
    numbers the scores within each course and keeps only the middle one or two."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    within = {"partition_by": [F("course_id")]}
    middle = (
        completions.filter(score__isnull=False)
        .annotate(
            position=Window(RowNumber(), order_by=[F("score").asc(), F("pk").asc()], **within),
            count=Window(Count("pk"), **within),
        )
        .filter(Q(position=(F("count") + 1) / 2) | Q(position=(F("count") + 2) / 2))
        .values_list("course_id", "score")
    )
    found: dict[int, list[Decimal]] = {}
    for course_id, score in middle:
        found.setdefault(course_id, []).append(score)
    return {course_id: _round1(sum(scores) / len(scores)) for course_id, scores in found.items()}


def _time_spent(completions) -> dict[int, dict]:
    """Per course, the time recorded for completions made on this site, where the product knows
    it: a SCORM package's total time (the server's sum of its sessions) and the seconds of video
    watched, per enrolment. Native screens record when a module started and finished, not the
    time spent on it, so a completion with neither counts as not known. One grouped query."""
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from courses.models import ScormAttempt, VideoProgress

    def per_enrolment(model, field):
        return Subquery(
            model.objects.filter(enrolment_id=OuterRef("pk"))
            .values("enrolment_id")
            .annotate(total=Sum(field))
            .values("total")[:1],
            output_field=DecimalField(max_digits=16, decimal_places=2),
        )

    zero = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
    spent = (
        Enrolment.objects.filter(completion__in=completions)
        .annotate(
            seconds=Coalesce(per_enrolment(ScormAttempt, "total_seconds"), zero)
            + Coalesce(per_enrolment(VideoProgress, "watched_seconds"), zero)
        )
        .filter(seconds__gt=0)
        .values("course_id")
        .annotate(n=Count("pk"), seconds=Sum("seconds"))
    )
    return {row["course_id"]: row for row in spent}


def _rate(part: int, whole: int) -> int | None:
    """A whole-number percentage, None when there is nothing to divide by; never over 100."""
    if not whole:
        return None
    return round(100 * min(part, whole) / whole)
