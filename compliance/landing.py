"""Where signing in lands when no page was asked for (`LOGIN_REDIRECT_URL = "compliance:landing"`):
the first place in `INCLUSION_LMS["LANDING_PAGES"]` the person qualifies for, so administrators
and L&D start on their dashboard, senior leaders on their command, managers on their team and
learners on their training."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url

from compliance.access import command_scope, person_has_team, user_has_role, viewer_person
from courses.conf import lms_setting

# Who a LANDING_PAGES entry is for, besides a role's name.
SUPERUSER, SENIOR_LEADER, LINE_MANAGER, EVERYONE = "superuser", "senior_leader", "line_manager", "everyone"


def landing_url(*, user) -> str:
    for who, place in lms_setting("LANDING_PAGES"):
        if (
            who == EVERYONE
            or (who == SUPERUSER and user.is_superuser)
            or (who == SENIOR_LEADER and command_scope(user=user) is not None)
            or (who == LINE_MANAGER and person_has_team(person=viewer_person(user=user)))
            or user_has_role(user, who)
        ):
            return resolve_url(place)
    return resolve_url("/")


def landing_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return redirect(landing_url(user=request.user))
