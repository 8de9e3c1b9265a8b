"""Writes to people and the line-management tree."""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Max, OuterRef, Subquery, Value
from django.db.models.functions import MD5, Cast, Concat, Length, Random, Replace, Substr
from django.utils import timezone

from compliance.audit.models import AuditEvent
from compliance.audit.services import Erased, audit_event_record, audit_names_erase
from compliance.people.models import Person
from compliance.people.models.organisation import line_path_segment
from compliance.people.signals import people_changed
from courses.bulk import bulk_set_rows
from courses.models import Completion


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


def line_paths_rebuild(*, batch_size: int = 2000) -> list[int]:
    """Recompute every line path from the manager links; write only those that differ.

    Returns the ids of the people whose path changed (joiners, and everyone who moved).
    """
    rows = list(Person.objects.values_list("pk", "line_manager_id", "line_path"))
    wanted = line_paths_compute({pk: manager for pk, manager, _ in rows})
    changed = [(pk, wanted[pk]) for pk, _, current in rows if wanted[pk] != current]
    bulk_set_rows(Person, changed, ["line_path"], batch_size=batch_size)
    return [pk for pk, _ in changed]


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
    if not person.line_path:
        line_paths_rebuild()
        person.refresh_from_db()
    if manager is not None:
        manager = Person.objects.select_for_update().get(pk=manager.pk)
        if manager.pk == person.pk:
            raise ValidationError({"line_manager": f"{person} cannot be their own line manager."})
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
    deepest = subtree.aggregate(longest=Max(Length("line_path")))["longest"] or len(old_prefix)
    if len(new_prefix) + deepest - len(old_prefix) > Person._meta.get_field("line_path").max_length:
        raise ValidationError({"line_manager": "The line-management chain would be deeper than is supported."})
    moved_ids = list(subtree.values_list("pk", flat=True))
    subtree.update(line_path=Concat(Value(new_prefix), Substr("line_path", len(old_prefix) + 1)))
    Person.objects.filter(pk=person.pk).update(line_manager=manager, updated_at=timezone.now())
    staff = dict(Person.objects.filter(pk__in=[old_manager_id or 0]).values_list("pk", "staff_number"))
    audit_event_record(
        action="manager_changed",
        obj=person,
        summary=f"Line manager of {person} changed to {manager or 'nobody'}",
        source=source,
        actor=actor,
        changes={"line_manager": [staff.get(old_manager_id), manager.staff_number if manager else None]},
    )
    _notify_people_changed(moved_ids)


@transaction.atomic
def accounts_close(*, user_ids: list[int], erase: bool = False) -> None:
    """A closed account keeps nothing that could sign it in again later: its API tokens are
    deleted, and an account that signs in through the identity provider (no password of its
    own) gets a new unusable password, which ends every session it had (Django checks each
    session against it). So reactivating it, when a rejoiner's leaving date is cleared, revives
    no old session or token. Erased (a person anonymised), every account also loses its
    password, username ("erased-N"), name and email, and is made inactive, in the same statement."""
    from rest_framework.authtoken.models import Token

    if not user_ids:
        return
    accounts = get_user_model().objects.filter(pk__in=user_ids)
    new_password = Concat(
        Value(UNUSABLE_PASSWORD_PREFIX), MD5(Concat(Cast(Random(), CharField()), Cast("pk", CharField())))
    )
    if erase:
        accounts.update(
            username=Concat(Value("erased-"), Cast("pk", CharField())),
            email="",
            first_name="",
            last_name="",
            password=new_password,
            is_active=False,
        )
    else:
        accounts.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX).update(password=new_password)
    Token.objects.filter(user_id__in=user_ids).delete()


def people_deactivate_leavers(*, today: datetime.date | None = None, source: str = "leavers") -> list[int]:
    """Deactivate everyone whose leaving date has come (an HR file may send it in advance).

    Safe to run every day, twice or not at all: it only touches active people with a
    leaving date on or before today. Their login accounts are made inactive too.
    Returns the ids deactivated.
    """
    today = today or timezone.localdate()
    leavers = list(
        Person.objects.select_for_update().filter(is_active=True, end_date__lte=today).values_list("pk", "user_id")
    )
    if not leavers:
        return []
    ids = [pk for pk, _ in leavers]
    Person.objects.filter(pk__in=ids).update(is_active=False, updated_at=timezone.now())
    user_ids = [user_id for _, user_id in leavers]
    get_user_model().objects.filter(pk__in=user_ids).update(is_active=False)
    accounts_close(user_ids=user_ids)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                source=source,
                action="person_deactivated",
                object_type=Person._meta.model_name,
                object_id=str(pk),
                summary="Left the force: leaving date reached",
                changes={"is_active": [True, False]},
            )
            for pk in ids
        ]
    )
    _notify_people_changed(ids)
    return ids


def people_anonymise(*, person_ids: list[int], today: datetime.date) -> int:
    """Erase who these people were, irreversibly: name, email and staff number are replaced by
    "Erased person N", the login account loses its name, email and password and is closed.
    The audit trail keeps what was done to their record, under the new name and number, and no
    longer says who they were. What they did stays, so every count and rate they are part of is
    unchanged. Returns how many were anonymised (those already anonymised are left alone)."""
    people = Person.objects.filter(pk__in=person_ids, anonymised_on__isnull=True)
    were = list(people.values_list("pk", "user_id", "staff_number", "first_name", "last_name", "email"))
    user_ids = [user_id for _, user_id, *_ in were]
    number = Cast("pk", CharField())
    # A completion entered by hand or imported is keyed by the staff number ("import:<staff
    # number>:<course>:<date>"): the key keeps its shape, with the number the person now has.
    theirs = Person.objects.filter(user_id=OuterRef("user_id")).order_by()
    Completion.objects.filter(user_id__in=user_ids).update(
        idempotency_key=Replace(
            "idempotency_key",
            Concat(Value(":"), Subquery(theirs.values("staff_number")[:1]), Value(":")),
            Concat(Value(":ERASED-"), Subquery(theirs.values(number=Cast("pk", CharField()))[:1]), Value(":")),
        )
    )
    done = people.update(
        first_name="Erased",
        last_name=Concat(Value("person "), number),
        email="",
        staff_number=Concat(Value("ERASED-"), number),
        anonymised_on=today,
        is_active=False,
        updated_at=timezone.now(),
    )
    accounts_close(user_ids=user_ids, erase=True)
    audit_names_erase(
        [
            Erased(pk, staff_number, first, last, email, f"ERASED-{pk}", f"Erased person {pk} (ERASED-{pk})")
            for pk, _, staff_number, first, last, email in were
        ]
    )
    _notify_people_changed(person_ids)
    return done
