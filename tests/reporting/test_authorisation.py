"""Every team, command, report and fairness endpoint and page, for every role, against another
team's data, compared with the table below. Line managers see their own chain, senior leaders
their units, L&D and compliance administrators the force; the D&I analyst only the aggregated
fairness tables, which nobody else sees; everyone else is refused. No response
body contains the name of someone the role may not see.

The "other team" is Sergeant A's team (team A, North): `pc.a3` is a constable in it with a
request for more time waiting, and a request to be exempted that compliance administrators
decide (the default); TEAM-C is a unit in the South command.
"""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from compliance.people.models import Person
from compliance.services.assignments import exemption_request_create
from tests.cms.test_security_headers import security_header_problems

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "constable",
    "sergeant A",
    "sergeant B",
    "superintendent",
    "L&D editor",
    "compliance admin",
    "D&I analyst",
    "L&D lead",
    "HR service",
    "superuser",
]
USERNAMES = {
    "constable": "pc.a1",
    "sergeant A": "sgt.a",
    "sergeant B": "sgt.b",
    "superintendent": "supt.north",
    "L&D editor": "ld.editor",
    "compliance admin": "compliance.admin",
    "D&I analyst": "di.analyst",
    "L&D lead": "ld.lead",
    "HR service": "hr.service",
    "superuser": "root",
}

