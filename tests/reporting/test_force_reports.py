import csv
import io

import pytest

pytestmark = pytest.mark.django_db

REPORTS = ["/admin/reports/force/", "/admin/reports/force/campaigns/", "/admin/reports/force/overdue/"]


@pytest.mark.parametrize("dimension", ["requirement", "unit", "rank", "worker_type"])
def test_breakdowns_for_administrators(client, force, dimension):
    client.force_login(force.admin.user)
    response = client.get(f"/admin/reports/force/?by={dimension}")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert sum(r.total for r in rows) == response.context["total"].total > 0
    csv_response = client.get(f"/admin/reports/force/?by={dimension}&format=csv")
    lines = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig"))))
    assert len(lines) == len(rows) + 1
    assert client.get(f"/admin/reports/force/?by={dimension}&format=xlsx").status_code == 200


def test_overdue_list_filters_and_exports(client, force):
    client.force_login(force.ld.user)
    response = client.get("/admin/reports/force/overdue/")
    assert response.status_code == 200
    names = {a.person.last_name for a in response.context["rows"]}
    assert force.team_c[0].last_name in names and force.team_a[2].last_name not in names
    south = client.get("/admin/reports/force/overdue/?unit=LPA-S")
    assert {a.person.last_name for a in south.context["rows"]} == {
        force.team_c[0].last_name,
        force.sgt_c.last_name,
        force.supt_south.last_name,
    }
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get("/admin/reports/force/overdue/?unit=LPA-S&format=csv").streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 4


def test_campaigns_report(client, force):
    client.force_login(force.admin.user)
    body = client.get("/admin/reports/force/campaigns/").content.decode()
    assert "Moral Courage stage 1" in body


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/force/?by=shoe_size",
        "/admin/reports/force/?colour=red",
        "/admin/reports/force/?format=pdf",
        "/admin/reports/force/overdue/?unit=NOPE",
        "/admin/reports/force/overdue/?requirement=abc",
        "/admin/reports/force/overdue/?requirement=99999",
        "/admin/reports/force/overdue/?page=abc",
        "/admin/reports/force/campaigns/?x=1",
    ],
)
def test_bad_input_is_a_clear_400(client, force, url):
    client.force_login(force.admin.user)
    response = client.get(url)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_menu_item_only_for_ld_and_compliance(client, force):
    client.force_login(force.admin.user)
    assert "Force reports" in client.get("/admin/").content.decode()
    client.force_login(force.analyst.user)  # may use the admin, but not these reports
    assert "Force reports" not in client.get("/admin/").content.decode()
    for url in REPORTS:
        # Wagtail answers a refusal inside its admin by sending the user back to the dashboard.
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.parametrize("url", REPORTS)
def test_force_report_query_counts_are_flat(client, force, django_assert_max_num_queries, url):
    client.force_login(force.admin.user)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
