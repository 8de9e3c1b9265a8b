"""The demo's personas on the team and command pages: what a reviewer will click first."""

import io

import pytest

from tests.compliance.factories import make_demo_force

pytestmark = pytest.mark.django_db


def test_demo_personas_see_their_pages(client):
    from cms.demo.compliance import load_compliance_demo

    make_demo_force(300)
    load_compliance_demo(seed=1, stdout=io.StringIO())
    expected = {
        ("sergeant", "/team/"): 200,
        ("sergeant", "/command/"): 403,
        ("inspector", "/team/"): 200,
        ("inspector", "/team/charts/"): 200,
        ("superintendent", "/team/"): 200,
        ("superintendent", "/command/"): 200,
        ("constable", "/team/"): 403,
        ("compliance.admin", "/command/"): 200,
        ("compliance.admin", "/admin/reports/force/?by=rank"): 200,
        ("ld.editor", "/admin/reports/force/overdue/"): 200,
        ("di.analyst", "/command/"): 403,
    }
    from django.contrib.auth import get_user_model

    actual = {}
    for (username, url), _ in expected.items():
        client.force_login(get_user_model().objects.get(username=username))
        actual[(username, url)] = client.get(url).status_code
    assert actual == expected
    client.force_login(get_user_model().objects.get(username="superintendent"))
    matrix = client.get("/command/").context["matrix"]
    assert matrix.units and matrix.totals.total > 0
    # The constable's request for more time waits for the sergeant persona, their line manager.
    client.force_login(get_user_model().objects.get(username="sergeant"))
    constable = get_user_model().objects.get(username="constable")
    requests = client.get("/compliance/extension-requests/")
    assert constable.get_full_name().strip()
    assert requests.status_code == 200 and constable.get_full_name() in requests.content.decode()
