"""The audit trail: who changed what, when and why. Append-only."""

import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.privacy import Basis, Expiry, PersonalData, Retention

# A word an entry may name a person by: their staff number, in brackets in the summary
# ("Ann Lee (AL-501)") or as a value in the recorded changes ({"line_manager": ["AL-501", ...]}).
WORD = r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}"
BRACKETED = re.compile(rf"\(({WORD})\)")
WHOLE = re.compile(rf"{WORD}")
LOOKUP = 2000  # staff numbers looked up at a time


def mentioned(summary: str, changes) -> set[str]:
    """The words an entry may name a person by: each bracketed word of its summary and each
    word-like text value of its changes."""

    def values(value) -> Iterator[str]:
        if isinstance(value, dict):
            for item in value.values():
                yield from values(item)
        elif isinstance(value, list):
            for item in value:
                yield from values(item)
        elif isinstance(value, str) and WHOLE.fullmatch(value):
            yield value

    return set(BRACKETED.findall(summary or "")) | set(values(changes))


def staff_numbers_held(words: Iterable[str], *, people=None) -> set[str]:
    """Which of these words are someone's staff number now. The people are looked up by name
    (`people`: the historical model in a migration), as the trail sits below them."""
    people = people or apps.get_model("people", "Person")
    every = sorted(set(words))
    held = set()
    for start in range(0, len(every), LOOKUP):
        chunk = every[start : start + LOOKUP]
        held.update(people._base_manager.filter(staff_number__in=chunk).values_list("staff_number", flat=True))
    return held


def mentions_build(rows: Iterable[tuple[int, str, Any]], *, people=None, mention=None) -> list:
    """The mentions of saved entries, given as (pk, summary, changes): one for each of their words
    that is someone's staff number. `people` and `mention` are the models (historical ones in a
    migration)."""
    mention = mention or AuditMention
    words = {pk: mentioned(summary, changes) for pk, summary, changes in rows}
    known = staff_numbers_held(set().union(*words.values()), people=people)
    return [mention(event_id=pk, number=word) for pk, theirs in words.items() for word in sorted(theirs & known)]


def named_in(person) -> Q:
    """The audit events that name a person: what they did, what was done to their record, and
    every entry whose summary or changes name their staff number (found through its mentions)."""
    named = Q(object_type="person", object_id=str(person.pk)) | Q(
        pk__in=AuditMention.objects.filter(mentions_of(person)).values("event_id")
    )
    return named | Q(actor_id=person.user_id) if person.user_id else named


def mentions_of(person) -> Q:
    return Q(number=person.staff_number)


class AuditEventQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Save the entries and their mentions."""
        objs = super().bulk_create(objs, *args, **kwargs)
        AuditMention.objects.bulk_create(mentions_build((event.pk, event.summary, event.changes) for event in objs))
        return objs


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=50, help_text="Where the change came from: admin, api, import_people, ...")
    action = models.CharField(max_length=50, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    personal_data = PersonalData(
        about="An entry in the audit trail that names you: something you did, or something done to your record.",
        purpose="To show who changed what, when and why.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.AUDIT,
        counts_from="at",
        on_expiry=Expiry.DELETE,
        seen_by="Compliance administrators.",
        subject=named_in,
        identity=("actor",),
        free_text=("summary", "changes"),
        other=("at", "source", "action", "object_type", "object_id"),
    )

    objects = AuditEventQuerySet.as_manager()
    # A record, not content: Wagtail's "where is this used" has nothing to say of it.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        """An entry is written once, with its mentions (the trail is append-only; anonymising
        rewrites both, in `audit_names_erase`)."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            AuditMention.objects.bulk_create(mentions_build([(self.pk, self.summary, self.changes)]))


class AuditMention(models.Model):
    """A staff number an audit entry names (see `mentioned`), so that the entries naming someone
    are found through an index, not by reading the whole trail. Written with the entry; it goes
    with it."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="mentions")
    number = models.CharField(max_length=32, help_text="A staff number the entry names")

    personal_data = PersonalData(
        about="That an audit entry names your staff number: how the entries about you are found.",
        purpose="To find every audit entry that names a person, for subject access, erasure and legal holds.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.AUDIT,
        on_expiry=Expiry.KEEP,
        seen_by="Nobody: the product reads it to find audit entries.",
        subject=mentions_of,
        identity=("number",),
        other=("event",),
    )

    class Meta:
        indexes = [models.Index(fields=["number"], name="audit_mention_number")]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="audit_mention_once")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.number}"
