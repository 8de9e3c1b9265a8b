"""Writes to people and the line-management tree."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr

from compliance.models import Person
from compliance.models.organisation import line_path_segment
from compliance.services.audit import audit_event_record
from compliance.signals import people_changed


def line_paths_compute(managers: dict[int, int | None]) -> dict[int, str]:
    """Materialised paths for a whole forest given each person's manager.

    Raises ValueError on a cycle; callers validate first, so that means a bug.
    """
    paths: dict[int, str] = {}
    for start in managers:
        chain = []
        node: int | None = start
        while node is not None and node not in paths:
            if node in chain:
                raise ValueError(f"line-management cycle through person {node}")
            chain.append(node)
            node = managers.get(node)
        prefix = paths[node] if node is not None else ""
        for member in reversed(chain):
            prefix += line_path_segment(member)
            paths[member] = prefix
    return paths


def line_paths_rebuild(*, batch_size: int = 2000) -> int:
    """Recompute every line path from the manager links; write only those that differ."""
    rows = list(Person.objects.values_list("pk", "line_manager_id", "line_path"))
    wanted = line_paths_compute({pk: manager for pk, manager, _ in rows})
    changed = [Person(pk=pk, line_path=wanted[pk]) for pk, _, current in rows if wanted[pk] != current]
    Person.objects.bulk_update(changed, ["line_path"], batch_size=batch_size)
    return len(changed)


def _notify_people_changed(person_ids: Iterable[int]) -> None:
    ids = sorted(set(person_ids))
    if ids:
        transaction.on_commit(lambda: people_changed.send(sender=Person, person_ids=ids))


@transaction.atomic
def person_set_line_manager(
    *, person: Person, manager: Person | None, actor: AbstractBaseUser | None = None, source: str = "admin"
) -> None:
    """Move a person, with everyone below them, under a new line manager.

    The whole subtree moves in one UPDATE on the indexed path. A manager who is the person
    or anywhere below them would make a cycle, and is refused.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if manager is not None:
        manager = Person.objects.select_for_update().get(pk=manager.pk)
        if manager.line_path.startswith(person.line_path):
            raise ValidationError(
                {"line_manager": f"{manager} reports to {person}: making them their manager would create a cycle."}
            )
    old_manager_id = person.line_manager_id
    if old_manager_id == (manager.pk if manager else None):
        return
    old_prefix = person.line_path
    new_prefix = (manager.line_path if manager else "") + line_path_segment(person.pk)
    subtree = Person.objects.filter(line_path__startswith=old_prefix)
    moved_ids = list(subtree.values_list("pk", flat=True))
    subtree.update(line_path=Concat(Value(new_prefix), Substr("line_path", Length(Value(old_prefix)) + 1)))
    Person.objects.filter(pk=person.pk).update(line_manager=manager)
    audit_event_record(
        action="manager_changed",
        obj=person,
        summary=f"Line manager changed to {manager or 'nobody'}",
        source=source,
        actor=actor,
        changes={"line_manager": [old_manager_id, manager.pk if manager else None]},
    )
    _notify_people_changed(moved_ids)
