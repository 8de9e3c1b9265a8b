from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from compliance.audit.models import BRACKETED, AuditEvent, AuditMention, mentions_build, staff_numbers_held
from courses.bulk import bulk_set_rows


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


def audit_names_erase(people: list[Erased], *, chunk: int = 500) -> int:
    """Erase who these people were from the audit trail: in every entry about them or naming
    them, "Name (staff number)" becomes their new name and number (under which a subject access
    request still finds it), any name or number they had before too, and the values of their
    name, email and staff number in the recorded changes become "[erased]". What was done, when
    and by whom stays. The entries are found through their mentions, `chunk` people at a time.
    Returns how many entries changed."""
    changed = 0
    for start in range(0, len(people), chunk):
        batch = {person.pk: person for person in people[start : start + chunk]}
        current = {person.staff_number: person for person in batch.values()}
        events = list(
            _entries(Q(object_type="person", object_id__in=[str(pk) for pk in batch]) | _naming(list(current)))
        )
        own = [event for event in events if event.object_type == "person" and int(event.object_id) in batch]
        names, numbers = _former(own, batch)
        by_number = {number: batch[pk] for pk, theirs in numbers.items() for number in theirs}
        if former := [number for number in by_number if number not in current]:
            # A number someone else holds now names them, not the person erased.
            for number in staff_numbers_held(former):
                del by_number[number]
                former.remove(number)
            seen = {event.pk for event in events}
            events += [event for event in _entries(_naming(former)) if event.pk not in seen]
        own_ids = {event.pk for event in own}
        rows = []
        for event in events:
            subject = batch[int(event.object_id)] if event.pk in own_ids else None
            summary = _erase_summary(event.summary, names, by_number)[:500]
            changes = _erase_values(event.changes, subject, by_number)
            if (summary, changes) != (event.summary, event.changes):
                rows.append((event.pk, summary, changes))
        bulk_set_rows(AuditEvent, rows, ["summary", "changes"])
        # Their mentions say what the entries now say (a number they had before and the one they
        # had last are now the same).
        AuditMention.objects.filter(event__in=[pk for pk, *_ in rows]).delete()
        AuditMention.objects.bulk_create(mentions_build(rows))
        changed += len(rows)
    return changed


def _naming(numbers: list[str]) -> Q:
    return Q(pk__in=AuditMention.objects.filter(number__in=numbers).values("event_id"))


def _entries(where: Q):
    return AuditEvent.objects.filter(where).only("summary", "changes", "object_type", "object_id").iterator(2000)


def _former(events, batch: dict) -> tuple[dict[int, list[str]], dict[int, set[str]]]:
    """Every full name each person has had, the longest first (so "Ann Marie Lee" goes before
    "Marie Lee"), and every staff number, from their own entries' recorded changes."""
    firsts = {pk: {person.first_name} for pk, person in batch.items()}
    lasts = {pk: {person.last_name} for pk, person in batch.items()}
    numbers = {pk: {person.staff_number} for pk, person in batch.items()}
    for event in events:
        if isinstance(event.changes, dict):
            for field, seen in (("first_name", firsts), ("last_name", lasts), ("staff_number", numbers)):
                values = event.changes.get(field)
                if isinstance(values, list):
                    seen[int(event.object_id)].update(v for v in values if isinstance(v, str) and v)
    names = {
        pk: sorted((f"{first} {last}" for first in firsts[pk] for last in lasts[pk]), key=len, reverse=True)
        for pk in batch
    }
    return names, numbers


def _erase_summary(summary: str, names: dict[int, list[str]], by_number: dict[str, Erased]) -> str:
    """ "Name (staff number)" of each of these people becomes their new label; their number alone,
    their new number."""
    for word in set(BRACKETED.findall(summary)):
        person = by_number.get(word)
        if person is not None:
            for name in names[person.pk]:
                summary = summary.replace(f"{name} ({word})", person.new_label)
            summary = summary.replace(f"({word})", f"({person.new_staff_number})")
    return summary


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
