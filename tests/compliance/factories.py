"""Courses and requirements for compliance tests."""

import datetime

from compliance.models import Requirement
from courses.models import CatalogueIndexPage, CoursePage


def make_course(code: str, title: str | None = None) -> CoursePage:
    existing = CoursePage.objects.filter(course_code=code).first()
    if existing:
        return existing
    page = CoursePage(title=title or code.replace("-", " ").title(), course_code=code, slug=code.lower())
    CatalogueIndexPage.objects.get().add_child(instance=page)
    return page


def make_requirement(*, courses=("COURSE-1",), **fields) -> Requirement:
    fields.setdefault("name", f"Requirement {Requirement.objects.count() + 1}")
    fields.setdefault("active_from", datetime.date(2020, 1, 1))
    requirement = Requirement.objects.create(**fields)
    requirement.courses.set([make_course(c) if isinstance(c, str) else c for c in courses])
    return requirement


# Every course the demo's requirements name.
DEMO_COURSE_CODES = [
    "MC-STAGE-1",
    "MC-STAGE-2-XXL",
    "MC-STAGE-3",
    "CHAMPIONING-FAIRNESS",
    "LFOH-STUDENT",
    "LFOH-STAFF",
    "LFOH-OFFICER",
    "INTEGRITY-HEALTH-CHECK",
    "ASSESSOR-INCLUSION",
    "EQUALITY-ASSESSMENT",
    "DILEMMA-OF-THE-MONTH",
]


def make_demo_force(people: int, courses=DEMO_COURSE_CODES) -> None:
    """The demo's units, people and personas, and a bare page for each of these courses."""
    from cms.demo.force import build_force
    from cms.management.commands.load_demo import Command
    from compliance.importing.people import import_people
    from compliance.importing.units import import_units

    force = build_force(people=people, seed=1)
    import_units(force.units_csv(), source="test")
    import_people(force.people_csv(), source="test")
    Command()._make_personas(force.personas)
    for code in courses:
        make_course(code)
