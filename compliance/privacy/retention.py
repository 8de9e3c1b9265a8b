"""Retention that runs by itself: each kind of record is kept for its period (the force's rule,
or the default in `courses.privacy.Retention`), counted from the date each register entry names
(`counts_from`), then deleted, blanked or anonymised as the entry says (`expiry`).

A legal hold or a restriction keeps every record about its person. The work is set-based and in
batches, each committed on its own, so a run that is interrupted leaves nothing half done and
the next run carries on; running twice changes nothing more. A dry run counts what would go.
Erasure on request (`rights.py`) applies the same actions to one person's rows.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from compliance.audit.services import audit_event_record
from compliance.people.models import Hold, Person
from compliance.people.services import people_anonymise
from compliance.services.requirements import add_months
from courses.privacy import Expiry, PersonalData, Retention, register

from .models import RetentionRule, RetentionRun
from .selectors import subject_q

BATCH = 2000
MAX_MONTHS = 1200


@dataclass(frozen=True)
class Rule:
    retention: Retention
    months: int | None
    reason: str
    changed: bool  # the force's own period, not the default

    @property
    def period(self) -> str:
        if self.months is None:
            return "Kept"
        if self.months == 0:
            return "None: at once"
        years, months = divmod(self.months, 12)
        parts = [f"{years} year{'s' * (years != 1)}"] * bool(years) + [f"{months} month{'s' * (months != 1)}"] * bool(
            months
        )
        return " ".join(parts)


def retention_rules() -> dict[Retention, Rule]:
    """Every kind of record with its period: the force's own where it set one, else the default."""
    own = {rule.retention: rule for rule in RetentionRule.objects.all()}
    rules = {}
    for retention in Retention:
        rule = own.get(retention.value)
        if rule is None:
            rules[retention] = Rule(retention, retention.default_months, retention.label, changed=False)
        else:
            rules[retention] = Rule(retention, rule.months, rule.reason, changed=True)
    return rules


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


def blank_values(entry: PersonalData) -> dict:
    return {name: entry.model._meta.get_field(name).get_default() for name in entry.blanked_fields()}


def still_to_change(entry: PersonalData) -> Q:
    """The rows the entry's action would still change: so doing it twice changes nothing more."""
    where = Q()
    if entry.expiry == Expiry.BLANK:
        for name, value in blank_values(entry).items():
            where |= Q(**{f"{name}__isnull": False}) if value is None else ~Q(**{name: value})
    elif entry.expiry == Expiry.ANONYMISE:
        where = Q(anonymised_on__isnull=True)
    return where


def held_people() -> list[Person]:
    """Everyone under a legal hold or a restriction now."""
    return list(Person.objects.filter(pk__in=Hold.objects.in_force().values("person_id")))


def _about_any(entry: PersonalData, people: list[Person]) -> Q | None:
    where = Q()
    for person in people:
        where |= subject_q(entry, person) or Q()
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


def act(entry: PersonalData, rows: QuerySet, *, today: datetime.date) -> int:
    """Delete, blank or anonymise these rows, as the entry says; how many."""
    if entry.expiry == Expiry.DELETE:
        return rows.delete()[1].get(entry.model._meta.label, 0)
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


def retention_apply(*, today: datetime.date | None = None, batch: int = BATCH, actor=None) -> RetentionRun:
    """Apply every rule, in batches committed one by one; audited with what was done."""
    today = today or timezone.localdate()
    run = RetentionRun.objects.create(started_at=timezone.now())
    for item in due(today=today):
        done = 0
        while ids := list(item.rows.order_by("pk").values_list("pk", flat=True)[:batch]):
            with transaction.atomic():
                changed = act(item.entry, item.rows.filter(pk__in=ids), today=today)
            done += changed
            if not changed:  # rows that cannot change (held between the two reads): stop here
                break
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
        f"deleted, blanked or anonymised",
        source="retention",
        actor=actor,
        changes=run.counts,
    )
    return run
