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
from .imports import ImportJob
from .requirements import ExemptionDecider, RecurrenceKind, Requirement, TriggerKind
from .runs import DayRun

__all__ = [
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
    "DayRun",
    "ImportJob",
]
