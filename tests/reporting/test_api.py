import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_team_summary_has_the_same_numbers_as_the_page(api, client, force):
    api.force_authenticate(force.insp.user)
    client.force_login(force.insp.user)
    data = api.get("/api/v1/team/summary/").json()
    page_counts = {key: n for key, _, n, _ in client.get("/team/").context["counts"]}
    assert data["counts"] == page_counts
    assert data["total"] == sum(page_counts.values())
    assert {r["label"] for r in data["by_requirement"]} == {"Learning from our History", "Moral Courage stage 1"}
    direct = api.get("/api/v1/team/summary/?direct=1").json()
    assert direct["direct_only"] is True and direct["total"] == 4


def test_team_assignment_list_filters_and_paginates(api, force):
    api.force_authenticate(force.insp.user)
    data = api.get("/api/v1/team/assignments/?status=completed").json()
    assert data["count"] == 1
    assert data["results"][0]["person"]["staff_number"] == force.team_a[0].staff_number
    assert "reflections" not in str(data) and "ethnicity" not in str(data)
    paged = api.get("/api/v1/team/assignments/?page_size=2&sort=name").json()
    assert paged["count"] == 9 and len(paged["results"]) == 2


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?status=bogus", 400),
        ("?colour=red", 400),
        ("?unit=LPA-S", 400),
        ("?requirement=x", 400),
        ("?sort=evil", 400),
        ("?page=abc", 400),
        ("?page=-1", 400),
        ("?page=99", 404),  # past the last page
    ],
)
def test_team_api_bad_input_is_a_clear_error(api, force, query, status):
    api.force_authenticate(force.sgt_a.user)
    response = api.get("/api/v1/team/assignments/" + query)
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_team_person_in_chain_only(api, force):
    api.force_authenticate(force.sgt_a.user)
    data = api.get(f"/api/v1/team/people/{force.team_a[2].staff_number}/").json()
    assert data["person"]["last_name"] == force.team_a[2].last_name
    assert data["extension_requests"][0]["reason"] == "On a course abroad"
    assert data["assignments"][0]["reason"].startswith(f"{force.team_a[2].first_name} joined on")
    assert data["history"]
    assert api.get(f"/api/v1/team/people/{force.team_b[0].staff_number}/").status_code == 404


def test_team_trend(api, force):
    api.force_authenticate(force.sgt_a.user)
    data = api.get("/api/v1/team/trend/").json()
    assert len(data["points"]) == 12 and data["points"][-1]["due"] == 2


def test_reports_for_senior_leaders_and_administrators(api, force):
    api.force_authenticate(force.supt_north.user)
    units = api.get("/api/v1/reports/units/").json()
    assert [u["code"] for u in units["units"]] == ["TEAM-A", "TEAM-B", "LPA-N"]
    assert api.get("/api/v1/reports/units/?unit=TEAM-C").status_code == 404
    assert api.get("/api/v1/reports/units/?unit=TEAM-A").status_code == 200
    campaigns = api.get("/api/v1/reports/campaigns/").json()
    assert campaigns[0]["remaining"] == 2 and campaigns[0]["days_left"] == 20
    assert len(api.get("/api/v1/reports/trend/").json()["points"]) == 12
    assert api.get("/api/v1/reports/breakdown/?by=rank").status_code == 403
    api.force_authenticate(force.admin.user)
    breakdown = api.get("/api/v1/reports/breakdown/?by=rank").json()
    assert {r["label"] for r in breakdown["rows"]} == {"Constable", "Sergeant", "Inspector", "Superintendent"}
    assert api.get("/api/v1/reports/breakdown/?by=height").status_code == 400
    overdue = api.get("/api/v1/reports/overdue/?unit=LPA-S").json()
    assert overdue["count"] == 3
    assert api.get("/api/v1/reports/overdue/?unit=NOPE").status_code == 400
    assert api.get("/api/v1/reports/overdue/?unit=lpa-s").json()["count"] == 3
    assert api.get(f"/api/v1/reports/overdue/?requirement={2**63}").status_code == 400


def test_schema_tags(client):
    schema = client.get("/api/schema/?format=json").json()
    tags = {tag for path, ops in schema["paths"].items() for op in ops.values() for tag in op.get("tags", [])}
    assert {"team", "reports"} <= tags
    assert "/api/v1/team/summary/" in schema["paths"] and "/api/v1/reports/units/" in schema["paths"]
