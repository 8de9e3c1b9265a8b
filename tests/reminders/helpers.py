"""Building blocks for reminder tests: a small line-management chain and assignments."""

import datetime

from django.utils import timezone

from compliance.models import Assignment
from tests.compliance.factories import make_requirement
from tests.factories import make_person

TODAY = datetime.date(2026, 11, 23)  # a Monday


def make_chain():
    """Second-line manager > line manager > learner."""
    second = make_person(first_name="Sam", last_name="Second", rank_or_grade="Inspector")
    manager = make_person(manager=second, first_name="Mo", last_name="Manager", rank_or_grade="Sergeant")
    learner = make_person(manager=manager, first_name="Lee", last_name="Learner")
    return second, manager, learner


def make_assignment(*, person, requirement=None, due: datetime.date, created: datetime.date | None = None, **fields):
    requirement = requirement or make_requirement()
    assignment = Assignment.objects.create(
        person=person,
        requirement=requirement,
        trigger="joining",
        trigger_date=due - datetime.timedelta(days=90),
        due_date=due,
        **fields,
    )
    created = created or (due - datetime.timedelta(days=90))
    Assignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(created, datetime.time(9)))
    )
    assignment.refresh_from_db()
    return assignment
