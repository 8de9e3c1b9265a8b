"""Single sign-on through a real OpenID provider (node-oidc-provider, started by the test): the
authorization code flow with PKCE, state and nonce, matched to the accounts HR created.

The site's side runs in Django's test client; the provider's side is the real provider over
HTTP, its own sign-in form included. Nothing of the protocol is mocked.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from compliance.audit.models import AuditEvent
from compliance.people.models import Person, SignInLink
from tests.factories.people import make_person
from tests.identity_provider import ACCOUNTS, CLIENT_ID, provider_sign_in, sign_in_through, start_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    amy = make_person(username="S1001", email=ACCOUNTS["amy"]["email"], staff_number="S1001")
    ben = make_person(username="S1002", email=ACCOUNTS["ben"]["email"], staff_number="S1002")
    return {"amy": amy, "ben": ben}


def signed_in_user(client):
    return client.get("/my-training/").wsgi_request.user


def test_the_authorization_request_carries_state_nonce_and_a_pkce_challenge(client, identity_provider):
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{identity_provider.issuer}/auth"
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) == 32 and len(query["nonce"]) == 32
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"


def test_a_person_hr_knows_signs_in_by_email_and_lands_where_they_were_going(client, identity_provider, people):
    response = sign_in_through(client, identity_provider, "amy", next_path="/my-training/")
    assert (response.status_code, response["Location"]) == (302, "/my-training/")
    user = signed_in_user(client)
    assert user.pk == people["amy"].user_id
    assert client.session["_auth_user_backend"] == "compliance.oidc.backend.PersonOIDCBackend"
    assert client.get("/my-training/").status_code == 200


def test_matching_by_staff_number_from_an_employee_id_claim(client, identity_provider, people, settings):
    settings.OIDC_IDENTITY_CLAIM = "employee_id"
    settings.OIDC_IDENTITY_FIELD = "staff_number"
    # The email in HR's record differs from the directory's: the staff number still matches.
    Person.objects.filter(pk=people["amy"].pk).update(email="a.learner@old-address.example")
    response = sign_in_through(client, identity_provider, "amy")
    assert (response.status_code, response["Location"]) == (302, "/start/")
    assert signed_in_user(client).pk == people["amy"].user_id


def test_someone_hr_does_not_know_is_refused_and_given_no_account(client, identity_provider, people):
    accounts_before = get_user_model().objects.count()
    response = sign_in_through(client, identity_provider, "stranger")
    assert response.status_code == 403
    assert "We could not find your training record" in response.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert get_user_model().objects.count() == accounts_before


def test_the_setting_that_allows_it_gives_an_unknown_person_an_account(client, identity_provider, settings):
    settings.OIDC_CREATE_USER = True
    response = sign_in_through(client, identity_provider, "stranger")
    assert response.status_code == 302
    user = signed_in_user(client)
    assert user.is_authenticated and user.email == "stranger@outside.example" and not user.has_usable_password()


def test_the_first_sign_in_links_the_identity_and_later_ones_follow_it_whatever_the_address(
    client, identity_provider, people
):
    assert sign_in_through(client, identity_provider, "amy").status_code == 302
    link = SignInLink.objects.get()
    assert (link.user_id, link.issuer, link.subject) == (people["amy"].user_id, identity_provider.issuer, "amy")
    client.post("/accounts/logout/")
    # HR changes the address; the directory still sends the old one: the link still finds her.
    Person.objects.filter(pk=people["amy"].pk).update(email="amy.new@force.example")
    get_user_model().objects.filter(pk=people["amy"].user_id).update(email="amy.new@force.example")
    assert sign_in_through(client, identity_provider, "amy").status_code == 302
    assert signed_in_user(client).pk == people["amy"].user_id
    assert SignInLink.objects.count() == 1


def test_another_identity_with_the_same_address_cannot_take_a_linked_account(client, identity_provider, people):
    assert sign_in_through(client, identity_provider, "amy").status_code == 302
    client.post("/accounts/logout/")
    # A second directory identity given Amy's address (a guest, a re-created account).
    response = sign_in_through(client, identity_provider, ACCOUNTS["amy"]["email"])
    assert response.status_code == 403
    assert "Your training record belongs to another force account" in response.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert list(SignInLink.objects.values_list("subject", flat=True)) == ["amy"]


def test_a_released_link_lets_the_new_identity_sign_in_and_is_audited(client, identity_provider, people):
    assert sign_in_through(client, identity_provider, "amy").status_code == 302
    client.post("/accounts/logout/")
    root = get_user_model().objects.create_superuser("root", "root@force.example", "a-long-password-for-root")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/admin/sign-in-links/?q=S1001")
    assert page.status_code == 200 and "S1001" in page.content.decode()
    link = SignInLink.objects.get()
    response = client.post("/admin/sign-in-links/", {"link": link.pk, "q": "S1001"})
    assert (response.status_code, response["Location"]) == (302, "/admin/sign-in-links/?q=S1001")
    assert not SignInLink.objects.exists()
    event = AuditEvent.objects.get(action="sign_in_link_released")
    assert (event.actor_id, event.object_id) == (root.pk, str(people["amy"].user_id))
    client.logout()
    assert sign_in_through(client, identity_provider, ACCOUNTS["amy"]["email"]).status_code == 302
    assert signed_in_user(client).pk == people["amy"].user_id


def test_only_superusers_see_and_release_sign_in_links(client, people):
    from compliance.access import Role
    from tests.factories import UserFactory

    admin = UserFactory(username="ca", roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(admin)
    assert client.get("/admin/sign-in-links/")["Location"] == "/admin/"
    assert client.post("/admin/sign-in-links/", {"link": 1})["Location"] == "/admin/"


def test_the_lasting_name_can_be_another_claim_and_must_be_sent(client, identity_provider, people, settings):
    settings.OIDC_SUBJECT_CLAIM = "employee_id"
    assert sign_in_through(client, identity_provider, "amy").status_code == 302
    assert SignInLink.objects.get().subject == "S1001"
    client.post("/accounts/logout/")
    settings.OIDC_SUBJECT_CLAIM = "oid"  # a claim this provider does not send
    response = sign_in_through(client, identity_provider, "amy")
    assert response.status_code == 403
    assert "Your force account did not say who you are" in response.content.decode()


@pytest.mark.parametrize("closed_by", ["administrator", "hr_leaver"])
def test_a_closed_account_is_refused_with_a_page_that_says_so(client, identity_provider, people, closed_by):
    ben = people["ben"]
    if closed_by == "administrator":
        get_user_model().objects.filter(pk=ben.user_id).update(is_active=False)
    else:
        Person.objects.filter(pk=ben.pk).update(is_active=False)
    response = sign_in_through(client, identity_provider, "ben")
    assert response.status_code == 403
    assert "Your account is not active" in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_an_account_closed_while_signed_in_loses_its_session(client, identity_provider, people):
    assert sign_in_through(client, identity_provider, "amy").status_code == 302
    assert client.get("/my-training/").status_code == 200
    get_user_model().objects.filter(pk=people["amy"].user_id).update(is_active=False)
    response = client.get("/my-training/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_a_tampered_state_is_refused(client, identity_provider, people):
    start = client.get("/oidc/authenticate/")
    callback = urlsplit(provider_sign_in(start["Location"], "amy"))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    query["state"] = query["state"][:-1] + ("A" if query["state"][-1] != "A" else "B")
    response = client.get(callback.path, query)
    assert response.status_code == 400
    assert "Sign-in could not be completed" in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_a_replayed_callback_signs_nobody_in(client, identity_provider, people):
    start = client.get("/oidc/authenticate/")
    callback = urlsplit(provider_sign_in(start["Location"], "amy"))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    assert client.get(callback.path, query).status_code == 302
    client.post("/accounts/logout/")
    replay = client.get(callback.path, query)
    assert replay.status_code == 400
    assert not signed_in_user(client).is_authenticated


def test_a_code_for_another_browser_session_is_refused(client, identity_provider, people, django_user_model):
    from django.test import Client

    start = client.get("/oidc/authenticate/")
    callback = urlsplit(provider_sign_in(start["Location"], "amy"))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    other = Client()
    response = other.get(callback.path, query)
    assert response.status_code == 400
    assert not other.get("/my-training/").wsgi_request.user.is_authenticated


def test_an_expired_id_token_is_refused(client, settings, people, caplog):
    from tests.identity_provider import pinned_clock_skew

    # The provider's clock runs 30 minutes behind and its ID tokens last 10: each one it issues
    # expired 20 minutes ago by the site's clock (its sign-in cookies, valid an hour, still work).
    provider = start_provider("http://testserver", clock_skew=pinned_clock_skew() - 30 * 60, id_token_ttl=10 * 60)
    try:
        provider.configure(settings)
        response = sign_in_through(client, provider, "amy")
    finally:
        provider.stop()
    assert response.status_code == 400
    assert "Sign-in could not be completed" in response.content.decode()
    assert "ID token refused: Signature has expired" in caplog.text
    assert not signed_in_user(client).is_authenticated


def test_a_provider_that_does_not_answer_gets_a_clear_page(client, settings):
    from compliance.oidc import discovery
    from tests.workers import free_port

    discovery._metadata.clear()
    settings.OIDC_OP_ISSUER = f"http://127.0.0.1:{free_port()}"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 503
    assert "The sign-in service cannot be reached" in response.content.decode()


def test_without_a_provider_the_addresses_do_not_exist_and_the_login_page_offers_passwords_only(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with your force account" not in page and 'name="password"' in page


def test_the_login_page_leads_with_the_force_account(client, identity_provider):
    page = client.get("/accounts/login/?next=/my-training/").content.decode()
    assert 'href="/oidc/authenticate/?next=/my-training/"' in page
    assert page.index("Sign in with your force account") < page.index('name="password"')


def test_signing_out_ends_the_session_here_and_at_the_provider(client, identity_provider, people):
    assert sign_in_through(client, identity_provider, "amy").status_code == 302
    id_token = client.session["oidc_id_token"]
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{identity_provider.issuer}/session/end"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query == {
        "id_token_hint": id_token,
        "client_id": CLIENT_ID,
        "post_logout_redirect_uri": "http://testserver/",
    }
    assert not signed_in_user(client).is_authenticated


def test_a_password_session_signs_out_here_only(client, people, identity_provider):
    client.force_login(people["amy"].user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/accounts/logout/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/accounts/logout/").status_code == 405


def test_the_wagtail_admin_sign_in_offers_the_force_account_too(client, identity_provider):
    page = client.get("/admin/login/?next=/admin/pages/").content.decode()
    assert 'href="/oidc/authenticate/?next=/admin/pages/"' in page
    assert page.index("Sign in with your force account") < page.index('name="password"')


def test_userinfo_about_another_person_than_the_id_token_signs_nobody_in(client, identity_provider, people, settings):
    """OpenID Connect Core 5.3.2: the userinfo answer must be for the ID token's subject. A
    userinfo endpoint (a real HTTP server here) that answers for Ben while the provider signed
    Amy in is refused."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class OtherPerson(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"sub": "ben", "email": ACCOUNTS["ben"]["email"], "email_verified": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), OtherPerson)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.OIDC_OP_USER_ENDPOINT = f"http://127.0.0.1:{server.server_port}/me"
        response = sign_in_through(client, identity_provider, "amy")
    finally:
        server.shutdown()
    assert response.status_code == 400
    assert "Sign-in could not be completed" in response.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert not SignInLink.objects.exists()
