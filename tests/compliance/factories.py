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
