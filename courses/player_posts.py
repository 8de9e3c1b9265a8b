"""What a module's player posts back (SCORM runtime data, what a video showed): signed in, the
live module, JSON within a size limit. Each refusal is a JSON error a script can show."""

import json

from django.http import JsonResponse

from courses.access import active_user
from courses.selectors.learning import live_page


def json_error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def read_player_post(request, *, model, module_id: int, noun: str, sending: str, missing: str, max_bytes: int):
    """(module, payload) for a well-formed post, or the JSON error answering it. `noun` names
    the body ("The report"), `sending` what to send ("what was watched"), `missing` the 404."""
    if request.method != "POST":
        response = json_error(405, f"Send {sending} with POST.")
        response["Allow"] = "POST"
        return response
    if not active_user(request.user):
        return json_error(401, "Your session has ended: sign in again, then reopen the module to carry on.")
    module = live_page(model=model, page_id=module_id)
    if module is None:
        return json_error(404, missing)
    if request.content_type != "application/json":
        return json_error(415, f"Send {sending} as application/json.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_bytes:
        return json_error(413, f"{noun} is over {max_bytes // 1024} KB.")
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return json_error(400, f"{noun} is not valid JSON.")
    if not isinstance(payload, dict):
        return json_error(400, f"{noun} must be a JSON object.")
    return module, payload
