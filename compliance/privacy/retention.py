"""Retention that runs by itself: each kind of record is kept for its period (the force's rule,
or the default in `courses.privacy.Retention`), counted from the date each register entry names
(`counts_from`), then deleted, erased or anonymised as the entry says (`expiry`).

A legal hold or a restriction keeps every record about its person. The work is set-based and in
batches, each committed on its own, so a run that is interrupted leaves nothing half done and
the next run carries on; running twice changes nothing more. A dry run counts what would go.
Erasure on request (`rights.py`) applies the same actions to one person's rows.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.constants import LOOKUP_SEP
from django.db.models.signals import post_delete, pre_delete
from django.utils import timezone

from compliance.audit.services import audit_event_record
from compliance.people.models import Hold, Person
from compliance.people.services import people_anonymise
from compliance.services.requirements import add_months
from courses.privacy import Expiry, PersonalData, Retention, register

from .models import RetentionRule, RetentionRun
from .selectors import Rule, _target, retention_rules, subject_q

BATCH = 2000
MAX_MONTHS = 1200


@transaction.atomic
def retention_rule_set(*, retention: str, months: int | None, reason: str, actor) -> RetentionRule | None:
    """Set a kind's period (None keeps the records), with the force's reason; the default's own
    period and no reason puts the default back."""
    errors = {}
    try:
        kind = Retention(retention)
    except ValueError:
        raise ValidationError({"retention": f"There is no kind of record called {retention!r}."}) from None
    if months is not None and not 0 <= months <= MAX_MONTHS:
        errors["months"] = f"Give a number of months from 0 to {MAX_MONTHS}, or leave it empty to keep them."
    reason = (reason or "").strip()
    if len(reason) > 500:
        errors["reason"] = "Keep the reason to 500 characters."
    default = months == kind.default_months and not reason
    if not default and not reason:
        errors["reason"] = "Say why the force keeps these records for a different period."
    if errors:
        raise ValidationError(errors)
    before = retention_rules()[kind]
    rule = None
    if default:
        RetentionRule.objects.filter(retention=kind).delete()
    else:
        rule, _ = RetentionRule.objects.update_or_create(retention=kind, defaults={"months": months, "reason": reason})
    after = retention_rules()[kind]
    audit_event_record(
        action="retention_rule_set",
        obj=rule or RetentionRule(pk=0),
        summary=f"Retention of '{kind.label}': {before.period} -> {after.period}",
        source="admin",
        actor=actor,
        changes={"months": [before.months, after.months]},
    )
    return rule


def _field_at(model: type[models.Model], path: str) -> models.Field:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def _cutoff(entry: PersonalData, today: datetime.date, months: int):
    """Rows whose date is before this are due."""
    day = add_months(today, -months)
    if isinstance(_field_at(entry.model, entry.counts_from), models.DateTimeField):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return day


# What a blanked text goes to where a check constraint of its model reads it (an exemption, an
# extension and a request must have a reason; a voided completion its void reason): emptying it
# would break the constraint, so what was empty stays empty and any other text becomes this.
ERASED = "[erased]"


def _names_in(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _names_in(child)
        elif isinstance(child, tuple):
            names.add(child[0].split(LOOKUP_SEP)[0])
    return names


def _guarded(model: type[models.Model]) -> set[str]:
    """The fields a check constraint of the model reads."""
    names = set()
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            names |= _names_in(constraint.condition)
    return names


def _empties(entry: PersonalData) -> dict[str, tuple[object, bool]]:
    """Each field blanking empties: its empty value, and whether a constraint guards it."""
    guarded = _guarded(entry.model)
    empties = {}
    for name in entry.blanked_fields():
        empty = entry.model._meta.get_field(name).get_default()
        empties[name] = (empty, name in guarded and isinstance(empty, str))
    return empties


def blank_values(entry: PersonalData) -> dict:
    values = {}
    for name, (empty, guarded) in _empties(entry).items():
        values[name] = (
            Case(When(**{name: empty}, then=Value(empty)), default=Value(ERASED), output_field=models.TextField())
            if guarded
            else empty
        )
    return values


def still_to_change(entry: PersonalData) -> Q:
    """The rows the entry's action would still change: so doing it twice changes nothing more."""
    where = Q()
    if entry.expiry == Expiry.BLANK:
        for name, (empty, guarded) in _empties(entry).items():
            if empty is None:
                where |= Q(**{f"{name}__isnull": False})
            elif guarded:
                where |= ~Q(**{name: empty}) & ~Q(**{name: ERASED})
            else:
                where |= ~Q(**{name: empty})
    elif entry.expiry == Expiry.ANONYMISE:
        where = Q(anonymised_on__isnull=True)
    return where


def held_people() -> list[Person]:
    """Everyone under a legal hold or a restriction now."""
    return list(Person.objects.filter(pk__in=Hold.objects.in_force().values("person_id")))


def _about_any(entry: PersonalData, people: list[Person]) -> Q | None:
    """The rows about any of these people: `subject_q` for all of them at once, one `IN` a path
    (however many people are held), or each person's own condition for a subject that is a function."""
    if not people:
        return None
    where = Q()
    if callable(entry.subject):
        for person in people:
            where |= subject_q(entry, person) or Q()
        return where or None
    paths = (entry.subject,) if isinstance(entry.subject, str) else tuple(entry.subject)
    for path in paths:
        target = _target(entry.model, path)
        if target is Person:
            where |= Q(**{f"{path}__in": [person.pk for person in people]})
        elif target is get_user_model():
            where |= Q(**{f"{path}__in": [person.user_id for person in people if person.user_id is not None]})
    return where or None


