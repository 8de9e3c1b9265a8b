"""The video module in Chromium: the demo's captioned video plays in the browser's own player
with captions showing, from the keyboard, and completes the module once watched to the end as
the server counts it; the transcript is a link away; axe passes around the player and on the
admin's video screens; nothing is blocked by the Content-Security-Policy (the `page` fixture)."""

import io

import pytest
from playwright.sync_api import expect

from cms.demo.scorm import COURSE_CODE, load_scorm_demo
from cms.demo.videos import SOURCES, load_video_demo
from compliance.access import Role
from courses.models import ModuleProgress, ProgressStatus, Video, VideoModulePage, VideoProgress
from tests.browser.test_scorm_player import eventually
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def video_module(live_site):
    load_scorm_demo(stdout=io.StringIO())
    return load_video_demo(course_code=COURSE_CODE, stdout=io.StringIO())


def test_the_video_plays_with_captions_from_the_keyboard_and_completes(page, login, assert_accessible, video_module):
    learner = UserFactory(username="video.watcher")
    login(page, learner.username)
    page.goto(video_module.url)
    expect(page.get_by_role("heading", name="Respect in practice (video)")).to_be_visible()
    video = page.locator("#video")
    page.wait_for_function("document.getElementById('video').readyState >= 1")
    assert page.evaluate("document.getElementById('video').duration") == pytest.approx(12.0, abs=0.1)
    assert page.evaluate("document.getElementById('video').textTracks[0].mode") == "showing"
    assert page.evaluate("document.getElementById('video').textTracks[0].label") == "English"
    assert_accessible(page, "the video player")

    # The transcript is one link away, by keyboard.
    page.get_by_role("link", name="Read the transcript instead").focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#transcript")
    expect(page.get_by_role("heading", name="Transcript of Everyday respect in practice")).to_be_visible()

    # From the link, Tab reaches the player; Space plays it (at double speed, to keep the test short).
    page.get_by_role("link", name="Read the transcript instead").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "video"
    page.evaluate("document.getElementById('video').playbackRate = 2")
    page.keyboard.press("Space")
    page.wait_for_function("!document.getElementById('video').paused", timeout=5_000)
    page.wait_for_function("document.getElementById('video').textTracks[0].activeCues.length > 0", timeout=5_000)
    cue = page.evaluate("document.getElementById('video').textTracks[0].activeCues[0].text")
    assert cue.startswith("[Soft chime]")
    expect(page.locator("#video-done")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("link", name="Back to the course")).to_be_visible()
    expect(video).to_be_visible()
    assert_accessible(page, "the video player, completed")
    eventually(page, lambda: ModuleProgress.objects.filter(module_id=video_module.pk, status="completed").exists())
    progress = VideoProgress.objects.get(module_id=video_module.pk)
    assert progress.watched_seconds >= 11 and progress.completed_at is not None
    assert ModuleProgress.objects.get(module_id=video_module.pk).status == ProgressStatus.COMPLETED
    # Leaving the page sends a last report (it outlives the page): it is counted, and it lands
    # before the test's database is emptied.
    page.goto("about:blank")
    eventually(page, lambda: VideoProgress.objects.get(module_id=video_module.pk).reports > progress.reports)


def test_the_video_admin_screens_pass_axe(page, login, assert_accessible, video_module, tmp_path):
    from courses.editorial import editorial_setup
    from courses.models import CatalogueIndexPage

    editorial_setup(catalogue=CatalogueIndexPage.objects.get())
    UserFactory(username="ld.video", roles=[Role.LD_EDITOR])
    login(page, "ld.video")
    page.goto("/admin/videos/")
    expect(page.get_by_role("link", name="Everyday respect in practice")).to_be_visible()
    assert_accessible(page, "Videos")
    page.goto("/admin/videos/new/")
    assert_accessible(page, "Video upload")
    bad = tmp_path / "captions.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 to 00:00:02.000\nHello\n")
    page.locator("#id_title").fill("A refused upload")
    page.locator("#id_file").set_input_files(str(SOURCES / "everyday-respect.webm"))
    page.locator("#id_captions").set_input_files(str(bad))
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Captions, line 3: expected a cue timing")).to_be_visible()
    page.wait_for_timeout(1000)  # Wagtail's error banner fades in
    assert_accessible(page, "Video upload, refused")
    assert Video.objects.count() == 1
    page.goto(f"/admin/pages/{VideoModulePage.objects.get().pk}/edit/")
    expect(page.locator("#id_video")).to_be_attached()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # the editor's side panel (minimap) settles its size
    assert_accessible(page, "Video module editor")
