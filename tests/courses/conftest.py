import pytest

from courses.content import add_module

CHECK = (
    "check",
    [
        (
            "Which is an example of moral courage?",
            "single",
            [("Staying silent to keep the peace", False), ("Challenging a colleague's offensive joke", True)],
            "<p>Challenging behaviour when it is uncomfortable is moral courage.</p>",
        ),
        (
            "Which help build an inclusive team?",
            "multiple",
            [("Listening to every voice", True), ("Ignoring banter", False), ("Acting on concerns", True)],
            "<p>Listening and acting on concerns build trust.</p>",
        ),
    ],
)

MODULE_ONE = [
    ("Why it matters", [("text", "<p>Teams do their best work when everyone belongs.</p>")]),
    (
        "A dilemma",
        [
            (
                "scenario",
                "The group chat",
                "<p>A joke is shared in the team chat.</p>",
                "What would you do?",
                [("Say nothing", "<p>Silence can read as approval.</p>"), ("Speak to them", "<p>Often best.</p>")],
                "<p>There is rarely one right answer.</p>",
            ),
            ("reflect", "When did you last see someone challenge behaviour?"),
        ],
    ),
    ("Check your understanding", [CHECK]),
]
MODULE_TWO = [
    ("Being a role model", [("text", "<p>People copy what leaders do.</p>")]),
    ("Support", [("callout", "support", "Support", "<p>Talk to the staff networks.</p>")]),
]


def make_course(*, code="MC-STAGE-3", delivery_mode="online", parent=None, modules=(MODULE_ONE, MODULE_TWO), **fields):
    from courses.models import CatalogueIndexPage, CoursePage

    parent = parent or CatalogueIndexPage.objects.get()
    course = CoursePage(
        title=fields.pop("title", f"Course {code}"),
        slug=code.lower(),
        course_code=code,
        summary="A course.",
        delivery_mode=delivery_mode,
        **fields,
    )
    parent.add_child(instance=course)
    course.save_revision().publish()
    course.refresh_from_db()
    for number, screens in enumerate(modules, start=1):
        add_module(course=course, slug=f"module-{number}", title=f"Module {number}", screens=screens)
    return course


@pytest.fixture
def course(db):
    return make_course()


@pytest.fixture
def modules(course):
    from courses.models import ModulePage

    return list(ModulePage.objects.child_of(course).order_by("path"))


def correct_answers(module) -> dict:
    from courses.blocks import knowledge_check_questions

    return {q["id"]: sorted(q["correct"]) for q in knowledge_check_questions(module.body)}


def wrong_answers(module) -> dict:
    from courses.blocks import knowledge_check_questions

    answers = {}
    for q in knowledge_check_questions(module.body):
        wrong = next(i for i in range(len(q["options"])) if i not in q["correct"])
        answers[q["id"]] = [wrong]
    return answers


def post_answers(client, module, answers):
    data = {f"q-{qid}": [str(i) for i in chosen] for qid, chosen in answers.items()}
    return client.post(f"/learning/modules/{module.pk}/check/", data)
