"""What each email says: its subject, the text and HTML of one item or of a person's day,
and the message itself with its stable Message-ID."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from compliance.models import ExtensionRequest, RequestKind
from compliance.people.models import Person
from compliance.selectors.assignments import LEARNER, MANAGER, Status, assignment_reason
from courses.conf import lms_setting, site_url
from courses.dates import long_date
from courses.mail import subject_line

from .models import Reminder, ReminderKind


def _base_url() -> str:
    return site_url()


def _course_links(requirement) -> list[tuple[str, str]]:
    links = []
    for course in requirement.courses.all():
        if not course.live:
            continue
        url = course.get_url()
        if url:
            links.append((course.title, url if url.startswith("http") else _base_url() + url))
    return links


def item_subject(reminder: Reminder, today: datetime.date, payload=None) -> str:
    """The subject of one row's message (and its title in the notifications list)."""
    return subject_line(_item_subject_text(reminder, today, payload))


def _item_subject_text(reminder: Reminder, today: datetime.date, payload) -> str:
    kind = reminder.kind
    if kind == ReminderKind.MANAGER_DIGEST:
        overdue = sum(1 for line in payload if line.status == Status.OVERDUE)
        return f"Your team's training: {overdue} overdue, {len(payload) - overdue} due soon"
    if kind == ReminderKind.OBSERVATION_PROMPT:
        if len(payload) == 1:
            return f"What change have you seen in {payload[0].learner.full_name} since {payload[0].course.title}?"
        return f"{len(payload)} people in your team finished training a while ago: what change have you seen?"
    if kind == ReminderKind.EXTENSION_DECISION:
        return _decision_message(reminder.extension_request)[0]
    if kind == ReminderKind.EXTENSION_REQUEST:
        request = reminder.extension_request
        asks = "to be exempted from" if request.kind == RequestKind.EXEMPTION else "for more time for"
        return f"{request.assignment.person.full_name} asks {asks} {request.assignment.requirement.name}"
    if kind == ReminderKind.REFLECTION_PROMPT:
        return f"Time to reflect: {reminder.reflection_prompt.completion.course.title}"
    if kind == ReminderKind.BOOKING_PLACE:
        return f"You have a place: {reminder.booking.session.course.title}"
    a = reminder.assignment
    name = a.requirement.name
    due = a.effective_due_date
    days = (today - due).days
    if kind == ReminderKind.ASSIGNED:
        if days > 0:  # never "overdue since" a day before they were asked
            return f"New required training: {name}, please complete it as soon as you can"
        return f"New required training: {name}, due by {long_date(due)}"
    if kind == ReminderKind.BEFORE_DUE:
        return f"{name} is due in {-days} days, by {long_date(due)}"
    if kind == ReminderKind.DUE_TODAY:
        return f"{name} is due today" if days <= 0 else f"{name} was due on {long_date(due)}"
    if kind == ReminderKind.OVERDUE:
        return f"{name} is overdue: it was due on {long_date(due)}"
    return f"{a.person.full_name} is {days} days overdue with {name}"


def _decision_message(request: ExtensionRequest) -> tuple[str, str]:
    """The subject and body of the email telling a learner their request was decided."""
    decider_user = request.decided_by
    decider_person = Person.objects.filter(user=decider_user).first() if decider_user else None
    if decider_person:  # a manager's HR name; an administrator may have none
        decider = decider_person.full_name
    elif decider_user:
        decider = decider_user.get_full_name() or decider_user.get_username()
    else:
        decider = "Your manager"
    name = request.assignment.requirement.name
    on = long_date(timezone.localdate(request.requested_at))
    if request.kind == RequestKind.EXEMPTION:
        until = f" until {long_date(request.exempt_until)}" if request.exempt_until else ""
        asked = f"You asked on {on} to be exempted from {name}{until}."
        if request.status == ExtensionRequest.Status.APPROVED:
            subject = f"Exemption approved: you are exempt from {name}{until}"
            body = f"{asked}\n\n{decider} approved your request: you are exempt from it{until}."
            if request.decision_note:
                body += f"\n\nTheir note: {request.decision_note}"
        else:
            subject = f"Exemption refused for {name}: {request.decision_note}"
            due = long_date(request.assignment.effective_due_date)
            body = f"{asked}\n\n{decider} refused your request: {request.decision_note}\n\nIt is still due by {due}."
        return subject_line(subject), body
    asked = f"You asked on {on} for more time for {name}"
    if request.status == ExtensionRequest.Status.APPROVED:
        subject = f"More time approved: {name} is now due by {long_date(request.requested_due_date)}"
        body = (
            f"{asked}, until {long_date(request.requested_due_date)}.\n\n"
            f"{decider} approved your request: it is now due by {long_date(request.requested_due_date)}."
        )
        if request.decision_note:
            body += f"\n\nTheir note: {request.decision_note}"
    else:
        subject = f"More time refused for {name}: {request.decision_note}"
        due = long_date(request.assignment.effective_due_date)
        body = (
            f"{asked}, until {long_date(request.requested_due_date)}.\n\n"
            f"{decider} refused your request: {request.decision_note}\n\nIt is still due by {due}."
        )
    return subject_line(subject), body


