from .catalogue import CatalogueIndexPage, ProgrammePage
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
from .pages import CourseAudienceTag, CoursePage, DeliveryMode, ModulePage, Topic
from .rights import Rights
from .scorm import CompletionRule, ScormAttempt, ScormModulePage, ScormPackage, ScormVersion
from .sessions import Booking, BookingStatus, FaceToFaceSession
from .video import Video, VideoModulePage, VideoProgress

__all__ = [
    "Booking",
    "BookingStatus",
    "CatalogueIndexPage",
    "Certificate",
    "Completion",
    "CompletionRule",
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
    "Rights",
    "ScormAttempt",
    "ScormModulePage",
    "ScormPackage",
    "ScormVersion",
    "Topic",
    "Video",
    "VideoModulePage",
    "VideoProgress",
]
