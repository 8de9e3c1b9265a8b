"""The home page of anyone who leads people starts with their team's headline and the requests
waiting for them; a senior leader's, and an administrator's, with their command's; everyone's
with their unread notifications. Each figure links to the list behind it."""

import re

import pytest
from django.contrib.auth import get_user_model

from compliance.services.assignments import extension_request_create
from compliance.services.sync import sync_all
from tests.factories import make_person, make_unit

pytestmark = pytest.mark.django_db


def headline(client, user) -> str:
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 200
    return re.sub(r"\s+", " ", page.content.decode())


@pytest.fixture
def team(db):
    import datetime

    from compliance.models import Requirement

    force = make_unit(code="FORCE", kind="force")
    supt = make_person(username="supt", unit=force, rank_or_grade="Superintendent", leadership_level="senior")
    sergeant = make_person(username="sgt", manager=supt, unit=force, rank_or_grade="Sergeant")
    today = datetime.date(2026, 6, 17)
    late = make_person(username="late", manager=sergeant, unit=force, start_date=today - datetime.timedelta(days=200))
    soon = make_person(username="soon", manager=sergeant, unit=force, start_date=today - datetime.timedelta(days=80))
    Requirement.objects.create(name="Inclusion essentials", trigger="joining", trigger_days=90, active_from=today)
    sync_all()
    extension_request_create(
        assignment=soon.assignments.get(),
        user=soon.user,
        requested_due_date=today + datetime.timedelta(days=40),
        reason="Two weeks' leave",
    )
    return {"supt": supt, "sergeant": sergeant, "late": late, "soon": soon}


def test_a_sergeant_sees_their_team_first(client, team):
    body = headline(client, team["sergeant"].user)
    assert body.index('id="team-heading"') < body.index('id="my-training-heading"')
    assert '<a href="/team/?status=overdue"><strong>1</strong> overdue</a>' in body
    assert '<a href="/team/?status=due_soon"><strong>1</strong> due soon</a>' in body
    assert '<a href="/compliance/extension-requests/"><strong>1</strong> request waiting for your decision</a>' in body
    assert "0.0% of your team's training is complete (0 of 2, exemptions aside)" in body
    assert "Your command" not in body


def test_a_superintendent_sees_their_command(client, team):
    body = headline(client, team["supt"].user)
    assert "Your command" in body
    # The command is the superintendent's unit: the sergeant and the superintendent are in it too.
    assert "<strong>0.0%</strong> complete (0 of 4, exemptions aside); <strong>3</strong> overdue, 1 due soon." in body
    assert '<a href="/command/">Open the command view</a>' in body


def test_a_learner_sees_no_team_and_their_unread_notifications(client, team):
    from compliance.reminders.models import Reminder
    from compliance.reminders.planning import reminders_plan
    from compliance.reminders.sending import reminders_send

    reminders_plan(enqueue=False)
    reminders_send(reminder_ids=Reminder.objects.values_list("pk", flat=True))
    body = headline(client, team["late"].user)
    assert "Your team" not in body and "Your command" not in body
    unread = re.search(r'<a href="/notifications/">(\d+) unread notifications?</a>', body)
    assert unread is not None and int(unread.group(1)) >= 1


def test_an_account_without_a_team_or_requests_has_no_team_panel(client, db):
    user = get_user_model().objects.create_user(username="visitor", password="password-for-tests")
    body = headline(client, user)
    assert "Your team" not in body and "Your command" not in body and "unread" not in body


def test_the_requests_page_is_in_the_navigation_of_those_who_decide_requests(client, team):
    link = '<a href="/compliance/extension-requests/" >Requests</a>'
    assert link in headline(client, team["sergeant"].user)
    assert link not in headline(client, team["late"].user)
    client.force_login(team["sergeant"].user)
    page = client.get("/compliance/extension-requests/").content.decode()
    assert 'aria-current="page">Requests</a>' in re.sub(r"\s+", " ", page)
