"""What the site navigation offers a signed-in user, worked out once at sign-in.

Kept in the session so that pages add no queries for it; a change of role or team shows
after the next sign-in.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from compliance.access import command_scope, user_is_analyst, user_is_compliance_admin
from compliance.people.models import Person

SESSION_KEY = "navigation"


def navigation_for(user) -> dict:
    person = Person.objects.filter(user=user).only("pk", "leadership_level").first()
    is_manager = bool(person and Person.objects.filter(line_manager=person, is_active=True).exists())
    return {
        "is_person": person is not None,
        "is_manager": is_manager,
        "is_senior": command_scope(user=user) is not None,
        # Line managers decide their people's requests; compliance administrators, exemptions.
        "decides_requests": is_manager or user_is_compliance_admin(user),
        "has_admin": user.has_perm("wagtailadmin.access_admin"),
        # Through the role's group only: a superuser is not an analyst by being a superuser.
        "is_analyst": user_is_analyst(user=user),
    }


@receiver(user_logged_in)
def remember_navigation(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = navigation_for(user)


def navigation(request) -> dict:
    """Template context processor."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav": {}}
    return {"nav": request.session.get(SESSION_KEY, {})}
