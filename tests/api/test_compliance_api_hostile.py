"""The compliance API (item 9) against callers who should not get in and input nobody
expected: every operation is deny-by-default, and bad input gets a 400 that says what and
where, never a 500 or a half-applied change."""

import codecs
import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.models import Assignment, AssignmentEvent, ExtensionRequest, Requirement
from compliance.services.sync import sync_all
from courses.models import Completion
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db
API = "/api/v1/compliance"
HEADER = "staff_number,course_code,completed_on,score,source\n"


@pytest.fixture
def world():
    today = timezone.localdate()
    superintendent = make_person(username="supt", staff_number="S1", leadership_level="senior")
    inspector = make_person(username="insp", manager=superintendent, staff_number="S2")
    sergeant = make_person(username="sgt", manager=inspector, staff_number="S3", leadership_level="first_line")
    constable = make_person(
        username="pc", manager=sergeant, staff_number="S4", start_date=today - datetime.timedelta(days=5)
    )
    peer = make_person(username="peer", manager=inspector, staff_number="S5")
    # Not placed in the line-management tree yet: an empty path is a prefix of everyone's.
    unplaced = make_person(username="unplaced", staff_number="S6")
    unplaced.line_path = ""
    unplaced.save(update_fields=["line_path"])
    course = make_course("LFOH-OFFICER")
    make_requirement(name="LFOH", courses=[course], trigger="joining", trigger_days=60)
    sync_all()
    return {
        "superintendent": superintendent,
        "inspector": inspector,
        "sergeant": sergeant,
        "constable": constable,
        "peer": peer,
        "unplaced": unplaced,
        "admin": UserFactory(roles=[Role.COMPLIANCE_ADMIN]),
        "hr": UserFactory(roles=[Role.HR_SERVICE]),
        "assignment": Assignment.objects.get(person=constable),
        "course": course,
    }


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def error(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["error"]


def test_a_persons_assignments_up_the_whole_chain_and_nobody_else(world):
    url = f"{API}/people/S4/assignments/"
    for who in ("constable", "sergeant", "inspector", "superintendent"):
        assert client_for(world[who].user).get(url).status_code == 200, who
    assert client_for(world["admin"]).get(url).status_code == 200
    for who in ("peer", "unplaced"):
        assert client_for(world[who].user).get(url).status_code == 404, who
    assert client_for(world["hr"]).get(url).status_code == 404
    assert client_for().get(url).status_code == 401
    assert client_for(world["admin"]).get(f"{API}/people/NOBODY/assignments/").status_code == 404
    pk = world["assignment"].pk
    assert client_for(world["unplaced"].user).get(f"{API}/assignments/{pk}/").status_code == 404
    assert client_for(world["superintendent"].user).get(f"{API}/assignments/{pk}/").status_code == 200


ADMIN_ONLY = [
    ("get", "/requirements/"),
    ("post", "/requirements/"),
    ("post", "/requirements/preview/"),
    ("get", "/requirements/{req}/"),
    ("put", "/requirements/{req}/"),
    ("post", "/requirements/{req}/preview/"),
    ("post", "/assignments/{pk}/exemptions/"),
    ("post", "/assignments/{pk}/extensions/"),
    ("get", "/assignments/{pk}/exemptions/"),
    ("get", "/assignments/{pk}/extensions/"),
    ("post", "/exemptions/1/revoke/"),
    ("post", "/completions/"),
    ("post", "/completions/import/"),
    ("post", "/completions/1/void/"),
    ("get", "/audit/"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ONLY)
def test_administrator_operations_refuse_everyone_else(world, method, path):
    url = API + path.format(req=Requirement.objects.get().pk, pk=world["assignment"].pk)
    for who in (world["constable"].user, world["superintendent"].user, world["hr"]):
        response = getattr(client_for(who), method)(url, {}, format="json")
        assert response.status_code == 403, (who, response.status_code)
        assert error(response)["code"] == "permission_denied"
    assert getattr(client_for(), method)(url, {}, format="json").status_code == 401
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"trigger_days": -1}, "trigger_days"),
        ({"trigger_days": "ninety"}, "trigger_days"),
        ({"trigger_days": 2147483647}, "trigger_days"),
        ({"trigger_days": 10**30}, "trigger_days"),
        ({"window_opens_days": 10**9, "recurrence": "months", "recurrence_months": 12}, "window_opens_days"),
        ({"recurrence": "months", "recurrence_months": 32767}, "recurrence_months"),
        ({"recurrence": "months"}, "recurrence_months"),
        ({"recurrence": "calendar", "window_month": 13}, "window_month"),
        ({"active_from": "9999-12-31"}, "active_from"),
        ({"active_from": "0001-01-01"}, "active_from"),
        ({"active_from": "31/12/2026"}, "active_from"),
        ({"trigger": "fixed_date", "fixed_due_date": "9999-12-31"}, "fixed_due_date"),
        ({"trigger": "fixed_date"}, "fixed_due_date"),
        ({"trigger": "whenever"}, "trigger"),
        ({"course_codes": "LFOH-OFFICER"}, "course_codes"),
        ({"course_codes": []}, "course_codes"),
        ({"course_codes": ["NO-SUCH-COURSE"]}, "course_codes"),
        ({"include_worker_types": [{"a": 1}]}, "include_worker_types"),
        ({"include_units": "F"}, "include_units"),
        ({"exclude_leadership_levels": ["boss"]}, "exclude_leadership_levels"),
        ({"name": None}, "name"),
        ({"include_units": ["NO-SUCH-UNIT"]}, "include_units"),
        ({"exclude_units": ["FORCE", "TYPO"]}, "exclude_units"),
        ({"include_functions": ["recruitment-assesor"]}, "include_functions"),
        ({"include_ranks": ["Admiral"]}, "include_ranks"),
        ({"trigger": "function_gained", "trigger_function": "nope"}, "trigger_function"),
    ],
)
def test_requirement_create_and_preview_explain_bad_input(world, body, field):
    admin = client_for(world["admin"])
    good = {
        "name": "Moral Courage 1",
        "course_codes": ["LFOH-OFFICER"],
        "trigger": "joining",
        "trigger_days": 90,
        "active_from": "2026-01-01",
    }
    for url in (f"{API}/requirements/", f"{API}/requirements/preview/"):
        if url.endswith("preview/") and field == "name":
            continue
        response = admin.post(url, {**good, **body}, format="json")
        assert response.status_code == 400, (url, response.status_code, response.content[:300])
        problem = error(response)
        assert problem["code"] == "invalid" and field in problem["details"], problem
    assert Requirement.objects.count() == 1 and AuditEvent.objects.count() == 0


