"""The pages: applying with a self-declaration that never reaches the line manager, the panel
or an export; clear errors (never a 500) for bad input; the panel's query counts flat as a
cohort grows."""

import pytest
from django.utils import timezone

from compliance.equality.models import EqualityRecord
from compliance.talent.models import Application, ApplicationStatus, SelfDeclaration
from compliance.talent.services import application_submit
from tests.factories import make_person
from tests.talent.builders import CRITERIA, make_cohort, make_programme

pytestmark = pytest.mark.django_db

DECLARED = "Yes, I am in a group this programme is for"


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_apply_with_a_declaration_kept_from_manager_panel_and_export(client, team, django_capture_on_commit_callbacks):
    from django.core import mail

    programme = make_programme(title="Future Supers", owners=[team.owner], support=True)
    cohort = make_cohort(programme=programme, today=team.today, ranks=["Constable"], panel=[team.panellist])
    applicant = team.pcs[0]
    # Whatever HR's equality monitoring holds is never read: the form asks afresh.
    client.force_login(applicant.user)
    page = client.get(f"/programmes/cohorts/{cohort.pk}/apply/")
    assert page.status_code == 200
    text = _body(page)
    assert CRITERIA in text and "How we use your answer" in text and "never see it" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/programmes/cohorts/{cohort.pk}/apply/", {"statement": "I lead the response shift", "declaration": "yes"}
        )
    assert response.status_code == 302 and response["Location"] == "/programmes/applications/"
    application = Application.objects.get()
    assert application.status == ApplicationStatus.AWAITING_SUPPORT
    assert SelfDeclaration.objects.get().answer == "yes"
    assert EqualityRecord.objects.count() == 0
    # The applicant sees their own answer and status.
    own = _body(client.get("/programmes/applications/"))
    assert DECLARED in own and "Waiting for line manager support" in own
    # The line manager: the email and the support page carry no declaration.
    assert all(DECLARED not in m.body and "declar" not in m.body.lower() for m in mail.outbox)
    client.force_login(team.sgt.user)
    support = _body(client.get("/programmes/support/"))
    assert "I lead the response shift" in support
    assert DECLARED not in support and "declar" not in support.lower()
    client.post(f"/programmes/applications/{application.pk}/support/", {"decision": "support", "note": ""})
    # The panel: page and CSV carry no declaration.
    client.force_login(team.panellist)
    panel = _body(client.get(f"/programmes/cohorts/{cohort.pk}/panel/"))
    assert "I lead the response shift" in panel and applicant.last_name in panel
    assert DECLARED not in panel and "Self-declaration (" not in panel
    csv = client.get(f"/programmes/cohorts/{cohort.pk}/panel/csv/")
    assert csv.status_code == 200
    exported = _body(csv)
    assert applicant.staff_number in exported
    assert "yes" not in exported.lower().replace("shortlisted", "") and "declar" not in exported.lower()


def test_the_declaration_has_no_way_back_from_an_application(team, cohort):
    application = application_submit(
        person=team.pcs[0], cohort=cohort, statement="Hello", declaration="prefer_not", now=timezone.now()
    )
    assert not [f for f in Application._meta.get_fields() if f.related_model is SelfDeclaration]
    assert SelfDeclaration.objects.get(application=application).answer == "prefer_not"


def test_no_declaration_is_asked_or_kept_without_positive_action(client, team):
    programme = make_programme(title="Exam mentoring", owners=[team.owner], positive_action=False)
    cohort = make_cohort(programme=programme, today=team.today)
    client.force_login(team.pcs[0].user)
    assert "How we use your answer" not in _body(client.get(f"/programmes/cohorts/{cohort.pk}/apply/"))
    client.post(f"/programmes/cohorts/{cohort.pk}/apply/", {"statement": "Sergeants' exam", "declaration": "yes"})
    assert Application.objects.count() == 1 and SelfDeclaration.objects.count() == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"statement": ""}, "Enter your answer"),
        ({"statement": "x" * 4001}, "Keep your answer to 4000 characters or fewer"),
        ({"statement": "Fine", "declaration": "maybe"}, "Choose one of the answers"),
    ],
)
def test_apply_errors_are_shown_on_the_form(client, team, cohort, data, message):
    client.force_login(team.pcs[0].user)
    response = client.post(f"/programmes/cohorts/{cohort.pk}/apply/", data)
    assert response.status_code == 400
    assert message in _body(response) and "There is a problem" in _body(response)
    assert Application.objects.count() == 0


