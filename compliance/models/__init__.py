from .audit import AuditEvent
from .equality import EqualityRecord
from .organisation import Function, LeadershipLevel, OrgUnit, Person, PersonFunction, RankOrGrade, WorkerType

__all__ = [
    "AuditEvent",
    "EqualityRecord",
    "Function",
    "LeadershipLevel",
    "OrgUnit",
    "Person",
    "PersonFunction",
    "RankOrGrade",
    "WorkerType",
]