def test_unparseable_and_wrongly_shaped_bodies(world):
    admin = client_for(world["admin"])
    for url in (f"{API}/requirements/", f"{API}/requirements/preview/", f"{API}/completions/"):
        response = admin.post(url, b'{"name": ', content_type="application/json")
        assert response.status_code == 400 and error(response)["code"] == "parse_error"
        response = admin.post(url, b"[1, 2]", content_type="application/json")
        assert response.status_code == 400, url
    response = admin.post(f"{API}/requirements/", b"\xff\xfe\x00garbage", content_type="application/json")
    assert response.status_code == 400
    response = admin.post(f"{API}/requirements/", "name=x", content_type="application/xml")
    assert response.status_code == 415


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "9223372036854775808"])
def test_huge_and_unknown_ids_are_not_found(world, pk):
    admin = client_for(world["admin"])
    assert admin.get(f"{API}/assignments/{pk}/").status_code == 404
    assert admin.get(f"{API}/requirements/{pk}/").status_code == 404
    assert admin.post(f"{API}/requirements/{pk}/preview/", {}, format="json").status_code == 404
    assert admin.post(f"{API}/assignments/{pk}/exemptions/", {"reason": "x"}).status_code == 404
    assert admin.post(f"{API}/assignments/{pk}/extensions/", {"reason": "x"}).status_code == 404
    assert admin.post(f"{API}/completions/{pk}/void/", {"reason": "x"}).status_code == 404
    assert admin.post(f"{API}/extension-requests/{pk}/decision/", {"decision": "approve"}).status_code == 404
    assert admin.get(f"{API}/assignments/-1/").status_code == 404


