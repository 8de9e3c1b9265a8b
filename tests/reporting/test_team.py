import csv
import datetime
import html
import io

import pytest
from openpyxl import load_workbook

from compliance import access
from compliance.models import ExtensionRequest
from compliance.reporting import selectors
from compliance.selectors.assignments import Status
from compliance.services.sync import sync_all
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/team/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_someone_with_no_team_gets_a_clear_403(client, force):
    client.force_login(force.team_a[0].user)
    response = client.get("/team/")
    assert response.status_code == 403
    assert "You have no team" in response.content.decode()


def test_sergeant_sees_their_team_with_counts_and_no_one_else(client, force):
    client.force_login(force.sgt_a.user)
    response = client.get("/team/")
    body = response.content.decode()
    assert response.status_code == 200
    for person in force.team_a:
        assert person.last_name in body
    for person in force.team_b + force.team_c + [force.sgt_b, force.insp]:
        assert person.last_name not in body
    # 3 constables x Learning from our History: one completed, one newly joined, one overdue.
    counts = {key: n for key, _, n, _ in response.context["counts"]}
    assert counts[Status.COMPLETED] == 1 and counts[Status.OVERDUE] == 1 and sum(counts.values()) == 3


def test_whole_chain_or_direct_reports_only(client, force):
    client.force_login(force.insp.user)
    everyone = client.get("/team/").content.decode()
    direct = client.get("/team/?direct=1").content.decode()
    assert force.team_a[0].last_name in everyone and force.team_b[0].last_name in everyone
    assert force.sgt_a.last_name in direct and force.team_a[0].last_name not in direct


def test_filters_by_status_unit_rank_requirement_and_search(client, force):
    client.force_login(force.insp.user)

    def names(query):
        response = client.get("/team/" + query)
        assert response.status_code == 200, response.content.decode()
        return {a["person__last_name"] for a in response.context["rows"]}

    assert names("?status=completed") == {force.team_a[0].last_name}
    assert names("?unit=TEAM-B") == {p.last_name for p in [*force.team_b, force.sgt_b]}
    assert names("?rank=Sergeant") == {force.sgt_a.last_name, force.sgt_b.last_name}
    assert names(f"?requirement={force.moral.pk}") == {force.sgt_a.last_name, force.sgt_b.last_name}
    assert names("?q=" + force.team_b[1].staff_number) == {force.team_b[1].last_name}
    assert names("?q=bram") == {force.team_b[1].last_name}
    sorted_names = [a["person__last_name"] for a in client.get("/team/?sort=name").context["rows"]]
    assert sorted_names == sorted(sorted_names)


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("?status=bogus", 400, "Status: 'bogus' is not one of the choices."),
        ("?unit=LPA-S", 400, "Unit: 'LPA-S' is not one of the choices."),
        ("?requirement=999999", 400, "is not one of the choices"),
        ("?requirement=abc", 400, "is not one of the choices"),
        ("?sort=password", 400, "is not one of the choices"),
        ("?colour=red", 400, "Unknown filter(s): colour"),
        ("?page=abc", 400, "Page 'abc' is not a page number"),
        ("?page=0", 400, "pages start at 1"),
        ("?page=99", 404, "There is no page 99: the last page is 1."),
    ],
)
def test_bad_input_gets_a_clear_error(client, force, query, status, message):
    client.force_login(force.sgt_a.user)
    response = client.get("/team/" + query)
    assert response.status_code == status
    assert message in html.unescape(response.content.decode())


def test_person_page_shows_training_reasons_and_history_but_only_in_the_chain(client, force):
    client.force_login(force.sgt_a.user)
    person = force.team_a[2]
    response = client.get(f"/team/people/{person.staff_number}/")
    body = response.content.decode()
    assert response.status_code == 200
    # Spoken to the manager about the person, not to the person.
    assert "Learning from our History" in body and f"{person.first_name} joined on" in body
    assert "You joined on" not in body
    assert "Created" in body  # the ledger
    assert "On a course abroad" in body  # the request waiting for a decision
    for other in [force.team_b[0], force.sgt_b, force.insp, force.sgt_a]:
        assert client.get(f"/team/people/{other.staff_number}/").status_code == 404
    assert client.get("/team/people/NO-SUCH-NUMBER/").status_code == 404


def test_manager_approves_a_request_through_the_engine(client, force):
    client.force_login(force.insp.user)
    person = force.team_a[2]
    url = f"/team/people/{person.staff_number}/requests/{force.extension_request.pk}/decide/"
    response = client.post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    force.extension_request.refresh_from_db()
    assert force.extension_request.status == ExtensionRequest.Status.APPROVED
    assert force.extension_request.decided_by == force.insp.user
    assert "approved" in client.get(response["Location"]).content.decode()


