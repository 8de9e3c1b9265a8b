"""Video modules: what L&D upload is checked (the file's real type and size, its length, the
WebVTT captions, each refusal naming the problem and the line); the file is served to learners
with byte ranges and to nobody else; what the player reports is counted by the server, which
keeps the union of what was watched, never credits more than the time that has passed allows,
and completes the module and the course when the rule is met."""

import datetime
import io
import json
import struct
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cms.demo.videos import SOURCES, demo_video, load_video_demo
from compliance.access import Role
from courses.models import Completion, CompletionSource, ModuleProgress, ProgressStatus, Video, VideoModulePage
from courses.models.video import VideoProgress
from courses.video.files import VideoFileError, parse_webvtt, read_duration, sniff_video_type
from tests.courses.conftest import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WEBM = (SOURCES / "everyday-respect.webm").read_bytes()
VTT = (SOURCES / "everyday-respect.en.vtt").read_bytes()


def mp4(*, seconds: int, timescale: int = 600) -> bytes:
    """The smallest MP4 header the checks read: an ftyp box and a moov box with its mvhd."""
    ftyp = b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2mp41"
    mvhd = b"mvhd" + b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, timescale, seconds * timescale) + b"\x00" * 80
    moov = b"moov" + struct.pack(">I", len(mvhd) + 4) + mvhd
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", len(moov) + 4) + moov


# --- The files ---------------------------------------------------------------------------


def test_the_demo_video_is_webm_and_its_length_is_read_from_its_header():
    assert sniff_video_type(WEBM[:8192]) == "video/webm"
    assert read_duration(head=WEBM, tail=b"", mime="video/webm") == Decimal("12.01")


def test_an_mp4_is_recognised_and_its_length_read():
    data = mp4(seconds=95)
    assert sniff_video_type(data) == "video/mp4"
    assert read_duration(head=data, tail=b"", mime="video/mp4") == Decimal("95.00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "The video must be an MP4 or WebM file: its contents are image/png."),
        (b"<html>not a video</html>", "its contents are not a video format we recognise"),
    ],
)
def test_a_file_that_is_not_a_video_is_refused_whatever_its_name(data, message):
    with pytest.raises(VideoFileError, match=message.replace("(", r"\(").replace(".", r"\.")):
        sniff_video_type(data)


def test_webvtt_cues_are_read():
    cues = parse_webvtt(VTT)
    assert [(c.start, c.end) for c in cues] == [
        (Decimal("0"), Decimal("3.9")),
        (Decimal("4"), Decimal("7.9")),
        (Decimal("8"), Decimal("12")),
    ]
    assert cues[2].text == "[Soft chime]\nSpeak up: respect is everyone's job."
    # Hours are optional, a BOM and Windows line ends are fine, NOTE and STYLE blocks are skipped.
    windows = b"\xef\xbb\xbfWEBVTT - demo\r\n\r\nSTYLE\r\n::cue {}\r\n\r\n00:01.000 --> 00:02.500\r\nHi\r\n"
    assert len(parse_webvtt(windows)) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"00:00.000 --> 00:01.000\nHello\n", "Captions, line 1: a WebVTT file starts with “WEBVTT”."),
        (b"WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nHello\n", "Captions, line 4: the cue timing must read like"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nHello\n", "Captions, line 3: the cue ends before it starts."),
        (
            b"WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA\n\n00:00:01.000 --> 00:00:02.000\nB\n",
            "Captions, line 6: cues must be in order of their start times.",
        ),
        (b"WEBVTT\n\nintro\nHello there\n", "Captions, line 3: expected a cue timing"),
        (b"WEBVTT\n\nNOTE nothing else\n", "Captions: the file has no cues."),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\xff\xfe bad\n", "Captions, line 4: the file must be UTF-8 text."),
        (b"WEBVTT\n00:00:01.000 --> 00:00:02.000\nHi\n", "Captions, line 2: leave a blank line after the WEBVTT line."),
    ],
)
def test_bad_captions_are_refused_naming_the_line(text, message):
    with pytest.raises(VideoFileError) as refused:
        parse_webvtt(text)
    assert str(refused.value).startswith(message)


# --- The admin ---------------------------------------------------------------------------