@pytest.mark.parametrize("assignment", [10**30, -1, 0, "abc", None, [1]])
def test_a_request_for_more_time_names_the_bad_field(world, assignment):
    pc = client_for(world["constable"].user)
    body = {"assignment": assignment, "requested_due_date": "2099-01-01", "reason": "Nights"}
    response = pc.post(f"{API}/extension-requests/", body, format="json")
    assert response.status_code == 400, response.content
    assert "assignment" in error(response)["message"]
    assert not ExtensionRequest.objects.exists()


def test_a_request_for_someone_elses_assignment_is_refused_naming_the_field(world):
    theirs = Assignment.objects.get(person=world["sergeant"])
    body = {"assignment": theirs.pk, "requested_due_date": "2099-01-01", "reason": "Nights"}
    response = client_for(world["constable"].user).post(f"{API}/extension-requests/", body, format="json")
    assert response.status_code == 400 and error(response)["message"].startswith("assignment:")


def test_learner_asks_and_their_line_manager_decides_through_the_api(world):
    assignment = world["assignment"]
    pc = client_for(world["constable"].user)
    later = (assignment.due_date + datetime.timedelta(days=30)).isoformat()
    earlier = (assignment.due_date - datetime.timedelta(days=1)).isoformat()
    bad = pc.post(
        f"{API}/extension-requests/",
        {"assignment": assignment.pk, "requested_due_date": earlier, "reason": "x"},
        format="json",
    )
    assert bad.status_code == 400 and "requested_due_date" in error(bad)["details"]
    blank = pc.post(
        f"{API}/extension-requests/", {"assignment": assignment.pk, "requested_due_date": later, "reason": "  "}
    )
    assert blank.status_code == 400
    made = pc.post(
        f"{API}/extension-requests/", {"assignment": assignment.pk, "requested_due_date": later, "reason": "Nights"}
    )
    assert made.status_code == 201
    twice = pc.post(
        f"{API}/extension-requests/", {"assignment": assignment.pk, "requested_due_date": later, "reason": "Nights"}
    )
    assert twice.status_code == 400 and "already asked" in error(twice)["message"]
    pk = made.json()["id"]
    decision = f"{API}/extension-requests/{pk}/decision/"
    # Visible to the chain; not to a peer or someone outside the tree.
    assert [
        r["id"] for r in client_for(world["sergeant"].user).get(f"{API}/extension-requests/").json()["results"]
    ] == [pk]
    for who in ("peer", "unplaced"):
        assert client_for(world[who].user).get(f"{API}/extension-requests/").json()["count"] == 0
        assert client_for(world[who].user).post(decision, {"decision": "approve"}).status_code == 404
    assert client_for(world["sergeant"].user).post(decision, {"decision": "maybe"}).status_code == 400
    no_reason = client_for(world["sergeant"].user).post(decision, {"decision": "refuse"})
    assert no_reason.status_code == 400 and "note" in error(no_reason)["details"]
    refused = client_for(world["sergeant"].user).post(decision, {"decision": "refuse", "note": "Book it now"})
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    again = client_for(world["inspector"].user).post(decision, {"decision": "approve"})
    assert again.status_code == 400 and "already been refused" in error(again)["message"]
    assignment.refresh_from_db()
    assert assignment.extended_due_date is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"extension_requested", "extension_request_refused"} <= actions


def test_manual_completion_rejects_bad_input_and_needs_reason_and_evidence(world):
    admin = client_for(world["admin"])
    good = {
        "staff_number": "S4",
        "course_code": "LFOH-OFFICER",
        "completed_on": "2026-01-05",
        "reason": "Paper register",
        "evidence": "Scanned register, ref 12",
    }
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    cases = [
        ({"staff_number": "NOBODY"}, "staff_number"),
        ({"course_code": "NO-SUCH"}, "course_code"),
        ({"completed_on": tomorrow}, "completed_on"),
        ({"completed_on": "0001-01-01"}, "completed_on"),
        ({"completed_on": "yesterday"}, "completed_on"),
        ({"score": 101}, "score"),
        ({"score": -1}, "score"),
        ({"score": "NaN"}, "score"),
        ({"reason": ""}, "reason"),
        ({"evidence": ""}, "evidence"),
        ({"staff_number": ["S4"]}, "staff_number"),
        ({"staff_number": "x" * 10_000}, "staff_number"),
    ]
    for change, field in cases:
        response = admin.post(f"{API}/completions/", {**good, **change}, format="json")
        assert response.status_code == 400, (change, response.status_code, response.content[:200])
        assert field in error(response)["message"], (change, error(response))
    assert not Completion.objects.exists()
    made = admin.post(f"{API}/completions/", good, format="json")
    assert made.status_code == 201 and made.json()["source"] == "manual"
    completion = Completion.objects.get()
    assert (completion.reason, completion.evidence) == (good["reason"], good["evidence"])
    entered = AuditEvent.objects.get(action="completion_entered")
    assert entered.changes == {"reason": good["reason"], "evidence": good["evidence"]}