def _common_context(today: datetime.date, introduction: bool) -> dict:
    base = _base_url()
    return {
        "today": today,
        "base_url": base,
        "site_name": lms_setting("SITE_NAME"),
        "notifications_url": f"{base}/notifications/",
        "my_training_url": f"{base}/my-training/",
        "team_url": f"{base}/team/",
        "requests_url": base + reverse("compliance:extension-requests"),
        "introduction": introduction,
    }


def _request_item(request: ExtensionRequest) -> dict:
    return {
        "person": request.assignment.person,
        "requirement": request.assignment.requirement.name,
        "exemption": request.kind == RequestKind.EXEMPTION,
        "requested": request.requested_due_date,
        "until": request.exempt_until,
        "due": request.assignment.effective_due_date,
        "reason": request.reason,
        "evidence": request.evidence,
    }


def _request_text(item: dict) -> str:
    """What a request asks, in a line for the manager's message."""
    if item["exemption"]:
        until = f" until {long_date(item['until'])}" if item["until"] else ""
        evidence = f" Evidence they describe: {item['evidence']}" if item["evidence"] else ""
        return (
            f"asks to be exempted from {item['requirement']}{until} (due {long_date(item['due'])}). "
            f"Their reason: {item['reason']}{evidence}"
        )
    return (
        f"asks for more time for {item['requirement']}: until {long_date(item['requested'])} instead of "
        f"{long_date(item['due'])}. Their reason: {item['reason']}"
    )


def _observation_items(prompts, base: str) -> list[dict]:
    return [
        {
            "learner_name": p.learner.full_name,
            "course_title": p.course.title,
            "completed_on": timezone.localdate(p.completion.completed_at),
            "days": (p.due_on - timezone.localdate(p.completion.completed_at)).days,
            "url": base + reverse("compliance:observation-record", args=[p.pk]),
        }
        for p in prompts
    ]


def _obligation_context(reminder: Reminder, today: datetime.date, base: str) -> dict:
    a = reminder.assignment
    due = a.effective_due_date
    context = {
        "headline": item_subject(reminder, today),
        "assignment": a,
        "requirement": a.requirement,
        "person": a.person,
        "due_date": due,
        "due_passed_before_assigned": due < timezone.localdate(a.created_at),
        "days_overdue": max((today - due).days, 0),
        "days_left": max((due - today).days, 0),
        # Escalations go to managers and L&D: the reason in the third person.
        "why": assignment_reason(
            assignment=a, perspective=LEARNER if reminder.recipient_person_id == a.person_id else MANAGER
        ),
        "courses": _course_links(a.requirement),
    }
    if reminder.kind == ReminderKind.ESCALATION_LD:
        context["admin_url"] = f"{base}/admin/compliance_assignment/inspect/{a.pk}/"
    return context


