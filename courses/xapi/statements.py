"""xAPI 1.0.3 statements built from learning events: pure functions, no database writes.

Every statement's id is a UUID5 of its event key (what happened, to which attempt, enrolment
or session) and the site's address, so the same event always gives the same statement, and two
sites sharing an LRS never collide. The timestamp is the event's, fixed when the statement is
first recorded: a resend is byte for byte the statement the LRS may already hold.

The learner is an account on the site (`{"homePage": SITE_BASE_URL, "name": username}`): no
name and no email address leave the site. Activities are IRIs under
`SITE_BASE_URL/xapi/activities/`, stable across page moves and renames: a course by its
`course_code`, a module by its page id.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from courses.conf import lms_setting

# The namespace of every statement id this product makes (a UUID5 of its name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/inclusion-lms/xapi")
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
VERBS = ("launched", "initialized", "experienced", "answered", "passed", "failed", "completed", "terminated")
SCORM_PROFILE = "https://w3id.org/xapi/scorm"
INTERACTION_TYPES = frozenset(
    {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric"}
)
LANGUAGE = "en-GB"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class BuiltStatement:
    id: uuid.UUID
    event_key: str
    verb: str
    activity: str
    user_id: int
    statement: dict
    created_at: datetime.datetime


def home_page() -> str:
    return str(lms_setting("SITE_BASE_URL")).rstrip("/")


def statement_id(event_key: str) -> uuid.UUID:
    """The statement id of an event: the same key on the same site, the same id."""
    return uuid.uuid5(NAMESPACE, f"{home_page()}|{event_key}")


def registration(enrolment_id: int) -> str:
    """One enrolment (a learner's cycle of a course) is one xAPI registration."""
    return str(uuid.uuid5(NAMESPACE, f"{home_page()}|enrolment:{enrolment_id}"))


def timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def actor(user) -> dict:
    return {"objectType": "Agent", "account": {"homePage": home_page(), "name": user.get_username()}}


def verb(name: str) -> dict:
    return {"id": ADL_VERBS + name, "display": {"en-US": name}}


def _activity(iri: str, kind: str, name: str, **definition) -> dict:
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"type": ADL_ACTIVITIES + kind, "name": {LANGUAGE: name[:250] or "Untitled"}, **definition},
    }


def course_activity(course) -> dict:
    code = course.course_code or str(course.pk)
    return _activity(f"{home_page()}/xapi/activities/course/{quote(code, safe='')}", "course", course.title)


def module_activity(module) -> dict:
    return _activity(f"{home_page()}/xapi/activities/module/{module.pk}", "module", module.title)


def screen_activity(module, screen: int) -> dict:
    return _activity(
        f"{home_page()}/xapi/activities/module/{module.pk}/screen/{screen}",
        "lesson",
        f"{module.title}: screen {screen}",
    )


def sco_activity(module, step: dict) -> dict:
    identifier = quote(str(step.get("identifier", "")), safe="")
    return _activity(
        f"{home_page()}/xapi/activities/module/{module.pk}/sco/{identifier}", "lesson", step.get("title") or identifier
    )


def _context(*, enrolment_id: int, course, parent: list[dict], scorm: bool = False) -> dict:
    context = {
        "registration": registration(enrolment_id),
        "contextActivities": {"parent": parent, "grouping": [course_activity(course)]},
        "platform": "inclusion-lms",
        "language": LANGUAGE,
    }
    if scorm:
        context["contextActivities"]["category"] = [
            {"objectType": "Activity", "id": SCORM_PROFILE, "definition": {"type": ADL_ACTIVITIES + "profile"}}
        ]
    return context


def _scaled(value: Decimal) -> float:
    return float(min(max(value, Decimal(-1)), Decimal(1)).quantize(Decimal("0.0000001")))


def build(
    *,
    event_key: str,
    name: str,
    user,
    activity: dict,
    moment: datetime.datetime,
    context: dict,
    result: dict | None = None,
) -> BuiltStatement:
    if name not in VERBS:
        raise ValueError(f"unknown verb {name!r}")
    sid = statement_id(event_key)
    statement = {
        "id": str(sid),
        "actor": actor(user),
        "verb": verb(name),
        "object": activity,
        "context": context,
        "timestamp": timestamp(moment),
        "version": "1.0.3",
    }
    if result:
        statement["result"] = result
    return BuiltStatement(
        id=sid,
        event_key=event_key,
        verb=name,
        activity=activity["id"],
        user_id=user.pk,
        statement=statement,
        created_at=moment,
    )