def test_voiding_needs_a_reason_reopens_and_is_idempotent(world, django_capture_on_commit_callbacks):
    admin = client_for(world["admin"])
    body = {
        "staff_number": "S4",
        "course_code": "LFOH-OFFICER",
        "completed_on": timezone.localdate().isoformat(),
        "reason": "Paper",
        "evidence": "Register",
    }
    with django_capture_on_commit_callbacks(execute=True):
        pk = admin.post(f"{API}/completions/", body, format="json").json()["id"]
    assignment = world["assignment"]
    assignment.refresh_from_db()
    assert assignment.state == "satisfied"
    for bad in ({}, {"reason": ""}, {"reason": ["x"]}, {"reason": "x" * 5000}):
        response = admin.post(f"{API}/completions/{pk}/void/", bad, format="json")
        assert response.status_code == 400 and "reason" in error(response)["message"], bad
    with django_capture_on_commit_callbacks(execute=True):
        voided = admin.post(f"{API}/completions/{pk}/void/", {"reason": "Wrong person"}, format="json")
    assert voided.status_code == 200 and voided.json()["void_reason"] == "Wrong person"
    again = admin.post(f"{API}/completions/{pk}/void/", {"reason": "Again"}, format="json")
    assert again.status_code == 200 and again.json()["void_reason"] == "Wrong person"
    assert AuditEvent.objects.filter(action="completion_voided").count() == 1
    assert Completion.objects.filter(pk=pk).exists()
    assignment.refresh_from_db()
    assert assignment.state == "open"
    assert AssignmentEvent.objects.filter(assignment=assignment, kind="reopened").exists()


@pytest.mark.parametrize(
    ("payload", "content_type", "needle"),
    [
        (b"", "text/csv", "empty"),
        (b"   \n\n", "text/csv", "empty"),
        (b"\x00\x01\x02\xff\xfe garbage \x00", "text/csv", "NUL byte"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv", "NUL byte"),
        (b"PK\x03\x04 workbook", "text/csv", "spreadsheet"),
        (b"staff_number,course_code\nS4,LFOH-OFFICER\n", "text/csv", "completed_on"),
        (b"staff_number,course_code,completed_on\n", "text/csv", "no data rows"),
        (
            "staff_number,course_code,completed_on\nS4,LFOH,2026-01-01\n".encode("cp1252") + b"\xe9\n",
            "text/csv",
            "UTF-8",
        ),
        (b'staff_number,course_code,completed_on\n"S4,LFOH-OFFICER,2026-01-01\n', "text/csv", "CSV"),
        (b'{"rows": "nope"}', "application/json", "rows"),
        (b'{"rows": []}', "application/json", "empty"),
        (b'{"rows": [1, 2]}', "application/json", "object"),
        (b"not json", "application/json", "JSON"),
    ],
)
def test_completion_import_file_errors_are_400_and_write_nothing(world, payload, content_type, needle):
    admin = client_for(world["admin"])
    response = admin.post(f"{API}/completions/import/", payload, content_type=content_type)
    assert response.status_code == 400, response.content[:300]
    assert needle.lower() in error(response)["message"].lower(), error(response)
    assert not Completion.objects.exists()


def test_completion_import_in_utf16_with_a_bom_and_excel_quoting(world):
    text = HEADER + '"S4","LFOH-OFFICER","31/01/2026","87%","Classroom"\r\n'
    admin = client_for(world["admin"])
    for encoded in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), codecs.BOM_UTF8 + text.encode()):
        response = admin.post(f"{API}/completions/import/", encoded, content_type="text/csv")
        assert response.status_code == 200, response.content[:300]
    completion = Completion.objects.get()
    assert (str(completion.score), completion.source) == ("87.00", "attendance")
    assert timezone.localdate(completion.completed_at) == datetime.date(2026, 1, 31)