# (name, method, url): {PERSON} is pc.a3's staff number, {REQUEST} their request's id,
# {EXEMPTION} their request to be exempted.
ENDPOINTS = [
    ("team page", "get", "/team/"),
    ("team direct reports", "get", "/team/?direct=1"),
    ("team filtered to team A", "get", "/team/?unit=TEAM-A"),
    ("team charts", "get", "/team/charts/"),
    ("team csv", "get", "/team/csv/"),
    ("team xlsx", "get", "/team/xlsx/"),
    ("person in team A", "get", "/team/people/{PERSON}/"),
    ("decide team A request", "post", "/team/people/{PERSON}/requests/{REQUEST}/decide/"),
    ("command", "get", "/command/"),
    ("command unit in South", "get", "/command/units/TEAM-C/"),
    ("command unit team A", "get", "/command/units/TEAM-A/"),
    ("command csv", "get", "/command/csv/"),
    ("force completion", "get", "/admin/reports/force/?by=unit"),
    ("force campaigns", "get", "/admin/reports/force/campaigns/"),
    ("force overdue", "get", "/admin/reports/force/overdue/"),
    ("api team summary", "api", "/api/v1/team/summary/"),
    ("api team assignments", "api", "/api/v1/team/assignments/"),
    ("api team trend", "api", "/api/v1/team/trend/"),
    ("api person in team A", "api", "/api/v1/team/people/{PERSON}/"),
    ("api units", "api", "/api/v1/reports/units/"),
    ("api unit in South", "api", "/api/v1/reports/units/?unit=TEAM-C"),
    ("api campaigns", "api", "/api/v1/reports/campaigns/"),
    ("api command trend", "api", "/api/v1/reports/trend/"),
    ("api breakdown", "api", "/api/v1/reports/breakdown/?by=unit"),
    ("api overdue", "api", "/api/v1/reports/overdue/"),
    ("fairness page", "get", "/fairness/"),
    ("fairness by training", "get", "/fairness/?characteristic=ethnicity&measure=lateness&breakdown=requirement"),
    ("fairness csv", "get", "/fairness/csv/"),
    ("fairness xlsx", "get", "/fairness/xlsx/?measure=knowledge_check"),
    ("fairness publication", "get", "/fairness/publish/"),
    ("fairness workforce", "get", "/fairness/workforce/"),
    ("fairness progression", "get", "/fairness/progression/"),
    ("fairness participation", "get", "/fairness/participation/"),
    ("fairness benchmark upload", "get", "/fairness/benchmark/"),
    ("fairness publication csv", "get", "/fairness/publish/csv/"),
    ("api fairness", "api", "/api/v1/fairness/"),
    ("api fairness evaluation", "api", "/api/v1/fairness/?measure=evaluation&breakdown=requirement"),
    # The learner's own pages: everyone signed in has them (empty without an HR record).
    ("my training", "get", "/my-training/"),
    ("my learning", "get", "/my-learning/"),
    ("notifications", "get", "/notifications/"),
    ("requests to decide", "get", "/compliance/extension-requests/"),
    ("decide team A exemption request", "post", "/compliance/extension-requests/{EXEMPTION}/decide/"),
    ("ask pc.a3's exemption", "get", "/my-training/{ASSIGNMENT}/exemption/"),
    ("observations to record", "get", "/compliance/observations/"),
    ("api my assignments", "api", "/api/v1/compliance/assignments/mine/"),
    ("api extension requests", "api", "/api/v1/compliance/extension-requests/"),
    ("api exemption requests", "api", "/api/v1/compliance/exemption-requests/"),
    ("api notifications", "api", "/api/v1/reminders/notifications/"),
    # Compliance administration.
    ("admin requirements", "get", "/admin/compliance_requirement/"),
    ("admin people", "get", "/admin/compliance_person/"),
    ("admin units", "get", "/admin/compliance_unit/"),
    ("admin assignments", "get", "/admin/compliance_assignment/"),
    ("admin assignment (escalation link)", "get", "/admin/compliance_assignment/inspect/{ASSIGNMENT}/"),
    ("admin audit trail", "get", "/admin/compliance_audit/"),
    ("admin daily runs", "get", "/admin/compliance_day_runs/"),
    ("admin enter a completion", "get", "/admin/compliance/completions/new/"),
    ("admin check an HR file", "get", "/admin/compliance/hr-file-check/"),
    ("admin imports", "get", "/admin/compliance/imports/"),
    ("admin sign-in links", "get", "/admin/sign-in-links/"),
    ("admin learning records to the LRS", "get", "/admin/learning-records/"),
    ("admin exempt", "get", "/admin/compliance/assignment/{ASSIGNMENT}/exempt/"),
    ("api requirements", "api", "/api/v1/compliance/requirements/"),
    ("api person's assignments in team A", "api", "/api/v1/compliance/people/{PERSON}/assignments/"),
    ("api assignment in team A", "api", "/api/v1/compliance/assignments/{ASSIGNMENT}/"),
    ("api audit trail", "api", "/api/v1/compliance/audit/"),
    # Reminders.
    ("admin reminder policy", "get", "/admin/reminders_policy/"),
    ("admin notification log", "get", "/admin/reminders_log/"),
    ("api reminder policy", "api", "/api/v1/reminders/policy/"),
    ("api notification log", "api", "/api/v1/reminders/log/"),
    # Learning content and its reports.
    ("admin face-to-face sessions", "get", "/admin/face_to_face_sessions/"),
    ("admin course rates", "get", "/admin/reports/course-rates/"),
    ("admin observation rates", "get", "/admin/reports/manager-observations/"),
    # HR.
    ("api hr people", "api", "/api/v1/hr/people/"),
    ("api hr units", "api", "/api/v1/hr/units/"),
    ("api hr absences import (GET)", "api", "/api/v1/hr/absences/import/"),
    # Talent programmes: {COHORT} an open cohort the L&D lead owns, {APPLICATION} pc.a3's
    # application to it (waiting for their line manager's support), {PROGRAMME} its page.
    ("talent programmes", "get", "/programmes/"),
    ("talent my applications", "get", "/programmes/applications/"),
    ("talent apply", "get", "/programmes/cohorts/{COHORT}/apply/"),
    ("talent nominate", "get", "/programmes/cohorts/{COHORT}/nominate/"),
    ("talent support list", "get", "/programmes/support/"),
    ("talent support pc.a3", "post", "/programmes/applications/{APPLICATION}/support/"),
    ("talent withdraw pc.a3's", "post", "/programmes/applications/{APPLICATION}/withdraw/"),
    ("talent panel", "get", "/programmes/cohorts/{COHORT}/panel/"),
    ("talent panel csv", "get", "/programmes/cohorts/{COHORT}/panel/csv/"),
    ("talent score", "post", "/programmes/applications/{APPLICATION}/score/"),
    ("talent fill places", "post", "/programmes/cohorts/{COHORT}/fill/"),
    ("talent programme page", "get", "{PROGRAMME}"),
    ("admin talent cohorts", "get", "/admin/talent_cohorts/"),
    ("talent running", "get", "/programmes/cohorts/{COHORT}/running/"),
    ("talent attendance", "get", "/programmes/milestones/{MILESTONE}/attendance/"),
    ("talent mentor", "post", "/programmes/applications/{APPLICATION}/mentor/"),
    ("talent complete", "post", "/programmes/applications/{APPLICATION}/complete/"),
    ("talent plan pc.a3's", "post", "/programmes/applications/{APPLICATION}/plan/"),
    ("talent mentoring", "get", "/programmes/mentoring/"),
    # Privacy.
    ("privacy notice", "get", "/privacy/"),
    ("my record", "get", "/privacy/my-record/"),
    ("my record archive", "post", "/privacy/my-record/archive/"),
    ("admin subject access requests", "get", "/admin/privacy/requests/"),
    ("admin personal data register", "get", "/admin/privacy/register/"),
    ("admin retention", "get", "/admin/privacy/retention/"),
    ("admin retention of free text", "get", "/admin/privacy/retention/free_text/"),
    ("admin erasure and restriction requests", "get", "/admin/privacy/rights/"),
    ("admin record an erasure request", "get", "/admin/privacy/rights/new/"),
]