@pytest.fixture
def editor(client):
    user = UserFactory(username="ld.editor.video", roles=[Role.LD_EDITOR])
    client.force_login(user)
    return user


def upload(client, *, video: bytes | None = WEBM, captions: bytes = VTT, **fields):
    data = {
        "title": "Respect",
        "url": "",
        "duration_seconds": "",
        "captions_language": "en",
        "captions_label": "English",
        "transcript": "Everything said and shown.",
        "captions": SimpleUploadedFile("captions.vtt", captions, content_type="text/vtt"),
        **fields,
    }
    if video is not None:
        data["file"] = SimpleUploadedFile("respect.mp4", video, content_type="video/mp4")
    return client.post(reverse("videos:add"), data)


def test_an_editor_uploads_a_video_with_captions(client, editor):
    assert client.get(reverse("videos:add")).status_code == 200
    response = upload(client)
    assert response.status_code == 302
    video = Video.objects.get()
    # The type is the file's own (a WebM sent with an .mp4 name), and the length is its header's.
    assert (video.content_type, video.size_bytes, video.duration_seconds) == ("video/webm", len(WEBM), Decimal("12.01"))
    assert video.uploaded_by == editor and video.captions.name.endswith(".vtt")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"captions": b"WEBVTT\n\n00:00:02.000 -> 00:00:03.000\nHi\n"}, "captions", "Captions, line 3:"),
        ({"video": b"%PDF-1.7\n" + b"x" * 100}, "file", "its contents are application/pdf"),
        ({"video": None}, "file", "Upload a video file or give its intranet address."),
        ({"url": "http://intranet.force.example/v.mp4", "video": None, "duration_seconds": "60"}, "url", "https://"),
        ({"url": "https://intranet.force.example/v.mp4", "video": None}, "duration_seconds", "Give the video's length"),
        ({"url": "https://intranet.force.example/v.mp4"}, "url", "not both"),
    ],
)
def test_a_bad_upload_comes_back_with_the_reason_and_nothing_stored(client, editor, kwargs, field, message):
    response = upload(client, **kwargs)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Video.objects.exists()


def test_a_video_over_the_size_limit_is_refused(client, editor):
    with override_settings(INCLUSION_LMS={"VIDEO_MAX_BYTES": 1000}):
        response = upload(client)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The video is 58 KB: the most allowed is 1 KB."]
    assert not Video.objects.exists()


def test_an_intranet_video_is_kept_by_address(client, editor):
    response = upload(client, video=None, url="https://video.intranet.force.example/respect.mp4", duration_seconds="75")
    assert response.status_code == 302
    video = Video.objects.get()
    assert (video.url, video.duration_seconds, bool(video.file)) == (
        "https://video.intranet.force.example/respect.mp4",
        Decimal("75.00"),
        False,
    )


def test_only_those_who_write_courses_reach_the_videos(client):
    client.force_login(UserFactory(username="someone"))
    assert client.get(reverse("videos:add")).status_code == 302
    assert client.get(reverse("videos:index")).status_code == 302
    client.force_login(UserFactory(username="admin.compliance", roles=[Role.COMPLIANCE_ADMIN]))
    assert client.get(reverse("videos:index")).status_code == 302


# --- The module, the file and the endpoint -----------------------------------------------


@pytest.fixture
def video_course(db):
    course = make_course(code="VIDEO-1", modules=())
    module = VideoModulePage(title="Watch", slug="watch", video=demo_video(), watch_percent=100)
    course.add_child(instance=module)
    module.save_revision().publish()
    module.refresh_from_db()
    return course, module


@pytest.fixture
def learner(client, video_course):
    user = UserFactory(username="video.learner")
    client.force_login(user)
    return user


def report(client, module, ranges, position=None):
    body = {"ranges": ranges, **({"position": position} if position is not None else {})}
    return client.post(
        reverse("courses:video_progress", args=[module.pk]), json.dumps(body), content_type="application/json"
    )