def test_completion_import_rows_errors_dry_run_skip_invalid_and_idempotency(world):
    admin = client_for(world["admin"])
    url = f"{API}/completions/import/"
    data = HEADER + "S4,LFOH-OFFICER,2026-01-01,,\nS3,NOPE,2026-01-01,,\nS5,LFOH-OFFICER,2026-01-01,500,\n"
    refused = admin.post(url, data, content_type="text/csv")
    assert refused.status_code == 400 and error(refused)["code"] == "invalid_rows"
    errors = error(refused)["details"]["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(3, "course_code"), (4, "score")}
    assert not Completion.objects.exists()
    dry = admin.post(url + "?dry_run=true&skip_invalid=true", data, content_type="text/csv")
    assert dry.status_code == 200 and dry.json()["created"] == 1 and not dry.json()["applied"]
    assert not Completion.objects.exists()
    applied = admin.post(url + "?skip_invalid=true", data, content_type="text/csv")
    assert applied.status_code == 200 and applied.json()["created"] == 1 and applied.json()["rejected"] == 2
    again = admin.post(url + "?skip_invalid=true", data, content_type="text/csv")
    assert again.json()["created"] == 0 and again.json()["unchanged"] == 1
    assert Completion.objects.count() == 1
    # The same rows as JSON, and as a multipart upload.
    rows = {"rows": [{"staff_number": "S4", "course_code": "LFOH-OFFICER", "completed_on": "2026-01-01"}]}
    assert admin.post(url, rows, format="json").json()["unchanged"] == 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.csv", (HEADER + "S4,LFOH-OFFICER,2026-01-01,,\n").encode(), "text/csv")
    assert admin.post(url, {"file": upload}, format="multipart").json()["unchanged"] == 1
    missing = admin.post(url, {"other": "x"}, format="multipart")
    assert missing.status_code == 400 and "file" in error(missing)["message"]


def test_exemption_and_extension_input_is_checked(world):
    admin = client_for(world["admin"])
    pk = world["assignment"].pk
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    for body, field in (
        ({}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "Leave", "until": yesterday}, "until"),
        ({"reason": "Leave", "until": "soon"}, "until"),
    ):
        response = admin.post(f"{API}/assignments/{pk}/exemptions/", body, format="json")
        assert response.status_code == 400 and field in error(response)["message"], (body, error(response))
    earlier = world["assignment"].due_date.isoformat()
    for body, field in (
        ({"reason": "Leave"}, "new_due_date"),
        ({"reason": "Leave", "new_due_date": earlier}, "new_due_date"),
        ({"new_due_date": "2099-01-01"}, "reason"),
    ):
        response = admin.post(f"{API}/assignments/{pk}/extensions/", body, format="json")
        assert response.status_code == 400 and field in error(response)["message"], (body, error(response))
    assert not AssignmentEvent.objects.exclude(kind="created").exists()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"since": "yesterday"}, 400),
        ({"until": "2026-13-45"}, 400),
        ({"object_id": "\x00"}, 400),
        # An unreadable page is the caller's error; one past the last does not exist.
        ({"page": "abc"}, 400),
        ({"page": "0"}, 400),
        ({"page": "99999999999999999999"}, 404),
    ],
)
def test_audit_search_rejects_bad_filters_without_a_500(world, query, status):
    response = client_for(world["admin"]).get(f"{API}/audit/", query)
    assert response.status_code == status, response.status_code
    assert "error" in response.json()


def test_audit_search_finds_by_action_actor_object_and_text(world):
    admin_user = world["admin"]
    admin = client_for(admin_user)
    pk = world["assignment"].pk
    admin.post(f"{API}/assignments/{pk}/exemptions/", {"reason": "Career break"}, format="json")
    found = admin.get(f"{API}/audit/", {"action": "exemption_granted", "actor": admin_user.username}).json()
    assert found["count"] == 1
    event = found["results"][0]
    assert event["source"] == "api" and event["changes"]["reason"] == "Career break"
    by_object = admin.get(f"{API}/audit/", {"object_type": "exemption", "object_id": event["object_id"]}).json()
    assert by_object["count"] == 1
    assert admin.get(f"{API}/audit/", {"q": "EXEMPTED"}).json()["count"] == 1
    assert admin.get(f"{API}/audit/", {"since": "2999-01-01T00:00:00Z"}).json()["count"] == 0


