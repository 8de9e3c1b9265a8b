"""Demo talent programmes, loaded by `load_demo`: the force's Future Supers, external exam
mentoring, Front Line Leadership and Step Up, with cohorts open, closed and not yet open, and
applications in every state, made through the same services the site uses.

What the personas find: the constable may apply to Front Line Leadership (aspiring sergeants;
their line manager's support is asked for), and the sergeant has a colleague's application to
support; the sergeant has applied for exam mentoring; the inspector may apply to Future Supers;
the L&D lead owns every programme and has a Future Supers panel to run, and last year's cohort
selected with a waiting list that moved up when someone withdrew, now part-way through with
milestones, attendance and mentors (the superintendent mentors one participant). Step Up's
cohort of two years ago has finished, so its board report shows what became of it."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page

from compliance.people.models import OrgUnit, Person, RankChange, RankOrGrade
from compliance.talent.editorial import talent_editorial_setup
from compliance.talent.models import (
    Application,
    ApplicationStatus,
    Cohort,
    Milestone,
    MilestoneKind,
    PositiveAction,
    TalentIndexPage,
    TalentProgrammeOwner,
    TalentProgrammePage,
)
from compliance.talent.selectors import cohort_eligible_people
from compliance.talent.services import (
    application_complete,
    application_nominate,
    application_score,
    application_submit,
    application_support,
    application_withdraw,
    attendance_record,
    cohort_fill_places,
    mentor_assign,
    plan_save,
)

PERSONAS = ["constable", "sergeant", "inspector", "superintendent"]
UNDER_REPRESENTED = (
    "Officers and staff from groups under-represented in the ranks the programme leads to: people from "
    "Black, Asian and other ethnic minority backgrounds, women, disabled people and LGBTQ+ people."
)

PROGRAMMES = [
    {
        "title": "Future Supers",
        "slug": "future-supers",
        "purpose": "Support inspectors and chief inspectors from under-represented groups who will be ready for "
        "promotion in the next 12 to 18 months on their path to the senior ranks.",
        "audience": "Inspectors and chief inspectors from under-represented groups, ready for promotion within "
        "12 to 18 months.",
        "involves": "<p>Delivered with the Police Superintendents' Association: a development centre, a mentor "
        "from the superintending ranks, workshops on the promotion process and a practice board.</p>",
        "duration": "12 to 18 months",
        "selection_criteria": "Readiness for promotion within 18 months, shown against the Competency and Values "
        "Framework at the next rank; what the candidate wants from the programme.",
        "positive_action": PositiveAction.SECTION_158,
        "positive_action_criteria": UNDER_REPRESENTED,
    },
    {
        "title": "External exam mentoring",
        "slug": "exam-mentoring",
        "purpose": "One-to-one mentoring and revision support for the sergeants' and inspectors' exams and the "
        "National Investigators' Exam.",
        "audience": "Constables and sergeants from under-represented groups sitting the next rank's exam or the "
        "National Investigators' Exam to become a detective.",
        "involves": "<p>With an external partner: a personal mentor for six months, a revision plan, practice "
        "papers and feedback.</p>",
        "duration": "6 months, one-to-one",
        "selection_criteria": "Registered or intending to register for the exam this year; commitment to the "
        "revision plan.",
        "positive_action": PositiveAction.SECTION_158,
        "positive_action_criteria": UNDER_REPRESENTED,
    },
    {
        "title": "Front Line Leadership",
        "slug": "front-line-leadership",
        "purpose": "Skills and confidence for under-represented constables who want to become sergeants "
        "(first line leaders).",
        "audience": "Constables from under-represented groups who aspire to be sergeants.",
        "involves": "<p>A 12-month programme with a national partner: leadership modules, a first-line leader "
        "as coach, and projects on the candidate's own team.</p>",
        "duration": "12 months",
        "selection_criteria": "Motivation to lead; examples of taking responsibility on shift; support available "
        "from the team for the time the programme needs.",
        "positive_action": PositiveAction.SECTION_158,
        "positive_action_criteria": UNDER_REPRESENTED,
        "line_manager_support_required": True,
    },
    {
        "title": "Step Up",
        "slug": "step-up",
        "purpose": "Encourage officers and staff with a protected characteristic to seek promotion.",
        "audience": "Officers and staff with a protected characteristic thinking about their next promotion.",
        "involves": "<ul><li>Discovery sessions on the promotion process</li><li>One-to-one buddying</li>"
        "<li>Webinars and workshops with the staff networks</li></ul>",
        "duration": "6 months",
        "selection_criteria": "What the candidate hopes to gain; a promotion or development aim for the coming year.",
        "positive_action": PositiveAction.SECTION_158,
        "positive_action_criteria": "Officers and staff with a protected characteristic under-represented at the "
        "next rank or grade, including women, ethnic minority, disabled, neurodivergent and LGBTQ+ colleagues.",
    },
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _cohort(programme, *, name, today, starts, ends, window, places, ranks=(), **rules) -> Cohort:
    cohort = Cohort.objects.create(
        programme=programme,
        name=name,
        starts_on=today + datetime.timedelta(days=starts),
        ends_on=today + datetime.timedelta(days=ends),
        applications_open_on=today + datetime.timedelta(days=window[0]),
        applications_close_on=today + datetime.timedelta(days=window[1]),
        places=places,
        **rules,
    )
    cohort.ranks.set(RankOrGrade.objects.filter(name__in=ranks))
    return cohort


def _statement(rng: random.Random) -> str:
    return rng.choice(
        [
            "I have acted up for six months and want to prepare properly for the next rank.",
            "My team lead tells me I am ready; I want support to prove it at a board.",
            "I am sitting the exam this year and would value structured revision and a mentor.",
            "I want to lead a team and show others from my background that it can be done.",
            "I have led projects on my unit and want the skills to do it as a leader.",
        ]
    )


def _pool(cohort: Cohort, today: datetime.date, exclude: set[int], n: int) -> list[Person]:
    people = list(
        cohort_eligible_people(cohort=cohort, today=today)
        .exclude(pk__in=exclude)
        .exclude(user__username__in=PERSONAS)
        .select_related("unit", "user", "line_manager")
        .order_by("pk")[: n * 3]
    )
    return people[::3][:n] or people[:n]


def _run_cohort(cohort: Cohort, *, today: datetime.date, lead, rng: random.Random) -> None:
    """Last year's Future Supers, part-way through: milestones so far with attendance, a mentor
    from the superintending ranks for each participant (the superintendent persona among
    them), their plans, and one who finished early on promotion."""
    steps = [
        ("Launch day with the Superintendents' Association", MilestoneKind.WORKSHOP, -195),
        ("Mentoring session 1", MilestoneKind.MENTORING, -150),
        ("Webinar: the senior leaders' promotion process", MilestoneKind.WEBINAR, -120),
        ("Mentoring session 2", MilestoneKind.MENTORING, -60),
        ("Practice promotion board", MilestoneKind.EXAM, 30),
        ("Mentoring session 3", MilestoneKind.MENTORING, 90),
    ]
    milestones = [
        Milestone.objects.create(cohort=cohort, title=title, kind=kind, on=today + datetime.timedelta(days=days))
        for title, kind, days in steps
    ]
    participants = list(
        Application.objects.select_related("person").filter(cohort=cohort, status=ApplicationStatus.SELECTED)
    )
    mentors = list(
        Person.objects.filter(leadership_level="senior", is_active=True, worker_type="police_officer")
        .select_related("user")
        .order_by("-user__username")
    )
    persona = next((m for m in mentors if m.user.username == "superintendent"), None)
    if persona is not None:
        mentors.remove(persona)
        mentors.insert(0, persona)
    now = _at(today - datetime.timedelta(days=190))
    for i, application in enumerate(participants):
        if mentors:
            mentor_assign(actor=lead, application=application, mentor=mentors[i % len(mentors)].user, now=now)
        plan_save(person=application.person, application=application, plan=rng.choice([
            "Lead a force-wide project; chair two meetings at the next rank; sit the practice board.",
            "Shadow a superintendent for a month; build my evidence against the framework; apply this year.",
        ]))  # fmt: skip
    for milestone in milestones:
        if milestone.on < today:
            attended = {a.pk for a in participants if rng.random() < 0.85}
            attendance_record(actor=lead, milestone=milestone, attended_ids=attended, now=_at(milestone.on, 17))
    if len(participants) > 1:
        application_complete(actor=lead, application=participants[-1], note="Promoted to chief inspector; "
                             "finished the programme early.", now=_at(today - datetime.timedelta(days=20)))  # fmt: skip


def _finished_cohort(programme, *, today: datetime.date, lead, used: set[int], rng: random.Random) -> None:
    """Step Up two years ago, finished 19 months ago: its board report has every window. Its
    participants are constables of the time; some are sergeants now, promoted after it ended (the
    rank history says when), some are not, and so are some of their peers."""
    cohort = _cohort(programme, name="Autumn 2024", today=today, starts=-770, ends=-590, window=(-830, -800),
                     places=6, worker_types=["police_officer"])  # fmt: skip
    end = cohort.ends_on
    promoted_after = RankChange.objects.filter(
        promotion=True,
        previous_rank_or_grade="Constable",
        rank_or_grade="Sergeant",
        started_on__gt=end,
        started_on__lte=end + datetime.timedelta(days=540),
        person__start_date__lte=cohort.applications_open_on,
        person__is_active=True,
    ).exclude(person__user__username__in=PERSONAS)
    sergeants = list(Person.objects.filter(pk__in=promoted_after.values("person_id")).exclude(pk__in=used)[:3])
    constables = list(
        Person.objects.filter(
            rank_or_grade="Constable", is_active=True, start_date__lte=cohort.applications_open_on,
            worker_type="police_officer",
        )
        .exclude(pk__in=used)
        .exclude(user__username__in=PERSONAS)
        .exclude(rank_changes__started_on__gt=cohort.starts_on)
        .order_by("pk")[:5]
    )  # fmt: skip
    applied_at = _at(cohort.applications_open_on + datetime.timedelta(days=3))
    applications = []
    for person in sergeants + constables:
        used.add(person.pk)
        applications.append(application_submit(person=person, cohort=cohort, statement=_statement(rng), now=applied_at))
    decided = _at(cohort.applications_close_on + datetime.timedelta(days=7))
    for i, application in enumerate(applications):
        application_score(actor=lead, application=application, score=9 - i, shortlisted=i < 7, note="", now=decided)
    if not applications:
        return
    cohort_fill_places(actor=lead, cohort=cohort, reason="Places by score against the published criteria.",
                       now=decided)  # fmt: skip
    selected = list(Application.objects.filter(cohort=cohort, status=ApplicationStatus.SELECTED))
    if len(selected) > 2:
        application_withdraw(actor=lead, application=selected[-1], reason="Moved to a post with no time for it.",
                             now=_at(cohort.starts_on + datetime.timedelta(days=60)))  # fmt: skip
        selected = selected[:-1]
    for application in selected:
        application_complete(actor=lead, application=application, note="Completed every module and project.",
                             now=_at(end))  # fmt: skip


def load_talent_demo(*, seed: int, stdout) -> None:
    rng = random.Random(seed + 18)
    today = timezone.localdate()
    now = timezone.now()
    User = get_user_model()
    lead = User.objects.get(username="ld.lead")
    editor = User.objects.get(username="ld.editor")
    home = Page.objects.get(depth=2)
    index = home.add_child(
        instance=TalentIndexPage(
            title="Talent programmes",
            slug="talent-programmes",
            intro="Programmes that support colleagues, and especially those from under-represented groups, "
            "to progress: how to apply, who they are for and what they involve.",
        )
    )
    talent_editorial_setup(index=index)
    programmes = {}
    for spec in PROGRAMMES:
        page = index.add_child(instance=TalentProgrammePage(**spec))
        page.owners.add(TalentProgrammeOwner(user=lead))
        page.save_revision(user=lead).publish()
        page.refresh_from_db()
        programmes[spec["slug"]] = page
    used: set[int] = set()

    # Future Supers: last year's cohort selected and part-way through; this year's taking applications.
    supers = programmes["future-supers"]
    ranks = ["Inspector", "Chief Inspector"]
    last = _cohort(supers, name="2025 to 2026", today=today, starts=-200, ends=300, window=(-260, -230), places=4,
                   ranks=ranks, worker_types=["police_officer"])  # fmt: skip
    last.panel.add(editor)
    applied_at = _at(today - datetime.timedelta(days=240))
    candidates = _pool(last, applied_at.date(), used, 8)
    applications = []
    for person in candidates:
        used.add(person.pk)
        applications.append(
            application_submit(
                person=person,
                cohort=last,
                statement=_statement(rng),
                declaration=rng.choice(["yes", "yes", "prefer_not"]),
                now=applied_at,
            )
        )
    decided = _at(today - datetime.timedelta(days=225))
    for i, application in enumerate(applications):
        application_score(actor=editor, application=application, score=9 - i, shortlisted=i < 6,
                          note="Strong evidence at the next rank." if i < 4 else "", now=decided)  # fmt: skip
    if applications:
        cohort_fill_places(actor=lead, cohort=last, reason="Ranked by the panel on readiness for promotion against "
                           "the published criteria.", now=decided)  # fmt: skip
        application_withdraw(
            actor=applications[1].person.user,
            application=applications[1],
            reason="Promoted before the programme began.",
            now=decided + datetime.timedelta(days=10),
        )
    _run_cohort(last, today=today, lead=lead, rng=rng)
    current = _cohort(supers, name="2026 to 2027", today=today, starts=90, ends=545, window=(-7, 21), places=6,
                      ranks=ranks, worker_types=["police_officer"])  # fmt: skip
    current.panel.add(editor)
    for i, person in enumerate(_pool(current, today, used, 4)):
        used.add(person.pk)
        application = application_submit(person=person, cohort=current, statement=_statement(rng),
                                          declaration="yes" if i % 2 else "", now=now)  # fmt: skip
        if i < 2:
            application_score(actor=editor, application=application, score=7 + i, shortlisted=True,
                              note="Meets the criteria.", now=now)  # fmt: skip

    # External exam mentoring: 50 places this year; the sergeant has applied for the inspectors' exam.
    mentoring = programmes["exam-mentoring"]
    exams = _cohort(mentoring, name="2026", today=today, starts=30, ends=210, window=(-14, 14), places=50,
                    ranks=["Constable", "Sergeant"], worker_types=["police_officer"])  # fmt: skip
    sergeant = Person.objects.select_related("unit", "line_manager").get(user__username="sergeant")
    application_submit(person=sergeant, cohort=exams, statement="I am sitting the inspectors' exam in the autumn "
                       "and want a structured revision plan.", declaration="prefer_not", now=now)  # fmt: skip
    for person in _pool(exams, today, used, 6):
        used.add(person.pk)
        application_submit(person=person, cohort=exams, statement=_statement(rng), now=now)

    # Front Line Leadership: line-manager support asked for; a colleague of the constable waits for
    # the sergeant's support, another was nominated by the sergeant.
    fll = programmes["front-line-leadership"]
    leaders = _cohort(fll, name="2026 to 2027", today=today, starts=60, ends=425, window=(-10, 30), places=22,
                      ranks=["Constable"], worker_types=["police_officer"], min_service_years=2)  # fmt: skip
    constable = Person.objects.get(user__username="constable")
    team = list(
        cohort_eligible_people(cohort=leaders, today=today)
        .filter(line_manager=sergeant)
        .exclude(pk=constable.pk)
        .select_related("unit", "line_manager", "user")
        .order_by("pk")[:2]
    )
    used.update(p.pk for p in team)
    if team:
        application_submit(person=team[0], cohort=leaders, statement="I want to lead a response team.",
                           declaration="yes", now=now)  # fmt: skip
    if len(team) > 1:
        application_nominate(nominator=sergeant.user, person=team[1], cohort=leaders,
                             note="Leads the shift whenever I am away; ready to prepare for the sergeants' exam.",
                             now=now)  # fmt: skip
    for i, person in enumerate(_pool(leaders, today, used | {constable.pk}, 5)):
        used.add(person.pk)
        application = application_submit(person=person, cohort=leaders, statement=_statement(rng), now=now)
        if person.line_manager and person.line_manager.user_id and i < 3:
            application_support(actor=person.line_manager.user, application=application, supported=i < 2,
                                note="" if i < 2 else "Not this year: two of the team are already on courses.",
                                now=now)  # fmt: skip

    # Step Up: the spring cohort decided; the autumn cohort opens in three weeks.
    step = programmes["step-up"]
    spring = _cohort(step, name="Spring 2026", today=today, starts=-30, ends=150, window=(-75, -45), places=3,
                     worker_types=["police_officer", "police_staff"])  # fmt: skip
    spring.units.set(OrgUnit.objects.filter(depth=2)[:2])
    applied_at = _at(today - datetime.timedelta(days=60))
    spring_apps = []
    for person in _pool(spring, applied_at.date(), used, 5):
        used.add(person.pk)
        spring_apps.append(application_submit(person=person, cohort=spring, statement=_statement(rng), now=applied_at))
    decided = _at(today - datetime.timedelta(days=40))
    for i, application in enumerate(spring_apps):
        application_score(actor=lead, application=application, score=8 - i, shortlisted=i < 4, note="", now=decided)
    if spring_apps:
        cohort_fill_places(actor=lead, cohort=spring, reason="Places by score against the published criteria.",
                           now=decided)  # fmt: skip
    _cohort(step, name="Autumn 2026", today=today, starts=120, ends=300, window=(21, 50), places=12,
            worker_types=["police_officer", "police_staff"])  # fmt: skip

    _finished_cohort(step, today=today, lead=lead, used=used, rng=rng)

    counts = {s.label: Application.objects.filter(status=s).count() for s in ApplicationStatus}
    stdout.write(
        f"Loaded {len(programmes)} talent programmes, {Cohort.objects.count()} cohorts and "
        f"{sum(counts.values())} applications."
    )