def test_the_module_page_plays_the_video_with_captions_on_and_the_transcript(client, learner, video_course):
    _, module = video_course
    response = client.get(module.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<source src="/learning/videos/{module.video_id}/file/" type="video/webm">' in html
    assert (
        f'<track kind="captions" src="/learning/videos/{module.video_id}/captions.vtt" srclang="en" '
        'label="English" default>' in html
    )
    assert '<a href="#transcript">Read the transcript instead</a>' in html and "Speak up" in html
    assert "<script>" not in html  # no inline script: the site's policy
    assert not VideoProgress.objects.exists()  # opening the page records nothing


def test_the_file_is_served_whole_or_by_range_to_learners_only(client, learner, video_course):
    _, module = video_course
    url = reverse("courses:video_file", args=[module.video_id])
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Content-Type"] == "video/webm" and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == WEBM
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(WEBM)}"
    assert b"".join(part.streaming_content) == WEBM[100:200]
    last = client.get(url, HTTP_RANGE="bytes=-10")
    assert last.status_code == 206 and b"".join(last.streaming_content) == WEBM[-10:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(WEBM)}-").status_code == 416
    captions = client.get(reverse("courses:video_captions", args=[module.video_id]))
    assert captions.status_code == 200 and captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert captions.content == VTT
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(reverse("courses:video_captions", args=[module.video_id])).status_code == 404


def test_a_video_no_published_module_plays_is_for_editors_only(client, learner):
    video = demo_video()
    url = reverse("courses:video_file", args=[video.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="ld.preview", roles=[Role.LD_EDITOR]))
    assert client.get(url).status_code == 200


