"""The account lifecycle against the HR import: an account that holds rights keeps its email
and access whatever an HR file says (so no file can hand the D&I analyst's account to someone
else), and a leaver's account keeps no API token or session that could revive with it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from compliance.access import Role
from compliance.importing.people import import_people
from compliance.people.models import Person
from compliance.people.services import people_deactivate_leavers

from .test_import_people import row, to_csv, units  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(units):  # noqa: F811
    assert not import_people(to_csv([row("A1"), row("A2"), row("A3")])).errors
    return {p.staff_number: p for p in Person.objects.select_related("user")}


def test_a_role_holders_email_and_access_never_change_by_file(loaded):
    analyst = loaded["A1"].user
    analyst.groups.add(Group.objects.get(name=Role.DI_ANALYST))
    report = import_people(to_csv([row("A1", email="evil@attacker.example"), row("A2")]))
    assert not report.applied
    (error,) = report.errors
    assert (error.row, error.column) == (2, "email")
    assert "holds rights" in error.message and "never changes its email" in error.message
    analyst.refresh_from_db()
    assert analyst.email == "pa1@force.example" and analyst.is_active
    # Nor its leaving date: an administrator closes such an account, in the admin.
    report = import_people(to_csv([row("A1", end_date="2020-01-01")]))
    assert [(e.column, e.row) for e in report.errors] == [("end_date", 2)]
    assert get_user_model().objects.get(pk=analyst.pk).is_active


@pytest.mark.parametrize("rights", ["password", "staff"])
def test_so_does_an_account_with_a_password_or_staff_status(loaded, rights):
    user = loaded["A2"].user
    if rights == "password":
        user.set_password("a long break-glass password")
    else:
        user.is_staff = True
    user.save()
    report = import_people(to_csv([row("A2", email="someone.else@force.example")]))
    assert [e.column for e in report.errors] == ["email"]
    # What does not touch identity still goes through.
    assert not import_people(to_csv([row("A2", first_name="Alexandra")])).errors
    assert Person.objects.get(staff_number="A2").first_name == "Alexandra"


def test_a_leaver_keeps_no_token_or_session_and_a_rejoiner_starts_afresh(client, loaded):
    user = loaded["A3"].user
    token = Token.objects.create(user=user)
    client.force_login(user)
    assert client.get("/my-training/").status_code == 200
    assert not import_people(to_csv([row("A3", end_date="2020-01-01")])).errors
    assert not Token.objects.filter(key=token.key).exists()
    # HR clears the leaving date: the account is active again, but the old session is over.
    assert not import_people(to_csv([row("A3")])).errors
    assert get_user_model().objects.get(pk=user.pk).is_active
    response = client.get("/my-training/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_the_nightly_leavers_run_closes_accounts_the_same_way(client, loaded, pinned_clock):
    import datetime

    user = loaded["A2"].user
    Token.objects.create(user=user)
    client.force_login(user)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert not import_people(to_csv([row("A2", end_date=tomorrow)])).errors
    assert client.get("/my-training/").status_code == 200  # still here today
    pinned_clock.shift(datetime.timedelta(days=2))
    assert people_deactivate_leavers() == [loaded["A2"].pk]
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/my-training/").status_code == 302
