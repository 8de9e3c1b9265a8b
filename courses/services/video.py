"""What a learner watched of a video module, as the server counts it.

The player reports the ranges the browser says were played (`video.played`), when playing
starts and every few seconds after. The server never takes one report's word for it: it keeps
the union of every range it accepted, clamps them to the video's length as L&D's upload gave it,
and accepts at most what could have been watched since the previous report, at the fastest
speed the player offers (2x) with a few seconds' allowance. A report claiming more is refused
and changes nothing; the ranges come again, cumulatively, in the next one. When the union
reaches the module's percentage (to within a second of the end), the module completes exactly
as a native module does, and then the course.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses.models import ModuleProgress, ProgressStatus
from courses.models.video import VideoModulePage, VideoProgress
from courses.services.errors import LearningError
from courses.services.learning import _course_of, course_completion_check, enrolment_current, module_visit
from courses.signals import module_completed

FASTEST_RATE = Decimal(2)
REPORT_ALLOWANCE_SECONDS = Decimal(5)
END_ALLOWANCE_SECONDS = Decimal(1)
MAX_RANGES = 1000
# The code of a report that claims more than the time passed allows: the same ranges sent again
# later are accepted.
AHEAD_OF_TIME = "ahead_of_time"


@dataclass(frozen=True)
class VideoReport:
    progress: VideoProgress
    watched_percent: int
    module_completed: bool
    course_completion: object


def _parse_ranges(raw, *, duration: Decimal) -> list[tuple[Decimal, Decimal]]:
    if not isinstance(raw, list):
        raise LearningError("ranges must be a list of [start, end] pairs in seconds.", field_errors={"ranges": "list"})
    if len(raw) > MAX_RANGES:
        raise LearningError(f"At most {MAX_RANGES} ranges at a time.", field_errors={"ranges": "too many"})
    ranges = []
    for index, pair in enumerate(raw):
        where = f"ranges[{index}]"
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in pair)
        ):
            raise LearningError(f"{where} must be [start, end], two numbers of seconds.", field_errors={where: "pair"})
        start, end = (Decimal(str(x)).quantize(Decimal("0.01")) for x in pair)
        if start < 0 or end < start:
            raise LearningError(f"{where}: start must be 0 or more, and end no earlier.", field_errors={where: "order"})
        start, end = min(start, duration), min(end, duration)
        if end > start:
            ranges.append((start, end))
    return ranges


def ranges_merge(ranges: list[tuple[Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
    """The union of ranges, sorted, touching ones joined."""
    merged: list[tuple[Decimal, Decimal]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def watched_enough(*, watched: Decimal, duration: Decimal, percent: int) -> bool:
    needed = min(duration * percent / 100, duration - END_ALLOWANCE_SECONDS)
    return watched >= max(needed, Decimal(0))


@transaction.atomic
def video_progress_report(
    *, user, module: VideoModulePage, ranges, position=None, now: datetime.datetime | None = None
) -> VideoReport:
    """Record one report from the player; complete the module (and the course) when enough
    has been watched. LearningError for a report that is malformed or claims too much."""
    now = now or timezone.now()
    video = module.video
    duration = video.duration_seconds
    if not duration:
        raise LearningError("This video's length is not known: L&D must give it before it can count.")
    accepted = _parse_ranges(ranges, duration=duration)
    if position is not None and (
        not isinstance(position, int | float) or isinstance(position, bool) or not math.isfinite(position)
    ):
        raise LearningError("position must be a number of seconds.", field_errors={"position": "number"})
    course = _course_of(module)
    enrolment = enrolment_current(user=user, course=course)
    progress, created = VideoProgress.objects.get_or_create(enrolment=enrolment, module=module, video=video)
    if created:
        # Pressing play is the learner's move: the course starts, and the module shows in progress.
        module_visit(user=user, module=module, screen=None, course=course)
    progress = VideoProgress.objects.select_for_update().get(pk=progress.pk)
    stored = [(Decimal(str(start)), Decimal(str(end))) for start, end in progress.ranges]
    merged = ranges_merge(stored + accepted)
    watched = sum((end - start for start, end in merged), Decimal(0))
    added = watched - progress.watched_seconds
    if added > 0:
        since = Decimal(str((now - progress.last_report_at).total_seconds())) if progress.last_report_at else Decimal(0)
        allowed = max(since, Decimal(0)) * FASTEST_RATE + REPORT_ALLOWANCE_SECONDS
        if added > allowed:
            raise LearningError(
                f"{added:.0f} more seconds were reported watched, but only {since:.0f} seconds have passed since the "
                "last report: nothing was recorded.",
                field_errors={"ranges": "too much"},
                code=AHEAD_OF_TIME,
            )
    progress.ranges = [[float(start), float(end)] for start, end in merged]
    progress.watched_seconds = watched
    if position is not None:
        progress.position_seconds = min(max(Decimal(str(position)).quantize(Decimal("0.01")), Decimal(0)), duration)
    progress.reports += 1
    progress.last_report_at = now
    module_done, completion = False, None
    if progress.completed_at is None and watched_enough(
        watched=watched, duration=duration, percent=module.watch_percent
    ):
        progress.completed_at = now
    progress.save()
    if progress.completed_at is not None:
        module_done, completion = _module_complete(enrolment=enrolment, module=module, now=now)
    percent = int(min(watched * 100 / duration, Decimal(100)))
    return VideoReport(
        progress=progress, watched_percent=percent, module_completed=module_done, course_completion=completion
    )


def _module_complete(*, enrolment, module: VideoModulePage, now: datetime.datetime):
    progress, _ = ModuleProgress.objects.get_or_create(enrolment=enrolment, module=module)
    if ModuleProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        status=ProgressStatus.COMPLETED, completed_at=now, updated_at=now
    ):
        module_completed.send(sender=ModuleProgress, enrolment=enrolment, module=module, completed_at=now)
    return True, course_completion_check(enrolment=enrolment)
