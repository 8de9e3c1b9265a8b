"""Sign-in: the password throttle (django-axes), and what the sign-in pages need.

django-axes counts failed password sign-ins in the database, so every web process shares the
counts with no shared cache. It counts per username and client address together
(`AXES_LOCKOUT_PARAMETERS`): five failures for one username from one address hold that pair
back for 15 minutes (a cool-off, not a lock on the account), so someone guessing from elsewhere
never keeps the real person out, and a busy shared address (a police station behind one proxy)
never locks out everyone behind it. Usernames are compared without regard to case. A
successful sign-in clears its count. The message is the same whether or not the username
exists. Sign-ins through the identity provider are not counted here (the provider throttles its
own). Superusers see and clear current lockouts in the Wagtail admin (Settings, Sign-in
lockouts).

Behind a reverse proxy, set LOGIN_THROTTLE_PROXY_COUNT so the client's address is read from
X-Forwarded-For; otherwise every user shares the proxy's address.
"""

import datetime
import hashlib
import ipaddress
import logging

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from compliance.oidc.discovery import oidc_enabled
from courses.mail import subject_line

logger = logging.getLogger(__name__)


class AxesBackend(AxesStandaloneBackend):
    """django-axes's backend for sign-ins from a web request; a sign-in with no request (a
    management command, Django's test client) is not a guess from anywhere, and passes on."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with LOGIN_THROTTLE_PROXY_COUNT trusted proxies in
    front, the address the outermost of them saw (X-Forwarded-For's that-many-th entry from the
    right: entries further left are whatever the client sent). Only a well-formed address
    counts; otherwise None (a request made in code has none)."""
    proxy_count = getattr(settings, "LOGIN_THROTTLE_PROXY_COUNT", 0)
    candidates = []
    if proxy_count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxy_count:
            candidates.append(forwarded[-proxy_count])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def username_key(request, credentials) -> str:
    """The username as counted: without surrounding space or regard to case."""
    return str((credentials or {}).get("username") or request.POST.get("username") or "").strip().casefold()


def not_a_password_sign_in(request, credentials) -> bool:
    """Sign-ins through the identity provider carry no username: axes leaves them alone."""
    return not (credentials or {}).get("username") and not request.POST.get("username")


def cool_off_minutes() -> int:
    return max(1, -(-int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60))


def locked_out(request, original_response=None, credentials=None):
    return render(request, "registration/locked_out.html", {"minutes": cool_off_minutes()}, status=429)


def current_lockouts(now: datetime.datetime | None = None):
    """Username and address pairs held back now, newest first."""
    now = now or timezone.now()
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
    ).order_by("-attempt_time")


def sign_in(request) -> dict:
    """Context processor: whether the sign-in pages offer the force's identity provider."""
    return {"sso_enabled": oidc_enabled()}


# Password resets (Wagtail's form at /admin/password_reset/, for accounts with a password):
# the page always answers the same; past these limits an hour, it sends nothing more.
RESET_LIMITS = {"address": 5, "email": 3}
RESET_WINDOW = 60 * 60


def reset_allowed(*, address: str, email: str) -> bool:
    allowed = True
    for scope, value in (("address", address), ("email", email.strip().casefold())):
        key = f"password-reset:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"
        cache.add(key, 0, timeout=RESET_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=RESET_WINDOW)
            count = 1
        allowed = allowed and count <= RESET_LIMITS[scope]
    return allowed


class ThrottledPasswordResetForm(WagtailPasswordResetForm):
    """settings.WAGTAILADMIN_USER_PASSWORD_RESET_FORM"""

    def save(self, *args, request=None, **kwargs):
        address = (client_ip(request) if request is not None else None) or "unknown"
        if not reset_allowed(address=address, email=self.cleaned_data["email"]):
            logger.warning("Password reset not sent: too many asked for from %s or for that address", address)
            return None
        return super().save(*args, request=request, **kwargs)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="cms.auth.email_change_notice")
def email_change_notice(sender, instance, update_fields=None, **kwargs) -> None:
    """An account with a password whose email address changes: the old address is told, so a
    takeover through a changed address (then a password reset) does not go unnoticed."""
    if instance.pk is None or (update_fields is not None and "email" not in update_fields):
        return
    if not instance.has_usable_password():
        return
    old = sender.objects.filter(pk=instance.pk).values_list("email", flat=True).first()
    new = instance.email or ""
    if not old or old.casefold() == new.casefold():
        return
    site = getattr(settings, "WAGTAIL_SITE_NAME", "the training site")
    message = (
        f"The email address of your account {instance.get_username()} on {site} was changed "
        f"from {old} to {new or '(none)'}.\n\nIf you did not expect this, tell an administrator at once."
    )

    def send():
        try:
            send_mail(subject_line(f"Your email address on {site} was changed"), message, None, [old])
        except Exception:
            logger.exception("Could not tell %s that the account's email address changed", instance.pk)

    transaction.on_commit(send)
