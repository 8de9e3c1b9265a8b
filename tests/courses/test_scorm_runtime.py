"""The SCORM runtime endpoint and the package origin: what a package commits is checked and
kept for the learner, completes the module and the course exactly as a native module does, and
bad input gets a 4xx with the element named, never a 500. Package files answer only on their
own origin, through a signed address, with their own Content-Security-Policy."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cms.demo.scorm import load_scorm_demo
from courses.models import Completion, CompletionSource, ModulePage, ModuleProgress, ScormAttempt, ScormModulePage
from courses.scorm.content import token_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SITE = "localhost"  # the site's host in these tests; packages are served from 127.0.0.1


@pytest.fixture
def course(db):
    return load_scorm_demo(stdout=io.StringIO())


@pytest.fixture
def respect(course) -> ScormModulePage:
    return ScormModulePage.objects.get(slug="respect-at-work")


@pytest.fixture
def exclusion(course) -> ScormModulePage:
    return ScormModulePage.objects.get(slug="everyday-exclusion")


@pytest.fixture
def learner(client):
    user = UserFactory(first_name="Sam", last_name="Patel")
    client.force_login(user)
    return user


def post(client, module, payload, **extra):
    return client.post(
        reverse("courses:scorm_runtime", args=[module.pk]),
        data=json.dumps(payload) if not isinstance(payload, bytes | str) else payload,
        content_type=extra.pop("content_type", "application/json"),
        HTTP_HOST=SITE,
        **extra,
    )


def cmi_12(status="incomplete", raw="", location="", suspend="", session="", exit_="", **more):
    core = {"lesson_status": status, "lesson_location": location, "exit": exit_, "session_time": session}
    core["score"] = {"raw": raw, "min": "0" if raw else "", "max": "100" if raw else ""}
    return {"core": core, "suspend_data": suspend, **more}


def commit(client, module, sco, cmi, *, terminate=False, initialize=True):
    if initialize:
        assert post(client, module, {"action": "initialize", "sco": sco}).status_code == 200
    response = post(client, module, {"action": "commit", "sco": sco, "cmi": cmi, "terminate": terminate})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_scorm_12_commit_is_kept_and_passing_completes_the_module(client, learner, respect):
    interactions = {"0": {"id": "q-code", "type": "choice", "student_response": "b", "result": "correct"}}
    objectives = {"0": {"id": "quiz", "status": "passed", "score": {"raw": "100", "min": "", "max": ""}}}
    result = commit(
        client,
        respect,
        "respect-item",
        cmi_12(
            "passed",
            raw="100",
            location="3",
            suspend='{"canteen":"challenge"}',
            session="00:02:30",
            interactions=interactions,
            objectives=objectives,
        ),
        terminate=True,
    )
    assert result["sco_completed"] is True and result["module_completed"] is True
    assert result["course_completed"] is False  # the SCORM 2004 module is still to do
    attempt = ScormAttempt.objects.get()
    assert (attempt.completion_status, attempt.success_status) == ("passed", "passed")
    assert (attempt.score_raw, attempt.location, attempt.suspend_data) == (Decimal(100), "3", '{"canteen":"challenge"}')
    assert (attempt.session_seconds, attempt.total_seconds, attempt.sessions) == (Decimal(150), Decimal(150), 1)
    assert attempt.interactions == [
        {
            "index": 0,
            "id": "q-code",
            "type": "choice",
            "response": "b",
            "result": "correct",
            "weighting": "",
            "latency_seconds": "",
            "time": "",
            "session": 1,
        }
    ]
    assert attempt.objectives == [
        {"id": "quiz", "score": {"scaled": "", "raw": "100", "min": "", "max": ""}, "status": "passed"}
    ]
    progress = ModuleProgress.objects.get(module_id=respect.pk)
    assert progress.status == "completed" and progress.best_score == Decimal("100.00")
    assert not Completion.objects.exists()


def test_the_mastery_score_decides_not_the_package(client, learner, respect):
    result = commit(client, respect, "respect-item", cmi_12("passed", raw="50"), terminate=True)
    assert result["success_status"] == "failed" and result["module_completed"] is False
    assert ScormAttempt.objects.get().completion_status == "failed"
    assert ModuleProgress.objects.get(module_id=respect.pk).status == "in_progress"


def test_both_modules_complete_the_course_once_with_its_revision(
    client, learner, course, respect, exclusion, django_capture_on_commit_callbacks
):
    commit(client, respect, "respect-item", cmi_12("passed", raw="90"), terminate=True)
    learn = {"completion_status": "completed", "progress_measure": "1", "location": "3", "exit": "normal"}
    result = commit(client, exclusion, "micro-learn", learn, terminate=True)
    assert result["sco_completed"] is True and result["module_completed"] is False
    check = {"completion_status": "completed", "success_status": "passed", "score": {"scaled": "0.5", "raw": "50"}}
    result = commit(client, exclusion, "micro-check", check, terminate=True)
    # The passing score (0.8) in the manifest decides: 0.5 fails, whatever the package said.
    assert result["success_status"] == "failed" and result["module_completed"] is False
    check["score"] = {"scaled": "1", "raw": "100", "min": "0", "max": "100"}
    with django_capture_on_commit_callbacks(execute=True):
        result = commit(client, exclusion, "micro-check", check, terminate=True, initialize=False)
    assert result["module_completed"] is True and result["course_completed"] is True
    completion = Completion.objects.get()
    course.refresh_from_db()
    assert (completion.user, completion.course_id, completion.source) == (learner, course.pk, CompletionSource.SCORM)
    assert completion.revision_id == course.live_revision_id and completion.score == Decimal("95.00")
    # Committing again (a second tab, a retry) changes nothing.
    commit(client, exclusion, "micro-check", check, terminate=True, initialize=False)
    assert Completion.objects.count() == 1
    assert hasattr(completion, "certificate")


def test_completion_satisfies_a_requirement(client, course, respect, exclusion, django_capture_on_commit_callbacks):
    from compliance.models import Assignment, AssignmentState
    from compliance.services.sync import sync_all
    from tests.compliance.factories import make_requirement
    from tests.factories import make_person

    person = make_person()
    make_requirement(courses=[course], trigger="joining", trigger_days=60)
    sync_all()
    assert Assignment.objects.get(person=person).state == AssignmentState.OPEN
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        commit(client, respect, "respect-item", cmi_12("passed", raw="80"), terminate=True)
        commit(client, exclusion, "micro-learn", {"completion_status": "completed", "progress_measure": "1"})
        commit(client, exclusion, "micro-check", {"success_status": "passed", "score": {"scaled": "0.9"}})
    assignment = Assignment.objects.get(person=person)
    assert assignment.state == AssignmentState.SATISFIED
    assert assignment.satisfied_by == Completion.objects.get(user=person.user)


def test_a_completion_threshold_decides_completion(client, learner, exclusion):
    result = commit(client, exclusion, "micro-learn", {"completion_status": "completed", "progress_measure": "0.5"})
    assert result["completion_status"] == "incomplete" and result["sco_completed"] is False


def test_sessions_add_up_and_a_suspended_attempt_resumes(client, learner, respect):
    commit(
        client,
        respect,
        "respect-item",
        cmi_12(location="2", suspend="abc", session="00:01:30", exit_="suspend"),
        terminate=True,
    )
    commit(
        client,
        respect,
        "respect-item",
        cmi_12(location="3", suspend="abcd", session="00:00:30", exit_="suspend"),
        terminate=True,
    )
    attempt = ScormAttempt.objects.get()
    assert (attempt.total_seconds, attempt.sessions, attempt.commits) == (Decimal(120), 2, 2)
    # A new browser: the page carries what the launch starts from.
    client.logout()
    client.force_login(learner)
    response = client.get(respect.url, HTTP_HOST=SITE)
    state = json.loads(
        re.search(r'id="scorm-player-state" type="application/json">(.*?)</script>', response.text).group(1)
    )
    core = state["steps"][0]["cmi"]["core"]
    assert (core["lesson_location"], core["entry"], core["total_time"], core["student_name"]) == (
        "3",
        "resume",
        "0000:02:00",
        "Patel, Sam",
    )
    assert state["steps"][0]["cmi"]["suspend_data"] == "abcd"
    assert state["steps"][0]["cmi"]["student_data"]["mastery_score"] == "80"


def test_suspend_data_limits_follow_the_version(client, learner, respect, exclusion):
    commit(client, respect, "respect-item", cmi_12(suspend="x" * 4096))
    response = post(client, respect, {"action": "commit", "sco": "respect-item", "cmi": cmi_12(suspend="x" * 4097)})
    assert response.status_code == 400
    assert response.json() == {
        "error": "cmi.suspend_data is 4,097 characters; at most 4,096 may be stored.",
        "element": "cmi.suspend_data",
    }
    commit(client, exclusion, "micro-learn", {"suspend_data": "y" * 64000})
    response = post(client, exclusion, {"action": "commit", "sco": "micro-learn", "cmi": {"suspend_data": "y" * 64001}})
    assert response.status_code == 400 and response.json()["element"] == "cmi.suspend_data"
    assert ScormAttempt.objects.get(sco="micro-learn").suspend_data == "y" * 64000


@pytest.mark.parametrize(
    ("cmi", "element"),
    [
        (cmi_12("finished"), "cmi.core.lesson_status"),
        (cmi_12(raw="abc"), "cmi.core.score.raw"),
        (cmi_12(raw="101"), "cmi.core.score.raw"),
        (cmi_12(session="1:2"), "cmi.core.session_time"),
        (cmi_12(exit_="normal"), "cmi.core.exit"),
        (cmi_12(location="x" * 256), "cmi.core.lesson_location"),
        ({"core": []}, "cmi.core"),
        ({"core": {"lesson_status": ["passed"]}}, "cmi.core.lesson_status"),
        (cmi_12(interactions={"0": {"id": "q", "type": "essay"}}), "cmi.interactions.0.type"),
        (cmi_12(interactions={"x": {"id": "q"}}), "cmi.interactions.x"),
        (cmi_12(interactions={str(i): {"id": "q"} for i in range(501)}), "cmi.interactions"),
        ("a string", "cmi"),
    ],
)
def test_bad_scorm_12_data_is_refused_by_element(client, learner, respect, cmi, element):
    response = post(client, respect, {"action": "commit", "sco": "respect-item", "cmi": cmi})
    assert response.status_code == 400
    assert response.json()["element"] == element
    assert not ScormAttempt.objects.exists()


@pytest.mark.parametrize(
    ("cmi", "element"),
    [
        ({"completion_status": "passed"}, "cmi.completion_status"),
        ({"success_status": "completed"}, "cmi.success_status"),
        ({"score": {"scaled": "1.5"}}, "cmi.score.scaled"),
        ({"progress_measure": "-0.1"}, "cmi.progress_measure"),
        ({"session_time": "PT"}, "cmi.session_time"),
        ({"session_time": "P1000D"}, "cmi.session_time"),
        ({"location": "x" * 1001}, "cmi.location"),
        ({"interactions": {"0": {"id": "q", "learner_response": "x" * 4001}}}, "cmi.interactions.0.learner_response"),
        ({"objectives": {"0": {"id": "o", "success_status": "maybe"}}}, "cmi.objectives.0.success_status"),
    ],
)
def test_bad_scorm_2004_data_is_refused_by_element(client, learner, exclusion, cmi, element):
    response = post(client, exclusion, {"action": "commit", "sco": "micro-learn", "cmi": cmi})
    assert response.status_code == 400
    assert response.json()["element"] == element


def test_requests_that_are_not_runtime_data(client, learner, respect, course):
    url = reverse("courses:scorm_runtime", args=[respect.pk])
    assert post(client, respect, b"{not json").json() == {"error": "The runtime data is not valid JSON."}
    assert post(client, respect, b"{not json").status_code == 400
    assert post(client, respect, b"\xff\xfe").status_code == 400
    assert post(client, respect, "[1, 2]").json() == {"error": "The runtime data must be a JSON object."}
    assert post(client, respect, "[" * 100_000 + "]" * 100_000).status_code == 400
    assert post(client, respect, {"action": "delete", "sco": "respect-item"}).json()["element"] == "action"
    unknown = post(client, respect, {"action": "initialize", "sco": "nope"})
    assert (unknown.status_code, unknown.json()["error"]) == (400, "The package has no SCO “nope”.")
    assert post(client, respect, {"action": "initialize", "sco": None}).status_code == 400
    assert (
        post(client, respect, {"action": "commit", "sco": "respect-item", "cmi": {}, "terminate": "yes"}).status_code
        == 400
    )
    assert post(client, respect, "{}", content_type="text/plain").status_code == 415
    big = {"action": "commit", "sco": "respect-item", "cmi": {"suspend_data": "x" * 600_000}}
    assert post(client, respect, big).status_code == 413
    assert client.get(url, HTTP_HOST=SITE).status_code == 405
    native = ModulePage.objects.exclude(pk__in=ScormModulePage.objects.values("pk")).first()
    for module_id in ([native.pk] if native else []) + [999_999, 2**63]:
        response = client.post(
            f"/learning/scorm/{module_id}/runtime/", "{}", content_type="application/json", HTTP_HOST=SITE
        )
        assert response.status_code == 404
    respect.unpublish()
    assert post(client, respect, {"action": "initialize", "sco": "respect-item"}).status_code == 404
    assert not ScormAttempt.objects.exists()


def test_the_runtime_needs_a_session_and_a_csrf_token(respect):
    from django.test import Client

    anonymous = Client()
    response = anonymous.post(
        reverse("courses:scorm_runtime", args=[respect.pk]), "{}", content_type="application/json", HTTP_HOST=SITE
    )
    assert response.status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory())
    response = strict.post(
        reverse("courses:scorm_runtime", args=[respect.pk]),
        json.dumps({"action": "initialize", "sco": "respect-item"}),
        content_type="application/json",
        HTTP_HOST=SITE,
    )
    assert response.status_code == 403
    assert not ScormAttempt.objects.exists()


def test_the_native_mark_complete_is_refused_for_a_scorm_module(client, learner, respect):
    response = client.post(reverse("courses:module_complete", args=[respect.pk]), HTTP_HOST=SITE)
    assert response.status_code == 302
    assert not ModuleProgress.objects.filter(status="completed").exists()


def test_the_player_page_frames_the_package_origin_and_writes_nothing(client, learner, respect):
    response = client.get(respect.url, HTTP_HOST=SITE)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert re.search(r"frame-src [^;]*http://127\.0\.0\.1", policy)
    # The site's own policy otherwise: no inline script on the player page.
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"][0] == "'self'" and "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-src"] == ["'self'", "http://127.0.0.1"]
    frame = re.search(r'<iframe class="scorm-player__frame"[^>]*>', response.text).group(0)
    assert 'src="http://127.0.0.1/scorm-player/' in frame
    assert 'sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads"' in frame
    assert "allow-top-navigation" not in frame
    assert not ScormAttempt.objects.exists() and not ModuleProgress.objects.exists()


def test_a_site_with_no_package_origin_plays_nothing(client, learner, respect):
    response = client.get(respect.url, HTTP_HOST="testserver")
    assert response.status_code == 200
    assert "This module cannot be played at this address" in response.text and "<iframe" not in response.text


def test_package_files_answer_only_on_their_origin_with_their_own_policy(client, learner, respect):
    token = token_issue(
        package_id=respect.package_id, user_id=learner.pk, content="http://127.0.0.1", site="http://localhost"
    )
    anonymous = type(client)()
    response = anonymous.get(f"/scorm-content/{token}/index.html", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert b"Respect at work" in b"".join(response.streaming_content)
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' http://localhost" in policy and "connect-src 'self'" in policy
    assert "X-Frame-Options" not in response and response["Referrer-Policy"] == "no-referrer"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert anonymous.get(f"/scorm-content/{token}/sco.js", HTTP_HOST="127.0.0.1")["Content-Type"] == "text/javascript"
    # On the site's own origin, with a forged or tampered token, or outside the package: nothing.
    assert anonymous.get(f"/scorm-content/{token}/index.html", HTTP_HOST="localhost").status_code == 404
    assert anonymous.get(f"/scorm-content/{token[:-2]}xx/index.html", HTTP_HOST="127.0.0.1").status_code == 404
    assert anonymous.get(f"/scorm-content/{token}/../../index.html", HTTP_HOST="127.0.0.1").status_code == 404
    assert anonymous.get(f"/scorm-content/{token}/missing.html", HTTP_HOST="127.0.0.1").status_code == 404
    launch = anonymous.get(f"/scorm-player/{token}/0/", HTTP_HOST="127.0.0.1")
    assert launch.status_code == 200
    assert launch["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self';")
    assert f'data-sco-url="/scorm-content/{token}/index.html"' in launch.text
    assert anonymous.get(f"/scorm-player/{token}/9/", HTTP_HOST="127.0.0.1").status_code == 404
    learner.is_active = False
    learner.save()
    assert anonymous.get(f"/scorm-content/{token}/index.html", HTTP_HOST="127.0.0.1").status_code == 404


def test_an_asset_completes_when_opened(client, learner, course):
    """A part that is an asset (no API calls) counts once the learner has opened it."""
    from courses.services.scorm import scorm_package_create
    from tests.courses.scorm_helpers import MANIFEST_12, make_zip

    manifest = MANIFEST_12.format(href="index.html", extra="").replace('scormtype="sco"', 'scormtype="asset"')
    package = scorm_package_create(upload=io.BytesIO(make_zip({"imsmanifest.xml": manifest, "index.html": "x"})))
    module = ScormModulePage(title="Reading", slug="reading", package=package)
    course.add_child(instance=module)
    module.save_revision().publish()
    refused = post(client, module, {"action": "commit", "sco": "i1", "cmi": cmi_12("passed")})
    assert (refused.status_code, refused.json()["error"]) == (400, "“i1” is an asset: it stores no data.")
    response = post(client, module, {"action": "initialize", "sco": "i1"})
    assert response.status_code == 200
    assert response.json() == {
        "saved": True,
        "sco": "i1",
        "session": 1,
        "sco_completed": True,
        "module_completed": True,
    }
    assert ModuleProgress.objects.get(module_id=module.pk).status == "completed"


def test_the_player_page_reads_a_fixed_number_of_queries(client, learner, exclusion, django_assert_max_num_queries):
    commit(client, exclusion, "micro-learn", {"completion_status": "completed", "progress_measure": "1"})
    commit(client, exclusion, "micro-check", {"success_status": "failed", "score": {"scaled": "0.5"}})
    with django_assert_max_num_queries(25) as captured:
        response = client.get(exclusion.url, HTTP_HOST=SITE)
    assert response.status_code == 200
    state = json.loads(
        re.search(r'id="scorm-player-state" type="application/json">(.*?)</script>', response.text).group(1)
    )
    assert [(s["identifier"], s["status"]) for s in state["steps"]] == [
        ("micro-learn", "completed"),
        ("micro-check", "failed"),
    ]
    assert state["current"] == 1  # the first part not yet done
    first = len(captured)
    # More learners' data and more attempts cost no more queries.
    other = UserFactory()
    client.force_login(other)
    commit(client, exclusion, "micro-learn", {"completion_status": "incomplete"})
    client.force_login(learner)
    with django_assert_max_num_queries(first):
        client.get(exclusion.url, HTTP_HOST=SITE)


def test_a_configured_package_origin_is_used_unless_it_is_the_sites_own(client, learner, respect, settings):
    settings.INCLUSION_LMS_SCORM_ORIGIN = "https://lms-content.force-learning.example/"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "lms.force.example"]
    response = client.get(respect.url, HTTP_HOST="lms.force.example")
    assert 'src="https://lms-content.force-learning.example/scorm-player/' in response.text
    assert "https://lms-content.force-learning.example" in response["Content-Security-Policy"]
    for wrong in ("http://lms.force.example", "javascript:alert(1)", "lms-content.example"):
        settings.INCLUSION_LMS_SCORM_ORIGIN = wrong
        response = client.get(respect.url, HTTP_HOST="lms.force.example")
        assert response.status_code == 200
        assert "This module cannot be played at this address" in response.text and "<iframe" not in response.text


def test_a_preview_lists_the_parts_and_records_nothing(client, exclusion):
    """L&D preview a SCORM module: its parts, and no player (the published page plays it)."""
    from django.test import RequestFactory

    from compliance.access import Role

    editor = UserFactory(username="ld.preview", roles=[Role.LD_EDITOR])
    request = RequestFactory().get(exclusion.url, HTTP_HOST=SITE)
    request.user = editor
    response = exclusion.make_preview_request(original_request=request)
    response.render()
    text = response.content.decode()
    assert response.status_code == 200
    assert "Preview: these are the module's parts." in text
    assert "Part 2: Check your understanding" in text
    assert "<iframe" not in text and "cannot be played" not in text
    assert not ScormAttempt.objects.exists() and not ModuleProgress.objects.exists()
