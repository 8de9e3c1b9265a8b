from .absences import Absence, AbsenceCategory
from .accounts import SignInLink
from .history import RankChange
from .holds import Hold
from .organisation import Function, LeadershipLevel, OrgUnit, Person, PersonFunction, RankOrGrade, WorkerType

__all__ = [
    "Absence",
    "AbsenceCategory",
    "Function",
    "Hold",
    "LeadershipLevel",
    "OrgUnit",
    "Person",
    "PersonFunction",
    "RankChange",
    "RankOrGrade",
    "SignInLink",
    "WorkerType",
]