# Native modules ------------------------------------------------------------------------------


def module_launched(*, enrolment, module, moment) -> BuiltStatement:
    return build(
        event_key=f"enrolment:{enrolment.pk}:module:{module.pk}:launched",
        name="launched",
        user=enrolment.user,
        activity=module_activity(module),
        moment=moment,
        context=_context(
            enrolment_id=enrolment.pk, course=enrolment.course, parent=[course_activity(enrolment.course)]
        ),
    )


def screen_experienced(*, enrolment, module, screen: int, moment) -> BuiltStatement:
    """A screen of a native module seen (once per screen and enrolment: going back is not news)."""
    return build(
        event_key=f"enrolment:{enrolment.pk}:module:{module.pk}:screen:{screen}:experienced",
        name="experienced",
        user=enrolment.user,
        activity=screen_activity(module, screen),
        moment=moment,
        context=_context(enrolment_id=enrolment.pk, course=enrolment.course, parent=[module_activity(module)]),
    )


def question_activity(module, question: dict) -> dict:
    return _activity(
        f"{home_page()}/xapi/activities/module/{module.pk}/question/{quote(question['id'], safe='')}",
        "cmi.interaction",
        question["prompt"],
        interactionType="choice",
        choices=[
            {"id": str(index), "description": {LANGUAGE: text[:250]}} for index, text in enumerate(question["options"])
        ],
        correctResponsesPattern=["[,]".join(str(index) for index in sorted(question["correct"]))],
    )


def knowledge_check_statements(*, attempt, questions: list[dict]) -> list[BuiltStatement]:
    """Each question answered (the options chosen, right or wrong), then the check passed or
    failed with its score."""
    enrolment, module, moment = attempt.enrolment, attempt.module, attempt.submitted_at
    context = _context(enrolment_id=enrolment.pk, course=enrolment.course, parent=[module_activity(module)])
    built = []
    for question in questions:
        chosen = attempt.answers.get(question["id"], [])
        built.append(
            build(
                event_key=f"kc-attempt:{attempt.pk}:question:{question['id']}:answered",
                name="answered",
                user=enrolment.user,
                activity=question_activity(module, question),
                moment=moment,
                context=context,
                result={
                    "response": "[,]".join(str(index) for index in chosen),
                    "success": bool(attempt.results.get(question["id"])),
                },
            )
        )
    outcome = "passed" if attempt.passed else "failed"
    built.append(
        build(
            event_key=f"kc-attempt:{attempt.pk}:{outcome}",
            name=outcome,
            user=enrolment.user,
            activity=module_activity(module),
            moment=moment,
            context=_context(
                enrolment_id=enrolment.pk, course=enrolment.course, parent=[course_activity(enrolment.course)]
            ),
            result={
                "score": {
                    "scaled": _scaled(attempt.score / HUNDRED),
                    "raw": attempt.correct,
                    "min": 0,
                    "max": attempt.total,
                },
                "success": attempt.passed,
            },
        )
    )
    return built


def module_completed(*, enrolment, module, moment) -> BuiltStatement:
    return build(
        event_key=f"enrolment:{enrolment.pk}:module:{module.pk}:completed",
        name="completed",
        user=enrolment.user,
        activity=module_activity(module),
        moment=moment,
        context=_context(
            enrolment_id=enrolment.pk, course=enrolment.course, parent=[course_activity(enrolment.course)]
        ),
        result={"completion": True},
    )


def course_completed(*, enrolment, completion) -> BuiltStatement:
    result: dict = {"completion": True}
    if completion.score is not None:
        result["score"] = {"scaled": _scaled(completion.score / HUNDRED)}
    return build(
        event_key=f"completion:{completion.pk}:completed",
        name="completed",
        user=enrolment.user,
        activity=course_activity(enrolment.course),
        moment=completion.completed_at,
        context=_context(enrolment_id=enrolment.pk, course=enrolment.course, parent=[]),
        result=result,
    )


# SCORM ---------------------------------------------------------------------------------------


