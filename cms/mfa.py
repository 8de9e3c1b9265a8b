"""A second factor for every account that holds rights (django-otp): an authenticator app
(TOTP), with ten single-use recovery codes.

An account with a role, staff or superuser status that signed in with a password is asked for
a code from its authenticator app before any page (and refused by the API: 403) until it gives
one; one without an app is taken to set one up first. A session that began at the force's
identity provider is not asked again: the provider applies the force's own multi-factor rules.
Accounts without rights (learners, managers) are not asked. `SECOND_FACTOR_REQUIRED` turns
this off (the demo, and the test suite except the tests of this module).

A lost device: a superuser deletes the person's devices (Django admin, OTP devices) and the
person sets up a new one at their next sign-in; a recovery code signs in once meanwhile.
"""

import base64
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PROVIDER_BACKEND = "compliance.oidc.backend.PersonOIDCBackend"
RECOVERY_CODES = 10
EXEMPT_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/login/", "/static/", "/health/")


NEEDED = "second_factor_needed"


def _needed_for(request, user) -> bool:
    if request.session.get(BACKEND_SESSION_KEY) == PROVIDER_BACKEND:
        return False
    return user.is_superuser or user.is_staff or user.groups.exists()


@receiver(user_logged_in, dispatch_uid="cms.mfa.decide")
def decide_at_sign_in(sender, request, user, **kwargs) -> None:
    """Whether this session needs a second factor is decided once, when it begins: no query on
    each page (a role given during a session is asked for at the next sign-in)."""
    if request is not None and hasattr(request, "session"):
        request.session[NEEDED] = _needed_for(request, user)


def needs_second_factor(request) -> bool:
    user = request.user
    if not (getattr(settings, "SECOND_FACTOR_REQUIRED", True) and user.is_authenticated):
        return False
    if NEEDED not in request.session:  # a session from before this rule
        request.session[NEEDED] = _needed_for(request, user)
    return request.session[NEEDED] and not user.is_verified()


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(EXEMPT_PREFIXES) or not needs_second_factor(request):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            message = "Give the code from your authenticator app at /accounts/two-factor/ first."
            body = {"error": {"status": 403, "code": "second_factor_required", "message": message}}
            return JsonResponse(body, status=403)
        view = (
            "two_factor_verify"
            if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            else "two_factor_setup"
        )
        return redirect(f"{reverse(view)}?{urlencode({'next': request.get_full_path()})}")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def verify_view(request):
    """Sign-in, second step: a code from the authenticator app, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # Six digits come from the app; anything else is a recovery code.
        kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        devices = list(kind.objects.filter(user=request.user, confirmed=True))
        if not all(device.verify_is_allowed()[0] for device in devices):
            # django-otp doubles the wait after each wrong code.
            form.add_error("code", "Too many wrong codes. Wait a few seconds, then enter the newest code.")
        else:
            for device in devices:
                with transaction.atomic():
                    verified = device.verify_token(code)
                if verified:
                    otp_login(request, device)
                    return redirect(_next_url(request))
            form.add_error("code", "That code is not right, or has been used. Try the newest code from your app.")
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def setup_view(request):
    """Set up an authenticator app: scan the code (or type the key), then give a code from it.
    Ten recovery codes are shown once. Replacing an app needs a code from the old one (or a
    recovery code) first: a password alone never sets up a new one."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not request.user.is_verified() and TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
        user=request.user, name="Authenticator app", confirmed=False
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", "Too many wrong codes. Wait a few seconds, then enter the newest code.")
        elif device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                StaticDevice.objects.filter(user=request.user).delete()
                recovery = StaticDevice.objects.create(user=request.user, name="Recovery codes", confirmed=True)
                codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
                StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
            otp_login(request, device)
            return render(request, "registration/two_factor_codes.html", {"codes": codes, "next": _next_url(request)})
        else:
            form.add_error("code", "That code is not right. Check the time on your phone, and try the newest code.")
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "next": _next_url(request),
    }
    return render(request, "registration/two_factor_setup.html", context)
