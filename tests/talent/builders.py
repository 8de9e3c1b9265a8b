"""Talent programmes for tests: an index page under the home page, a published programme
owned by named users, and cohorts."""

import datetime

from wagtail.models import Page

from compliance.people.models import OrgUnit, RankOrGrade
from compliance.talent.models import Cohort, PositiveAction, TalentIndexPage, TalentProgrammeOwner, TalentProgrammePage

CRITERIA = (
    "Officers and staff from Black, Asian and minority ethnic backgrounds, who are under-represented in senior ranks."
)


def talent_index() -> TalentIndexPage:
    index = TalentIndexPage.objects.first()
    if index is None:
        home = Page.objects.get(depth=2)
        index = home.add_child(instance=TalentIndexPage(title="Talent programmes", slug="talent-programmes"))
    return index


def make_programme(*, title="Future Leaders", owners=(), support=False, positive_action=True, **fields):
    programme = TalentProgrammePage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        purpose="Ready people for promotion.",
        audience="Sergeants who want to become inspectors.",
        involves="<p>Workshops and a mentor.</p>",
        duration="12 months",
        selection_criteria="Evidence of leadership against the competency framework.",
        positive_action=PositiveAction.SECTION_158 if positive_action else "",
        positive_action_criteria=CRITERIA if positive_action else "",
        line_manager_support_required=support,
        **fields,
    )
    talent_index().add_child(instance=programme)
    for user in owners:
        programme.owners.add(TalentProgrammeOwner(user=user))
    programme.save_revision().publish()
    programme.refresh_from_db()
    return programme


def make_cohort(
    *,
    programme,
    today: datetime.date,
    places=2,
    ranks=(),
    units=(),
    panel=(),
    open_days=(-10, 10),
    **fields,
) -> Cohort:
    cohort = Cohort.objects.create(
        programme=programme,
        name=fields.pop("name", f"Cohort {Cohort.objects.count() + 1}"),
        starts_on=today + datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=425),
        places=places,
        applications_open_on=today + datetime.timedelta(days=open_days[0]),
        applications_close_on=today + datetime.timedelta(days=open_days[1]),
        **fields,
    )
    cohort.ranks.set(RankOrGrade.objects.filter(name__in=ranks))
    cohort.units.set(OrgUnit.objects.filter(code__in=units))
    cohort.panel.set(panel)
    return cohort