def compose(reminder: Reminder, today: datetime.date, payload, introduction: bool = False):
    """The subject, plain text and HTML (None: plain text only) of one row's email, from the
    record as it is now. `payload` is what the batch loaded for it (a digest's lines, an
    observation prompt's prompts). `introduction`: the recipient's first message."""
    context = _common_context(today, introduction)
    base = context["base_url"]
    subject = item_subject(reminder, today, payload)
    context.update(reminder=reminder, subject=subject)
    kind = reminder.kind
    if kind == ReminderKind.EXTENSION_DECISION:
        body = _decision_message(reminder.extension_request)[1]
        return subject, f"{body}\n\nSee your training: {base}/my-training/\n", None
    if kind == ReminderKind.EXTENSION_REQUEST:
        item = _request_item(reminder.extension_request)
        text = (
            f"{item['person'].full_name} ({item['person'].staff_number}) {_request_text(item)}\n\n"
            f"Approve or refuse it: {context['requests_url']}\n"
        )
        return subject, text, None
    if kind == ReminderKind.REFLECTION_PROMPT:
        delivery = reminder.reflection_prompt
        course = delivery.completion.course
        text = (
            f"It is {delivery.weeks} weeks since you completed {course.title}.\n\n"
            f"{course.reflection_prompt}\n\n"
            f"Write your reflection (only you can read it): "
            f"{site_url(reverse('courses:reflection_prompt', args=[delivery.pk]))}\n"
        )
        return subject, text, None
    if kind == ReminderKind.BOOKING_PLACE:
        session = reminder.booking.session
        text = (
            f"A place came free on {session.course.title} on {session.starts_at:%A %d %B %Y at %H:%M} "
            f"({session.where}), and it is now yours.\n\n"
            f"If you can no longer go, cancel it from My learning so the next person can have it: "
            f"{site_url(reverse('courses:my_learning'))}\n"
        )
        return subject, text, None
    if kind == ReminderKind.OBSERVATION_PROMPT:
        template = "compliance/email/observation_prompt"
        context.update(
            manager=reminder.recipient_person,
            items=_observation_items(payload, base),
            list_url=base + reverse("compliance:observations"),
        )
    elif kind == ReminderKind.MANAGER_DIGEST:
        template = "reminders/email/digest"
        context.update(
            lines=payload,
            overdue=[line for line in payload if line.status == Status.OVERDUE],
            due_soon=[line for line in payload if line.status != Status.OVERDUE],
            recipient_name=reminder.recipient_person.first_name if reminder.recipient_person else "",
        )
    else:
        context.update(_obligation_context(reminder, today, base))
        escalation = kind in (ReminderKind.ESCALATION_SECOND_LINE, ReminderKind.ESCALATION_LD)
        template = "reminders/email/escalation" if escalation else "reminders/email/learner"
    text, html = (render_to_string(f"{template}.{ext}", context) for ext in ("txt", "html"))
    return subject, text, html


def compose_day(rows: list[tuple[Reminder, object]], today: datetime.date, introduction: bool):
    """One email for everything a person is owed today: their own training, their guided
    reflections, their team, observation prompts and escalations, each in its section."""
    context = _common_context(today, introduction)
    base = context["base_url"]
    mine, reflections, observations, escalations, requests, digest = [], [], [], [], [], None
    for reminder, payload in rows:
        kind = reminder.kind
        if kind == ReminderKind.EXTENSION_REQUEST:
            item = _request_item(reminder.extension_request)
            requests.append({**item, "text": _request_text(item)})
        elif kind == ReminderKind.MANAGER_DIGEST:
            digest = {
                "overdue": [line for line in payload if line.status == Status.OVERDUE],
                "due_soon": [line for line in payload if line.status != Status.OVERDUE],
            }
        elif kind == ReminderKind.OBSERVATION_PROMPT:
            observations.extend(_observation_items(payload, base))
        elif kind == ReminderKind.REFLECTION_PROMPT:
            delivery = reminder.reflection_prompt
            reflections.append(
                {
                    "course_title": delivery.completion.course.title,
                    "weeks": delivery.weeks,
                    "prompt": delivery.completion.course.reflection_prompt,
                    "url": site_url(reverse("courses:reflection_prompt", args=[delivery.pk])),
                }
            )
        elif kind in (ReminderKind.ESCALATION_SECOND_LINE, ReminderKind.ESCALATION_LD):
            escalations.append(_obligation_context(reminder, today, base))
        else:
            mine.append(_obligation_context(reminder, today, base))
    first = rows[0][0]
    count = sum(map(len, (mine, reflections, observations, escalations, requests))) + (1 if digest else 0)
    subject = subject_line(f"Your training update for {date_format(today, 'l j F')}: {count} items")
    context.update(
        subject=subject,
        recipient_name=first.recipient_person.first_name if first.recipient_person else "",
        mine=mine,
        reflections=reflections,
        digest=digest,
        observations=observations,
        observations_url=base + reverse("compliance:observations"),
        escalations=escalations,
        requests=requests,
        requests_heading=(
            "Requests to decide" if any(r["exemption"] for r in requests) else "Requests for more time to decide"
        ),
    )
    text, html = (render_to_string(f"reminders/email/day.{ext}", context) for ext in ("txt", "html"))
    return subject, text, html


def email_message(
    rows: list[Reminder], subject: str, text: str, html: str | None, connection
) -> EmailMultiAlternatives:
    """The message for these rows (one, or a person's day). A stable Message-ID made from its
    first row: should a message ever be handed over twice, mail systems (and our tests)
    recognise the copy. X-Reminder-Id lists every row it carries."""
    domain = _base_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    first = min(row.pk for row in rows)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[rows[0].recipient_email],
        connection=connection,
        headers={
            "Message-ID": f"<reminder-{first}@{domain}>",
            "X-Reminder-Id": ",".join(str(pk) for pk in sorted(row.pk for row in rows)),
        },
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message
