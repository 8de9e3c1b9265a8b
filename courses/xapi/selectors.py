"""Reads of the outbox for the admin."""

from django.db.models import Count, QuerySet

from .models import Statement, StatementStatus


def statement_counts() -> dict[str, int]:
    """How many statements are in each state (every state present, 0 when none): one query."""
    counts = dict.fromkeys(StatementStatus.values, 0)
    counts.update(Statement.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return counts


def dead_letters() -> QuerySet[Statement]:
    """Statements that failed for good, the latest first, with their learner."""
    return (
        Statement.objects.filter(status=StatementStatus.FAILED)
        .select_related("user")
        .order_by("-failed_at", "-created_at", "pk")
    )