def pending(entry: PersonalData, *, rule: Rule, today: datetime.date, held: list[Person]) -> QuerySet | None:
    """The rows of this entry whose period has run out, without those about a held person; None
    where nothing of it ever goes."""
    if entry.expiry == Expiry.KEEP or rule.months is None or not entry.counts_from:
        return None
    rows = entry.model._default_manager.filter(
        still_to_change(entry), **{f"{entry.counts_from}__lt": _cutoff(entry, today, rule.months)}
    )
    kept = _about_any(entry, held)
    return rows.exclude(kept) if kept is not None else rows


def _receivers(signal, model: type[models.Model]) -> set:
    live = signal._live_receivers(model)  # Django keeps them in a private list: (sync, async) since 5.0
    sync, asynchronous = live if isinstance(live, tuple) else (live, [])
    return set(sync) | set(asynchronous)


def _plain(model: type[models.Model]) -> bool:
    """Whether nothing listens to the deletion of a row of `model` and nothing is deleted with it
    that Django would have to fetch (as it must for the models Wagtail's reference index tracks)."""
    if _receivers(pre_delete, model) or _receivers(post_delete, model):
        return False
    return not model._meta.parents and not any(
        hasattr(field, "bulk_related_objects") for field in model._meta.private_fields
    )


def _dependents(model: type[models.Model]) -> list[models.ForeignKey] | None:
    """The foreign keys whose rows go with a row of `model` (an audit entry's mentions), when the
    rows and those going with them can each go in one statement; None where Django must fetch
    the rows to delete them."""
    if not _plain(model):
        return None
    dependents = []
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        if relation.on_delete is models.DO_NOTHING:
            continue
        if relation.on_delete is not models.CASCADE or _dependents(relation.related_model) != []:
            return None
        dependents.append(relation.field)
    return dependents


def _delete(model: type[models.Model], rows: QuerySet) -> int:
    """Delete the rows, in one statement where Django need not fetch them, with the rows that go
    with them (an audit entry's mentions) each in one statement too."""
    dependents = _dependents(model)
    if dependents is None:
        return rows.delete()[1].get(model._meta.label, 0)
    for field in dependents:
        field.model._base_manager.filter(**{f"{field.name}__in": rows.order_by().values("pk")})._raw_delete(rows.db)
    return rows._raw_delete(rows.db)


def act(entry: PersonalData, rows: QuerySet, *, today: datetime.date) -> int:
    """Delete, blank or anonymise these rows, as the entry says; how many."""
    if entry.expiry == Expiry.DELETE:
        return _delete(entry.model, rows)
    if entry.expiry == Expiry.BLANK:
        return rows.update(**blank_values(entry))
    if entry.expiry == Expiry.ANONYMISE:
        return people_anonymise(person_ids=list(rows.values_list("pk", flat=True)), today=today)
    return 0


@dataclass(frozen=True)
class Due:
    entry: PersonalData
    rule: Rule
    rows: QuerySet

    @property
    def key(self) -> str:
        return self.entry.model._meta.label


def due(*, today: datetime.date) -> Iterator[Due]:
    """Each register entry with the rows of it whose period has run out. People go last, so the
    records about them are dealt with while the person can still be found."""
    rules, held = retention_rules(), held_people()
    entries = sorted(register(), key=lambda entry: entry.expiry == Expiry.ANONYMISE)
    for entry in entries:
        rows = pending(entry, rule=rules[entry.retention], today=today, held=held)
        if rows is not None:
            yield Due(entry, rules[entry.retention], rows)


def retention_report(*, today: datetime.date | None = None) -> list[tuple[Due, int]]:
    """The dry run: what would go today, by register entry, without changing anything."""
    today = today or timezone.localdate()
    return [(item, item.rows.count()) for item in due(today=today)]


def _batches(rows: QuerySet, size: int) -> Iterator[QuerySet]:
    """The rows in ranges of pk holding `size` of them each (the last fewer): each range is found
    from where the last ended, by reading its ids, so no row is read twice however many batches
    there are, nothing is done where there are none, and each range is changed in one statement."""
    after = None
    while True:
        todo = rows if after is None else rows.filter(pk__gt=after)
        ids = list(todo.order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield todo.filter(pk__lte=ids[-1])
        if len(ids) < size:
            return
        after = ids[-1]


def retention_apply(*, today: datetime.date | None = None, batch: int = BATCH, actor=None) -> RetentionRun:
    """Apply every rule, in batches committed one by one; audited with what was done."""
    today = today or timezone.localdate()
    run = RetentionRun.objects.create(started_at=timezone.now())
    for item in due(today=today):
        done = 0
        for rows in _batches(item.rows, batch):
            with transaction.atomic():
                done += act(item.entry, rows, today=today)
        if done:
            run.counts[item.key] = {"action": item.entry.expiry.value, "rows": done}
            RetentionRun.objects.filter(pk=run.pk).update(counts=run.counts)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at", "counts"])
    total = sum(count["rows"] for count in run.counts.values())
    audit_event_record(
        action="retention_applied",
        obj=run,
        summary=f"Retention rules applied for {today:%-d %B %Y}: {total} record{'s' * (total != 1)} "
        f"deleted, erased or anonymised",
        source="retention",
        actor=actor,
        changes=run.counts,
    )
    return run
