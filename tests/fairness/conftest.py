"""A small workforce whose fairness numbers are worked out by hand (see test_selectors.py).

Units: FORCE > ALPHA, BRAVO. Requirements R1 (course C1, module M1) and R2 (course C2, module
M2). Today is the real date; due dates are relative to it.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from compliance.access import Role
from compliance.equality.models import EqualityRecord
from compliance.models import Assignment, Exemption
from courses.models import Enrolment, Evaluation, KnowledgeCheckAttempt, ModulePage
from tests.compliance.factories import make_course, make_requirement
from tests.factories import make_person, make_unit


def add_assignment(person, requirement, *, due, state="open", satisfied_on=None, exempt_by=None, today=None):
    a = Assignment.objects.create(
        person=person,
        requirement=requirement,
        trigger="fixed_date",
        trigger_date=due - datetime.timedelta(days=60),
        due_date=due,
        state=state,
        satisfied_on=satisfied_on,
    )
    if exempt_by is not None:
        a.exemption = Exemption.objects.create(assignment=a, reason="Long-term leave", approved_by=exempt_by)
        a.save(update_fields=["exemption"])
    return a


def add_module(course, slug):
    return course.add_child(instance=ModulePage(title=slug.upper(), slug=slug))


def attempt(person, course, module, *, passed: bool):
    enrolment = Enrolment.objects.filter(user=person.user, course=course).first() or Enrolment.objects.create(
        user=person.user, course=course
    )
    return KnowledgeCheckAttempt.objects.create(
        enrolment=enrolment,
        module=module,
        correct=1 if passed else 0,
        total=1,
        score=100 if passed else 0,
        passed=passed,
    )


def evaluate(person, course, *, before: int, after: int):
    enrolment = Enrolment.objects.filter(user=person.user, course=course).first() or Enrolment.objects.create(
        user=person.user, course=course
    )
    return Evaluation.objects.create(
        enrolment=enrolment, course=course, overall=4, relevance=4, confidence_before=before, confidence_after=after
    )


def build_small_workforce():
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=30), today + datetime.timedelta(days=60)
    force = make_unit(code="FORCE", name="The Force", kind="force")
    alpha = make_unit(code="ALPHA", name="Alpha directorate", parent=force, kind="directorate")
    bravo = make_unit(code="BRAVO", name="Bravo directorate", parent=force, kind="directorate")
    analyst = make_person(username="di.analyst", unit=force, roles=[Role.DI_ANALYST])
    r1 = make_requirement(name="R1 Learning from our History", courses=["C1"])
    r2 = make_requirement(name="R2 Moral Courage", courses=["C2"])
    c1, c2 = make_course("C1"), make_course("C2")
    m1, m2 = add_module(c1, "m1"), add_module(c2, "m2")

    p1 = make_person(unit=alpha)
    p2 = make_person(unit=alpha)
    p3 = make_person(unit=bravo)
    p4 = make_person(unit=bravo)
    p5 = make_person(unit=alpha)
    EqualityRecord.objects.create(person=p1, sex="female", ethnicity="white")
    EqualityRecord.objects.create(person=p2, sex="female", ethnicity="asian")
    EqualityRecord.objects.create(person=p3, sex="male", ethnicity="prefer_not_to_say")
    # p4 has no record: "not recorded". p5 a blank one.
    EqualityRecord.objects.create(person=p5, sex="", ethnicity="")

    # p1: R1 done on time, R2 open and not yet due.
    add_assignment(p1, r1, due=past, state="satisfied", satisfied_on=past - datetime.timedelta(days=1))
    add_assignment(p1, r2, due=future)
    # p2: R1 done late, R2 done on time.
    add_assignment(p2, r1, due=past, state="satisfied", satisfied_on=past + datetime.timedelta(days=3))
    add_assignment(p2, r2, due=past, state="satisfied", satisfied_on=past)
    # p3: R1 exempt, R2 overdue.
    add_assignment(p3, r1, due=past, exempt_by=analyst.user)
    add_assignment(p3, r2, due=past)
    # p4: R1 withdrawn, R2 done late.
    add_assignment(p4, r1, due=past, state="withdrawn")
    add_assignment(p4, r2, due=past, state="satisfied", satisfied_on=today)
    # p5: R1 exempt only: in no completion or lateness denominator.
    add_assignment(p5, r1, due=past, exempt_by=analyst.user)

    # Knowledge checks: p1 fails then passes M1; p2 passes M1 and fails M2; p3 fails M1.
    attempt(p1, c1, m1, passed=False)
    attempt(p1, c1, m1, passed=True)
    attempt(p2, c1, m1, passed=True)
    attempt(p2, c2, m2, passed=False)
    attempt(p3, c1, m1, passed=False)
    # Evaluations: p1 more confident after C1; p3 the same; p2 less confident after C2.
    evaluate(p1, c1, before=2, after=4)
    evaluate(p3, c1, before=3, after=3)
    evaluate(p2, c2, before=4, after=2)
    return SimpleNamespace(
        today=today, force=force, alpha=alpha, bravo=bravo, analyst=analyst, r1=r1, r2=r2, people=[p1, p2, p3, p4, p5]
    )


@pytest.fixture
def small(db):
    return build_small_workforce()


def build_more_people(small, n: int) -> None:
    """More people of every kind, to show the query count does not grow."""
    import itertools

    from courses.models import CoursePage

    c1 = CoursePage.objects.get(course_code="C1")
    m1 = ModulePage.objects.get(slug="m1")
    for i, unit in zip(range(n), itertools.cycle([small.alpha, small.bravo]), strict=False):
        p = make_person(unit=unit)
        EqualityRecord.objects.create(person=p, religion=["none", "christian", "muslim"][i % 3])
        add_assignment(p, small.r1, due=small.today, state="satisfied", satisfied_on=small.today)
        add_assignment(p, small.r2, due=small.today - datetime.timedelta(days=1))
        attempt(p, c1, m1, passed=bool(i % 2))
        evaluate(p, c1, before=2, after=2 + i % 3)