def test_refusing_needs_a_note_and_foreign_requests_are_404(client, force):
    client.force_login(force.sgt_a.user)
    person = force.team_a[2]
    url = f"/team/people/{person.staff_number}/requests/{force.extension_request.pk}/decide/"
    client.post(url, {"decision": "refuse", "note": ""})
    force.extension_request.refresh_from_db()
    assert force.extension_request.status == ExtensionRequest.Status.PENDING
    # Sergeant B cannot decide it, even knowing both numbers.
    client.force_login(force.sgt_b.user)
    assert client.post(url, {"decision": "approve"}).status_code == 404
    # Nor under another of their own people's numbers.
    forged = f"/team/people/{force.team_b[0].staff_number}/requests/{force.extension_request.pk}/decide/"
    assert client.post(forged, {"decision": "approve"}).status_code == 404
    assert client.get(url).status_code == 405
    client.force_login(force.sgt_a.user)
    client.post(url, {"decision": "refuse", "note": "Needed before the audit"})
    force.extension_request.refresh_from_db()
    assert force.extension_request.status == ExtensionRequest.Status.REFUSED


def test_csv_export_is_the_current_view_streamed(client, force):
    client.force_login(force.insp.user)
    response = client.get("/team/csv/?unit=TEAM-A&sort=name")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][0] == "Staff number" and rows[0][8] == "Status"
    staff = {r[0] for r in rows[1:]}
    assert staff == {p.staff_number for p in [*force.team_a, force.sgt_a]}
    assert "Completed" in {r[8] for r in rows[1:]}


def test_csv_export_neutralises_formulas(client, force):
    force.team_a[0].last_name = "=HYPERLINK(1)"
    force.team_a[0].save()
    client.force_login(force.sgt_a.user)
    rows = _csv(client.get("/team/csv/"))
    assert "'=HYPERLINK(1)" in {r[1] for r in rows[1:]}


def test_xlsx_export(client, force):
    client.force_login(force.sgt_a.user)
    response = client.get("/team/xlsx/?status=overdue")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Staff number"
    assert len(rows) == 2 and rows[1][8] == "Overdue"


def test_exports_refuse_bad_filters_and_strangers(client, force):
    client.force_login(force.sgt_a.user)
    assert client.get("/team/csv/?status=nope").status_code == 400
    client.force_login(force.team_a[0].user)
    assert client.get("/team/csv/").status_code == 403
    assert client.get("/team/xlsx/").status_code == 403


def test_charts_page_has_the_numbers_in_tables(client, force):
    client.force_login(force.insp.user)
    response = client.get("/team/charts/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") == 2 and 'role="img"' in body
    assert "Completion by training: the numbers" in body and "Completion at each month end: the numbers" in body
    assert len(response.context["trend"]) == 12


def test_trend_is_derived_from_due_and_completion_dates(force):
    scope = access.team_scope(manager=force.sgt_a)
    points = selectors.monthly_trend(scope=scope, today=force.today)
    assert len(points) == 12 and points[-1].month == force.today
    last = points[-1]
    # Due by today: two of the constables (one completed); the newest is not due yet.
    assert (last.due, last.completed) == (2, 1)
    year_ago = selectors.monthly_trend(scope=scope, today=datetime.date(2014, 6, 30))
    assert all(p.due == 0 and p.rate is None for p in year_ago)


def _grow_team(manager, unit, size):
    for i in range(size):
        make_person(manager=manager, unit=unit, first_name=f"Extra{i}", last_name=f"Member{i:03d}")
    sync_all()


@pytest.mark.parametrize("extra", [0, 60])
@pytest.mark.parametrize(
    "url", ["/team/", "/team/?status=overdue&sort=name&q=member", "/team/charts/", "/team/?direct=1&sort=status"]
)
def test_team_query_count_does_not_grow_with_the_team(client, force, django_assert_max_num_queries, extra, url):
    _grow_team(force.sgt_a, force.units.a, extra)
    client.force_login(force.insp.user)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 60])
def test_person_page_and_exports_query_counts_are_flat(client, force, django_assert_max_num_queries, extra):
    _grow_team(force.sgt_a, force.units.a, extra)
    client.force_login(force.insp.user)
    with django_assert_max_num_queries(14):
        assert client.get(f"/team/people/{force.team_a[2].staff_number}/").status_code == 200
    with django_assert_max_num_queries(12):
        rows = _csv(client.get("/team/csv/"))
    # The heading, five constables and the extra people (one requirement), two sergeants (two).
    assert len(rows) == 1 + 5 + extra + 2 * 2


def test_person_page_api_and_export_never_show_reflections_or_equality_data(client, force):
    from rest_framework.test import APIClient

    from compliance.equality.models import EqualityRecord
    from courses.models import Reflection
    from tests.compliance.factories import make_course

    person = force.team_a[2]
    EqualityRecord.objects.create(person=person, religion="buddhist", sexual_orientation="bisexual")
    Reflection.objects.create(
        user=person.user, course=make_course("LFOH"), prompt_key="k", prompt="p", text="My private reflection"
    )
    client.force_login(force.sgt_a.user)
    api = APIClient()
    api.force_authenticate(force.sgt_a.user)
    bodies = [
        client.get(f"/team/people/{person.staff_number}/").content.decode(),
        b"".join(client.get("/team/csv/").streaming_content).decode(),
        api.get(f"/api/v1/team/people/{person.staff_number}/").content.decode(),
        api.get("/api/v1/team/assignments/").content.decode(),
    ]
    for body in bodies:
        for secret in ("My private reflection", "Buddhist", "buddhist", "Bisexual", "bisexual"):
            assert secret not in body
