"""Site pages for talent programmes. Every refusal comes from the access policy
(`compliance.access`): the panel pages for the programme's owners and the cohort's panel,
support for the applicant's line management, applying for the applicant themselves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compliance.access import person_has_team, team_member, viewer_person
from compliance.people.models import Person
from compliance.talent import selectors, services
from compliance.talent.forms import ApplyForm, NominateForm, ReasonForm, ScoreForm, SupportForm
from compliance.talent.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Cohort,
    Milestone,
    TalentProgrammePage,
)
from courses.downloads import csv_response, xlsx_response


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _panel_cohort(request, pk: int) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    if not services.user_may_select(user=request.user, cohort=cohort):
        raise PermissionDenied("Only the programme's owners and the cohort's selection panel see this.")
    return cohort


@login_required
@require_safe
def programmes_view(request):
    today = timezone.localdate()
    person = viewer_person(user=request.user)
    cohorts = selectors.open_cohorts(today=today)
    applied = {a.cohort_id: a for a in selectors.my_applications(person=person)}
    rows = [
        {
            "cohort": cohort,
            "rules": selectors.eligibility_summary(cohort=cohort),
            "refusals": selectors.eligibility_refusals(cohort=cohort, person=person, today=today),
            "application": applied.get(cohort.pk),
        }
        for cohort in cohorts
    ]
    panels = list(
        Cohort.objects.select_related("programme")
        .filter(Q(panel=request.user) | Q(programme__owners__user=request.user))
        .distinct()
        .order_by("-starts_on", "pk")
    )
    return render(
        request,
        "talent/programmes.html",
        {"rows": rows, "panels": panels, "has_team": person_has_team(person=person)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply_view(request, pk: int):
    today = timezone.localdate()
    cohort = selectors.cohort_for_apply(pk=pk)
    if cohort is None:
        return render(request, "talent/not_found.html", status=404)
    person = viewer_person(user=request.user)
    programme = cohort.programme
    form = ApplyForm(
        request.POST or None, question=programme.application_question, positive_action=programme.has_positive_action
    )
    existing = Application.objects.filter(cohort=cohort, person=person).only("id", "status").first() if person else None
    refusals = selectors.eligibility_refusals(cohort=cohort, person=person, today=today)
    closed = not cohort.window_open(today)
    if request.method == "POST":
        if closed or refusals or person is None:
            form.add_error(None, "You cannot apply for this cohort.")
        elif form.is_valid():
            try:
                services.application_submit(
                    person=person,
                    cohort=cohort,
                    statement=form.cleaned_data["statement"],
                    declaration=form.cleaned_data.get("declaration", ""),
                    now=timezone.now(),
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, f"Your application for {cohort} has been sent.")
                return redirect("talent:my-applications")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "talent/apply.html",
        {
            "cohort": cohort,
            "programme": programme,
            "form": form,
            "rules": selectors.eligibility_summary(cohort=cohort),
            "refusals": refusals,
            "closed": closed,
            "existing": existing if existing and existing.status != ApplicationStatus.NOMINATED else None,
            "nominated": existing if existing and existing.status == ApplicationStatus.NOMINATED else None,
        },
        status=status,
    )


@login_required
@require_safe
def my_applications_view(request):
    person = viewer_person(user=request.user)
    applications = selectors.my_applications(person=person)
    declarations = selectors.my_declarations(person=person)
    from compliance.talent.models import Declaration

    participating = [a for a in applications if a.status in (ApplicationStatus.SELECTED, ApplicationStatus.COMPLETED)]
    milestones = selectors.milestones_for(applications=participating)
    rows = [
        {
            "application": a,
            "milestones": milestones.get(a.pk, []),
            "participant": a.pk in milestones,
            "declaration": Declaration(declarations[a.pk]).label if a.pk in declarations else "",
            "may_withdraw": a.status in OPEN_STATUSES,
            "may_complete": a.status == ApplicationStatus.NOMINATED,
        }
        for a in applications
    ]
    return render(request, "talent/my_applications.html", {"rows": rows})


@login_required
@require_POST
def withdraw_view(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("cohort"), pk=pk, person__user=request.user)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason to withdraw.")
        return redirect("talent:my-applications")
    try:
        services.application_withdraw(
            actor=request.user, application=application, reason=form.cleaned_data["reason"], now=timezone.now()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You have withdrawn from {application.cohort}.")
    return redirect("talent:my-applications")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def nominate_view(request, pk: int):
    cohort = selectors.cohort_for_apply(pk=pk)
    if cohort is None:
        return render(request, "talent/not_found.html", status=404)
    manager = viewer_person(user=request.user)
    if not person_has_team(person=manager):
        raise PermissionDenied("Only line managers nominate.")
    form = NominateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        nominee = team_member(manager=manager, staff_number=form.cleaned_data["staff_number"].strip())
        if nominee is None:
            form.add_error("staff_number", "Nobody below you in line management has that staff number")
        else:
            try:
                services.application_nominate(
                    nominator=request.user,
                    person=nominee,
                    cohort=cohort,
                    note=form.cleaned_data["note"],
                    now=timezone.now(),
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, f"You have nominated {nominee.full_name}. They have been told by email.")
                return redirect("talent:programmes")
    return render(
        request,
        "talent/nominate.html",
        {"cohort": cohort, "form": form, "rules": selectors.eligibility_summary(cohort=cohort)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def support_list_view(request):
    manager = viewer_person(user=request.user)
    return render(request, "talent/support.html", {"applications": selectors.applications_to_support(manager=manager)})


@login_required
@require_POST
def support_decide_view(request, pk: int):
    manager = viewer_person(user=request.user)
    application = next((a for a in selectors.applications_to_support(manager=manager) if a.pk == pk), None)
    if application is None:
        return render(request, "talent/not_found.html", status=404)
    form = SupportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose support or do not support.")
        return redirect("talent:support")
    supported = form.cleaned_data["decision"] == "support"
    try:
        services.application_support(
            actor=request.user,
            application=application,
            supported=supported,
            note=form.cleaned_data["note"],
            now=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        verb = "supported" if supported else "not supported"
        messages.success(request, f"Application from {application.person.full_name} {verb}.")
    return redirect("talent:support")


@login_required
@require_safe
def panel_view(request, pk: int):
    cohort = _panel_cohort(request, pk)
    applications = selectors.panel_applications(cohort=cohort)
    return render(
        request,
        "talent/panel.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "applications": applications,
            "counts": selectors.cohort_counts(cohort=cohort),
            "to_decide": any(a.status == ApplicationStatus.SUBMITTED for a in applications),
        },
    )


@login_required
@require_safe
def panel_csv_view(request, pk: int):
    cohort = _panel_cohort(request, pk)
    header = ["Staff number", "Name", "Rank or grade", "Unit", "Status", "Score", "Shortlisted",
              "Waiting list position", "Panel note", "Decision reason"]  # fmt: skip
    rows = (
        [
            a.person.staff_number,
            a.person.full_name,
            a.person.rank_or_grade,
            a.person.unit.name,
            a.get_status_display(),
            a.score if a.score is not None else "",
            "Yes" if a.shortlisted else "No",
            a.waiting_position or "",
            a.panel_note,
            a.decision_reason,
        ]  # fmt: skip
        for a in selectors.panel_applications(cohort=cohort)
    )
    return csv_response(stem=f"applications-cohort-{cohort.pk}", header=header, rows=rows)


@login_required
@require_POST
def score_view(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("cohort__programme"), pk=pk)
    cohort = _panel_cohort(request, application.cohort_id)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
        return redirect("talent:panel", pk=cohort.pk)
    try:
        services.application_score(
            actor=request.user,
            application=application,
            score=form.cleaned_data["score"],
            shortlisted=form.cleaned_data["shortlisted"],
            note=form.cleaned_data["note"],
            now=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Score saved.")
    return redirect("talent:panel", pk=cohort.pk)


@login_required
@require_POST
def fill_view(request, pk: int):
    cohort = _panel_cohort(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for the panel's decision.")
        return redirect("talent:panel", pk=cohort.pk)
    try:
        counts = services.cohort_fill_places(
            actor=request.user, cohort=cohort, reason=form.cleaned_data["reason"], now=timezone.now()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Places filled: {counts['selected']} offered a place, {counts['waiting']} on the waiting list, "
            f"{counts['not_selected']} not selected. Everyone has been told by email.",
        )
    return redirect("talent:panel", pk=cohort.pk)


# Running a cohort ----------------------------------------------------------------------------


@login_required
@require_safe
def running_view(request, pk: int):
    cohort = _panel_cohort(request, pk)
    milestones = selectors.cohort_milestones(cohort=cohort)
    return render(
        request,
        "talent/running.html",
        {
            "cohort": cohort,
            "participants": selectors.cohort_participants(cohort=cohort),
            "milestones": milestones,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance_view(request, pk: int):
    milestone = get_object_or_404(Milestone.objects.select_related("cohort"), pk=pk)
    cohort = _panel_cohort(request, milestone.cohort_id)
    participants = selectors.cohort_participants(cohort=cohort)
    if request.method == "POST":
        try:
            attended = {int(v) for v in request.POST.getlist("attended")}
            services.attendance_record(actor=request.user, milestone=milestone, attended_ids=attended,
                                       now=timezone.now())  # fmt: skip
        except ValueError:
            messages.error(request, "Tick the participants who attended.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Attendance at {milestone.title} saved.")
            return redirect("talent:running", pk=cohort.pk)
    attendance = selectors.attendance_map(cohort=cohort)
    rows = [(p, attendance.get((milestone.pk, p.pk))) for p in participants]
    return render(request, "talent/attendance.html", {"cohort": cohort, "milestone": milestone, "rows": rows})


@login_required
@require_POST
def mentor_view(request, pk: int):
    application = get_object_or_404(Application, pk=pk)
    cohort = _panel_cohort(request, application.cohort_id)
    staff_number = request.POST.get("staff_number", "").strip()
    mentor = Person.objects.select_related("user").filter(staff_number__iexact=staff_number, is_active=True).first()
    try:
        services.mentor_assign(actor=request.user, application=application, mentor=mentor and mentor.user,
                               now=timezone.now())  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{mentor.full_name} is now the mentor.")
    return redirect("talent:running", pk=cohort.pk)


@login_required
@require_POST
def complete_view(request, pk: int):
    application = get_object_or_404(Application, pk=pk)
    cohort = _panel_cohort(request, application.cohort_id)
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    try:
        if action == "complete":
            services.application_complete(actor=request.user, application=application, note=note, now=timezone.now())
        elif action == "withdraw":
            services.application_withdraw(actor=request.user, application=application, reason=note,
                                          now=timezone.now())  # fmt: skip
        else:
            raise ValidationError("Choose completed or withdrawn.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Completion recorded." if action == "complete" else "Withdrawal recorded.")
    return redirect("talent:running", pk=cohort.pk)


@login_required
@require_safe
def mentoring_view(request):
    applications = selectors.mentees(user=request.user)
    milestones = selectors.milestones_for(applications=applications)
    rows = [{"application": a, "milestones": milestones[a.pk]} for a in applications]
    return render(request, "talent/mentoring.html", {"rows": rows})


@login_required
@require_POST
def plan_view(request, pk: int):
    application = get_object_or_404(Application, pk=pk, person__user=request.user)
    try:
        services.plan_save(person=application.person, application=application, plan=request.POST.get("plan", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Your plan has been saved.")
    return redirect("talent:my-applications")


# The board report -------------------------------------------------------------------------------


def _report_rows(reports: list) -> tuple[list[str], list[list]]:
    header = ["Cohort", "Started", "Ended", "Applied", "Offered a place", "Completed", "Withdrew from a place"]
    for _key, label in selectors.OUTCOMES:
        for months in selectors.WINDOWS:
            header += [f"{label} within {months} months", f"{label} within {months} months: similar colleagues (%)"]
    rows = []
    for report in reports:
        cohort = report.cohort
        row = [cohort.name, cohort.starts_on, cohort.ends_on, report.applied, report.offered, report.completed,
               report.withdrawn]  # fmt: skip
        for outcome in report.outcomes:
            row += [
                "" if outcome.participants is None else outcome.participants,
                "" if outcome.comparison_rate is None else round(100 * outcome.comparison_rate, 1),
            ]
        rows.append(row)
    return header, rows


@login_required
@require_safe
def programme_report_view(request, pk: int, download: str = ""):
    programme = get_object_or_404(TalentProgrammePage, pk=pk)
    if not services.user_may_see_programme_report(user=request.user, programme=programme):
        raise PermissionDenied("Only the programme's owners and those who see the force's reports see this.")
    reports = selectors.programme_reports(programme=programme, today=timezone.localdate())
    if download:
        header, rows = _report_rows(reports)
        stem = f"{programme.slug}-board-report"
        if download == "csv":
            return csv_response(stem=stem, header=header, rows=rows)
        return xlsx_response(stem=stem, sheets=[("Board report", header, rows)])
    return render(
        request,
        "talent/report.html",
        {"programme": programme, "reports": reports, "windows": selectors.WINDOWS, "outcomes": selectors.OUTCOMES},
    )
