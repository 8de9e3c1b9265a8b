"""The video module's addresses on the site: the file (with byte ranges, so the player can
seek), the captions, and the endpoint the player reports what was watched to (session and
CSRF, JSON in and out)."""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from courses.access import user_may_watch_video
from courses.models.video import Video, VideoModulePage
from courses.player_posts import json_error, read_player_post
from courses.services.errors import LearningError
from courses.services.video import AHEAD_OF_TIME, video_progress_report

MAX_REPORT_BYTES = 64 * 1024
CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _watchable(request, video_id: int) -> Video:
    video = get_object_or_404(Video, pk=video_id)
    if not user_may_watch_video(user=request.user, video=video):
        raise Http404("No such video.")
    return video


def _chunks(handle, start: int, length: int):
    with handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data


@require_safe
def video_file(request, video_id: int):
    """The uploaded file, whole or the one byte range asked for (what a player needs to seek)."""
    video = _watchable(request, video_id)
    if not video.file:
        raise Http404("This video is played from its intranet address.")
    try:
        size = default_storage.size(video.file.name)
        handle = default_storage.open(video.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("The video file is missing.") from None
    content_type = video.content_type or "application/octet-stream"
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip()) if header else None
    if header and (match is None or match.groups() == ("", "")):
        match = None  # a form we do not serve (several ranges): the whole file, as RFC 9110 allows
    if match:
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(size - int(last), 0), size - 1
        if start >= size or start > end:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamingHttpResponse(_chunks(handle, start, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def video_captions(request, video_id: int):
    video = _watchable(request, video_id)
    try:
        with default_storage.open(video.captions.name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("The captions file is missing.") from None
    response = HttpResponse(data, content_type="text/vtt; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
def video_progress(request, module_id: int):
    """POST {"ranges": [[start, end], ...], "position": seconds}: what the browser says was played."""
    read = read_player_post(
        request,
        model=VideoModulePage,
        module_id=module_id,
        noun="The report",
        sending="what was watched",
        missing="No such video module.",
        max_bytes=MAX_REPORT_BYTES,
    )
    if isinstance(read, JsonResponse):
        return read
    module, payload = read
    try:
        report = video_progress_report(
            user=request.user, module=module, ranges=payload.get("ranges", []), position=payload.get("position")
        )
    except LearningError as error:
        field = next(iter(error.field_errors), None)
        extra = {"field": field} if field else {}
        if error.code == AHEAD_OF_TIME:
            extra["retry"] = True
        return json_error(400, error.message, **extra)
    return JsonResponse(
        {
            "saved": True,
            "watched_percent": report.watched_percent,
            "module_completed": report.module_completed,
            "course_completed": report.course_completion is not None,
        }
    )
