"""The access policy: every "may this user see or do this?" of the product, in one place.

Views, API permission classes, Wagtail permission policies, navigation and the links in emails
ask these functions; none decides for itself. The decisions, also in the README's roles table:

* Rights are Django permissions held through groups (`courses.access`, below this layer so
  that learning content can ask too); the roles are groups with default rights. A superuser
  holds every right, except reading equality analytics: those are for
  the D&I analyst role only (UK DPA 2018 Sch. 1 para 8), so a superuser who needs them joins
  the group like anyone else and is audited the same way.
* Line managers see everyone below them in line management (one definition: `people_below`)
  and decide those people's requests; senior leaders (Superintendent and above, or the staff
  equivalent) see their unit's subtree; holders of the force-reports right see the force.
* Everyone sees their own record, obligations and requests. Leavers are never shown in teams.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from compliance.models import ExemptionDecider, ExtensionRequest, ImportJob, RequestKind
from compliance.people.models import LeadershipLevel, OrgUnit, Person
from courses.access import (
    Right,
    RightPolicy,
    Role,
    active_user,
    user_has_right,
    user_has_role,
    user_may_mark_register,
    user_role_names,
    users_with_right,
)

__all__ = [
    "RightPolicy",
    "Right",
    "Role",
    "Scope",
    "active_user",
    "below_q",
    "command_scope",
    "extension_requests_to_decide",
    "extension_requests_visible",
    "import_jobs_visible",
    "line_manager_decides_q",
    "import_kinds_for",
    "people_below",
    "person_has_team",
    "person_is_manager_of",
    "team_member",
    "team_scope",
    "user_has_right",
    "user_has_role",
    "user_is_analyst",
    "user_is_compliance_admin",
    "user_may_decide_for",
    "user_may_decide_request",
    "user_may_mark_register",
    "user_may_see_person",
    "user_role_names",
    "user_sees_force_reports",
    "users_with_right",
    "viewer_person",
]

ANALYST_PERMISSION = "equality.analyse_equality"
# Who may import which file, and see its background job: HR's files are HR's alone.
IMPORT_RIGHTS = {
    ImportJob.Kind.PEOPLE: Right.IMPORT_HR,
    ImportJob.Kind.UNITS: Right.IMPORT_HR,
    ImportJob.Kind.COMPLETIONS: Right.ADMINISTER_COMPLIANCE,
    ImportJob.Kind.ABSENCES: Right.IMPORT_HR,
}
# A check of an HR file in the admin: its administrator's own, never an import.
HR_FILE_CHECK = "admin-check"


def user_is_compliance_admin(user) -> bool:
    return user_has_right(user=user, right=Right.ADMINISTER_COMPLIANCE)


def require_compliance_admin(user) -> None:
    """For a service only compliance administrators may call: PermissionDenied for anyone else."""
    if not user_is_compliance_admin(user):
        raise PermissionDenied("Only compliance administrators may do this.")


def user_may_answer_subject_access(*, user) -> bool:
    return user_has_right(user=user, right=Right.ANSWER_SUBJECT_ACCESS)


def user_sees_force_reports(*, user) -> bool:
    return user_has_right(user=user, right=Right.SEE_FORCE_REPORTS)


def user_is_analyst(*, user) -> bool:
    """True only for an active user whose groups grant `equality.analyse_equality` (the D&I
    analyst role); never for a superuser by being one. One query, then cached on the user."""
    if not active_user(user):
        return False
    cached = getattr(user, "_fairness_analyst", None)
    if cached is None:
        app_label, codename = ANALYST_PERMISSION.split(".")
        cached = Permission.objects.filter(
            group__user=user, content_type__app_label=app_label, codename=codename
        ).exists()
        user._fairness_analyst = cached
    return cached


# --- the management chain -----------------------------------------------------------------


def import_kinds_for(*, user) -> list[str]:
    return [kind for kind, right in IMPORT_RIGHTS.items() if user_has_right(user=user, right=right)]


def import_jobs_visible(*, user) -> QuerySet[ImportJob]:
    """The imports of the kinds the user may make, from the API or the admin, without their files."""
    return ImportJob.objects.defer("data").filter(kind__in=import_kinds_for(user=user)).exclude(source=HR_FILE_CHECK)


def below_q(*, line_path: str | None, manager_id: int | None, prefix: str = "") -> Q:
    """Everyone below a manager in line management, at any depth, the manager excluded: one
    indexed prefix match on the line path. A manager not yet placed in the tree (an empty path,
    a prefix of every path) has no one below them."""
    if not line_path:
        return Q(pk__in=[])
    return Q(**{f"{prefix}line_path__startswith": line_path}) & ~Q(**{f"{prefix}pk": manager_id})


def people_below(*, manager: Person, direct_only: bool = False, include_inactive: bool = False) -> QuerySet[Person]:
    """The one definition of "everyone below this manager" (or their direct reports)."""
    if direct_only:
        team = Person.objects.filter(line_manager=manager)
    else:
        team = Person.objects.filter(below_q(line_path=manager.line_path, manager_id=manager.pk))
    return team if include_inactive else team.filter(is_active=True)


def person_is_manager_of(*, manager: Person, person: Person) -> bool:
    return bool(manager.line_path) and manager.pk != person.pk and person.line_path.startswith(manager.line_path)


def user_may_decide_for(*, user, person: Person) -> bool:
    """Requests for more time of a person: anyone above them in line management, and
    compliance administrators (the services refuse a decision on one's own request)."""
    if not active_user(user):
        return False
    if user_is_compliance_admin(user):
        return True
    viewer = viewer_person(user=user)
    return viewer is not None and person_is_manager_of(manager=viewer, person=person)


def user_may_see_person(*, user, person: Person) -> bool:
    """Their own record; anyone below them in line management; compliance administrators."""
    if not active_user(user):
        return False
    if person.user_id == user.pk or user_is_compliance_admin(user):
        return True
    viewer = viewer_person(user=user)
    return viewer is not None and person_is_manager_of(manager=viewer, person=person)


# --- requests for more time and for exemptions ---------------------------------------------


def line_manager_decides_q(prefix: str = "") -> Q:
    """The requests a line manager decides (and sees): every request for more time, and a
    request for an exemption when its requirement says the line manager decides. The rest
    (exemptions decided by compliance administrators, the default) a manager never sees: the
    reason and evidence may be personal."""
    return Q(**{f"{prefix}kind": RequestKind.MORE_TIME}) | Q(
        **{f"{prefix}assignment__requirement__exemption_decided_by": ExemptionDecider.LINE_MANAGER}
    )


def user_may_decide_request(*, user, request: ExtensionRequest) -> bool:
    """A request for more time: anyone above the learner in line management, and compliance
    administrators. A request for an exemption: the same when its requirement says the line
    manager decides; otherwise compliance administrators only. (The services refuse a
    decision on one's own request.)"""
    if not active_user(user):
        return False
    if request.kind == RequestKind.EXEMPTION and (
        request.assignment.requirement.exemption_decided_by != ExemptionDecider.LINE_MANAGER
    ):
        return user_is_compliance_admin(user)
    return user_may_decide_for(user=user, person=request.assignment.person)


def extension_requests_visible(*, user, kind: str | None = None) -> QuerySet[ExtensionRequest]:
    """A learner's own requests, and those of everyone below them that their line manager
    decides (`line_manager_decides_q`); every request for a compliance administrator; nothing
    for anyone else. `kind`: only requests of that kind."""
    qs = ExtensionRequest.objects.select_related(
        "assignment__requirement", "assignment__person__unit", "requested_by", "decided_by"
    )
    if kind is not None:
        qs = qs.filter(kind=kind)
    if not active_user(user):
        return qs.none()
    if user_is_compliance_admin(user):
        return qs
    viewer = viewer_person(user=user)
    own = Q(requested_by=user) | Q(assignment__person__user=user)
    if viewer is None:
        return qs.filter(own)
    team = below_q(line_path=viewer.line_path, manager_id=viewer.pk, prefix="assignment__person__")
    return qs.filter(own | (team & line_manager_decides_q()))


def extension_requests_to_decide(*, user, kind: str | None = None) -> QuerySet[ExtensionRequest]:
    """The pending requests this user may decide: never their own."""
    return (
        extension_requests_visible(user=user, kind=kind)
        .filter(status=ExtensionRequest.Status.PENDING)
        .exclude(assignment__person__user=user)
    )


# --- what a viewer may report on ----------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The people a viewer may report on.

    One of: everyone below a manager in line management (`line_path`, the manager excluded),
    a manager's direct reports (`direct_only`), everyone in a unit's subtree (`unit_path`), or
    the whole force. Leavers (inactive people) are never included.
    """

    label: str
    manager_id: int | None = None
    line_path: str | None = None
    direct_only: bool = False
    unit_path: str | None = None
    force: bool = False

    def person_q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}is_active": True})
        if self.force:
            return q
        if self.unit_path is not None:
            return q & Q(**{f"{prefix}unit__path__startswith": self.unit_path})
        if self.direct_only:
            return q & Q(**{f"{prefix}line_manager_id": self.manager_id})
        return q & below_q(line_path=self.line_path, manager_id=self.manager_id, prefix=prefix)

    def people(self) -> QuerySet[Person]:
        return Person.objects.filter(self.person_q())

    def contains_unit(self, unit: OrgUnit) -> bool:
        if self.force:
            return True
        return self.unit_path is not None and unit.path.startswith(self.unit_path)


def viewer_person(*, user) -> Person | None:
    """The signed-in user's person record (with `has_team`), read once per request."""
    if not user or not user.is_authenticated:
        return None
    cached = getattr(user, "_reporting_person", False)
    if cached is False:
        cached = (
            Person.objects.select_related("unit")
            .annotate(has_team=Exists(Person.objects.filter(line_manager=OuterRef("pk"), is_active=True)))
            .filter(user=user, is_active=True)
            .first()
        )
        user._reporting_person = cached
    return cached


def person_has_team(*, person: Person | None) -> bool:
    if not person or not person.line_path:
        return False
    has_team = getattr(person, "has_team", None)
    if has_team is None:
        has_team = Person.objects.filter(line_manager=person, is_active=True).exists()
    return bool(has_team)


def team_scope(*, manager: Person, direct_only: bool = False) -> Scope:
    label = "Your direct reports" if direct_only else "Everyone below you in line management"
    return Scope(label=label, manager_id=manager.pk, line_path=manager.line_path, direct_only=direct_only)


def command_scope(*, user) -> Scope | None:
    """Administrators see the force; senior leaders (Superintendent and above) their own unit's
    subtree; anyone else nothing (None)."""
    if user_has_right(user=user, right=Right.SEE_FORCE_REPORTS):
        return Scope(label="The whole force", force=True)
    person = viewer_person(user=user)
    if person is not None and person.leadership_level == LeadershipLevel.SENIOR:
        return Scope(label=f"{person.unit.name} and the units below it", unit_path=person.unit.path)
    return None


def team_member(*, manager: Person, staff_number: str) -> Person | None:
    """A person below `manager` at any depth, or None: deny by default."""
    return (
        people_below(manager=manager).select_related("unit", "line_manager").filter(staff_number=staff_number).first()
    )
