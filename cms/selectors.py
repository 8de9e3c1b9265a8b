"""What the site shows together: the home dashboard joins a person's obligations
(compliance) and their learning (courses)."""

from compliance.observations.selectors import observation_pending_count
from compliance.people.models import Person
from compliance.selectors.assignments import my_training_summary
from courses.selectors import my_learning_for


def dashboard_for(*, user) -> dict:
    if not user.is_authenticated:
        return {}
    return {
        "person": Person.objects.select_related("unit").filter(user=user).first(),
        "training_summary": my_training_summary(user=user),
        "learning": my_learning_for(user=user),
        # For line managers: observations of behaviour change waiting for them.
        "observations_pending": observation_pending_count(user=user),
    }
