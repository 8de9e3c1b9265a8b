"""What the video module page shows: the video (the site's own address for an uploaded file,
or the intranet address), its captions track, the transcript, and how much the learner has
watched. Reads only: pressing play is what starts the course."""

from urllib.parse import urlsplit

from django.db.models import F
from django.urls import reverse

from courses.access import active_user
from courses.models.learning import ModuleProgress, ProgressStatus
from courses.models.pages import CoursePage, ModulePage
from courses.models.video import VideoModulePage, VideoProgress


def _progress(*, user, module: VideoModulePage) -> tuple[VideoProgress | None, bool]:
    course_path = module.path[: -ModulePage.steplen]
    latest = (
        ModuleProgress.objects.filter(enrolment__user=user, enrolment__course__path=course_path, module=module)
        .order_by(F("enrolment__completed_at").desc(nulls_first=True), "-enrolment_id")
        .first()
    )
    if latest is None:
        return None, False
    watched = VideoProgress.objects.filter(enrolment_id=latest.enrolment_id, module=module).first()
    return watched, latest.status == ProgressStatus.COMPLETED


def player_context(*, module: VideoModulePage, request, preview: bool) -> dict:
    user = request.user
    video = module.video
    course = CoursePage.objects.filter(path=module.path[: -ModulePage.steplen]).first()
    siblings = (
        list(ModulePage.objects.child_of(course).live().order_by("path").only("pk", "title", "url_path", "path"))
        if course
        else []
    )
    index = next((i for i, m in enumerate(siblings) if m.pk == module.pk), 0)
    tracked = active_user(user) and not preview
    watched, completed = _progress(user=user, module=module) if tracked else (None, False)
    if video.url:
        parts = urlsplit(video.url)
        request.video_media_origin = f"{parts.scheme}://{parts.netloc}"
        source, source_type = video.url, ""
    else:
        source, source_type = reverse("courses:video_file", args=[video.pk]), video.content_type
    duration = video.duration_seconds
    percent = int(min(watched.watched_seconds * 100 / duration, 100)) if watched and duration else 0
    return {
        "course": course,
        "video": video,
        "video_source": source,
        "video_source_type": source_type,
        "captions_url": reverse("courses:video_captions", args=[video.pk]),
        "report_url": reverse("courses:video_progress", args=[module.pk]) if tracked else "",
        "watched_percent": percent,
        "resume_at": float(watched.position_seconds) if watched else 0,
        "module_completed": completed,
        "module_number": index + 1,
        "module_total": len(siblings),
        "next_module": siblings[index + 1] if index + 1 < len(siblings) else None,
        "preview": preview,
    }
