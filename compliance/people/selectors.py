"""Reads of people and the line-management tree."""

from django.db.models import QuerySet

from compliance.people.models import OrgUnit, Person
from compliance.people.models.organisation import LINE_PATH_STEP


def person_chain_of_command(*, person: Person) -> QuerySet[Person]:
    """The person's managers, from the top of the tree down to their own line manager."""
    prefixes = [person.line_path[:end] for end in range(LINE_PATH_STEP, len(person.line_path), LINE_PATH_STEP)]
    return Person.objects.filter(line_path__in=prefixes).order_by("line_path")


def unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.get_tree(parent=unit)
