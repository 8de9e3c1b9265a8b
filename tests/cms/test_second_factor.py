"""A second factor for accounts with rights (cms/mfa.py): set up on first password sign-in,
asked for on each, with single-use recovery codes; not asked of learners, nor of sessions that
began at the identity provider."""

import re

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.access import Role
from tests.factories import make_person

pytestmark = pytest.mark.django_db
PASSWORD = "password-for-tests"


@pytest.fixture(autouse=True)
def required(settings):
    settings.SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def lead():
    return make_person(username="ld.lead", roles=[Role.LD_LEAD])


def sign_in(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def code_for(device: TOTPDevice, *, step_offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def set_up(client) -> list[str]:
    page = client.get("/accounts/two-factor/set-up/?next=/my-training/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__username="ld.lead", confirmed=False)
    shown_key = re.search(r'<code id="key">([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    import base64

    assert base64.b32decode(shown_key.replace(" ", "") + "=" * (-len(shown_key.replace(" ", "")) % 8)) == device.bin_key
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    done = client.post("/accounts/two-factor/set-up/", {"code": code_for(device), "next": "/my-training/"})
    assert done.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())


def test_a_role_holder_sets_up_an_app_at_the_first_password_sign_in(client, lead):
    assert sign_in(client, "ld.lead").status_code == 302
    response = client.get("/my-training/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/two-factor/set-up/?next=%2Fmy-training%2F")
    assert client.get("/admin/").status_code == 302
    codes = set_up(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/my-training/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_turn_it_on(client, lead):
    sign_in(client, "ld.lead")
    client.get("/accounts/two-factor/set-up/")
    response = client.post("/accounts/two-factor/set-up/", {"code": "000000"})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/my-training/").status_code == 302


def test_each_later_sign_in_asks_for_a_code(client, lead, pinned_clock):
    sign_in(client, "ld.lead")
    codes = set_up(client)
    client.post("/accounts/logout/")
    sign_in(client, "ld.lead")
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/two-factor/?next=%2Fadmin%2F")
    wrong = client.post("/accounts/two-factor/", {"code": "123456", "next": "/admin/"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=lead.user, confirmed=True)
    too_soon = client.post("/accounts/two-factor/", {"code": code_for(device, step_offset=1), "next": "/admin/"})
    assert "Too many wrong codes" in too_soon.content.decode()  # each wrong code doubles the wait
    pinned_clock.shift(3)
    right = client.post("/accounts/two-factor/", {"code": code_for(device, step_offset=1), "next": "/admin/"})
    assert (right.status_code, right["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    # A recovery code works once.
    client.post("/accounts/logout/")
    sign_in(client, "ld.lead")
    assert client.post("/accounts/two-factor/", {"code": codes[0], "next": "/"}).status_code == 302
    client.post("/accounts/logout/")
    sign_in(client, "ld.lead")
    reused = client.post("/accounts/two-factor/", {"code": codes[0]}).content.decode()
    assert "That code is not right" in reused


def test_the_api_refuses_an_unverified_session(client, lead):
    sign_in(client, "ld.lead")
    response = client.get("/api/v1/reminders/policy/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"


def test_learners_and_managers_are_not_asked(client):
    make_person(username="pc.plain")
    sign_in(client, "pc.plain")
    assert client.get("/my-training/").status_code == 200


def test_a_session_from_the_identity_provider_is_not_asked_again(client, lead):
    client.force_login(lead.user, backend="compliance.oidc.backend.PersonOIDCBackend")
    assert client.session[BACKEND_SESSION_KEY] == "compliance.oidc.backend.PersonOIDCBackend"
    assert client.get("/my-training/").status_code == 200


def test_the_next_address_stays_on_this_site(client, lead):
    sign_in(client, "ld.lead")
    set_up(client)
    client.post("/accounts/logout/")
    sign_in(client, "ld.lead")
    device = TOTPDevice.objects.get(user=lead.user, confirmed=True)
    response = client.post(
        "/accounts/two-factor/", {"code": code_for(device, step_offset=1), "next": "https://evil.example/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/start/")


def test_a_password_alone_cannot_replace_the_app(client, lead):
    sign_in(client, "ld.lead")
    set_up(client)
    client.post("/accounts/logout/")
    sign_in(client, "ld.lead")  # someone who has only the password
    response = client.get("/accounts/two-factor/set-up/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/two-factor/?next=%2Faccounts%2Ftwo-factor%2Fset-up%2F",
    )
    assert client.post("/accounts/two-factor/set-up/", {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=lead.user).count() == 1


def test_the_rule_costs_a_page_no_query(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_person(username="pc.plain")
    sign_in(client, "pc.plain")
    client.get("/my-training/")
    with CaptureQueriesContext(connection) as required:
        client.get("/my-training/")
    settings.SECOND_FACTOR_REQUIRED = False
    with CaptureQueriesContext(connection) as off:
        client.get("/my-training/")
    assert len(required) == len(off)