def _scorm_context(attempt, module) -> dict:
    return _context(
        enrolment_id=attempt.enrolment_id, course=attempt.enrolment.course, parent=[module_activity(module)], scorm=True
    )


def _scorm(attempt, step, module, *, key: str, name: str, moment, result=None, activity=None) -> BuiltStatement:
    return build(
        event_key=f"scorm-attempt:{attempt.pk}:{key}",
        name=name,
        user=attempt.enrolment.user,
        activity=activity or sco_activity(module, step),
        moment=moment,
        context=_scorm_context(attempt, module),
        result=result,
    )


def scorm_session_started(*, attempt, step: dict, module, moment) -> list[BuiltStatement]:
    """A SCO launched and initialized (an asset, which calls no API, is experienced)."""
    session = attempt.sessions
    if step.get("scorm_type") != "sco":
        return [_scorm(attempt, step, module, key=f"session:{session}:experienced", name="experienced", moment=moment)]
    return [
        _scorm(attempt, step, module, key=f"session:{session}:launched", name="launched", moment=moment),
        _scorm(attempt, step, module, key=f"session:{session}:initialized", name="initialized", moment=moment),
    ]


def _scorm_score(attempt) -> dict | None:
    from courses.scorm.runtime import percent

    if attempt.score_scaled is not None:
        scaled = Decimal(attempt.score_scaled)
    else:
        value = percent(
            score_scaled=None, score_raw=attempt.score_raw, score_min=attempt.score_min, score_max=attempt.score_max
        )
        if value is None:
            return None
        scaled = value / HUNDRED
    score: dict = {"scaled": _scaled(scaled)}
    raw, low, high = attempt.score_raw, attempt.score_min, attempt.score_max
    if raw is not None and (low is None or low <= raw) and (high is None or raw <= high):
        score["raw"] = float(raw)
        if low is not None:
            score["min"] = float(low)
        if high is not None:
            score["max"] = float(high)
    return score


def _duration(seconds) -> str:
    return f"PT{Decimal(seconds).quantize(Decimal('0.01'))}S"


def _interaction_activity(module, step: dict, interaction: dict) -> dict:
    kind = interaction.get("type") or ""
    sco = sco_activity(module, step)["id"]
    return _activity(
        f"{sco}/interaction/{quote(interaction['id'], safe='')}",
        "cmi.interaction",
        interaction.get("description") or interaction["id"],
        interactionType=kind if kind in INTERACTION_TYPES else "other",
    )


def scorm_commit_statements(*, attempt, step: dict, module, terminate: bool, moment) -> list[BuiltStatement]:
    """What a Commit or Terminate adds: each interaction of this session answered, the SCO passed
    or failed (once each), completed (once), and terminated (once per session)."""
    session = attempt.sessions
    built = []
    for interaction in attempt.interactions:
        if interaction.get("session") != session:
            continue
        result: dict = {"response": interaction.get("response") or ""}
        if interaction.get("result") == "correct":
            result["success"] = True
        elif interaction.get("result") in ("incorrect", "wrong"):
            result["success"] = False
        if interaction.get("latency_seconds"):
            result["duration"] = _duration(interaction["latency_seconds"])
        built.append(
            _scorm(
                attempt,
                step,
                module,
                key=f"session:{session}:interaction:{interaction.get('index', 0)}:{interaction['id']}:answered",
                name="answered",
                moment=moment,
                result=result,
                activity=_interaction_activity(module, step, interaction),
            )
        )
    score = _scorm_score(attempt)
    if attempt.success_status in ("passed", "failed"):
        result = {"success": attempt.success_status == "passed"}
        if score:
            result["score"] = score
        built.append(
            _scorm(
                attempt,
                step,
                module,
                key=attempt.success_status,
                name=attempt.success_status,
                moment=moment,
                result=result,
            )
        )
    if attempt.completion_status in ("completed", "passed"):
        result = {"completion": True}
        if score:
            result["score"] = score
        built.append(_scorm(attempt, step, module, key="completed", name="completed", moment=moment, result=result))
    if terminate:
        result = {"duration": _duration(attempt.session_seconds or 0)}
        built.append(
            _scorm(
                attempt,
                step,
                module,
                key=f"session:{session}:terminated",
                name="terminated",
                moment=moment,
                result=result,
            )
        )
    return built
