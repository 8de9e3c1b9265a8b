"""SCORM's addresses: the runtime endpoint on the site (session and CSRF, JSON in and out),
and, on the package origin, the launch frame and the package's files (signed addresses, no
session, each answer with its own Content-Security-Policy)."""

import mimetypes
import posixpath

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from courses import views as course_views
from courses.access import active_user
from courses.models import ModuleProgress, ProgressStatus
from courses.models.scorm import ScormModulePage, ScormPackage
from courses.player_posts import json_error, read_player_post
from courses.scorm.archive import PackageError, check_path
from courses.scorm.content import launch_policy, package_policy, site_origin, token_read
from courses.scorm.player import learner_name
from courses.scorm.runtime import launch_cmi
from courses.selectors.learning import live_page
from courses.services.errors import LearningError
from courses.services.scorm import scorm_runtime_commit, scorm_runtime_initialize

MAX_RUNTIME_BYTES = 512 * 1024
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".svg": "image/svg+xml",
    ".vtt": "text/vtt",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".txt": "text/plain; charset=utf-8",
}


@never_cache
def runtime(request, module_id: int):
    """POST {"action": "initialize" | "commit", "sco": id, "cmi": {...}, "terminate": bool}."""
    read = read_player_post(
        request,
        model=ScormModulePage,
        module_id=module_id,
        noun="The runtime data",
        sending="the runtime data",
        missing="No such SCORM module.",
        max_bytes=MAX_RUNTIME_BYTES,
    )
    if isinstance(read, JsonResponse):
        return read
    module, payload = read
    action, sco = payload.get("action"), payload.get("sco")
    terminate = payload.get("terminate", False)
    if not isinstance(terminate, bool):
        return json_error(400, "terminate must be true or false.", element="terminate")
    try:
        if action == "initialize":
            attempt = scorm_runtime_initialize(user=request.user, module=module, sco=sco)
            module_completed = ModuleProgress.objects.filter(
                enrolment_id=attempt.enrolment_id, module_id=module.pk, status=ProgressStatus.COMPLETED
            ).exists()
            return JsonResponse(
                {
                    "saved": True,
                    "sco": attempt.sco,
                    "session": attempt.sessions,
                    "sco_completed": attempt.completed_at is not None,
                    "module_completed": module_completed,
                }
            )
        if action == "commit":
            result = scorm_runtime_commit(
                user=request.user, module=module, sco=sco, cmi=payload.get("cmi"), terminate=terminate
            )
        else:
            return json_error(400, "action must be “initialize” or “commit”.", element="action")
    except LearningError as error:
        element = next(iter(error.field_errors), None)
        return json_error(400, error.message, **({"element": element} if element else {}))
    attempt = result.attempt
    return JsonResponse(
        {
            "saved": True,
            "sco": attempt.sco,
            "completion_status": attempt.completion_status,
            "success_status": attempt.success_status,
            "sco_completed": attempt.completed_at is not None,
            "module_completed": result.module_completed,
            "course_completed": result.course_completion is not None,
            "cmi": launch_cmi(
                version=module.package.version,
                step=module.package.step(attempt.sco),
                attempt=attempt,
                learner_id=str(request.user.pk),
                learner_name=learner_name(request.user),
            ),
        }
    )


def _grant(request, token: str) -> dict:
    """The token's grant, if it is genuine, for this origin, and its learner still active."""
    grant = token_read(token)
    if grant is None or grant["o"] != site_origin(request):
        raise Http404("No such package.")
    if not get_user_model().objects.filter(pk=grant["u"], is_active=True).exists():
        raise Http404("No such package.")
    return grant


def _protect(response: HttpResponse, policy: str) -> HttpResponse:
    response["Content-Security-Policy"] = policy
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Opener-Policy"] = "same-origin"
    response._csp_exempt = True  # the policy above is the whole policy for package answers
    return response


@require_safe
@xframe_options_exempt
def launch_frame(request, token: str, index: int):
    grant = _grant(request, token)
    package = ScormPackage.objects.filter(pk=grant["p"]).first()
    if package is None or not 0 <= index < len(package.steps):
        raise Http404("No such package.")
    step = package.steps[index]
    response = render(
        request,
        "courses/scorm/launch_frame.html",
        {
            "step": step,
            "version": package.version,
            "site": grant["s"],
            "sco_url": f"/scorm-content/{token}/{step['href']}",
            "runtime_js": static("courses/vendor/scorm-again/scorm-again.min.js"),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return _protect(response, launch_policy(site=grant["s"]))


@require_safe
@xframe_options_exempt
def content_file(request, token: str, path: str):
    grant = _grant(request, token)
    try:
        path = check_path(path)
    except PackageError:
        raise Http404("No such file.") from None
    package = ScormPackage.objects.filter(pk=grant["p"]).only("storage_prefix").first()
    if package is None:
        raise Http404("No such file.")
    name = f"{package.storage_prefix}/{path}"
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such file.") from None
    extension = posixpath.splitext(path)[1].lower()
    content_type = TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return _protect(response, package_policy(site=grant["s"]))


def module_mark_complete(request, module_id: int):
    """A SCORM module completes only through its package: its "mark as complete" is refused."""
    if (
        request.method == "POST"
        and active_user(request.user)
        and (module := live_page(model=ScormModulePage, page_id=module_id)) is not None
    ):
        messages.error(request, "This module completes when you finish its content.")
        return redirect(module.url)
    return course_views.module_mark_complete(request, module_id)
