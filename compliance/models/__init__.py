from .absences import Absence, AbsenceCategory
from .accounts import SignInLink
from .assignments import (
    Assignment,
    AssignmentEvent,
    AssignmentState,
    EventKind,
    Exemption,
    Extension,
    ExtensionRequest,
    RequestKind,
)
from .audit import AuditEvent
from .equality import EqualityRecord
from .history import RankChange
from .imports import ImportJob
from .observations import ManagerObservation, ObservedChange
from .organisation import Function, LeadershipLevel, OrgUnit, Person, PersonFunction, RankOrGrade, WorkerType
from .requirements import ExemptionDecider, RecurrenceKind, Requirement, TriggerKind
from .runs import DayRun

__all__ = [
    "Absence",
    "AbsenceCategory",
    "Assignment",
    "AssignmentEvent",
    "AssignmentState",
    "EventKind",
    "Exemption",
    "Extension",
    "ExtensionRequest",
    "ExemptionDecider",
    "RequestKind",
    "RecurrenceKind",
    "Requirement",
    "TriggerKind",
    "AuditEvent",
    "DayRun",
    "EqualityRecord",
    "ImportJob",
    "Function",
    "LeadershipLevel",
    "ManagerObservation",
    "ObservedChange",
    "OrgUnit",
    "Person",
    "PersonFunction",
    "RankChange",
    "RankOrGrade",
    "SignInLink",
    "WorkerType",
]
