"""The demo's captioned video (`cms/demo/video/`, made for the demo): a video module added to the
SCORM course, "Everyday respect", which completes when the video has been watched to the end.
Loaded with the rest of the demo; the files are in the repository, so no network is needed."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from courses.models import CoursePage, Video, VideoModulePage
from courses.video.files import parse_webvtt, read_duration, sniff_video_type

SOURCES = Path(__file__).with_name("video")
SLUG = "respect-in-practice"


def demo_video() -> Video:
    """The demo video, stored and checked exactly as an upload through the admin is."""
    data = (SOURCES / "everyday-respect.webm").read_bytes()
    captions = (SOURCES / "everyday-respect.en.vtt").read_bytes()
    parse_webvtt(captions)
    mime = sniff_video_type(data[:8192])
    video = Video(
        title="Everyday respect in practice",
        content_type=mime,
        size_bytes=len(data),
        duration_seconds=read_duration(head=data, tail=b"", mime=mime),
        transcript=(SOURCES / "transcript.txt").read_text(encoding="utf-8"),
    )
    video.file.save("everyday-respect.webm", ContentFile(data), save=False)
    video.captions.save("everyday-respect.en.vtt", ContentFile(captions), save=False)
    video.save()
    return video


@transaction.atomic
def load_video_demo(*, course_code: str, stdout) -> VideoModulePage | None:
    """Add the video module to the course; skipped if the course is missing or has it already."""
    course = CoursePage.objects.filter(course_code=course_code).first()
    if course is None or VideoModulePage.objects.child_of(course).filter(slug=SLUG).exists():
        return None
    module = VideoModulePage(
        title="Respect in practice (video)",
        slug=SLUG,
        summary="A short captioned video. The module completes when you have watched it to the end.",
        estimated_minutes=1,
        video=demo_video(),
        watch_percent=100,
    )
    course.add_child(instance=module)
    module.save_revision().publish()
    module.refresh_from_db()
    stdout.write(f"Added a captioned video module to “{course.title}”.")
    return module
