"""Sign-in with a throttle against password guessing, for the site's, Wagtail's and Django admin's
login forms.

After `USERNAME_LIMIT` failed sign-ins for one username (compared without regard to case) or
`IP_LIMIT` from one client address within `WINDOW` seconds, every further attempt for that
username or from that address is refused for `LOCKOUT` seconds, without checking the password,
with the same message whether or not the username exists. A successful sign-in clears its
username's count (never the address's: one working account must not reset an attacker's count).

The counts live in Django's default cache. The per-process memory cache (development, tests)
counts per process only: production, with several workers or servers, needs a shared cache
(set `CACHE_URL` or `REDIS_URL`; see `CACHES` in cms/settings/base.py). Behind a reverse proxy,
set `LOGIN_THROTTLE_PROXY_COUNT` so the client's address is read from X-Forwarded-For;
otherwise every user shares the proxy's address and its limit.

Settings: `LOGIN_THROTTLE` (a dict overriding any of `DEFAULTS`).
"""

import hashlib
import logging

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from compliance.oidc.discovery import oidc_enabled

DEFAULTS = {
    "USERNAME_LIMIT": 5,
    "IP_LIMIT": 20,
    "WINDOW": 15 * 60,
    "LOCKOUT": 15 * 60,
    "PROXY_COUNT": 0,
}
KEY_PREFIX = "login-throttle"
logger = logging.getLogger(__name__)


def throttle_settings() -> dict:
    return {**DEFAULTS, **getattr(settings, "LOGIN_THROTTLE", {})}


def client_ip(request, *, proxy_count: int = 0) -> str:
    """The client's address: REMOTE_ADDR, or with `proxy_count` trusted proxies in front, the
    address the outermost of them saw (X-Forwarded-For's `proxy_count`-th entry from the right:
    entries further left are whatever the client sent)."""
    if proxy_count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxy_count:
            return forwarded[-proxy_count]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(value: str) -> str:
    # Fixed-length, cache-safe keys that do not keep usernames in the cache.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class LoginThrottle:
    """Failure counts and lockouts for one username and one client address."""

    def __init__(self, *, username: str, ip: str, config: dict | None = None):
        self.config = config or throttle_settings()
        self.scopes = {
            "user": (_digest(username.strip().casefold()), self.config["USERNAME_LIMIT"]),
            "ip": (_digest(ip), self.config["IP_LIMIT"]),
        }

    @classmethod
    def for_request(cls, request, username: str) -> "LoginThrottle":
        config = throttle_settings()
        ip = client_ip(request, proxy_count=config["PROXY_COUNT"]) if request is not None else "unknown"
        return cls(username=username, ip=ip, config=config)

    @staticmethod
    def _key(kind: str, scope: str, digest: str) -> str:
        return f"{KEY_PREFIX}:{kind}:{scope}:{digest}"

    def is_locked(self) -> bool:
        keys = [self._key("lock", scope, digest) for scope, (digest, _) in self.scopes.items()]
        return bool(cache.get_many(keys))

    def record_failure(self) -> None:
        for scope, (digest, limit) in self.scopes.items():
            key = self._key("failures", scope, digest)
            # The window starts at the first failure; the count keeps that expiry as it grows.
            cache.add(key, 0, timeout=self.config["WINDOW"])
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=self.config["WINDOW"])
                count = 1
            if count >= limit:
                cache.set(self._key("lock", scope, digest), True, timeout=self.config["LOCKOUT"])
                cache.delete(key)

    def record_success(self) -> None:
        digest, _ = self.scopes["user"]
        cache.delete(self._key("failures", "user", digest))


class ThrottledAuthenticationMixin:
    """For an AuthenticationForm: refuse while locked out; count failures; clear on success."""

    def throttled_message(self) -> str:
        minutes = max(1, -(-throttle_settings()["LOCKOUT"] // 60))
        return f"There have been too many attempts to sign in. Wait {minutes} minutes, then try again."

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not (username and password):
            return super().clean()  # nothing was tried: nothing to count
        throttle = LoginThrottle.for_request(self.request, username)
        if _cache_call(throttle.is_locked):
            raise forms.ValidationError(self.throttled_message(), code="throttled")
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            _cache_call(throttle.record_failure)
            raise
        _cache_call(throttle.record_success)
        return cleaned_data


def _cache_call(method):
    """With the cache unreachable, sign-in still works (unthrottled) and the error is logged:
    better than nobody signing in at all."""
    try:
        return method()
    except Exception:
        logger.exception("Sign-in throttle: the cache failed; this attempt was not throttled or counted.")
        return None


class ThrottledAuthenticationForm(ThrottledAuthenticationMixin, AuthenticationForm):
    """The site's sign-in form."""


class ThrottledAdminLoginForm(ThrottledAuthenticationMixin, WagtailLoginForm):
    """Wagtail's admin sign-in form (settings.WAGTAILADMIN_USER_LOGIN_FORM)."""


class ThrottledDjangoAdminLoginForm(ThrottledAuthenticationMixin, AdminAuthenticationForm):
    """The Django admin's sign-in form at /django-admin/ (admin.site.login_form in cms/urls.py)."""


def sign_in(request) -> dict:
    """Context processor: whether the sign-in pages offer the force's identity provider."""
    return {"sso_enabled": oidc_enabled()}


class LoginView(auth_views.LoginView):
    """The site's sign-in page (registration/login.html), throttled."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = False
