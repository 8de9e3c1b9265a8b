"""Factories for people and organisation. Use `make_person(manager=...)` to build trees:
it keeps the line-management path right, as the services do."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from compliance.people.models import OrgUnit, Person
from compliance.people.models.organisation import line_path_segment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@force.example")
    password = factory.django.Password("password-for-tests")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))


_unit_counter = iter(range(1, 10**9))


def make_unit(*, code: str | None = None, name: str | None = None, parent: OrgUnit | None = None, kind: str = "team"):
    code = code or f"U{next(_unit_counter)}"
    fields = {"code": code, "name": name or f"Unit {code}", "kind": kind}
    return parent.add_child(**fields) if parent else OrgUnit.add_root(**fields)


class OrgUnitFactory:
    """Treebeard nodes must be created through add_root/add_child; see make_unit."""

    create = staticmethod(make_unit)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    staff_number = factory.Sequence(lambda n: f"{200000 + n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda p: f"{p.staff_number}@force.example")
    worker_type = "police_officer"
    rank_or_grade = "Constable"
    leadership_level = "none"
    unit = factory.LazyFunction(lambda: OrgUnit.objects.first() or make_unit(code="FORCE", kind="force"))
    start_date = datetime.date(2015, 4, 1)
    role_start_date = factory.LazyAttribute(lambda p: p.start_date)


def make_person(*, manager: Person | None = None, username: str | None = None, roles=(), **fields) -> Person:
    """A person placed in the line-management tree under `manager`."""
    user = UserFactory(username=username, roles=list(roles)) if username else UserFactory(roles=list(roles))
    person = PersonFactory(user=user, line_manager=manager, **fields)
    person.line_path = (manager.line_path if manager else "") + line_path_segment(person.pk)
    person.save(update_fields=["line_path"])
    return person
