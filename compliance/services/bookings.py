"""Who may book the face-to-face sessions of a course: plugged into the courses app through
the BOOKING_AUDIENCE_CHECK option (courses/conf.py), because only compliance knows people's roles."""

from django.db.models import Q
from django.utils import timezone

from compliance.models import Assignment, AssignmentState, Requirement


def booking_audience_refusal(*, user, course) -> str:
    """Places on a course that some requirement asks for go to the people it asks it of (a
    current, not withdrawn, assignment); a course nobody is required to take is open to all."""
    today = timezone.localdate()
    requirements = Requirement.objects.filter(courses=course, active_from__lte=today).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=today)
    )
    if user.is_superuser or not requirements.exists():
        return ""
    required = (
        Assignment.objects.filter(person__user=user, requirement__in=requirements, is_current=True)
        .exclude(state=AssignmentState.WITHDRAWN)
        .exists()
    )
    if required:
        return ""
    return (
        f"The sessions of {course.title} are for the people it is required of ({course.audience or 'see the course'}). "
        "If you think it applies to you, ask your line manager or Learning and Development."
    )