def test_the_endpoint_refuses_what_it_cannot_use(client, learner, video_course):
    _, module = video_course
    url = reverse("courses:video_progress", args=[module.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, "ranges", content_type="text/plain").status_code == 415
    bad_json = client.post(url, "{", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.json() == {"error": "The report is not valid JSON."}
    assert client.post(url, "[]", content_type="application/json").status_code == 400
    assert client.post(url, "x" * 70_000, content_type="application/json").status_code == 413
    bad = report(client, module, [[0, 2], [5, "six"]])
    assert bad.status_code == 400
    assert bad.json() == {"error": "ranges[1] must be [start, end], two numbers of seconds.", "field": "ranges[1]"}
    not_a_list = report(client, module, {"0": [0, 1]})
    assert not_a_list.status_code == 400 and "retry" not in not_a_list.json()
    backwards = report(client, module, [[4, 2]])
    assert backwards.status_code == 400 and backwards.json()["field"] == "ranges[0]"
    assert report(client, module, [], position="end").json()["field"] == "position"
    not_a_module = client.post(
        reverse("courses:video_progress", args=[module.get_parent().pk]), "{}", content_type="application/json"
    )
    assert not_a_module.status_code == 404
    assert not VideoProgress.objects.exists()
    client.logout()
    assert report(client, module, []).status_code == 401


def test_watching_to_the_end_completes_the_module_and_the_course(client, learner, video_course, pinned_clock):
    course, module = video_course
    start = report(client, module, [])  # pressing play
    assert start.status_code == 200 and start.json()["watched_percent"] == 0
    pinned_clock.shift(datetime.timedelta(seconds=5))
    half = report(client, module, [[0, 6.02]], position=6.02)
    assert half.json() == {"saved": True, "watched_percent": 50, "module_completed": False, "course_completed": False}
    pinned_clock.shift(datetime.timedelta(seconds=6))
    done = report(client, module, [[0, 12.01]], position=12.01)
    assert done.json() == {"saved": True, "watched_percent": 100, "module_completed": True, "course_completed": True}
    progress = VideoProgress.objects.get()
    assert (progress.ranges, progress.watched_seconds, progress.reports) == ([[0.0, 12.01]], Decimal("12.01"), 3)
    assert ModuleProgress.objects.get(module=module).status == ProgressStatus.COMPLETED
    completion = Completion.objects.get(user=learner)
    assert (completion.course_id, completion.source) == (course.pk, CompletionSource.ONLINE)
    # Another report changes nothing more.
    pinned_clock.shift(datetime.timedelta(seconds=3))
    assert report(client, module, [[0, 12.01]]).json()["module_completed"] is True
    assert Completion.objects.count() == 1


def test_one_report_claiming_the_whole_video_is_refused(client, learner, video_course, pinned_clock):
    _, module = video_course
    assert report(client, module, []).status_code == 200
    pinned_clock.shift(datetime.timedelta(seconds=1))
    claimed = report(client, module, [[0, 12.01]])
    assert claimed.status_code == 400 and claimed.json()["field"] == "ranges" and claimed.json()["retry"] is True
    assert "nothing was recorded" in claimed.json()["error"]
    assert VideoProgress.objects.get().watched_seconds == 0
    assert not ModuleProgress.objects.filter(status=ProgressStatus.COMPLETED).exists()
    # The same ranges, once the time passed covers them at double speed, are accepted.
    pinned_clock.shift(datetime.timedelta(seconds=3))
    assert report(client, module, [[0, 12.01]]).json()["module_completed"] is True
    # Without the report when playing starts, the first one may carry only a few seconds.
    other = UserFactory(username="video.other")
    client.force_login(other)
    assert report(client, module, [[0, 12]]).status_code == 400


def test_watched_pieces_are_merged_and_clamped_to_the_video(client, learner, video_course, pinned_clock):
    _, module = video_course
    report(client, module, [])
    pinned_clock.shift(datetime.timedelta(seconds=4))
    report(client, module, [[0, 3], [2, 5]])
    pinned_clock.shift(datetime.timedelta(seconds=4))
    # A skip forward: the gap is not watched; a range past the end stops at the end.
    answer = report(client, module, [[0, 5], [9, 400]])
    progress = VideoProgress.objects.get()
    assert progress.ranges == [[0.0, 5.0], [9.0, 12.01]]
    assert progress.watched_seconds == Decimal("8.01") and answer.json()["module_completed"] is False


def test_a_percentage_rule_completes_before_the_end(client, learner, video_course, pinned_clock):
    _, module = video_course
    module.watch_percent = 50
    module.save_revision().publish()
    report(client, module, [])
    pinned_clock.shift(datetime.timedelta(seconds=6))
    assert report(client, module, [[0, 6.1]]).json()["module_completed"] is True


def test_mark_as_complete_is_refused_for_a_video_module(client, learner, video_course):
    _, module = video_course
    response = client.post(reverse("courses:module_complete", args=[module.pk]))
    assert response.status_code == 302
    assert not ModuleProgress.objects.filter(status=ProgressStatus.COMPLETED).exists()


def test_the_demo_adds_a_captioned_video_to_the_scorm_course(db):
    from cms.demo.scorm import COURSE_CODE, load_scorm_demo

    course = load_scorm_demo(stdout=io.StringIO())
    module = load_video_demo(course_code=COURSE_CODE, stdout=io.StringIO())
    assert module.live and module.get_parent().pk == course.pk and module.watch_percent == 100
    assert module.video.duration_seconds == Decimal("12.01") and module.video.content_type == "video/webm"
    assert load_video_demo(course_code=COURSE_CODE, stdout=io.StringIO()) is None  # once only


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", f"/learning/videos/{2**63}/file/"),
        ("get", f"/learning/videos/{2**63}/captions.vtt"),
        ("post", f"/learning/video/{2**63}/progress/"),
    ],
)
def test_an_id_beyond_the_database_is_not_found(client, learner, method, url):
    response = getattr(client, method)(url, **({"content_type": "application/json"} if method == "post" else {}))
    assert response.status_code == 404


def test_the_player_resumes_where_the_learner_stopped(client, learner, video_course, pinned_clock):
    _, module = video_course
    report(client, module, [])
    pinned_clock.shift(datetime.timedelta(seconds=5))
    report(client, module, [[0, 4.5]], position=4.5)
    html = client.get(module.url).content.decode()
    assert 'data-resume-at="4.50"' in html and "You have watched 37% of this video." in html


def test_an_intranet_video_is_allowed_by_the_page_policy_and_nothing_else(client, learner, video_course):
    course, _ = video_course
    video = Video.objects.create(
        title="On the intranet",
        url="https://video.intranet.force.example/respect.mp4",
        duration_seconds=60,
        captions=demo_video().captions.name,
        transcript="Said and shown.",
    )
    module = VideoModulePage(title="Intranet", slug="intranet", video=video)
    course.add_child(instance=module)
    module.save_revision().publish()
    response = client.get(module.url)
    assert response.status_code == 200
    assert '<source src="https://video.intranet.force.example/respect.mp4">' in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "media-src 'self' https://video.intranet.force.example" in policy
    assert "media-src" not in client.get(video_course[1].url)["Content-Security-Policy"]
