"""What the video module page shows: the video (the site's own address for an uploaded file,
or the intranet address), its captions track, the transcript, and how much the learner has
watched. Reads only: pressing play is what starts the course."""

from urllib.parse import urlsplit

from django.urls import reverse

from courses.access import active_user


def player_context(*, module, request, preview: bool) -> dict:
    """The context of a VideoModulePage's own page (it calls this from `get_context`)."""
    user = request.user
    video = module.video
    place = module.place()
    tracked = active_user(user) and not preview
    watched, completed = module.watched_by(user) if tracked else (None, False)
    if video.url:
        parts = urlsplit(video.url)
        request.video_media_origin = f"{parts.scheme}://{parts.netloc}"
        source, source_type = video.url, ""
    else:
        source, source_type = reverse("courses:video_file", args=[video.pk]), video.content_type
    duration = video.duration_seconds
    percent = int(min(watched.watched_seconds * 100 / duration, 100)) if watched and duration else 0
    return {
        "course": place.course,
        "video": video,
        "video_source": source,
        "video_source_type": source_type,
        "captions_url": reverse("courses:video_captions", args=[video.pk]),
        "report_url": reverse("courses:video_progress", args=[module.pk]) if tracked else "",
        "watched_percent": percent,
        "resume_at": float(watched.position_seconds) if watched else 0,
        "module_completed": completed,
        **place.context(),
        "preview": preview,
    }
