from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from compliance.audit.models import AuditEvent


def audit_event_build(
    *,
    action: str,
    obj: Any,
    summary: str,
    source: str,
    actor: AbstractBaseUser | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """An unsaved event, for callers that write many at once with bulk_create."""
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        source=source,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        summary=summary[:500],
        changes=changes or {},
    )


def audit_event_record(**kwargs: Any) -> AuditEvent:
    event = audit_event_build(**kwargs)
    event.save()
    return event


@dataclass(frozen=True)
class Erased:
    """One person anonymised: who they were, and the number they have now."""

    pk: int
    staff_number: str
    first_name: str
    last_name: str
    email: str
    new_staff_number: str
    new_label: str  # "Erased person 12 (ERASED-12)"


# The fields of a person's own record whose values an audit entry about them no longer shows.
IDENTITY_FIELDS = ("first_name", "last_name", "email", "staff_number")
ERASED_VALUE = "[erased]"


def _alternatives(values) -> str:
    """A regular expression matching any of these values exactly, the same in Python and in
    PostgreSQL (every character that is not a letter or digit escaped)."""
    return "|".join("".join(c if c.isalnum() else f"\\{c}" for c in value) for value in values)


def audit_names_erase(people: list[Erased], *, chunk: int = 500) -> int:
    """Erase who these people were from the audit trail: in every entry about them or naming
    them, "Name (staff number)" becomes their new name and number (under which a subject access
    request still finds it), any name they had before too, and the values of their name, email
    and staff number in the recorded changes become "[erased]". What was done, when and by whom
    stays. One pass over the trail per `chunk` people. Returns how many entries changed."""
    changed = 0
    for start in range(0, len(people), chunk):
        batch = {person.pk: person for person in people[start : start + chunk]}
        by_number = {person.staff_number: person for person in batch.values()}
        events = list(
            AuditEvent.objects.filter(
                Q(object_type="person", object_id__in=[str(pk) for pk in batch]) | _naming(list(by_number))
            ).only("summary", "changes", "object_type", "object_id")
        )
        names = _former_names(events, batch)
        rewritten = []
        for event in events:
            own = batch.get(int(event.object_id)) if event.object_type == "person" else None
            summary, changes = event.summary, event.changes
            for person in batch.values():
                if own is person or f"({person.staff_number})" in summary:
                    for name in names[person.pk]:
                        summary = summary.replace(f"{name} ({person.staff_number})", person.new_label)
                    summary = summary.replace(f"({person.staff_number})", f"({person.new_staff_number})")
            changes = _erase_values(changes, own, by_number)
            if (summary, changes) != (event.summary, event.changes):
                event.summary, event.changes = summary[:500], changes
                rewritten.append(event)
        AuditEvent.objects.bulk_update(rewritten, ["summary", "changes"], batch_size=chunk)
        changed += len(rewritten)
    return changed


def _naming(numbers: list[str]) -> Q:
    """The entries whose summary has one of these staff numbers in brackets, or whose changes have
    one as a value. On PostgreSQL, every bracketed or quoted word of each entry is matched against
    the numbers in one pass; elsewhere, one regular expression of them all."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                r"""
                SELECT a.id FROM audit_auditevent a
                WHERE EXISTS (SELECT 1 FROM regexp_matches(a.summary, '\(([A-Za-z0-9._-]+)\)', 'g') m
                              WHERE m[1] = ANY(%(numbers)s))
                   OR EXISTS (SELECT 1 FROM regexp_matches(a.changes::text, '"([A-Za-z0-9._-]+)"', 'g') m
                              WHERE m[1] = ANY(%(numbers)s))
                """,
                {"numbers": numbers},
            )
            return Q(pk__in=[row[0] for row in cursor.fetchall()])
    pattern = _alternatives(numbers)
    texts = AuditEvent.objects.annotate(changes_text=Cast("changes", TextField()))
    return Q(
        pk__in=texts.filter(Q(summary__regex=rf"\(({pattern})\)") | Q(changes_text__regex=rf'"({pattern})"')).values(
            "pk"
        )
    )


def _former_names(events, batch: dict) -> dict[int, list[str]]:
    """Every full name each person has had, from their own entries' recorded changes, the longest
    first (so "Ann Marie Lee" goes before "Marie Lee")."""
    firsts = {pk: {person.first_name} for pk, person in batch.items()}
    lasts = {pk: {person.last_name} for pk, person in batch.items()}
    for event in events:
        if event.object_type == "person" and int(event.object_id) in batch and isinstance(event.changes, dict):
            for field, seen in (("first_name", firsts), ("last_name", lasts)):
                values = event.changes.get(field)
                if isinstance(values, list):
                    seen[int(event.object_id)].update(v for v in values if isinstance(v, str) and v)
    return {
        pk: sorted((f"{first} {last}" for first in firsts[pk] for last in lasts[pk]), key=len, reverse=True)
        for pk in batch
    }


def _erase_values(changes, own: Erased | None, by_number: dict[str, Erased]):
    """The recorded changes with these people's staff numbers replaced by their new ones and, in
    an entry about one of them, the values of their identity fields erased."""

    def walk(value):
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, str) and value in by_number:
            return by_number[value].new_staff_number
        return value

    changes = walk(changes)
    if own is not None and isinstance(changes, dict):
        for field in IDENTITY_FIELDS:
            if isinstance(changes.get(field), list):
                changes[field] = [ERASED_VALUE if item else item for item in changes[field]]
            elif changes.get(field):
                changes[field] = ERASED_VALUE
    return changes
