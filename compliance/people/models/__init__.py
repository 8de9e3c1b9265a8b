from .absences import Absence, AbsenceCategory
from .accounts import SignInLink
from .history import RankChange
from .organisation import Function, LeadershipLevel, OrgUnit, Person, PersonFunction, RankOrGrade, WorkerType

__all__ = [
    "Absence",
    "AbsenceCategory",
    "Function",
    "LeadershipLevel",
    "OrgUnit",
    "Person",
    "PersonFunction",
    "RankChange",
    "RankOrGrade",
    "SignInLink",
    "WorkerType",
]
