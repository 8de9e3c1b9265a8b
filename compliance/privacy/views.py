"""The privacy pages of the site: the staff privacy notice (made from the register) and a
person's own record, to read and to download."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from compliance.access import viewer_person
from courses.downloads import filename

from .selectors import register_rows, subject_record
from .services import own_record_archive, subject_report_html


def notice_view(request):
    return render(request, "privacy/notice.html", {"rows": register_rows()})


@login_required
def my_record_view(request):
    person = viewer_person(user=request.user)
    sections = subject_record(person=person) if person else []
    return render(request, "privacy/my_record.html", {"person": person, "sections": sections})


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def my_record_archive_view(request):
    """A POST: the download is written to the audit trail, which no link-following may do."""
    person = viewer_person(user=request.user)
    if person is None:
        return my_record_view(request)
    response = HttpResponse(own_record_archive(person=person, actor=request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename("my-record", "zip")}"'
    return _private(response)


@login_required
def my_record_report_view(request):
    person = viewer_person(user=request.user)
    if person is None:
        return my_record_view(request)
    html = subject_report_html(person=person, sections=subject_record(person=person), produced_at=timezone.now())
    return _private(HttpResponse(html))
