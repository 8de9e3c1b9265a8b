"""Reads of people and the line-management tree."""

from django.db.models import QuerySet

from compliance.models import OrgUnit, Person
from compliance.models.organisation import LINE_PATH_STEP


def person_team(*, manager: Person, direct_only: bool = False, include_inactive: bool = False) -> QuerySet[Person]:
    """Everyone below a manager: one indexed prefix query on the line path, at any depth."""
    if direct_only:
        team = Person.objects.filter(line_manager=manager)
    elif not manager.line_path:
        # Not yet placed in the tree: an empty prefix would match everyone.
        return Person.objects.none()
    else:
        team = Person.objects.filter(line_path__startswith=manager.line_path).exclude(pk=manager.pk)
    if not include_inactive:
        team = team.filter(is_active=True)
    return team


def person_chain_of_command(*, person: Person) -> QuerySet[Person]:
    """The person's managers, from the top of the tree down to their own line manager."""
    prefixes = [person.line_path[:end] for end in range(LINE_PATH_STEP, len(person.line_path), LINE_PATH_STEP)]
    return Person.objects.filter(line_path__in=prefixes).order_by("line_path")


def person_is_manager_of(*, manager: Person, person: Person) -> bool:
    return manager.pk != person.pk and person.line_path.startswith(manager.line_path)


def unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.get_tree(parent=unit)
