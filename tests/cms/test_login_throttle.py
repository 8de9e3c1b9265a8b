"""The sign-in throttle (cms/auth.py) on the site's login page, Wagtail's and the Django admin's."""

import re
import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from cms.auth import LoginThrottle, client_ip
from tests.factories import make_person

pytestmark = pytest.mark.django_db
PASSWORD = "password-for-tests"
LOCKED = "too many attempts to sign in"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def jones():
    return make_person(username="pc.jones", first_name="Aled")


def sign_in(client, username, password, *, url="/accounts/login/", ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_username_even_against_the_right_password(client, jones):
    for attempt in range(5):
        response = sign_in(client, "pc.jones", f"wrong-{attempt}")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = sign_in(client, "pc.jones", PASSWORD)
    assert response.status_code == 200 and not signed_in(client)
    html = response.content.decode()
    assert "There have been too many attempts to sign in. Wait 15 minutes, then try again." in html
    assert 'role="alert"' in html  # the page's error summary


def test_the_username_is_compared_without_regard_to_case(client, jones):
    for username in ["PC.Jones", "pc.JONES", "Pc.Jones", "pc.jones", "PC.JONES"]:
        sign_in(client, username, "wrong")
    assert LOCKED in sign_in(client, "pc.jones", PASSWORD).content.decode()


def test_the_message_is_the_same_whether_or_not_the_username_exists(client, jones):
    for _ in range(5):
        sign_in(client, "pc.jones", "wrong")
        sign_in(client, "no.such.person", "wrong")
    real = sign_in(client, "pc.jones", "wrong").content.decode()
    made_up = sign_in(client, "no.such.person", "wrong").content.decode()
    assert LOCKED in real and LOCKED in made_up
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub("", real).replace("pc.jones", "X") == csrf.sub("", made_up).replace("no.such.person", "X")


def test_a_locked_username_does_not_lock_anyone_else(client, jones):
    other = make_person(username="pc.other")
    for _ in range(5):
        sign_in(client, "pc.jones", "wrong")
    sign_in(client, other.user.username, PASSWORD)
    assert signed_in(client)


def test_success_clears_the_username_count(client, jones):
    for _ in range(4):
        sign_in(client, "pc.jones", "wrong")
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "pc.jones", "wrong")
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_that_address(client, jones):
    for n in range(20):
        sign_in(client, f"guess.{n}", "wrong", ip="203.0.113.9")
    response = sign_in(client, "pc.jones", PASSWORD, ip="203.0.113.9")
    assert LOCKED in response.content.decode() and not signed_in(client)
    assert sign_in(client, "pc.jones", PASSWORD, ip="203.0.113.10").status_code == 302


def test_empty_submissions_are_not_counted(client, jones):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "pc.jones", "password": ""}, REMOTE_ADDR="10.0.0.1")
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302


def test_the_lockout_ends(client, jones, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "LOCKOUT": 1}
    for _ in range(5):
        sign_in(client, "pc.jones", "wrong")
    assert LOCKED in sign_in(client, "pc.jones", PASSWORD).content.decode()
    time.sleep(1.2)
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302


def test_wagtail_admin_login_is_throttled_too(client):
    from compliance.access import Role

    admin = make_person(username="ld.lead", roles=[Role.LD_LEAD])
    for _ in range(5):
        response = sign_in(client, "ld.lead", "wrong", url="/admin/login/")
        assert response.status_code == 200
    response = sign_in(client, admin.user.username, PASSWORD, url="/admin/login/")
    assert response.status_code == 200 and not signed_in(client)
    assert LOCKED in response.content.decode()
    # The count is shared: the site's login page refuses the same username.
    assert LOCKED in sign_in(client, "LD.Lead", PASSWORD).content.decode()


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
    for _ in range(5):
        response = sign_in(client, "sys.admin", "wrong", url="/django-admin/login/")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    # The sixth attempt is refused even with the right password, with the site's message.
    response = sign_in(client, "sys.admin", PASSWORD, url="/django-admin/login/")
    assert response.status_code == 200 and not signed_in(client)
    assert "There have been too many attempts to sign in. Wait 15 minutes, then try again." in response.content.decode()
    # The count is shared: the site's login page refuses the same username.
    assert LOCKED in sign_in(client, "SYS.Admin", PASSWORD).content.decode()


def test_client_address_behind_a_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "10.1.1.1"  # no proxy configured: the header is not trusted
    assert client_ip(request, proxy_count=1) == "198.51.100.7"  # what our proxy saw, not what the client claims
    assert client_ip(request, proxy_count=3) == "10.1.1.1"  # fewer entries than proxies: not trusted


def test_counts_are_kept_without_usernames_in_the_cache():
    throttle = LoginThrottle(username="pc.jones", ip="10.0.0.1")
    throttle.record_failure()
    keys = list(cache._cache.keys())  # locmem
    assert keys and not any("pc.jones" in key or "10.0.0.1" in key for key in keys)


def test_sign_in_still_works_when_the_cache_fails(client, jones, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "delete", broken)
    assert sign_in(client, "pc.jones", PASSWORD).status_code == 302
    assert "Sign-in throttle: the cache failed" in caplog.text
