"""Start, finish and end a sign-in through the identity provider; say plainly why one failed."""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import render, resolve_url
from mozilla_django_oidc import views as oidc_views

from compliance.oidc.backend import REFUSAL_ATTRIBUTE
from compliance.oidc.discovery import oidc_enabled, oidc_setting, provider_metadata

logger = logging.getLogger(__name__)

# What the person is told, by reason, and the status it comes with.
REFUSALS = {
    "unknown": (
        403,
        "We could not find your training record",
        "Your force account signed you in, but the training system has no record of you. If you "
        "joined recently, your record arrives with HR's next update. Otherwise ask the learning "
        "and development team to check your details.",
    ),
    "ambiguous": (
        403,
        "Your account could not be identified",
        "More than one training record matches your force account. Ask the learning and "
        "development team to correct the records.",
    ),
    "linked_elsewhere": (
        403,
        "Your training record belongs to another force account",
        "The training record that matches your details has been used with a different force "
        "account. If your force account was replaced, ask the learning and development team to "
        "release the old one from your record.",
    ),
    "inactive": (
        403,
        "Your account is not active",
        "Your training account is closed: you have left the force, or an administrator has "
        "locked it. If you think this is wrong, contact the learning and development team.",
    ),
    "no_identity": (
        403,
        "Your force account did not say who you are",
        "The sign-in service did not send the details needed to find your training record. "
        "Ask your IT service desk to check the training system's sign-in settings.",
    ),
    "unverified_email": (
        403,
        "Your email address is not verified",
        "The sign-in service says your email address is not verified, so it cannot be used to "
        "find your training record.",
    ),
    "provider": (
        403,
        "You were not signed in",
        "The force's sign-in service did not sign you in. You can try again.",
    ),
    "failed": (
        400,
        "Sign-in could not be completed",
        "The sign-in took too long, was started in another window, or its details were changed "
        "on the way. Start again.",
    ),
    "misconfigured": (
        503,
        "Sign-in is not set up correctly",
        "The training system's sign-in settings do not match the force's sign-in service. Ask "
        "your IT service desk to check them.",
    ),
    "unreachable": (
        503,
        "The sign-in service cannot be reached",
        "The force's sign-in service is not answering. Try again in a few minutes.",
    ),
}


def refusal_response(request, reason: str):
    status, title, explanation = REFUSALS[reason]
    return render(
        request,
        "compliance/signin_refused.html",
        {"title": title, "explanation": explanation, "reason": reason, "login_url": resolve_url(settings.LOGIN_URL)},
        status=status,
    )


class ProviderViewMixin:
    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404("Sign-in through an identity provider is not configured.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except requests.HTTPError as error:
            # The provider refused the code (used twice, expired, not for this client: a 4xx,
            # RFC 6749 section 5.2) or failed itself.
            logger.warning("The identity provider refused: %s", error)
            client_error = error.response is not None and 400 <= error.response.status_code < 500
            return refusal_response(request, "failed" if client_error else "unreachable")
        except (requests.RequestException, ValueError):
            # Down, or answering nonsense (ValueError: a body that is not JSON).
            logger.exception("The identity provider could not be used")
            return refusal_response(request, "unreachable")
        except ImproperlyConfigured:
            logger.exception("Sign-in through the identity provider is misconfigured")
            return refusal_response(request, "misconfigured")


class SignInView(ProviderViewMixin, oidc_views.OIDCAuthenticationRequestView):
    """Send the browser to the provider, with state, nonce and a PKCE challenge."""

    def __init__(self, **kwargs):
        # The authorization endpoint is read when the request is handled (get), not here, so a
        # provider that is down gives the page that says so.
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID", "")

    def get(self, request):
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        return super().get(request)


class SignInCallbackView(ProviderViewMixin, oidc_views.OIDCAuthenticationCallbackView):
    """The provider's answer: sign the person in, or say why not."""

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            # A state that is not ours, a token that fails its checks.
            logger.warning("Sign-in failed: %s", error)
            return refusal_response(request, "failed")

    def login_failure(self):
        request = self.request
        if request.GET.get("error"):
            return refusal_response(request, "provider")
        return refusal_response(request, getattr(request, REFUSAL_ATTRIBUTE, "failed"))


class SignOutView(oidc_views.OIDCLogoutView):
    """Sign out here, and at the provider too when the person signed in there (POST only)."""

    get_settings = staticmethod(oidc_setting)


def provider_logout_url(request) -> str:
    """Where signing out goes (settings.OIDC_OP_LOGOUT_URL_METHOD): the provider's end-session
    endpoint (RP-initiated logout) for a session that began there, else LOGOUT_REDIRECT_URL."""
    back = resolve_url(getattr(settings, "LOGOUT_REDIRECT_URL", None) or "/")
    id_token = request.session.get("oidc_id_token")
    if not (id_token and oidc_enabled() and oidc_setting("OIDC_PROVIDER_LOGOUT")):
        return back
    try:
        end_session = provider_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError, ImproperlyConfigured):
        logger.exception("The identity provider could not be asked where to sign out")
        return back
    if not end_session:
        return back
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": oidc_setting("OIDC_RP_CLIENT_ID"),
            "post_logout_redirect_uri": request.build_absolute_uri(back),
        }
    )
    return f"{end_session}?{query}"
