"""The demo's personas on the team and command pages: what a reviewer will click first."""

import io

import pytest

from tests.compliance.factories import make_course

pytestmark = pytest.mark.django_db

CODES = [
    "MC-STAGE-1",
    "MC-STAGE-2-XXL",
    "MC-STAGE-3",
    "CHAMPIONING-FAIRNESS",
    "LFOH-STUDENT",
    "LFOH-STAFF",
    "LFOH-OFFICER",
    "INTEGRITY-HEALTH-CHECK",
    "ASSESSOR-INCLUSION",
    "EQUALITY-ASSESSMENT",
    "DILEMMA-OF-THE-MONTH",
]


def _force(people: int):
    from cms.demo.force import build_force
    from cms.management.commands.load_demo import Command
    from compliance.importing.people import import_people
    from compliance.importing.units import import_units

    force = build_force(people=people, seed=1)
    import_units(force.units_csv(), source="test")
    import_people(force.people_csv(), source="test")
    Command()._make_personas(force.personas)


def test_demo_personas_see_their_pages(client):
    from compliance.demo import load_compliance_demo

    _force(300)
    for code in CODES:
        make_course(code)
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
