import csv
import io

import pytest

from compliance import access
from compliance.reporting import selectors
from compliance.selectors.assignments import Status

pytestmark = pytest.mark.django_db


def test_superintendent_sees_their_units_with_rates(client, force):
    client.force_login(force.supt_north.user)
    response = client.get("/command/")
    assert response.status_code == 200
    matrix = response.context["matrix"]
    labels = [row.label for row in matrix.units]
    assert labels[:2] == ["North Response A", "North Response B"]
    assert "South Response C" not in response.content.decode()
    team_a = next(row for row in matrix.units if row.code == "TEAM-A")
    # Team A: three constables (one completed) and the sergeant (two requirements).
    assert (team_a.completed, team_a.denominator, team_a.rate) == (1, 5, 20.0)


def test_drill_down_to_a_unit_and_not_outside_the_command(client, force):
    client.force_login(force.supt_north.user)
    response = client.get("/command/units/TEAM-A/")
    assert response.status_code == 200
    assert "Command view" in response.content.decode()  # the breadcrumb back up
    assert client.get("/command/units/team-a/").status_code == 200  # codes ignore letter case
    assert client.get("/command/units/TEAM-C/").status_code == 404
    assert client.get("/command/units/LPA-S/").status_code == 404
    assert client.get("/command/units/NOPE/").status_code == 404
    assert client.get("/command/units/FORCE/").status_code == 404


def test_campaign_progress_against_the_deadline(client, force):
    client.force_login(force.supt_north.user)
    campaigns = client.get("/command/").context["campaigns"]
    assert len(campaigns) == 1
    moral = campaigns[0]
    assert moral.name == "Moral Courage stage 1"
    assert moral.days_left == 20
    assert (moral.row.completed, moral.remaining) == (0, 2)  # the two northern sergeants


def test_administrators_see_the_force_and_others_are_refused(client, force):
    client.force_login(force.admin.user)
    body = client.get("/command/").content.decode()
    assert "North LPA" in body and "South LPA" in body
    client.force_login(force.ld.user)
    assert client.get("/command/units/TEAM-C/").status_code == 200
    for person in [force.sgt_a, force.insp, force.team_a[0], force.analyst]:
        client.force_login(person.user)
        assert client.get("/command/").status_code == 403
        assert client.get("/command/units/TEAM-A/").status_code == 403


def test_command_export_matches_the_table(client, force):
    client.force_login(force.supt_north.user)
    response = client.get("/command/csv/")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Unit code", "Unit"]
    assert [r[0] for r in rows[1:]] == ["TEAM-A", "TEAM-B", "LPA-N"]
    assert rows[1][-1] == "20.0"
    assert client.get("/command/units/TEAM-A/xlsx/").status_code == 200
    assert client.get("/command/units/TEAM-C/csv/").status_code == 404


def test_unit_matrix_counts_match_the_status_counts(force):
    scope = access.Scope(label="", force=True)
    matrix = selectors.unit_matrix(scope=scope, parent=force.units.force)
    counts = selectors.status_counts(selectors.scope_assignments(scope=scope))
    assert matrix.totals.counts == counts
    assert counts[Status.OVERDUE] > 0


@pytest.mark.parametrize("url", ["/command/", "/command/units/LPA-N/"])
def test_command_query_count_is_flat(client, force, django_assert_max_num_queries, url):
    client.force_login(force.supt_north.user)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_matrix_column_totals_equal_the_counts_by_requirement(force):
    scope = access.Scope(label="", unit_path=force.units.north.path)
    matrix = selectors.unit_matrix(scope=scope, parent=force.units.north)
    direct = selectors.rates_by_requirement(queryset=selectors.scope_assignments(scope=scope))
    assert [(r.key, r.label, r.counts) for r in matrix.by_requirement()] == [(r.key, r.label, r.counts) for r in direct]
    via_matrix = selectors.campaign_progress(scope=scope, by_requirement=matrix.by_requirement())
    on_its_own = selectors.campaign_progress(scope=scope)
    assert [(c.name, c.row.counts, c.remaining) for c in via_matrix] == [
        (c.name, c.row.counts, c.remaining) for c in on_its_own
    ]
