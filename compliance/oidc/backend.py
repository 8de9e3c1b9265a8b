"""The authentication backend: the provider's answer, checked, matched to the account HR made."""

import logging

import jwt
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from compliance.oidc.discovery import IDENTITY_FIELDS, oidc_enabled, oidc_setting, provider_metadata
from compliance.people.models import Person, SignInLink

logger = logging.getLogger(__name__)

# Why a sign-in was refused, for the page that says so (views.py); set on the request.
REFUSAL_ATTRIBUTE = "oidc_refusal"


class PersonOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Django builds a backend for every sign-in and every request's session; the provider
        # is only asked for its settings when its callback is being handled (authenticate).
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not oidc_enabled():
            return None  # a password sign-in, or no provider configured
        for attr in ("OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"):
            setattr(self, attr, self.get_settings(attr))
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = self.get_settings("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = self.get_settings("OIDC_RP_SIGN_ALGO")
        self.OIDC_RP_IDP_SIGN_KEY = self.get_settings("OIDC_RP_IDP_SIGN_KEY", None)
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The ID token: signed with the expected algorithm by one of the provider's keys, issued
        by the provider, for this client, not expired (PyJWT checks every one of these)."""
        try:
            header = jwt.get_unverified_header(payload)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO}")
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider_metadata()["issuer"],
                leeway=self.get_settings("OIDC_CLOCK_LEEWAY"),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}")

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (signed, and checked above), with the userinfo endpoint's beside
        them where the provider has one: some providers put a claim in only one of the two (Entra
        ID's `oid` is in the ID token alone). Both must be about the same person (OpenID Connect
        Core 1.0, section 5.3.2)."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("The userinfo endpoint answered for another subject than the ID token's")
        return {**userinfo, **payload}

    def _refuse(self, reason: str, claims: dict) -> None:
        setattr(self.request, REFUSAL_ATTRIBUTE, reason)
        logger.warning("Sign-in refused (%s) for %s", reason, self.describe_user_by_claims(claims))

    def describe_user_by_claims(self, claims):
        """For the log: a keyed fingerprint of the provider's subject, never the subject itself (a
        provider may use the email address as the subject), a name or a staff number. The same
        person's refusals share a fingerprint, so an operator can still follow them."""
        return f"subject #{salted_hmac('oidc-log-subject', str(claims.get('sub') or '')).hexdigest()[:12]}"

    def _identity(self, claims) -> tuple[str, str]:
        """The provider, and its own lasting name for the person."""
        return provider_metadata()["issuer"], str(claims.get(self.get_settings("OIDC_SUBJECT_CLAIM")) or "").strip()

    def verify_claims(self, claims):
        claim = self.get_settings("OIDC_IDENTITY_CLAIM")
        if not str(claims.get(claim) or "").strip() or not self._identity(claims)[1]:
            self._refuse("no_identity", claims)
            return False
        if claim == "email" and claims.get("email_verified") is False:
            self._refuse("unverified_email", claims)
            return False
        return True

    def filter_users_by_claims(self, claims):
        """The account this identity signed in to before; at a first sign-in, the account of the
        person HR knows by the identity claim, unless that account already belongs to another
        identity at this provider. An account with no person (an administrator) matches by its
        own email address when matching by email."""
        issuer, subject = self._identity(claims)
        link = SignInLink.objects.select_related("user__person").filter(issuer=issuer, subject=subject).first()
        if link is not None:
            return [link.user]
        field = self.get_settings("OIDC_IDENTITY_FIELD")
        if field not in IDENTITY_FIELDS:
            raise ImproperlyConfigured(f"OIDC_IDENTITY_FIELD must be one of {IDENTITY_FIELDS}, not {field!r}")
        value = str(claims[self.get_settings("OIDC_IDENTITY_CLAIM")]).strip()
        people = Person.objects.filter(**{f"{field}__iexact": value})
        users = self.UserModel.objects.filter(person__in=people)
        if field == "email" and not users:
            users = self.UserModel.objects.filter(email__iexact=value, person__isnull=True)
        users = list(users.select_related("person")[:2])
        if not users:
            self._refuse("unknown", claims)
        elif len(users) > 1:
            self._refuse("ambiguous", claims)
        elif SignInLink.objects.filter(user=users[0], issuer=issuer).exists():
            self._refuse("linked_elsewhere", claims)
            return []
        return users

    def _link(self, user, claims) -> bool:
        """Remember (or touch) this identity's link to the account; False when another identity
        at this provider took the account at the same moment."""
        issuer, subject = self._identity(claims)
        now = timezone.now()
        try:
            with transaction.atomic():
                SignInLink.objects.update_or_create(
                    issuer=issuer,
                    subject=subject,
                    defaults={"last_used_at": now},
                    create_defaults={"user": user, "linked_at": now, "last_used_at": now},
                )
        except IntegrityError:
            self._refuse("linked_elsewhere", claims)
            return False
        return True

    def create_user(self, claims):
        with transaction.atomic():
            user = super().create_user(claims)
            if not self._link(user, claims):
                raise SuspiciousOperation("A new account was linked to another identity at the same moment")
        return user

    def update_user(self, user, claims):
        """HR owns names, emails and the active flag: the provider changes nothing. A person HR
        has marked as left is refused, whatever their account says."""
        person = getattr(user, "person", None)
        if not user.is_active or (person is not None and not person.is_active):
            self._refuse("inactive", claims)
            return None
        return user if self._link(user, claims) else None

    def get_user(self, user_id):
        # As Django's ModelBackend: an inactive account's session signs nobody in.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