# One column per role, in the order of ROLES; the README's roles table says the same in words.
# 302: anonymous to the sign-in page; inside the Wagtail admin, anyone without the role back to
# the admin (or its sign-in page). 401: the API without credentials. A refused decision
# (no note) still redirects back to the person's page: it is the permission that matters.
# fmt: off
EXPECTED = {
    #                            anon const sgtA sgtB supt L&D  CA   DIA  lead HR   su
    "team page":                 [302, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "team direct reports":       [302, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "team filtered to team A":   [302, 403, 200, 400, 200, 403, 403, 403, 403, 403, 403],
    "team charts":               [302, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "team csv":                  [302, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "team xlsx":                 [302, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "person in team A":          [302, 404, 200, 404, 200, 404, 404, 404, 404, 404, 404],
    "decide team A request":     [302, 404, 302, 404, 302, 404, 404, 404, 404, 404, 404],
    "command":                   [302, 403, 403, 403, 200, 200, 200, 403, 200, 403, 200],
    "command unit in South":     [302, 403, 403, 403, 404, 200, 200, 403, 200, 403, 200],
    "command unit team A":       [302, 403, 403, 403, 200, 200, 200, 403, 200, 403, 200],
    "command csv":               [302, 403, 403, 403, 200, 200, 200, 403, 200, 403, 200],
    "force completion":          [302, 302, 302, 302, 302, 200, 200, 302, 200, 302, 200],
    "force campaigns":           [302, 302, 302, 302, 302, 200, 200, 302, 200, 302, 200],
    "force overdue":             [302, 302, 302, 302, 302, 200, 200, 302, 200, 302, 200],
    "api team summary":          [401, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "api team assignments":      [401, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "api team trend":            [401, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "api person in team A":      [401, 403, 200, 404, 200, 403, 403, 403, 403, 403, 403],
    "api units":                 [401, 403, 403, 403, 200, 200, 200, 403, 200, 403, 200],
    "api unit in South":         [401, 403, 403, 403, 404, 200, 200, 403, 200, 403, 200],
    "api campaigns":             [401, 403, 403, 403, 200, 200, 200, 403, 200, 403, 200],
    "api command trend":         [401, 403, 403, 403, 200, 200, 200, 403, 200, 403, 200],
    "api breakdown":             [401, 403, 403, 403, 403, 200, 200, 403, 200, 403, 200],
    "api overdue":               [401, 403, 403, 403, 403, 200, 200, 403, 200, 403, 200],
    "fairness page":             [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness by training":      [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness csv":              [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness xlsx":             [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness publication":      [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness workforce":        [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness progression":      [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness participation":    [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness benchmark upload": [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "fairness publication csv":  [302, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "api fairness":              [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "api fairness evaluation":   [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
    "my training":               [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "my learning":               [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "notifications":             [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "requests to decide":        [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "decide team A exemption request": [302, 404, 404, 404, 404, 404, 302, 404, 404, 404, 302],
    "ask pc.a3's exemption":     [302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    "observations to record":    [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "api my assignments":        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "api extension requests":    [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "api exemption requests":    [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "api notifications":         [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "admin requirements":        [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin people":              [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin units":               [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin assignments":         [302, 302, 302, 302, 302, 200, 200, 302, 200, 302, 200],
    "admin assignment (escalation link)": [302, 302, 302, 302, 302, 200, 200, 302, 200, 302, 200],
    "admin audit trail":         [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin daily runs":          [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin enter a completion":  [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin check an HR file":    [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin imports":             [302, 302, 302, 302, 302, 302, 200, 302, 302, 200, 200],
    "admin sign-in links":       [302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 200],
    "admin learning records to the LRS": [302, 302, 302, 302, 302, 302, 200, 302, 200, 302, 200],
    "admin exempt":              [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "api requirements":          [401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200],
    "api person's assignments in team A": [401, 404, 200, 404, 200, 404, 200, 404, 404, 404, 200],
    "api assignment in team A":  [401, 404, 200, 404, 200, 404, 200, 404, 404, 404, 200],
    "api audit trail":           [401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200],
    "admin reminder policy":     [302, 302, 302, 302, 302, 302, 200, 302, 200, 302, 200],
    "admin notification log":    [302, 302, 302, 302, 302, 200, 200, 302, 200, 302, 200],
    "api reminder policy":       [401, 403, 403, 403, 403, 403, 200, 403, 200, 403, 200],
    "api notification log":      [401, 403, 403, 403, 403, 200, 200, 403, 200, 403, 200],
    "admin face-to-face sessions": [302, 302, 302, 302, 302, 200, 302, 302, 200, 302, 200],
    "admin course rates":        [302, 302, 302, 302, 302, 200, 302, 302, 200, 302, 200],
    "admin observation rates":   [302, 302, 302, 302, 302, 200, 302, 302, 200, 302, 200],
    "api hr people":             [401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200],
    "api hr units":              [401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200],
    "api hr absences import (GET)": [401, 403, 403, 403, 403, 403, 403, 403, 403, 405, 405],
    "talent programmes":         [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "talent my applications":    [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "talent apply":              [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "talent nominate":           [302, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403],
    "talent support list":       [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "talent support pc.a3":      [302, 404, 302, 404, 302, 404, 404, 404, 404, 404, 404],
    "talent withdraw pc.a3's":   [302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    "talent panel":              [302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403],
    "talent panel csv":          [302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403],
    "talent score":              [302, 403, 403, 403, 403, 403, 403, 403, 302, 403, 403],
    "talent fill places":        [302, 403, 403, 403, 403, 403, 403, 403, 302, 403, 403],
    "talent programme page":     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "admin talent cohorts":      [302, 302, 302, 302, 302, 200, 302, 302, 200, 302, 200],
    "talent running":            [302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403],
    "talent attendance":         [302, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403],
    "talent mentor":             [302, 403, 403, 403, 403, 403, 403, 403, 302, 403, 403],
    "talent complete":           [302, 403, 403, 403, 403, 403, 403, 403, 302, 403, 403],
    "talent plan pc.a3's":       [302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    "talent mentoring":          [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "privacy notice":            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "my record":                 [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "my record archive":         [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "admin subject access requests": [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin personal data register": [302, 302, 302, 302, 302, 200, 200, 200, 200, 200, 200],
    "admin retention":           [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin retention of free text": [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin erasure and restriction requests": [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
    "admin record an erasure request": [302, 302, 302, 302, 302, 302, 200, 302, 302, 302, 200],
}
# fmt: on


def _forbidden_names(role, force) -> set[str]:
    """Last names the role must never see in a response."""
    everyone = [
        force.chief, force.supt_north, force.supt_south, force.insp, force.sgt_a, force.sgt_b, force.sgt_c,
        *force.team_a, *force.team_b, *force.team_c, force.ld, force.admin, force.analyst,
    ]  # fmt: skip
    names = {p.last_name for p in everyone}
    if role in ("L&D editor", "L&D lead", "compliance admin", "HR service", "superuser"):
        return set()  # the whole force is theirs
    if role == "sergeant A":
        return {p.last_name for p in [*force.team_b, *force.team_c, force.sgt_b, force.sgt_c, force.supt_south]}
    if role == "sergeant B":
        return {p.last_name for p in [*force.team_a, *force.team_c, force.sgt_a, force.sgt_c, force.supt_south]}
    if role == "superintendent":
        return {p.last_name for p in [*force.team_c, force.sgt_c, force.supt_south]}
    return names  # anonymous, constable, analyst: nobody's training


def _body(response) -> str:
    import io
    import zipfile

    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content[:2] == b"PK":
        archive = zipfile.ZipFile(io.BytesIO(content))
        if "[Content_Types].xml" in archive.namelist():  # an XLSX: read its cells
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True)
            return " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
        return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return content.decode("utf-8", "replace")


def test_expected_table_covers_every_endpoint_and_role():
    assert set(EXPECTED) == {name for name, _, _ in ENDPOINTS}
    assert all(len(codes) == len(ROLES) for codes in EXPECTED.values())


@pytest.fixture
def accounts(force):
    """Accounts with a role and no HR record, as a force would have them."""
    from django.contrib.auth import get_user_model

    from compliance.access import Role
    from tests.factories import UserFactory

    UserFactory(username="ld.lead").groups.add(Group.objects.get(name=Role.LD_LEAD))
    UserFactory(username="hr.service").groups.add(Group.objects.get(name=Role.HR_SERVICE))
    get_user_model().objects.create_superuser(username="root", email="root@force.example", password=None)
    _talent(force)
    force.exemption_request = exemption_request_create(
        assignment=force.extension_request.assignment,
        user=force.team_a[2].user,
        reason="Completed the equivalent at my last force",
    )
    return force


def _talent(force) -> None:
    """An open Front Line Leadership cohort the L&D lead owns; pc.a3 has applied to it."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from compliance.talent.models import Milestone
    from compliance.talent.services import application_submit
    from tests.talent.builders import make_cohort, make_programme

    lead = get_user_model().objects.get(username="ld.lead")
    programme = make_programme(title="Front Line Leadership", owners=[lead], support=True)
    force.talent_cohort = make_cohort(programme=programme, today=force.today, ranks=["Constable"])
    force.talent_application = application_submit(
        person=force.team_a[2], cohort=force.talent_cohort, statement="Ready to lead", now=timezone.now()
    )
    force.talent_programme = programme.url
    force.talent_milestone = Milestone.objects.create(
        cohort=force.talent_cohort, title="Launch", on=force.talent_cohort.starts_on
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(client, accounts, role):
    force = accounts
    api = APIClient()
    if role != "anonymous":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=USERNAMES[role])
        client.force_login(user)
        api.force_authenticate(user)
    forbidden = _forbidden_names(role, force)
    if role != "anonymous" and hasattr(user, "person"):
        forbidden.discard(user.person.last_name)  # everyone may see their own name, on their own record
    actual, leaks, header_problems = {}, [], []
    person = getattr(user, "person", None) if role != "anonymous" else None
    above = [person.line_path[:end] for end in range(8, len(person.line_path), 8)] if person else []
    managers = set(Person.objects.filter(line_path__in=above).values_list("last_name", flat=True))
    column = ROLES.index(role)
    for name, method, template in ENDPOINTS:
        url = template.format(
            PERSON=force.team_a[2].staff_number,
            REQUEST=force.extension_request.pk,
            ASSIGNMENT=force.extension_request.assignment_id,
            COHORT=force.talent_cohort.pk,
            APPLICATION=force.talent_application.pk,
            PROGRAMME=force.talent_programme,
            MILESTONE=force.talent_milestone.pk,
            EXEMPTION=force.exemption_request.pk,
        )
        if method == "post":
            response = client.post(url, {"decision": "refuse", "note": ""})
        elif method == "api":
            response = api.get(url)
        else:
            response = client.get(url)
        actual[name] = response.status_code
        header_problems += [f"{name}: {problem}" for problem in security_header_problems(url, response, role)]
        body = _body(response)
        # A person's own record names who acted on it: their line managers, and who decided their requests.
        allowed = managers if name.startswith("my record") else set()
        leaks += [f"{name}: {n}" for n in forbidden - allowed if n in body]
    expected = {name: codes[column] for name, codes in EXPECTED.items()}
    mismatches = {n: (expected[n], actual[n]) for n in expected if expected[n] != actual[n]}
    assert not mismatches, f"{role}: (expected, actual) {mismatches}"
    assert not leaks, f"{role} saw names outside their scope: {leaks}"
    assert not header_problems, header_problems
