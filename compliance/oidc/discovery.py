"""The provider's settings: explicit Django settings first, then its discovery document."""

import time

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from mozilla_django_oidc.utils import import_from_settings

# mozilla-django-oidc's endpoint settings, and where the discovery document gives each.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
# A provider may have no userinfo endpoint: the ID token's claims are then all there is.
OPTIONAL_ENDPOINTS = {"OIDC_OP_USER_ENDPOINT"}
# This product's defaults where mozilla-django-oidc's are looser.
DEFAULTS = {
    "OIDC_CREATE_USER": False,
    "OIDC_USE_PKCE": True,
    "OIDC_USE_NONCE": True,
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_STORE_ID_TOKEN": True,
    "OIDC_TIMEOUT": 10,
    "OIDC_IDENTITY_CLAIM": "email",
    "OIDC_IDENTITY_FIELD": "email",
    "OIDC_SUBJECT_CLAIM": "sub",
    "OIDC_PROVIDER_LOGOUT": True,
    "OIDC_CLOCK_LEEWAY": 60,
}
IDENTITY_FIELDS = ("email", "staff_number")
METADATA_TTL = 60 * 60
_metadata: dict[str, tuple[float, dict]] = {}


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_OP_ISSUER", "") and getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def provider_metadata() -> dict:
    """The provider's discovery document, fetched once an hour per process. Its `issuer` must be
    the configured one exactly (OpenID Connect Discovery 1.0, section 4.3)."""
    issuer = settings.OIDC_OP_ISSUER.rstrip("/")
    cached = _metadata.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    response = requests.get(
        f"{issuer}/.well-known/openid-configuration",
        timeout=oidc_setting("OIDC_TIMEOUT"),
        verify=oidc_setting("OIDC_VERIFY_SSL", True),
    )
    response.raise_for_status()
    metadata = response.json()
    if metadata.get("issuer", "").rstrip("/") != issuer:
        raise ImproperlyConfigured(
            f"The identity provider at {issuer} names itself {metadata.get('issuer')!r}: set OIDC_ISSUER to that."
        )
    _metadata[issuer] = (time.monotonic() + METADATA_TTL, metadata)
    return metadata


def oidc_setting(attr: str, *default):
    """A mozilla-django-oidc setting: the Django setting when set, else the endpoint from the
    discovery document, else this product's default, else the caller's."""
    if hasattr(settings, attr) and getattr(settings, attr) not in ("", None):
        return getattr(settings, attr)
    if attr in DISCOVERED and oidc_enabled():
        value = provider_metadata().get(DISCOVERED[attr])
        if not value and attr not in OPTIONAL_ENDPOINTS:
            raise ImproperlyConfigured(f"The identity provider's discovery document gives no {DISCOVERED[attr]}.")
        return value
    if attr in DEFAULTS:
        return DEFAULTS[attr]
    return import_from_settings(attr, *default)