def test_refused_applications_get_a_reason_not_a_500(client, team, cohort, programme):
    client.force_login(team.sgt.user)  # a sergeant, for a constables' cohort
    response = client.post(f"/programmes/cohorts/{cohort.pk}/apply/", {"statement": "Me"})
    assert response.status_code == 400 and "You cannot apply for this cohort" in _body(response)
    assert "It is for Constable; your rank or grade is Sergeant." in _body(client.get("/programmes/"))
    closed = make_cohort(programme=programme, today=team.today, open_days=(-30, -1), name="Last year")
    client.force_login(team.pcs[0].user)
    response = client.post(f"/programmes/cohorts/{closed.pk}/apply/", {"statement": "Me"})
    assert response.status_code == 400 and "You cannot apply" in _body(response)
    assert client.get("/programmes/cohorts/999999/apply/").status_code == 404
    application_submit(person=team.pcs[0], cohort=cohort, statement="First", now=timezone.now())
    response = client.post(f"/programmes/cohorts/{cohort.pk}/apply/", {"statement": "Second"})
    assert response.status_code == 400 and "already applied" in _body(response)


def test_panel_bad_input_gives_messages(client, team, cohort):
    application = application_submit(person=team.pcs[0], cohort=cohort, statement="Hi", now=timezone.now())
    client.force_login(team.owner)
    for data, message in [
        ({"score": "abc"}, "Enter the score as a whole number from 0 to 10"),
        ({"score": "11"}, "Give a score from 0 to 10"),
        ({"shortlisted": "on"}, "Give a score to shortlist an application."),
    ]:
        response = client.post(f"/programmes/applications/{application.pk}/score/", data, follow=True)
        assert response.status_code == 200 and message in _body(response), data
    response = client.post(f"/programmes/cohorts/{cohort.pk}/fill/", {"reason": ""}, follow=True)
    assert "Give the reason for the panel" in _body(response)
    response = client.post(f"/programmes/cohorts/{cohort.pk}/fill/", {"reason": "Go"}, follow=True)
    assert "Shortlist at least one application before filling places." in _body(response)
    response = client.post(f"/programmes/applications/{application.pk}/score/", {"score": "7", "shortlisted": "on"})
    assert response.status_code == 302
    response = client.post(f"/programmes/cohorts/{cohort.pk}/fill/", {"reason": "Clear evidence"}, follow=True)
    assert "Places filled: 1 offered a place, 0 on the waiting list, 0 not selected." in _body(response)
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (ApplicationStatus.SELECTED, team.owner)


def test_withdraw_from_the_status_page(client, team, cohort):
    application = application_submit(person=team.pcs[0], cohort=cohort, statement="Hi", now=timezone.now())
    client.force_login(team.pcs[1].user)
    assert client.post(f"/programmes/applications/{application.pk}/withdraw/", {"reason": "x"}).status_code == 404
    client.force_login(team.pcs[0].user)
    response = client.post(f"/programmes/applications/{application.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "Give a reason to withdraw." in _body(response)
    response = client.post(f"/programmes/applications/{application.pk}/withdraw/", {"reason": "Moving"}, follow=True)
    assert "You have withdrawn" in _body(response)
    application.refresh_from_db()
    assert (application.status, application.withdrawn_reason) == (ApplicationStatus.WITHDRAWN, "Moving")


def test_nominate_someone_in_the_team(client, team, cohort):
    client.force_login(team.pcs[0].user)
    assert client.get(f"/programmes/cohorts/{cohort.pk}/nominate/").status_code == 403
    client.force_login(team.sgt.user)
    response = client.post(f"/programmes/cohorts/{cohort.pk}/nominate/", {"staff_number": team.south_pc.staff_number,
                                                                           "note": "Good"})  # fmt: skip
    assert response.status_code == 400 and "Nobody below you in line management" in _body(response)
    response = client.post(f"/programmes/cohorts/{cohort.pk}/nominate/", {"staff_number": team.pcs[1].staff_number,
                                                                           "note": "Ready"})  # fmt: skip
    assert response.status_code == 302
    assert Application.objects.get().status == ApplicationStatus.NOMINATED


# Session and user (2), the viewer's person, then the page's own reads: pinned, and the same
# with 3 applications and one open cohort as with 30 applications and two.
PINNED = {"panel": 9, "panel csv": 6, "programmes": 9}


def test_query_counts_are_flat_as_cohorts_grow(client, team, programme, django_assert_num_queries):
    cohort = make_cohort(programme=programme, today=team.today, panel=[team.panellist])
    people = [make_person(username=f"grow{i}", unit=team.team_a) for i in range(30)]
    client.force_login(team.panellist)
    client.get("/programmes/")  # the first request of a session saves it
    pages = {
        "panel": f"/programmes/cohorts/{cohort.pk}/panel/",
        "panel csv": f"/programmes/cohorts/{cohort.pk}/panel/csv/",
        "programmes": "/programmes/",
    }
    for batch in (people[:3], people[3:]):
        for person in batch:
            application_submit(person=person, cohort=cohort, statement="Hi", now=timezone.now())
        for name, path in pages.items():
            with django_assert_num_queries(PINNED[name]):
                response = client.get(path)
                assert person.last_name in _body(response) or name == "programmes"
        make_cohort(programme=programme, today=team.today, ranks=["Constable"], units=["TEAM-A"])
    assert Application.objects.count() == 30
