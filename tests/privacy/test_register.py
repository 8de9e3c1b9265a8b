"""The register of personal data stays true: every model of the product has an entry beside it,
every field of a model holding personal data is placed in it once, and every entry can find one
person's rows. A model or field added without its place fails here, naming what to do."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from compliance.equality.models import EqualityRecord
from compliance.people.models import Person
from compliance.privacy.selectors import subject_q
from courses.privacy import Category, NoPersonalData, PersonalData, Retention, product_models, register

MODELS = product_models()


def _own_fields(model) -> set[str]:
    meta = model._meta
    concrete = {f.name for f in meta.local_concrete_fields if not f.primary_key}
    return concrete | {f.name for f in meta.local_many_to_many}


def test_the_register_covers_every_app_of_the_product():
    labels = {m._meta.app_label for m in MODELS}
    assert {"courses", "people", "equality", "compliance", "reminders", "talent", "xapi", "privacy"} <= labels
    assert len(MODELS) > 50


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_says_what_it_holds_about_people(model):
    entry = getattr(model, "personal_data", None)
    assert isinstance(entry, PersonalData | NoPersonalData), (
        f"{model._meta.label} has no `personal_data`: give it a PersonalData (courses/privacy.py) or "
        "NoPersonalData('why it holds none')"
    )
    if isinstance(entry, NoPersonalData):
        assert entry.reason.strip()
        return
    listed = entry.classified()
    twice = {name for name in listed if listed.count(name) > 1}
    assert not twice, f"{model._meta.label}: {sorted(twice)} listed more than once in its register entry"
    unclassified = _own_fields(model) - set(listed)
    assert not unclassified, (
        f"{model._meta.label}: the fields {sorted(unclassified)} have no place in its register entry: list each "
        "under identity, training, free_text or special, or under other if it says nothing about a person"
    )
    unknown = set(listed) - _own_fields(model)
    assert not unknown, f"{model._meta.label}: its register entry names {sorted(unknown)}, which it does not have"
    assert entry.about.strip() and entry.purpose.strip() and entry.seen_by.strip()
    assert isinstance(entry.retention, Retention)


@pytest.mark.parametrize("entry", [e for e in register() if e.subject], ids=lambda e: e.model._meta.label)
def test_every_subject_finds_a_persons_rows(entry):
    subject = entry.subject
    person = Person(pk=1, staff_number="A1", user_id=2)
    if callable(subject):
        assert isinstance(subject(person), Q)
        return
    for path in (subject,) if isinstance(subject, str) else subject:
        model = entry.model
        for name in path.split("__"):
            if name != "pk":
                model = model._meta.get_field(name).related_model
        assert model in (Person, get_user_model()), f"{entry.model._meta.label}: {path} ends at {model}"
    assert isinstance(subject_q(entry, person), Q)


def test_the_special_category_is_the_equality_record_and_the_self_declaration_alone():
    special = {e.model._meta.label: set(e.special) for e in register() if e.special}
    assert special == {
        "equality.EqualityRecord": {"sex", "ethnicity", "disability", "sexual_orientation", "religion", "age_band"},
        "talent.SelfDeclaration": {"answer"},
    }
    entry = EqualityRecord.personal_data
    assert entry.categories()[Category.SPECIAL] == entry.special


def test_register_gives_each_entry_its_model():
    entries = register()
    assert all(e.model is not None for e in entries)
    assert {e.model for e in entries} == {
        m for m in MODELS if isinstance(getattr(m, "personal_data", None), PersonalData)
    }
