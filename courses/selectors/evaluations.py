"""Course evaluations for L&D: every answer, without the name of who gave it, and each measure
summarised with the Kirkpatrick level it belongs to."""

from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, QuerySet

from courses.models import Evaluation
from courses.models.learning import SCALE

# Each measure of the evaluation form: (field, what it asks, its Kirkpatrick level). Level 3,
# behaviour, is the line managers' observations some weeks after a course (compliance's
# observation rates); level 4, results, is the force's own figures.
MEASURES = (
    ("overall", "Overall, how useful was this course?", "Level 1: reaction"),
    ("relevance", "How relevant was it to your role?", "Level 1: reaction"),
    ("confidence_before", "Before the course, how confident were you to act on what it covers?", "Level 2: learning"),
    ("confidence_after", "Now, how confident are you to act on what it covers?", "Level 2: learning"),
)


@dataclass(frozen=True)
class MeasureSummary:
    field: str
    question: str
    level: str
    responses: int
    mean: float | None
    counts: tuple[int, ...]  # how many answered 1, 2, 3, 4 and 5


def evaluations_for_ld() -> QuerySet[Evaluation]:
    """Every evaluation with its course, newest first: no learner's name or account."""
    return (
        Evaluation.objects.select_related("course")
        .only(
            "course__title", "overall", "relevance", "confidence_before", "confidence_after", "comments", "submitted_at"
        )  # fmt: skip
        .annotate(confidence_change=F("confidence_after") - F("confidence_before"))
        .order_by("-submitted_at", "-pk")
    )


def evaluation_summary(evaluations: QuerySet[Evaluation]) -> list[MeasureSummary]:
    """Each measure over these evaluations: responses, mean and the count of each answer, in
    one query."""
    values = [value for value, _ in SCALE]
    aggregates = {}
    for field, _, _ in MEASURES:
        aggregates[f"{field}__mean"] = Avg(field)
        for value in values:
            aggregates[f"{field}__{value}"] = Count("pk", filter=Q(**{field: value}))
    totals = evaluations.order_by().aggregate(responses=Count("pk"), **aggregates)
    return [
        MeasureSummary(
            field=field,
            question=question,
            level=level,
            responses=totals["responses"],
            mean=None if totals[f"{field}__mean"] is None else round(totals[f"{field}__mean"], 2),
            counts=tuple(totals[f"{field}__{value}"] for value in values),
        )
        for field, question, level in MEASURES
    ]
