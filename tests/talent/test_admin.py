"""L&D edit programmes in the Wagtail admin under the approval workflow, and cohorts under
Talent programmes → Cohorts, with clear errors for bad dates."""

import datetime

import pytest
from wagtail.models import Page

from compliance.access import Role
from compliance.talent.editorial import talent_editorial_setup
from compliance.talent.models import Cohort, TalentProgrammePage
from courses.editorial import editorial_setup
from courses.models import CatalogueIndexPage
from tests.factories import UserFactory
from tests.talent.builders import talent_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(db):
    editorial_setup(catalogue=CatalogueIndexPage.objects.get())
    index = talent_index()
    talent_editorial_setup(index=index)
    return UserFactory(username="editor", roles=[Role.LD_EDITOR]), UserFactory(username="lead", roles=[Role.LD_LEAD])


def test_programme_pages_go_through_the_l_and_d_approval_workflow(editors):
    editor, lead = editors
    index = talent_index()
    assert index.get_workflow().name == "L&D approval"
    programme = index.add_child(instance=TalentProgrammePage(
        title="Step Up", slug="step-up", purpose="p", audience="a", involves="<p>i</p>", duration="6 months",
        selection_criteria="c", live=False,
    ))  # fmt: skip
    assert programme.get_workflow().name == "L&D approval"
    editor_perms = programme.permissions_for_user(editor)
    lead_perms = programme.permissions_for_user(lead)
    assert editor_perms.can_edit() and not editor_perms.can_publish()
    assert lead_perms.can_edit() and lead_perms.can_publish()
    assert not Page.objects.get(depth=2).permissions_for_user(editor).can_add_subpage()


def _cohort_post(programme, **overrides):
    data = {
        "programme": programme.pk, "name": "2027", "starts_on": "2027-01-04", "ends_on": "2027-12-20",
        "places": "22", "applications_open_on": "2026-06-01", "applications_close_on": "2026-07-01",
        "worker_types": ["police_officer", "police_staff"], "leadership_levels": [], "min_service_years": "2",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_l_and_d_add_cohorts_and_bad_dates_are_explained(client, editors):
    from tests.talent.builders import make_programme

    editor, _ = editors
    programme = make_programme(title="Front Line Leadership")
    client.force_login(editor)
    response = client.post("/admin/talent_cohorts/new/", _cohort_post(programme, ends_on="2026-12-01",
                                                                     applications_close_on="2026-05-01"))  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    assert "The cohort must end after it starts." in text
    assert "Applications must close on or after the day they open." in text
    response = client.post("/admin/talent_cohorts/new/", _cohort_post(programme, places="0"))
    assert response.status_code == 200 and "Give at least 1 place." in response.content.decode()
    response = client.post("/admin/talent_cohorts/new/", _cohort_post(programme, worker_types=["astronaut"]))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Cohort.objects.count() == 0
    response = client.post("/admin/talent_cohorts/new/", _cohort_post(programme))
    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert (cohort.worker_types, cohort.leadership_levels, cohort.min_service_years, cohort.places) == (
        ["police_officer", "police_staff"],
        [],
        2,
        22,
    )


def test_the_cohort_list_links_to_selection_and_the_board_report(client, editors):
    from tests.talent.builders import make_cohort, make_programme

    editor, _ = editors
    programme = make_programme(title="Front Line Leadership")
    cohort = make_cohort(programme=programme, today=datetime.date(2026, 6, 17), name="2027")
    client.force_login(editor)
    html = client.get("/admin/talent_cohorts/").content.decode()
    assert f'href="/programmes/cohorts/{cohort.pk}/panel/"' in html
    assert f'href="/programmes/{programme.pk}/report/">Board report' in html
    # An L&D editor sees the force's reports, so the board report opens for them.
    assert client.get(f"/programmes/{programme.pk}/report/").status_code == 200
