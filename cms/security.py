"""Security headers and session lifetime for every response the site serves.

- Content-Security-Policy (django-csp; the policy is `CONTENT_SECURITY_POLICY` in settings): no
  inline script runs on the site's pages (the one it needs, Swagger UI's, carries a nonce). The
  Wagtail admin needs one relaxation, `'unsafe-inline'` scripts under `/admin/`: Wagtail 8 still
  writes small inline scripts for its date, time and date-time pickers, inline panels and
  multiple-chooser panels. Styles may be inline everywhere (progress bars are sized in a style
  attribute; Wagtail's admin sets styles inline); a style runs no code.
- Permissions-Policy: the browser features no page here uses are switched off.
- Cache-Control: every answer to a signed-in person, and every API answer, is `private,
  no-store`, so no shared cache or back button keeps a person's records.
- Sessions end after `SESSION_IDLE_TIMEOUT` seconds idle and, whatever the activity,
  `SESSION_COOKIE_AGE` seconds after signing in. The time of the last request is written to the
  session at most once a minute, so reading pages costs no write.
"""

import time
from urllib.parse import urlsplit

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.cache import patch_cache_control
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

ADMIN_PREFIX = "/admin/"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
LAST_SEEN_RESOLUTION = 60


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        update = dict(parts.update or {})
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer:
            # Signing out posts a form that redirects to the identity provider.
            parts_of = urlsplit(issuer)
            update["form-action"] = [f"{parts_of.scheme}://{parts_of.netloc}"]
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.replace = {**(parts.replace or {}), "script-src": [SELF, UNSAFE_INLINE]}
        parts.update = update or None
        return parts


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PrivateResponsesMiddleware:
    """After AuthenticationMiddleware: what a signed-in person sees, or the API answers, is kept
    by no cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path_info.startswith("/api/"):
            patch_cache_control(response, private=True, no_store=True)
        return response


@receiver(user_logged_in, dispatch_uid="cms.security.signed_in_at")
def note_sign_in_time(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = time.time()


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware: a session idle for SESSION_IDLE_TIMEOUT, or older than
    SESSION_COOKIE_AGE, signs out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now, session = time.time(), request.session
            started = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.setdefault(LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif now - last_seen > LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports (an email to `ADMINS`, or whatever a force sends them to) carry no personal
    data: every form field and every local variable of the traceback is hidden, besides the
    settings, cookies and headers Django hides already."""

    # Where a query string also travels (a search for a name, a staff number in a filter).
    hidden_meta = {"QUERY_STRING", "RAW_URI", "REQUEST_URI", "HTTP_REFERER"}

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {key: self.cleansed_substitute if key in self.hidden_meta else value for key, value in meta.items()}

    def get_post_parameters(self, request):
        return {} if request is None else dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleansed_substitute) for name, _ in super().get_traceback_frame_variables(request, tb_frame)
        ]


class PersonalDataExceptionReporter(ExceptionReporter):
    """Hides the query string's values and the names of uploaded files too (a search for a name,
    an HR file named after a person)."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            substitute = self.filter.cleansed_substitute
            data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
            data["request_insecure_uri"] = data.get("request_insecure_uri", "").split("?", 1)[0]
            data["request_FILES_items"] = [(key, substitute) for key in self.request.FILES]
        return data
