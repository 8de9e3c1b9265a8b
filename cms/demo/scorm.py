"""The demo's SCORM course: one SCORM 1.2 module and one SCORM 2004 module, from packages
written for the demo (`cms/demo/scorm/`), zipped here as an authoring tool would export them.
Loaded with the rest of the demo and by the tests; no network is needed."""

import io
import zipfile
from pathlib import Path

from django.db import transaction

from courses.models import CatalogueIndexPage, CoursePage, Topic
from courses.models.scorm import ScormModulePage
from courses.services.scorm import scorm_package_create

SOURCES = Path(__file__).with_name("scorm")
RESPECT_12 = "respect-1.2"
MICROAGGRESSIONS_2004 = "microaggressions-2004"
COURSE_CODE = "EVERYDAY-RESPECT-ELEARNING"
# A fixed time for every entry, so the same sources always give the same zip.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def package_zip(name: str) -> bytes:
    """The package `name` (a folder of cms/demo/scorm/) with the shared script and stylesheet."""
    buffer = io.BytesIO()
    files = sorted(p for p in (SOURCES / name).rglob("*") if p.is_file())
    common = sorted(p for p in (SOURCES / "common").iterdir() if p.is_file())
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.writestr(zipfile.ZipInfo(path.relative_to(SOURCES / name).as_posix(), ZIP_TIME), path.read_bytes())
        for path in common:
            archive.writestr(zipfile.ZipInfo(path.name, ZIP_TIME), path.read_bytes())
    return buffer.getvalue()


def add_scorm_module(
    *,
    course: CoursePage,
    name: str,
    slug: str,
    title: str,
    summary: str,
    minutes: int = 15,
    completion_rule: str = "completed",
) -> ScormModulePage:
    package = scorm_package_create(upload=io.BytesIO(package_zip(name)))
    module = ScormModulePage(
        title=title,
        slug=slug,
        summary=summary,
        estimated_minutes=minutes,
        package=package,
        completion_rule=completion_rule,
    )
    course.add_child(instance=module)
    module.save_revision().publish()
    module.refresh_from_db()
    return module


@transaction.atomic
def load_scorm_demo(*, stdout) -> CoursePage | None:
    """A standalone course of two SCORM modules under the catalogue; skipped if already there."""
    if CoursePage.objects.filter(course_code=COURSE_CODE).exists():
        return None
    catalogue = CatalogueIndexPage.objects.get()
    topic, _ = Topic.objects.get_or_create(slug="respect-at-work", defaults={"name": "Respect at work"})
    course = CoursePage(
        title="Everyday respect (e-learning packages)",
        slug="everyday-respect",
        course_code=COURSE_CODE,
        summary=(
            "Two short e-learning packages of the kind forces already hold: one in SCORM 1.2, one in SCORM 2004, "
            "played here with your progress kept."
        ),
        audience="Everyone",
        topic=topic,
        estimated_minutes=25,
        reflection_weeks="",
    )
    catalogue.add_child(instance=course)
    course.save_revision().publish()
    course.refresh_from_db()
    add_scorm_module(
        course=course,
        name=RESPECT_12,
        slug="respect-at-work",
        title="Respect at work",
        summary="A SCORM 1.2 package: a scenario and a short quiz (pass mark 80%).",
        completion_rule="passed",
    )
    add_scorm_module(
        course=course,
        name=MICROAGGRESSIONS_2004,
        slug="everyday-exclusion",
        title="Everyday exclusion",
        summary="A SCORM 2004 package in two parts: read the three pages, then pass the quiz (80%).",
    )
    stdout.write("Loaded the SCORM course (one SCORM 1.2 and one SCORM 2004 module).")
    return course
