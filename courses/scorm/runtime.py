"""The server's own reading of a learner's SCORM data: whether a SCO is completed and passed,
its score as a percentage, and the data model a new launch starts from.

The package's word is not taken blindly: where the manifest gives a mastery score (SCORM 1.2),
a passing score or a completion threshold (SCORM 2004), the server compares the reported score
or progress with it and decides itself, as the specifications let an LMS do.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from courses.scorm.cmi import SCORM_12, format_timespan

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Outcome:
    completion_status: str
    success_status: str

    @property
    def completed(self) -> bool:
        return self.completion_status in ("completed", "passed") or self.success_status == "passed"

    @property
    def passed(self) -> bool:
        return self.success_status == "passed"

    @property
    def failed(self) -> bool:
        return self.success_status == "failed"


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def judge(
    *, version: str, step: dict, completion_status: str, success_status: str, score_raw, score_scaled, progress_measure
) -> Outcome:
    """The statuses the server records, from what the package reported and the manifest's rules."""
    if version == SCORM_12:
        status = completion_status
        mastery = _decimal(step.get("mastery_score", ""))
        if mastery is not None and score_raw is not None and status in ("completed", "passed", "failed"):
            status = "passed" if score_raw >= mastery else "failed"
        success = status if status in ("passed", "failed") else "unknown"
        return Outcome(completion_status=status, success_status=success)
    completion, success = completion_status, success_status
    threshold = _decimal(step.get("completion_threshold", ""))
    if threshold is not None and progress_measure is not None:
        completion = "completed" if progress_measure >= threshold else "incomplete"
    passing = _decimal(step.get("scaled_passing_score", ""))
    if passing is not None and score_scaled is not None:
        success = "passed" if score_scaled >= passing else "failed"
    return Outcome(completion_status=completion, success_status=success)


def meets_rule(outcome: Outcome, *, rule: str) -> bool:
    if rule == "passed":
        return outcome.passed
    return outcome.completed and not outcome.failed


def percent(*, score_scaled, score_raw, score_min, score_max) -> Decimal | None:
    """The score as 0 to 100: the scaled score if there is one, else the raw score within its
    range (0 to 100 when the package gives none)."""
    if score_scaled is not None:
        value = score_scaled * HUNDRED
    elif score_raw is not None:
        low = score_min if score_min is not None else Decimal(0)
        high = score_max if score_max is not None else HUNDRED
        value = (score_raw - low) * HUNDRED / (high - low) if high > low else score_raw
    else:
        return None
    return min(max(value, Decimal(0)), HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _plain(value) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text


def entry_for(attempt) -> str:
    if attempt is None or not attempt.sessions:
        return "ab-initio"
    return "resume" if attempt.exit == "suspend" else ""


def _objectives(attempt, *, is_12: bool) -> dict:
    rows = {}
    for index, objective in enumerate((attempt.objectives if attempt else [])[:100]):
        row = {"id": objective["id"], "score": objective.get("score") or {}}
        if is_12:
            row["status"] = objective.get("status", "not attempted")
        else:
            row.update(
                success_status=objective.get("success_status", "unknown"),
                completion_status=objective.get("completion_status", "unknown"),
                progress_measure=objective.get("progress_measure", ""),
                description=objective.get("description", ""),
            )
            row["score"] = {key: row["score"].get(key, "") for key in ("scaled", "raw", "min", "max")}
        if is_12:
            row["score"] = {key: row["score"].get(key, "") for key in ("raw", "min", "max")}
        rows[str(index)] = row
    return rows


def launch_cmi(*, version: str, step: dict, attempt, learner_id: str, learner_name: str) -> dict:
    """The data model a launch of this SCO starts from (scorm-again's loadFromJSON shape):
    what the learner stored before, and what the server owns (who they are, the manifest's rules)."""
    is_12 = version == SCORM_12
    total = attempt.total_seconds if attempt else Decimal(0)
    status = attempt.completion_status if attempt else "not attempted"
    if is_12:
        return {
            "core": {
                "student_id": learner_id,
                "student_name": learner_name,
                "lesson_location": attempt.location if attempt else "",
                "lesson_status": status,
                "entry": entry_for(attempt),
                "credit": "credit",
                "lesson_mode": "normal",
                "total_time": format_timespan(total, version=SCORM_12),
                "score": {
                    "raw": _plain(attempt.score_raw) if attempt else "",
                    "min": _plain(attempt.score_min) if attempt else "",
                    "max": _plain(attempt.score_max) if attempt else "",
                },
            },
            "suspend_data": attempt.suspend_data if attempt else "",
            "launch_data": step.get("launch_data", ""),
            "student_data": {
                "mastery_score": step.get("mastery_score", ""),
                "max_time_allowed": step.get("max_time_allowed", ""),
                "time_limit_action": step.get("time_limit_action", ""),
            },
            "objectives": _objectives(attempt, is_12=True),
        }
    return {
        "learner_id": learner_id,
        "learner_name": learner_name,
        "location": attempt.location if attempt else "",
        "completion_status": status if status in ("completed", "incomplete", "not attempted") else "unknown",
        "success_status": attempt.success_status if attempt else "unknown",
        "entry": entry_for(attempt),
        "credit": "credit",
        "mode": "normal",
        "total_time": format_timespan(total, version="2004"),
        "score": {
            "scaled": _plain(attempt.score_scaled) if attempt else "",
            "raw": _plain(attempt.score_raw) if attempt else "",
            "min": _plain(attempt.score_min) if attempt else "",
            "max": _plain(attempt.score_max) if attempt else "",
        },
        "progress_measure": _plain(attempt.progress_measure) if attempt else "",
        "suspend_data": attempt.suspend_data if attempt else "",
        "launch_data": step.get("launch_data", ""),
        "scaled_passing_score": step.get("scaled_passing_score", ""),
        "completion_threshold": step.get("completion_threshold", ""),
        "objectives": _objectives(attempt, is_12=False),
    }
