"""Demo catalogue content, loaded by `load_demo`: the programmes and courses of the force's
inclusion training, face-to-face sessions, and the L&D approval workflow."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.demo.content import PROGRAMMES, STANDALONE_COURSES, TOPICS
from courses.content import add_module, overview_json
from courses.editorial import editorial_setup
from courses.models import CatalogueIndexPage, CoursePage, FaceToFaceSession, ProgrammePage, Topic


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _add_course(parent, spec: dict, topics: dict[str, Topic]) -> CoursePage:
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        course_code=spec["code"],
        programme_label=spec.get("label", ""),
        summary=spec["summary"],
        learning_outcomes=spec["outcomes"],
        audience=spec["audience"],
        topic=topics[spec["topic"]],
        delivery_mode=spec["mode"],
        estimated_minutes=spec["minutes"],
        face_to_face_description=spec.get("f2f", ""),
        reflection_weeks=spec.get("reflection_weeks", "2, 6, 12"),
        manager_observation_days=spec.get("manager_observation_days"),
    )
    course.audience_tags.add(*spec["tags"])
    parent.add_child(instance=course)
    _publish(course)
    for module in spec["modules"]:
        add_module(
            course=course,
            slug=module["slug"],
            title=module["title"],
            summary=module["summary"],
            minutes=module["minutes"],
            screens=module["screens"],
        )
    return course


def _sessions(courses: dict[str, CoursePage]) -> int:
    facilitator = get_user_model().objects.filter(username="ld.editor").first()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour, minute), tz)

    stage1 = courses["MC-STAGE-1"]
    sessions = [
        FaceToFaceSession(
            course=stage1,
            starts_at=at(7, 9, 30),
            ends_at=at(7, 13),
            venue="Lloyd House, Birmingham: training room 4",
            capacity=12,
            facilitator=facilitator,
            notes="Step-free access from Colmore Circus. Bring a scenario from your own team if you can.",
        ),
        FaceToFaceSession(
            course=stage1,
            starts_at=at(14, 13, 30),
            ends_at=at(14, 17),
            venue="Coventry Central: conference room",
            capacity=12,
            facilitator=facilitator,
        ),
        FaceToFaceSession(
            course=stage1,
            starts_at=at(21, 9, 30),
            ends_at=at(21, 13),
            online_link="https://meet.force.example/moral-courage-stage-1",
            capacity=2,
            facilitator=facilitator,
            notes="Online session for those on rest days or part-time patterns. Cameras on if you can.",
        ),
        FaceToFaceSession(
            course=courses["MC-STAGE-2-XXL"],
            starts_at=at(30, 9),
            ends_at=at(30, 16, 30),
            venue="Tally Ho training centre: main hall",
            capacity=80,
            facilitator=facilitator,
            notes="Lunch provided. Tell L&D about any dietary or access requirements.",
        ),
    ]
    FaceToFaceSession.objects.bulk_create(sessions)
    return len(sessions)


@transaction.atomic
def load_catalogue_demo(*, seed: int, stdout) -> None:
    """Create the demo programmes and courses under /training/. Deterministic (the seed
    is not needed: the content is written, not generated); skipped if already loaded."""
    catalogue = CatalogueIndexPage.objects.get()
    if CoursePage.objects.filter(course_code="MC-STAGE-1").exists():
        stdout.write("The demo catalogue is already loaded.")
        return
    topics = {slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in TOPICS}
    courses: dict[str, CoursePage] = {}
    for programme_spec, course_specs in PROGRAMMES:
        programme = ProgrammePage(
            title=programme_spec["title"],
            slug=programme_spec["slug"],
            intro=programme_spec["intro"],
            topic=topics[programme_spec["topic"]],
            body=overview_json(key=programme_spec["slug"], items=programme_spec["body"]),
        )
        catalogue.add_child(instance=programme)
        _publish(programme)
        for spec in course_specs:
            courses[spec["code"]] = _add_course(programme, spec, topics)
    for spec in STANDALONE_COURSES:
        courses[spec["code"]] = _add_course(catalogue, spec, topics)
    sessions = _sessions(courses)
    editorial_setup(catalogue=catalogue)
    stdout.write(f"Loaded {len(courses)} courses in {len(PROGRAMMES)} programmes, and {sessions} sessions.")
