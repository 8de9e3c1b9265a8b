"""Signing in lands where the person works: administrators and L&D on their dashboard, senior
leaders on their command, managers on their team, learners on their training; the order is a
setting."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def lands(client, user) -> str:
    client.force_login(user)
    response = client.get("/start/")
    assert response.status_code == 302
    return response["Location"]


def test_each_person_lands_where_they_work(client, force):
    root = get_user_model().objects.create_superuser("root", "root@force.example", "a-long-password-for-root")
    expected = {
        force.admin.user: "/admin/",
        force.ld.user: "/admin/",
        force.analyst.user: "/admin/",
        root: "/admin/",
        force.sgt_a.user: "/team/",
        force.supt_north.user: "/command/",
        force.team_a[0].user: "/my-training/",
    }
    assert {user: lands(client, user) for user in expected} == expected


def test_the_order_and_the_places_are_a_setting(client, force, settings):
    settings.INCLUSION_LMS = {
        **settings.INCLUSION_LMS,
        "LANDING_PAGES": [("line_manager", "/my-learning/"), ("everyone", "/")],
    }
    assert lands(client, force.sgt_a.user) == "/my-learning/"
    assert lands(client, force.admin.user) == "/"


def test_signing_in_with_a_password_and_no_page_asked_for_goes_there(client, force):
    user = force.sgt_a.user
    user.set_password("a-long-password-for-tests")
    user.save()
    response = client.post("/accounts/login/", {"username": user.username, "password": "a-long-password-for-tests"})
    assert (response.status_code, response["Location"]) == (302, "/start/")
    assert client.get("/start/")["Location"] == "/team/"


def test_nobody_signed_in_is_asked_to_sign_in(client):
    response = client.get("/start/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/start/")
