"""Reading the register: everything the product holds about one person (subject access), and
the register itself as rows for its page, its CSV and the staff privacy notice.

Subject access is driven by the register alone: each entry says how to find a person's rows
(`subject`) and which fields hold what, so a model added with its entry is in every answer
from then on. A section shows the person's own rows only; where a row names someone else (the
manager who decided a request), it is by name, as the person's own record shows it."""

import datetime
import decimal
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from compliance.people.models import Person
from courses.privacy import Category, PersonalData, Retention, register

from .models import RetentionRule


@dataclass
class Column:
    name: str
    label: str
    category: str  # a Category value, or "" for a field that is not personal data on its own


@dataclass
class Section:
    """One kind of record about the person: one register entry and their rows of it."""

    key: str  # app_label.model_name
    title: str
    about: str
    purpose: str
    basis: str
    retention: str
    columns: list[Column]
    rows: list[list[str]]


def _target(model: type, path: str) -> type:
    """The model a subject path ends at."""
    for name in path.split("__"):
        if name != "pk":
            model = model._meta.get_field(name).related_model
    return model


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


def subject_q(entry: PersonalData, person: Person) -> Q | None:
    """The rows of this entry's model about the person; None when none can be about them."""
    subject = entry.subject
    if callable(subject):
        return subject(person)
    paths = (subject,) if isinstance(subject, str) else tuple(subject)
    where = Q()
    for path in paths:
        target = _target(entry.model, path)
        if target is Person:
            where |= Q(**{path: person.pk})
        elif target is get_user_model() and person.user_id is not None:
            where |= Q(**{path: person.user_id})
    return where or None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _columns(entry: PersonalData) -> list[Column]:
    category_of = {name: category for category, names in entry.categories().items() for name in names}
    meta = entry.model._meta
    return [
        Column(name=name, label=str(meta.get_field(name).verbose_name).capitalize(), category=category_of.get(name, ""))
        for name in entry.classified()
    ]


def _rows(entry: PersonalData, where: Q, columns: list[Column]) -> list[list[str]]:
    meta = entry.model._meta
    relations = [c.name for c in columns if meta.get_field(c.name).many_to_one or meta.get_field(c.name).one_to_one]
    many = [c.name for c in columns if meta.get_field(c.name).many_to_many]
    queryset = entry.model._default_manager.filter(where).select_related(*relations).order_by("pk")
    if many:
        queryset = queryset.prefetch_related(*many)
    rows = []
    for obj in queryset:
        row = []
        for column in columns:
            field = meta.get_field(column.name)
            if field.many_to_many:
                row.append("; ".join(str(o) for o in getattr(obj, column.name).all()))
            elif field.choices and getattr(obj, column.name) not in (None, ""):
                row.append(_text(getattr(obj, f"get_{column.name}_display")()))
            else:
                row.append(_text(getattr(obj, column.name)))
        rows.append(row)
    return rows


def subject_record(*, person: Person) -> list[Section]:
    """Every register entry that can hold rows about the person, with theirs (an empty section
    says, truthfully, that the product holds none of that kind)."""
    sections = []
    for entry in register():
        where = subject_q(entry, person) if entry.subject else None
        if where is None:
            continue
        columns = _columns(entry)
        meta = entry.model._meta
        sections.append(
            Section(
                key=meta.label_lower,
                title=str(meta.verbose_name_plural).capitalize(),
                about=entry.about,
                purpose=entry.purpose,
                basis=entry.basis.label,
                retention=entry.retention.label,
                columns=columns,
                rows=_rows(entry, where, columns),
            )
        )
    return sections


@dataclass
class RegisterRow:
    key: str
    record: str
    about: str
    fields: dict[str, list[str]]  # category label -> field labels
    purpose: str
    basis: str
    retention: str
    then: str
    seen_by: str


def _how_long(entry: PersonalData, rule: Rule) -> str:
    """The default period in words, or the force's own with its reason: the notice cannot drift."""
    if not rule.changed:
        return entry.retention.label
    if rule.months is None:
        return f"Kept: {rule.reason}"
    return f"{rule.period} (the usual rule is: {entry.retention.label}). {rule.reason}"


def register_rows() -> list[RegisterRow]:
    rows = []
    rules = retention_rules()
    for entry in register():
        meta = entry.model._meta
        fields = {
            Category(category).label: [str(meta.get_field(name).verbose_name) for name in names]
            for category, names in entry.categories().items()
            if names
        }
        rows.append(
            RegisterRow(
                key=meta.label_lower,
                record=str(meta.verbose_name_plural).capitalize(),
                about=entry.about,
                fields=fields,
                purpose=entry.purpose,
                basis=entry.basis.label,
                retention=_how_long(entry, rules[entry.retention]),
                then=entry.expiry.label,
                seen_by=entry.seen_by,
            )
        )
    return rows
