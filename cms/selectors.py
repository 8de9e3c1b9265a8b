"""What the site shows together: the home dashboard joins a person's obligations
(compliance), their learning (courses) and, for those who lead people, the headline of their
team and command (reporting)."""

import datetime

from django.utils import timezone

from compliance import access
from compliance.observations.selectors import observation_pending_count
from compliance.people.models import Person
from compliance.reminders.selectors import user_unread_count
from compliance.reporting.selectors import RateRow, scope_assignments, status_counts
from compliance.selectors.assignments import my_training_summary
from courses.selectors.learning import my_learning_for


def scope_headline(*, scope: access.Scope, today: datetime.date) -> RateRow:
    """Everything assigned in the scope, by status, with the completion rate as every report
    counts it (one query)."""
    return RateRow(key="", label=scope.label, counts=status_counts(scope_assignments(scope=scope, today=today)))


def dashboard_for(*, user, today: datetime.date | None = None) -> dict:
    if not user.is_authenticated:
        return {}
    today = today or timezone.localdate()
    person = Person.objects.select_related("unit").filter(user=user).first()
    team = None
    if access.person_has_team(person=person):
        team = scope_headline(scope=access.team_scope(manager=person), today=today)
    command = access.command_scope(user=user)
    return {
        "person": person,
        "team": team,
        "requests_waiting": access.extension_requests_to_decide(user=user).count(),
        "command": scope_headline(scope=command, today=today) if command else None,
        "unread": user_unread_count(user=user),
        "training_summary": my_training_summary(user=user),
        "learning": my_learning_for(user=user),
        # For line managers: observations of behaviour change waiting for them.
        "observations_pending": observation_pending_count(user=user),
    }
