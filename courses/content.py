"""Build course pages from plain Python descriptions: used by the demo content and tests.

A module is described as screens of items; ids are derived from the course code, module
slug and position, so the same description always gives the same StreamField data.

Items:
    ("text", "<p>html</p>")
    ("callout", kind, heading, "<p>html</p>")          kind: support, signpost, important
    ("scenario", heading, "<p>situation</p>", question, [(option, "<p>feedback</p>"), ...], "<p>debrief</p>")
    ("check", [(prompt, "single"|"multiple", [(option text, is_correct), ...], "<p>explanation</p>"), ...])
    ("reflect", prompt)
"""

import json
import uuid

NAMESPACE = uuid.UUID("6f1d9a38-63a4-4a8e-9a55-3c3f8f0a2b10")


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _item(key: str, item: tuple) -> dict:
    kind = item[0]
    if kind == "text":
        return {"type": "rich_text", "id": _id(key), "value": item[1]}
    if kind == "callout":
        _, callout_kind, heading, body = item
        return {"type": "callout", "id": _id(key), "value": {"kind": callout_kind, "heading": heading, "body": body}}
    if kind == "scenario":
        _, heading, situation, question, options, debrief = item
        return {
            "type": "scenario",
            "id": _id(key),
            "value": {
                "heading": heading,
                "situation": situation,
                "question": question,
                "options": [
                    {"type": "item", "id": _id(key, i), "value": {"text": text, "feedback": feedback}}
                    for i, (text, feedback) in enumerate(options)
                ],
                "debrief": debrief,
            },
        }
    if kind == "check":
        return {
            "type": "knowledge_check",
            "id": _id(key),
            "value": {
                "heading": "Check your understanding",
                "questions": [
                    {
                        "type": "item",
                        "id": _id(key, "q", qi),
                        "value": {
                            "prompt": prompt,
                            "kind": question_kind,
                            "options": [
                                {"type": "item", "id": _id(key, "q", qi, oi), "value": {"text": t, "is_correct": ok}}
                                for oi, (t, ok) in enumerate(options)
                            ],
                            "explanation": explanation,
                        },
                    }
                    for qi, (prompt, question_kind, options, explanation) in enumerate(item[1])
                ],
            },
        }
    if kind == "reflect":
        return {
            "type": "reflection",
            "id": _id(key),
            "value": {
                "prompt": item[1],
                "hint": "Only you can see what you write here. It is saved to your account.",
            },
        }
    raise ValueError(f"unknown content item {kind!r}")


def module_body_json(*, course_code: str, module_slug: str, screens: list[tuple[str, list[tuple]]]) -> str:
    """The raw StreamField JSON for a module's screens."""
    body = []
    for si, (title, items) in enumerate(screens):
        key = f"{course_code}/{module_slug}/{si}"
        body.append(
            {
                "type": "screen",
                "id": _id(key),
                "value": {"title": title, "content": [_item(f"{key}/{ii}", item) for ii, item in enumerate(items)]},
            }
        )
    return json.dumps(body)


def overview_json(*, key: str, items: list[tuple]) -> str:
    return json.dumps([_item(f"{key}/{i}", item) for i, item in enumerate(items)])


def add_module(
    *,
    course,
    slug: str,
    title: str,
    screens,
    summary: str = "",
    minutes: int = 20,
    pass_mark: int = 80,
    required: bool = True,
    publish: bool = True,
):
    """Create a module under `course` (its next child), published with a first revision."""
    from courses.models import ModulePage

    module = ModulePage(
        title=title,
        slug=slug,
        summary=summary,
        estimated_minutes=minutes,
        pass_mark=pass_mark,
        required=required,
        body=module_body_json(course_code=course.course_code, module_slug=slug, screens=screens),
    )
    course.add_child(instance=module)
    if publish:
        module.save_revision().publish()
    return module
