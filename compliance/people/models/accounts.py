"""Which identity at the force's sign-in service an account belongs to."""

from django.conf import settings
from django.db import models

from courses.privacy import Basis, Expiry, PersonalData, Retention


class SignInLink(models.Model):
    """The provider's own name for the person (its `sub`, or Entra ID's `oid`), remembered at
    their first sign-in through it. From then on that name alone finds the account: an address
    changed in the directory does not lose it, and another directory identity given the same
    address or employee id cannot take it over."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_links")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField()
    last_used_at = models.DateTimeField()

    personal_data = PersonalData(
        about="The link between your account and your identity at the force's sign-in service.",
        purpose="So that only you can sign in to your account.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.SIGN_IN,
        counts_from="user__person__end_date",
        on_expiry=Expiry.DELETE,
        seen_by="Superusers.",
        subject="user",
        identity=("user", "issuer", "subject"),
        other=("linked_at", "last_used_at"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sign_in_link_one_account_per_identity"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sign_in_link_one_identity_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} is {self.subject} at {self.issuer}"
