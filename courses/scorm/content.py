"""Where package files are served from, and what they may do there.

A SCORM package is someone else's HTML and JavaScript. It is served from its own origin (a
host of its own, `INCLUSION_LMS_SCORM_ORIGIN`, best on another registrable domain), never
from the site's (a setting that names the site's own origin plays nothing), so its scripts
cannot read the site's cookies or call its pages as the learner. Within that origin the launch
frame holds the SCORM API (scorm-again) and the SCO runs in a frame below it, as SCORM
requires (a SCO finds `API` / `API_1484_11` in a parent frame of the same origin). The player
page on the site's origin frames the launch frame in a sandboxed iframe, and the two talk only
through `postMessage`, each checking the other's origin; the player page alone calls the
site's runtime endpoint, with the learner's session and CSRF token.

Package files are reached through signed addresses: the token names the package, the learner
and both origins, and expires with the session, so nobody browses packages without a player
page that let them in. Each answer carries its own Content-Security-Policy: the package may run
its own (inline) scripts but load nothing from anywhere but its own origin, and may be framed
only by the site.

With no origin configured, a site on 127.0.0.1 or localhost (the demo, the tests) serves
packages from the other of those two names: another origin, with no cookies of the site. Any
other site plays no package until `INCLUSION_LMS_SCORM_ORIGIN` is set (deny by default).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing

SETTING = "INCLUSION_LMS_SCORM_ORIGIN"
SALT = "courses.scorm.content"
LOOPBACK_PAIRS = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}


def site_origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def content_origin(request) -> str | None:
    """The origin package files are served from for a page of this request, or None."""
    configured = getattr(settings, SETTING, "") or ""
    site = site_origin(request)
    if configured:
        parts = urlsplit(configured.strip())
        origin = f"{parts.scheme}://{parts.netloc}"
        # The site's own origin is no place for packages: a misconfiguration plays nothing.
        return origin if parts.scheme in ("http", "https") and parts.netloc and origin != site else None
    parts = urlsplit(site)
    other = LOOPBACK_PAIRS.get(parts.hostname or "")
    if other is None:
        return None
    return f"{parts.scheme}://{other}{f':{parts.port}' if parts.port else ''}"


def token_issue(*, package_id: int, user_id: int, content: str, site: str) -> str:
    return signing.dumps({"p": package_id, "u": user_id, "o": content, "s": site}, salt=SALT, compress=False)


def token_read(token: str) -> dict | None:
    """The token's contents if it is genuine and younger than a session, else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not {"p", "u", "o", "s"} <= set(data):
        return None
    return data


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def package_policy(*, site: str) -> str:
    """For a package's own files: its scripts run (many authoring tools write inline scripts and
    use eval), but nothing is loaded from, or sent to, any other origin."""
    return _policy(
        {
            "default-src": "'self'",
            "script-src": "'self' 'unsafe-inline' 'unsafe-eval' blob:",
            "style-src": "'self' 'unsafe-inline'",
            "img-src": "'self' data: blob:",
            "media-src": "'self' data: blob:",
            "font-src": "'self' data:",
            "connect-src": "'self'",
            "frame-src": "'self'",
            "worker-src": "'self' blob:",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": f"'self' {site}",
        }
    )


def launch_policy(*, site: str) -> str:
    """For the launch frame, which is ours: our scripts only, framed by the site alone."""
    return _policy(
        {
            "default-src": "'none'",
            "script-src": "'self'",
            "style-src": "'self'",
            "frame-src": "'self'",
            "base-uri": "'none'",
            "form-action": "'none'",
            "frame-ancestors": site,
        }
    )


# The player page's iframe: scripts and the package's own origin (its SCOs share it with the
# launch frame), forms and pop-ups (some packages open a resource in a window); never the top
# page's navigation.
IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads"
