"""The Wagtail admin's form for videos: the file's real type is read from its bytes, its size
checked against `VIDEO_MAX_BYTES`, its length read from its header, and the captions parsed,
before anything is stored. A refused file comes back with the reason by its field."""

from wagtail.admin.forms import WagtailAdminModelForm

from courses.conf import lms_setting
from courses.video.files import SNIFF_BYTES, VideoFileError, parse_webvtt, read_duration, sniff_video_type

TAIL_BYTES = 4 * 1024 * 1024


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.0f} MB"


class VideoForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = lms_setting("VIDEO_MAX_BYTES")
        self.fields["file"].help_text = f"An MP4 or WebM file of at most {_megabytes(limit)}."
        self.fields["file"].widget.attrs["accept"] = "video/mp4,video/webm,.mp4,.webm"
        self.fields["captions"].widget.attrs["accept"] = ".vtt,text/vtt"

    def _check_video(self, upload) -> None:
        limit = lms_setting("VIDEO_MAX_BYTES")
        if upload.size > limit:
            self.add_error("file", f"The video is {_megabytes(upload.size)}: the most allowed is {_megabytes(limit)}.")
            return
        upload.seek(0)
        head = upload.read(max(SNIFF_BYTES, TAIL_BYTES))
        upload.seek(max(upload.size - TAIL_BYTES, 0))
        tail = upload.read()
        upload.seek(0)
        try:
            mime = sniff_video_type(head[:SNIFF_BYTES])
        except VideoFileError as error:
            self.add_error("file", str(error))
            return
        self.instance.content_type = mime
        self.instance.size_bytes = upload.size
        if not self.cleaned_data.get("duration_seconds"):
            duration = read_duration(head=head, tail=tail, mime=mime)
            if duration is None:
                self.add_error("duration_seconds", "The length could not be read from the file: give it in seconds.")
            else:
                self.cleaned_data["duration_seconds"] = duration

    def clean(self):
        cleaned = super().clean()
        upload, url = cleaned.get("file"), cleaned.get("url")
        if upload and url:
            self.add_error("url", "Give an intranet address or upload a file, not both.")
        elif not upload and not url and "file" not in self.errors:
            self.add_error("file", "Upload a video file or give its intranet address.")
        elif url:
            if not url.lower().startswith("https://"):
                self.add_error("url", "The address must start with https:// (the site is served over HTTPS).")
            if not cleaned.get("duration_seconds"):
                self.add_error(
                    "duration_seconds", "Give the video's length in seconds: it cannot be read from an address."
                )
            self.instance.content_type = ""
            self.instance.size_bytes = None
        if upload and "file" in self.changed_data:
            self._check_video(upload)
        captions = cleaned.get("captions")
        if captions and "captions" in self.changed_data:
            captions.seek(0)
            try:
                parse_webvtt(captions.read())
            except VideoFileError as error:
                self.add_error("captions", str(error))
            captions.seek(0)
        return cleaned

    def save(self, commit=True):
        if self.for_user is not None and not self.instance.pk:
            self.instance.uploaded_by = self.for_user
        return super().save(commit=commit)
