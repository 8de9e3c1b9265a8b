"""The password throttle (django-axes, configured in cms/auth.py) on the site's login page,
Wagtail's and the Django admin's: per username and address together, with a cool-off, so the
real person always gets in from their own machine."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from cms.auth import client_ip
from tests.factories import make_person

pytestmark = pytest.mark.django_db
PASSWORD = "password-for-tests"
LOCKED = "There have been too many attempts to sign in with this username from your network. Wait 15 minutes"


@pytest.fixture
def jones():
    return make_person(username="pc.jones", first_name="Aled")


def sign_in(client, username, password, *, url="/accounts/login/", ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_from_one_address_hold_that_username_back_there(client, jones):
    for attempt in range(4):
        response = sign_in(client, "pc.jones", f"wrong-{attempt}")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    assert sign_in(client, "pc.jones", "wrong-5").status_code == 429
    response = sign_in(client, "pc.jones", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    assert LOCKED in response.content.decode()


def test_the_real_person_still_signs_in_from_their_own_machine(client, jones):
    """Someone guessing Jones's password from another address never keeps Jones out."""
    for attempt in range(50):
        sign_in(client, "pc.jones", f"guess-{attempt}", ip="198.51.100.66")
    assert sign_in(client, "pc.jones", PASSWORD, ip="198.51.100.66").status_code == 429
    assert sign_in(client, "pc.jones", PASSWORD, ip="10.0.0.1").status_code == 302
    assert signed_in(client)


def test_a_busy_shared_address_does_not_lock_out_everyone_behind_it(client, jones):
    """A station behind one proxy: many people mistype, nobody else is held back."""
    for n in range(40):
        sign_in(client, f"colleague.{n}", "typo", ip="203.0.113.9")
    assert sign_in(client, "pc.jones", PASSWORD, ip="203.0.113.9").status_code == 302


def test_the_username_is_compared_without_regard_to_case(client, jones):
    for username in ["PC.Jones", "pc.JONES", " Pc.Jones", "pc.jones", "PC.JONES "]:
        sign_in(client, username, "wrong")
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 429


def test_the_message_is_the_same_whether_or_not_the_username_exists(client, jones):
    for _ in range(5):
        sign_in(client, "pc.jones", "wrong")
        sign_in(client, "no.such.person", "wrong")
    real = sign_in(client, "pc.jones", "wrong")
    made_up = sign_in(client, "no.such.person", "wrong")
    assert real.status_code == made_up.status_code == 429
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub("", real.content.decode()) == csrf.sub("", made_up.content.decode())


def test_success_clears_the_count(client, jones):
    for _ in range(4):
        sign_in(client, "pc.jones", "wrong")
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "pc.jones", "wrong")
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302


def test_empty_submissions_are_not_counted(client, jones):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "pc.jones", "password": ""}, REMOTE_ADDR="10.0.0.1")
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302


def test_the_cool_off_ends(client, jones, pinned_clock):
    for _ in range(5):
        sign_in(client, "pc.jones", "wrong")
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 429
    pinned_clock.shift(14 * 60)
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 429
    pinned_clock.shift(2 * 60)
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302


def test_wagtail_admin_login_is_throttled_too_and_shares_the_count(client):
    from compliance.access import Role

    make_person(username="ld.lead", roles=[Role.LD_LEAD])
    for _ in range(4):
        assert sign_in(client, "ld.lead", "wrong", url="/admin/login/").status_code == 200
    assert sign_in(client, "ld.lead", "wrong", url="/admin/login/").status_code == 429
    response = sign_in(client, "ld.lead", PASSWORD, url="/admin/login/")
    assert response.status_code == 429 and not signed_in(client)
    assert sign_in(client, "LD.Lead", PASSWORD).status_code == 429


def test_wagtail_admin_login_still_signs_in(client):
    from compliance.access import Role

    make_person(username="ld.lead", roles=[Role.LD_LEAD])
    response = sign_in(client, "ld.lead", PASSWORD, url="/admin/login/")
    assert response.status_code == 302 and signed_in(client)


def test_django_admin_login_is_throttled_too(client):
    admin = make_person(username="sys.admin")
    admin.user.is_staff = True
    admin.user.is_superuser = True
    admin.user.save(update_fields=["is_staff", "is_superuser"])
    for _ in range(4):
        assert sign_in(client, "sys.admin", "wrong", url="/django-admin/login/").status_code == 200
    assert sign_in(client, "sys.admin", "wrong", url="/django-admin/login/").status_code == 429
    response = sign_in(client, "sys.admin", PASSWORD, url="/django-admin/login/")
    assert response.status_code == 429 and not signed_in(client)
    assert LOCKED in response.content.decode()


def test_superusers_see_current_lockouts_and_let_a_person_back_in(client, jones):
    from django.contrib.auth import get_user_model

    for _ in range(5):
        sign_in(client, "pc.jones", "wrong", ip="10.9.9.9")
    root = get_user_model().objects.create_superuser(username="root", email="root@force.example", password=None)
    client.force_login(jones.user)
    assert client.get("/admin/sign-in-lockouts/").status_code == 302  # not an admin at all
    client.force_login(root)
    page = client.get("/admin/sign-in-lockouts/").content.decode()
    assert "<td>pc.jones</td>" in page and "<td>10.9.9.9</td>" in page
    response = client.post("/admin/sign-in-lockouts/", {"username": "pc.jones", "ip_address": "10.9.9.9"})
    assert (response.status_code, response["Location"]) == (302, "/admin/sign-in-lockouts/")
    assert not AccessAttempt.objects.exists()
    assert "Nobody is held back now." in client.get("/admin/sign-in-lockouts/").content.decode()
    client.logout()
    assert sign_in(client, "pc.jones", PASSWORD, ip="10.9.9.9").status_code == 302


def test_an_administrator_without_superuser_status_cannot_see_lockouts(client):
    from compliance.access import Role

    admin = make_person(username="compliance.admin", roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(admin.user)
    response = client.get("/admin/sign-in-lockouts/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail: "no permission"


def test_sign_ins_through_the_identity_provider_are_not_counted(client, jones):
    from django.contrib.auth import authenticate

    request = RequestFactory().get("/oidc/callback/", REMOTE_ADDR="10.0.0.1")
    for _ in range(10):
        assert authenticate(request, nonce="n", code_verifier="v") is None
    assert not AccessAttempt.objects.exists()


def test_client_address_behind_a_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "10.1.1.1"  # no proxy configured: the header is not trusted
    settings.LOGIN_THROTTLE_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"  # what our proxy saw, not what the client claims
    settings.LOGIN_THROTTLE_PROXY_COUNT = 3
    assert client_ip(request) == "10.1.1.1"  # fewer entries than proxies: not trusted
    settings.LOGIN_THROTTLE_PROXY_COUNT = 1
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="'; DROP TABLE x; --")
    assert client_ip(garbage) == "10.1.1.1"  # not an address: the proxy's own is used
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None


def test_a_forged_forwarded_address_is_never_a_500(client, jones, settings):
    settings.LOGIN_THROTTLE_PROXY_COUNT = 1
    for _ in range(6):
        response = client.post(
            "/accounts/login/", {"username": "pc.jones", "password": "wrong"}, HTTP_X_FORWARDED_FOR="not-an-ip"
        )
    assert response.status_code == 429
