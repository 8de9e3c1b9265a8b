"""The dead-letter screen in the Wagtail admin: statements the LRS did not take, their last
error, and sending one or all again. Holders of the right to resend learning records only
(compliance administrators and the L&D lead, `courses.access`); everyone else 403."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from courses.access import Right, user_has_right

from .lrs import lrs_config
from .models import StatementStatus
from .selectors import dead_letters, statement_counts
from .services import statements_retry

PER_PAGE = 50


def user_may_resend(user) -> bool:
    return user_has_right(user=user, right=Right.RESEND_LEARNING_RECORDS)


def _page(request, *, error: str = "", status: int = 200):
    config = lrs_config()
    page = Paginator(dead_letters(), PER_PAGE).get_page(request.GET.get("p"))
    counts = statement_counts()
    context = {
        "endpoint": config.endpoint if config else "",
        "counts": [(label, counts[value]) for value, label in StatementStatus.choices],
        "failed_total": counts[StatementStatus.FAILED],
        "page": page,
        "error": error,
    }
    return TemplateResponse(request, "xapi/admin/dead_letters.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def dead_letters_view(request):
    if not user_may_resend(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request)
    action = request.POST.get("action", "")
    if action == "retry-all":
        count = statements_retry()
        messages.success(
            request, f"{count} statement(s) will be sent again." if count else "There was nothing to send."
        )
        return redirect("xapi_dead_letters")
    if action == "retry":
        raw = request.POST.get("statement", "")
        try:
            statement_id = uuid.UUID(raw)
        except ValueError:
            return _page(request, error="Choose a statement from the list to send again.", status=400)
        if not statements_retry(ids=[statement_id]):
            return _page(
                request,
                error="That statement is not a dead letter (it was sent again already, or never failed).",
                status=400,
            )
        messages.success(request, f"Statement {statement_id} will be sent again.")
        return redirect("xapi_dead_letters")
    return _page(request, error="Choose to send one statement again, or all of them.", status=400)
