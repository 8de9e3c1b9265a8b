"""What a SCORM package may store for a learner, checked before anything is kept.

The runtime in the browser (scorm-again) sends the data model at every Commit and Terminate
(LMSCommit and LMSFinish in SCORM 1.2). Only the elements a package may write are read; each is
checked for its type, its vocabulary and its length as the specifications give them (suspend
data: 4,096 characters in SCORM 1.2, 64,000 in SCORM 2004), and anything else is refused with
the element named, so a broken or hostile package gets a clear error and stores nothing.
Read-only elements the runtime echoes back (the learner's id and name, the mastery score...) are
ignored: the server owns them.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SCORM_12 = "1.2"

LESSON_STATUS_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
EXIT_12 = {"", "time-out", "suspend", "logout"}
EXIT_2004 = {"", "time-out", "suspend", "logout", "normal"}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}
INTERACTION_TYPES_12 = {"true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric"}
INTERACTION_TYPES_2004 = INTERACTION_TYPES_12 | {"long-fill-in", "other"}
RESULTS_12 = {"correct", "wrong", "unanticipated", "neutral"}
RESULTS_2004 = {"correct", "incorrect", "unanticipated", "neutral"}

SUSPEND_DATA_CHARS = {SCORM_12: 4096, "2004": 64000}
LOCATION_CHARS = {SCORM_12: 255, "2004": 1000}
IDENTIFIER_CHARS = {SCORM_12: 255, "2004": 4000}
RESPONSE_CHARS = {SCORM_12: 255, "2004": 4000}
MAX_INTERACTIONS = 500
MAX_OBJECTIVES = 100
MAX_SESSION_SECONDS = 7 * 24 * 3600

TIMESPAN_12 = re.compile(r"^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$")
DURATION_2004 = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)
DECIMAL = re.compile(r"^-?\d{1,10}(\.\d{1,7})?$")


class CmiError(ValueError):
    def __init__(self, element: str, message: str):
        super().__init__(f"{element}: {message}")
        self.element = element
        self.message = message


@dataclass
class Score:
    scaled: Decimal | None = None
    raw: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None

    def as_json(self) -> dict:
        return {k: ("" if v is None else str(v)) for k, v in vars(self).items()}


@dataclass
class Commit:
    """One commit, checked and normalised. For SCORM 1.2, `completion_status` holds
    cmi.core.lesson_status and `success_status` is derived from it."""

    completion_status: str
    success_status: str
    location: str
    suspend_data: str
    exit: str
    session_seconds: Decimal | None
    score: Score
    progress_measure: Decimal | None
    interactions: list[dict]
    objectives: list[dict]


def _family(version: str) -> str:
    return SCORM_12 if version == SCORM_12 else "2004"


def _string(value, element: str, *, max_chars: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CmiError(element, "must be a string.")
    value = str(value)
    if len(value) > max_chars:
        raise CmiError(element, f"is {len(value):,} characters; at most {max_chars:,} may be stored.")
    return value


def _vocab(value, element: str, allowed: set[str]) -> str:
    value = _string(value, element, max_chars=40)
    if value not in allowed:
        raise CmiError(element, f"“{value}” is not one of: {', '.join(sorted(v or '(empty)' for v in allowed))}.")
    return value


def _decimal(value, element: str, *, low: Decimal | None = None, high: Decimal | None = None) -> Decimal | None:
    value = _string(value, element, max_chars=30).strip()
    if value == "":
        return None
    if not DECIMAL.match(value):
        raise CmiError(element, f"“{value}” is not a number.")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CmiError(element, f"“{value}” is not a number.") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise CmiError(element, f"{number} is outside {low} to {high}.")
    return number


def timespan_seconds(value: str, *, version: str) -> Decimal:
    """A SCORM 1.2 CMITimespan (HHHH:MM:SS.SS) or SCORM 2004 duration (PT1H2M3.5S) in seconds."""
    if version == SCORM_12:
        match = TIMESPAN_12.match(value)
        if not match:
            raise ValueError(value)
        hours, minutes, seconds, fraction = match.groups()
        return Decimal(int(hours) * 3600 + int(minutes) * 60 + int(seconds)) + Decimal(fraction or "0")
    match = DURATION_2004.match(value)
    if not match:
        raise ValueError(value)
    years, months, days, hours, minutes, seconds = (Decimal(part) if part else Decimal(0) for part in match.groups())
    return ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds


def format_timespan(seconds: Decimal, *, version: str) -> str:
    seconds = max(Decimal(0), seconds).quantize(Decimal("0.01"))
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    fraction = seconds - whole
    if version == SCORM_12:
        text = f"{min(hours, 9999):04d}:{minutes:02d}:{secs:02d}"
        return text + (f".{int(fraction * 100):02d}" if fraction else "")
    text = f"PT{hours}H{minutes}M{secs + fraction:.2f}S"
    return text


def _time(value, element: str, *, version: str) -> Decimal | None:
    value = _string(value, element, max_chars=40).strip()
    if value == "":
        return None
    try:
        seconds = timespan_seconds(value, version=version)
    except ValueError:
        expected = "HHHH:MM:SS.SS" if version == SCORM_12 else "an ISO 8601 duration such as PT1H30M5S"
        raise CmiError(element, f"“{value}” is not {expected}.") from None
    if seconds > MAX_SESSION_SECONDS:
        raise CmiError(element, "is longer than a week.")
    return seconds


def _collection(value, element: str, *, limit: int) -> list[tuple[str, dict]]:
    """scorm-again renders a collection as {"0": {...}, "1": {...}} (or a list)."""
    if value in (None, "", {}):
        return []
    if isinstance(value, list):
        items = [(str(index), item) for index, item in enumerate(value)]
    elif isinstance(value, dict):
        items = [(key, item) for key, item in value.items() if key not in ("_count", "_children")]
    else:
        raise CmiError(element, "must be a collection.")
    if len(items) > limit:
        raise CmiError(element, f"has {len(items):,} entries; at most {limit:,} are stored.")
    for key, item in items:
        if not key.isdigit() or not isinstance(item, dict):
            raise CmiError(f"{element}.{key}", "must be an entry of the collection.")
    return sorted(items, key=lambda pair: int(pair[0]))


def _score(value, element: str, *, family: str) -> Score:
    if value in (None, ""):
        return Score()
    if not isinstance(value, dict):
        raise CmiError(element, "must be a score.")
    limit_low, limit_high = (Decimal(0), Decimal(100)) if family == SCORM_12 else (None, None)
    score = Score(
        raw=_decimal(value.get("raw"), f"{element}.raw", low=limit_low, high=limit_high),
        min=_decimal(value.get("min"), f"{element}.min", low=limit_low, high=limit_high),
        max=_decimal(value.get("max"), f"{element}.max", low=limit_low, high=limit_high),
    )
    if family != SCORM_12:
        score.scaled = _decimal(value.get("scaled"), f"{element}.scaled", low=Decimal(-1), high=Decimal(1))
    return score


def _interactions(value, *, family: str) -> list[dict]:
    rows = []
    is_12 = family == SCORM_12
    for key, item in _collection(value, "cmi.interactions", limit=MAX_INTERACTIONS):
        element = f"cmi.interactions.{key}"
        identifier = _string(item.get("id"), f"{element}.id", max_chars=IDENTIFIER_CHARS[family])
        if not identifier:
            continue  # an entry the package started but never named
        kind = item.get("type") or ""
        _vocab(kind, f"{element}.type", (INTERACTION_TYPES_12 if is_12 else INTERACTION_TYPES_2004) | {""})
        result = _string(item.get("result"), f"{element}.result", max_chars=30)
        if result and result not in (RESULTS_12 if is_12 else RESULTS_2004) and not DECIMAL.match(result):
            raise CmiError(f"{element}.result", f"“{result}” is not a result SCORM allows.")
        response_key = "student_response" if is_12 else "learner_response"
        latency = _time(item.get("latency"), f"{element}.latency", version=SCORM_12 if is_12 else "2004")
        row = {
            "index": int(key),
            "id": identifier,
            "type": kind,
            "response": _string(item.get(response_key), f"{element}.{response_key}", max_chars=RESPONSE_CHARS[family]),
            "result": result,
            "weighting": str(_decimal(item.get("weighting"), f"{element}.weighting") or ""),
            "latency_seconds": str(latency) if latency is not None else "",
            "time": _string(item.get("time" if is_12 else "timestamp"), f"{element}.time", max_chars=40),
        }
        if not is_12:
            row["description"] = _string(item.get("description"), f"{element}.description", max_chars=250)
        rows.append(row)
    return rows


def _objectives(value, *, family: str) -> list[dict]:
    rows = []
    is_12 = family == SCORM_12
    for key, item in _collection(value, "cmi.objectives", limit=MAX_OBJECTIVES):
        element = f"cmi.objectives.{key}"
        identifier = _string(item.get("id"), f"{element}.id", max_chars=IDENTIFIER_CHARS[family])
        if not identifier:
            continue
        row = {"id": identifier, "score": _score(item.get("score"), f"{element}.score", family=family).as_json()}
        if is_12:
            row["status"] = _vocab(item.get("status") or "not attempted", f"{element}.status", LESSON_STATUS_12)
        else:
            row["success_status"] = _vocab(
                item.get("success_status") or "unknown", f"{element}.success_status", SUCCESS_2004
            )
            row["completion_status"] = _vocab(
                item.get("completion_status") or "unknown", f"{element}.completion_status", COMPLETION_2004
            )
            measure = _decimal(
                item.get("progress_measure"), f"{element}.progress_measure", low=Decimal(0), high=Decimal(1)
            )
            row["progress_measure"] = "" if measure is None else str(measure)
            row["description"] = _string(item.get("description"), f"{element}.description", max_chars=250)
        rows.append(row)
    return rows


def parse_commit(data, *, version: str) -> Commit:
    """The commit's data model (`{"core": ..., "suspend_data": ...}` in 1.2, `{"completion_status":
    ..., "location": ...}` in 2004), checked. CmiError names the first element that is wrong."""
    if not isinstance(data, dict):
        raise CmiError("cmi", "must be the data model, as an object.")
    family = _family(version)
    if family == SCORM_12:
        core = data.get("core")
        core = {} if core in (None, "") else core
        if not isinstance(core, dict):
            raise CmiError("cmi.core", "must be an object.")
        status = _vocab(core.get("lesson_status") or "not attempted", "cmi.core.lesson_status", LESSON_STATUS_12)
        return Commit(
            completion_status=status,
            success_status=status if status in ("passed", "failed") else "unknown",
            location=_string(core.get("lesson_location"), "cmi.core.lesson_location", max_chars=LOCATION_CHARS[family]),
            suspend_data=_string(data.get("suspend_data"), "cmi.suspend_data", max_chars=SUSPEND_DATA_CHARS[family]),
            exit=_vocab(core.get("exit") or "", "cmi.core.exit", EXIT_12),
            session_seconds=_time(core.get("session_time"), "cmi.core.session_time", version=SCORM_12),
            score=_score(core.get("score"), "cmi.core.score", family=family),
            progress_measure=None,
            interactions=_interactions(data.get("interactions"), family=family),
            objectives=_objectives(data.get("objectives"), family=family),
        )
    return Commit(
        completion_status=_vocab(data.get("completion_status") or "unknown", "cmi.completion_status", COMPLETION_2004),
        success_status=_vocab(data.get("success_status") or "unknown", "cmi.success_status", SUCCESS_2004),
        location=_string(data.get("location"), "cmi.location", max_chars=LOCATION_CHARS[family]),
        suspend_data=_string(data.get("suspend_data"), "cmi.suspend_data", max_chars=SUSPEND_DATA_CHARS[family]),
        exit=_vocab(data.get("exit") or "", "cmi.exit", EXIT_2004),
        session_seconds=_time(data.get("session_time"), "cmi.session_time", version="2004"),
        score=_score(data.get("score"), "cmi.score", family=family),
        progress_measure=_decimal(
            data.get("progress_measure"), "cmi.progress_measure", low=Decimal(0), high=Decimal(1)
        ),
        interactions=_interactions(data.get("interactions"), family=family),
        objectives=_objectives(data.get("objectives"), family=family),
    )
