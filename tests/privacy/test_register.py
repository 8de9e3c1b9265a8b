"""The register of personal data stays true: every model of the product has an entry beside it,
every field of a model holding personal data is placed in it once, and every entry can find one
person's rows. A model or field added without its place fails here, naming what to do."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from compliance.equality.models import CHARACTERISTICS, EqualityRecord
from compliance.people.models import Person
from compliance.privacy.selectors import subject_q
from courses.privacy import (
    Basis,
    Category,
    NoPersonalData,
    PersonalData,
    Retention,
    personal_data_of,
    product_models,
    register,
)

MODELS = product_models()
ENTRIES = [m for m in MODELS if isinstance(personal_data_of(m), PersonalData)]


def _label(model) -> str:
    return model._meta.label


def _own_fields(model) -> set[str]:
    """The model's own fields: local concrete ones and local many-to-many ones, without the auto
    primary key or the link to a parent model (a Wagtail page's `page_ptr`)."""
    meta = model._meta
    concrete = {f.name for f in meta.local_concrete_fields if not f.primary_key}
    return concrete | {f.name for f in meta.local_many_to_many}


def _paths(subject) -> tuple[str, ...]:
    return (subject,) if isinstance(subject, str) else tuple(subject)


def _entry_of(model) -> PersonalData:
    (entry,) = [e for e in register() if e.model is model]
    return entry


def _people() -> list[Person]:
    """Unsaved people, one with a login account and one without."""
    return [
        Person(pk=1, staff_number="A1", first_name="Alex", email="alex@example.police.uk", user_id=2),
        Person(pk=3, staff_number="B2", first_name="Sam", email=""),
    ]


def test_the_register_covers_every_app_of_the_product():
    labels = {m._meta.app_label for m in MODELS}
    assert {"courses", "audit", "people", "equality", "compliance", "observations", "reminders"} <= labels
    assert {"fairness", "talent", "xapi", "privacy"} <= labels
    assert len(MODELS) > 50


def test_the_sign_in_records_and_sessions_of_the_libraries_are_in_the_register():
    """django-axes keeps each password sign-in (username, address, browser) and Django each
    session: both are personal data, found by person where they can be, and deleted in time."""
    entries = {entry.model._meta.label: entry for entry in register()}
    for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
        assert entries[label].retention == Retention.SIGN_IN_RECORDS and entries[label].counts_from == "attempt_time"
        assert "ip_address" in entries[label].identity
    assert entries["sessions.Session"].retention == Retention.SIGN_IN
    assert entries["sessions.Session"].counts_from == "expire_date"


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_every_model_says_what_it_holds_about_people(model):
    entry = personal_data_of(model)
    assert isinstance(entry, PersonalData | NoPersonalData), (
        f"{_label(model)} has no `personal_data`: give it a PersonalData (courses/privacy.py) listing its fields, "
        "or NoPersonalData('why it holds none')"
    )
    if isinstance(entry, NoPersonalData):
        assert isinstance(entry.reason, str) and entry.reason.strip(), (
            f"{_label(model)}: NoPersonalData needs its reason in plain words"
        )


@pytest.mark.parametrize("model", ENTRIES, ids=_label)
def test_every_field_has_one_place_in_the_entry(model):
    entry = personal_data_of(model)
    listed = entry.classified()
    twice = sorted({name for name in listed if listed.count(name) > 1})
    assert not twice, f"{_label(model)}: {twice} listed more than once in its `personal_data`: keep each in one place"
    own = _own_fields(model)
    unclassified = sorted(own - set(listed))
    assert not unclassified, (
        f"{_label(model)}: the fields {unclassified} have no place in its `personal_data`: list each under "
        "identity, training, free_text or special, or under other if it says nothing about a person on its own"
    )
    unknown = sorted(set(listed) - own)
    assert not unknown, (
        f"{_label(model)}: its `personal_data` names {unknown}, which are not its own fields (use the field's "
        "name, not its column: 'user', not 'user_id'; the id and page_ptr are not listed)"
    )


@pytest.mark.parametrize("model", ENTRIES, ids=_label)
def test_every_entry_says_what_why_how_long_and_who(model):
    entry = personal_data_of(model)
    for name in ("about", "purpose", "seen_by"):
        value = getattr(entry, name)
        assert isinstance(value, str) and value.strip(), f"{_label(model)}: `{name}` must say it in plain words"
    assert isinstance(entry.retention, Retention), f"{_label(model)}: retention must be a Retention member"
    assert isinstance(entry.basis, Basis), f"{_label(model)}: basis must be a Basis member"


@pytest.mark.parametrize("model", ENTRIES, ids=_label)
def test_every_subject_finds_a_persons_rows(model):
    entry = _entry_of(model)
    subject = entry.subject
    if not subject:
        # An HR file as sent names many people; a session is stored encoded.
        assert model._meta.label in ("compliance.ImportJob", "sessions.Session"), (
            f"{_label(model)}: its `personal_data` has no subject: give the path to the person it is about"
        )
        return
    if callable(subject):
        for person in _people():
            assert isinstance(subject(person), Q), f"{_label(model)}: its subject must return a Q for any person"
        return
    for path in _paths(subject):
        target = model
        for name in path.split("__"):
            if name == "pk":
                continue
            field = target._meta.get_field(name)
            assert field.is_relation, f"{_label(model)}: subject {path!r}: {name} is not a relation"
            target = field.related_model
        assert target in (Person, get_user_model()), (
            f"{_label(model)}: subject {path!r} ends at {target._meta.label}, not at a person or a login account"
        )
    with_account, without_account = _people()
    assert isinstance(subject_q(entry, with_account), Q)
    where = subject_q(entry, without_account)
    assert where is None or isinstance(where, Q)


@pytest.mark.django_db
def test_an_audit_event_is_found_by_actor_record_and_staff_number():
    from compliance.audit.models import AuditEvent
    from compliance.audit.services import audit_event_record
    from tests.factories import make_person

    ann = make_person(username="ann", staff_number="A1")
    other = make_person(staff_number="B2")
    by_her = AuditEvent.objects.create(actor=ann.user, source="admin", action="x", object_type="unit", object_id="1")
    about_her = audit_event_record(action="x", obj=ann, summary="Moved", source="admin")
    naming_her = audit_event_record(action="x", obj=other, summary="Line manager Ann (A1)", source="admin")
    not_her = audit_event_record(action="x", obj=other, summary="Line manager Bo (A10)", source="admin")
    found = set(AuditEvent.objects.filter(AuditEvent.personal_data.subject(ann)).values_list("pk", flat=True))
    assert found == {by_her.pk, about_her.pk, naming_her.pk}
    assert not_her.pk not in found


def test_the_special_category_is_the_equality_record_and_the_self_declaration_alone():
    special = {e.model._meta.label: set(e.special) for e in register() if e.special}
    assert special == {
        "equality.EqualityRecord": set(CHARACTERISTICS),
        "talent.SelfDeclaration": {"answer"},
    }
    entry = EqualityRecord.personal_data
    assert set(entry.categories()[Category.SPECIAL]) == set(CHARACTERISTICS) == set(entry.special)
    assert entry.basis == Basis.EQUALITY_MONITORING


def test_register_gives_each_entry_its_model():
    entries = register()
    assert all(e.model is not None for e in entries)
    assert [e.model for e in entries] == ENTRIES
    for entry in entries:
        assert entry == personal_data_of(entry.model)