def test_exemptions_and_extensions_are_listed_and_an_exemption_revoked(world):
    admin = client_for(world["admin"])
    assignment = world["assignment"]
    base = f"{API}/assignments/{assignment.pk}"
    for who in (world["constable"].user, world["sergeant"].user):
        assert client_for(who).get(f"{base}/exemptions/").status_code == 403
        assert client_for(who).get(f"{base}/extensions/").status_code == 403
    assert admin.get(f"{base}/exemptions/").json() == []
    made = admin.post(f"{base}/exemptions/", {"reason": "Career break"}, format="json").json()
    later = (assignment.due_date + datetime.timedelta(days=9)).isoformat()
    admin.post(f"{base}/extensions/", {"reason": "Leave", "new_due_date": later}, format="json")
    assert [e["reason"] for e in admin.get(f"{base}/exemptions/").json()] == ["Career break"]
    assert [e["new_due_date"] for e in admin.get(f"{base}/extensions/").json()] == [later]
    revoke = f"{API}/exemptions/{made['id']}/revoke/"
    assert client_for(world["sergeant"].user).post(revoke, {"reason": "Back"}).status_code == 403
    assert admin.post(revoke, {}, format="json").status_code == 400
    assert admin.post(f"{API}/exemptions/99999999999999999999/revoke/", {"reason": "x"}).status_code == 404
    done = admin.post(revoke, {"reason": "Back at work"}, format="json")
    assert done.status_code == 200 and done.json()["revoked_by"] == world["admin"].username
    assert admin.post(revoke, {"reason": "Again"}, format="json").json()["revoke_reason"] == "Back at work"
    assignment.refresh_from_db()
    assert assignment.exemption_id is None
    kinds = list(assignment.events.values_list("kind", flat=True))
    assert kinds == ["created", "exempted", "extended", "exemption_revoked"]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "source"))
    assert actions == [
        ("exemption_granted", "api"),
        ("extension_granted", "api"),
        ("exemption_revoked", "api"),
    ]


def test_unit_codes_and_ranks_match_ignoring_case(world):
    admin = client_for(world["admin"])
    body = {
        "name": "Everyone in the force",
        "course_codes": ["LFOH-OFFICER"],
        "trigger": "joining",
        "trigger_days": 90,
        "active_from": "2026-01-01",
    }
    everyone = admin.post(f"{API}/requirements/preview/", body, format="json").json()["in_audience"]
    lower = admin.post(f"{API}/requirements/preview/", {**body, "include_units": ["force"]}, format="json")
    assert lower.status_code == 200 and lower.json()["in_audience"] == everyone == 6
    ranks = admin.post(f"{API}/requirements/preview/", {**body, "include_ranks": ["constable"]}, format="json")
    assert ranks.status_code == 200 and ranks.json()["in_audience"] == 6


def test_course_codes_match_ignoring_case_and_the_trail_shows_replaced_courses(world):
    admin = client_for(world["admin"])
    make_course("MC-STAGE-3")
    body = {
        "name": "Stage 3",
        "course_codes": ["lfoh-officer", "LFOH-OFFICER"],
        "trigger": "joining",
        "trigger_days": 90,
        "active_from": "2026-01-01",
    }
    created = admin.post(f"{API}/requirements/", body, format="json")
    assert created.status_code == 201 and created.json()["course_codes"] == ["LFOH-OFFICER"]
    pk = created.json()["id"]
    changed = admin.put(f"{API}/requirements/{pk}/", {**body, "course_codes": ["mc-stage-3"]}, format="json")
    assert changed.status_code == 200 and changed.json()["course_codes"] == ["MC-STAGE-3"]
    event = AuditEvent.objects.get(action="requirement_changed")
    assert event.changes == {"course_ids": [[world["course"].pk], [Requirement.objects.get(pk=pk).courses.get().pk]]}
    admin.put(f"{API}/requirements/{pk}/", {**body, "course_codes": ["MC-STAGE-3"]}, format="json")
    assert AuditEvent.objects.filter(action="requirement_changed").order_by("pk").last().changes == {}
