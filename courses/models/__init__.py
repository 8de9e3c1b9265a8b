from .completion import Completion, CompletionSource
from .learning import (
    Certificate,
    Enrolment,
    Evaluation,
    KnowledgeCheckAttempt,
    ModuleProgress,
    ProgressStatus,
    Reflection,
    ReflectionPromptDelivery,
)
from .pages import CatalogueIndexPage, CourseAudienceTag, CoursePage, DeliveryMode, ModulePage, ProgrammePage, Topic
from .sessions import Booking, BookingStatus, FaceToFaceSession

__all__ = [
    "Booking",
    "BookingStatus",
    "CatalogueIndexPage",
    "Certificate",
    "Completion",
    "CompletionSource",
    "CourseAudienceTag",
    "CoursePage",
    "DeliveryMode",
    "Enrolment",
    "Evaluation",
    "FaceToFaceSession",
    "KnowledgeCheckAttempt",
    "ModulePage",
    "ModuleProgress",
    "ProgrammePage",
    "ProgressStatus",
    "Reflection",
    "ReflectionPromptDelivery",
    "Topic",
]
