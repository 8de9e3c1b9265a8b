"""Reads about requirements: who one is for, in words."""

from compliance.models import Requirement
from compliance.people.models import LeadershipLevel, WorkerType

WORKER_TYPE_PLURALS = {
    WorkerType.POLICE_OFFICER: "police officers",
    WorkerType.STUDENT_OFFICER: "student officers",
    WorkerType.POLICE_STAFF: "police staff",
    WorkerType.PCSO: "PCSOs",
    WorkerType.SPECIAL_CONSTABLE: "special constables",
    WorkerType.VOLUNTEER: "volunteers",
}


def requirement_audience_summary(*, requirement: Requirement) -> str:
    """A short description of who a requirement is for, e.g. 'first line leaders'."""
    r = requirement
    parts = []
    levels = dict(LeadershipLevel.choices)
    types = dict(WorkerType.choices)
    if r.include_leadership_levels:
        parts.append(" or ".join(levels.get(v, v).lower() + "s" for v in r.include_leadership_levels))
    if r.include_worker_types:
        parts.append(" or ".join(WORKER_TYPE_PLURALS.get(v, types.get(v, v).lower()) for v in r.include_worker_types))
    if r.include_ranks:
        parts.append(" or ".join(r.include_ranks))
    if r.include_functions:
        parts.append("with the function " + " or ".join(r.include_functions))
    if r.include_units:
        parts.append("in " + ", ".join(r.include_units))
    return ", ".join(parts) if parts else "everyone"
