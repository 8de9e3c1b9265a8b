"""What the SCORM module page shows: the table of contents, each SCO's status for the learner,
and the launch frame's signed address on the package origin. Reads only; a visit writes
nothing (the learner's first Initialize starts the course, as a native module's first move does).
"""

from django.urls import reverse

from courses.access import active_user
from courses.scorm.content import IFRAME_SANDBOX, content_origin, site_origin, token_issue
from courses.scorm.runtime import judge, launch_cmi, meets_rule


def learner_name(user) -> str:
    last, first = (user.last_name or "").strip(), (user.first_name or "").strip()
    return f"{last}, {first}" if last and first else (user.get_full_name() or user.get_username())


def _status_label(attempt, outcome, done: bool) -> tuple[str, str]:
    if attempt is None or not attempt.sessions:
        return "not_started", "Not started"
    if done:
        return "completed", "Passed" if outcome.passed else "Completed"
    if outcome.failed:
        return "failed", "Not passed yet"
    return "in_progress", "In progress"


def player_context(*, module, request, preview: bool) -> dict:
    """The context of a ScormModulePage's own page (it calls this from `get_context`)."""
    user = request.user
    package = module.package
    place = module.place()
    tracked = active_user(user) and not preview
    attempts = module.attempts_for(user) if tracked else {}
    learner_id, name = (str(user.pk), learner_name(user)) if active_user(user) else ("preview", "Preview")
    steps = []
    for number, step in enumerate(package.steps):
        attempt = attempts.get(step["identifier"])
        outcome = judge(
            version=package.version,
            step=step,
            completion_status=attempt.completion_status if attempt else "not attempted",
            success_status=attempt.success_status if attempt else "unknown",
            score_raw=attempt.score_raw if attempt else None,
            score_scaled=attempt.score_scaled if attempt else None,
            progress_measure=attempt.progress_measure if attempt else None,
        )
        is_sco = step.get("scorm_type") == "sco"
        done = bool(attempt and attempt.completed_at) or (
            attempt is not None and is_sco and meets_rule(outcome, rule=module.completion_rule)
        )
        status, label = _status_label(attempt, outcome, done)
        steps.append(
            {
                "number": number,
                "identifier": step["identifier"],
                "title": step["title"],
                "depth": step.get("depth", 1),
                "is_sco": step.get("scorm_type") == "sco",
                "status": status,
                "status_label": label if is_sco or status != "completed" else "Opened",
                "cmi": launch_cmi(
                    version=package.version,
                    step=step,
                    attempt=attempt,
                    learner_id=learner_id,
                    learner_name=name,
                ),
            }
        )
    requested = request.GET.get("sco", "")
    current = next((s for s in steps if str(s["number"]) == requested), None)
    if current is None:
        current = next((s for s in steps if s["status"] != "completed"), steps[0])
    origin = content_origin(request)
    launch_base = ""
    # A preview is rendered on a request Wagtail makes up (the site's host, not the admin's):
    # it lists the parts and plays nothing.
    if origin and active_user(user) and not preview:
        request.scorm_content_origin = origin
        token = token_issue(package_id=package.pk, user_id=user.pk, content=origin, site=site_origin(request))
        launch_base = origin + reverse("courses:scorm_launch", args=[token, 0])[: -len("0/")]
    module_status = module.progress_status(user) if tracked else "not_started"
    return {
        "course": place.course,
        "package": package,
        "steps": steps,
        "current_step": current,
        "content_origin": origin or "",
        "launch_base": launch_base,
        "launch_url": f"{launch_base}{current['number']}/" if launch_base else "",
        "runtime_url": reverse("courses:scorm_runtime", args=[module.pk]) if tracked else "",
        "sandbox": IFRAME_SANDBOX,
        "player_state": {
            "version": package.version,
            "steps": [{k: s[k] for k in ("number", "identifier", "title", "is_sco", "status", "cmi")} for s in steps],
            "current": current["number"],
        },
        "module_completed": module_status == "completed",
        **place.context(),
        "preview": preview,
    }
