import pytest
from django.utils import timezone

from tests.factories import UserFactory, make_person, make_unit
from tests.talent.builders import make_cohort, make_programme


@pytest.fixture
def team(db):
    """North LPA > Team A: an inspector, a sergeant with three constables (one a recent joiner),
    a South constable; an L&D owner and a panel member who manage nobody."""
    import datetime
    from types import SimpleNamespace

    force = make_unit(code="FORCE", name="Test Force", kind="force")
    north = make_unit(code="LPA-N", name="North LPA", parent=force, kind="lpa")
    team_a = make_unit(code="TEAM-A", name="North Response A", parent=north)
    south = make_unit(code="LPA-S", name="South LPA", parent=force, kind="lpa")
    insp = make_person(username="insp", unit=north, first_name="Ivan", last_name="Inskip",
                       rank_or_grade="Inspector", leadership_level="middle")  # fmt: skip
    sgt = make_person(username="sgt", manager=insp, unit=team_a, first_name="Alys", last_name="Ashdown",
                      rank_or_grade="Sergeant", leadership_level="first_line")  # fmt: skip
    pcs = [
        make_person(
            username=f"pc{i}", manager=sgt, unit=team_a, first_name=first, last_name=last, start_date=start
        )  # fmt: skip
        for i, (first, last, start) in enumerate(
            [
                ("Priya", "Parmar", datetime.date(2015, 4, 1)),
                ("Quinn", "Quarry", datetime.date(2012, 9, 1)),
                ("Rhys", "Rowntree", datetime.date(2025, 9, 1)),
            ]  # fmt: skip
        )
    ]
    south_pc = make_person(username="pc.south", unit=south, first_name="Sam", last_name="Southey")
    staff = make_person(username="staff", unit=team_a, first_name="Tess", last_name="Tiller",
                        worker_type="police_staff", rank_or_grade="Grade 4")  # fmt: skip
    owner = UserFactory(username="ld.owner")
    panellist = UserFactory(username="panellist")
    return SimpleNamespace(
        today=timezone.localdate(), force=force, north=north, team_a=team_a, south=south, insp=insp, sgt=sgt,
        pcs=pcs, south_pc=south_pc, staff=staff, owner=owner, panellist=panellist,
    )  # fmt: skip


@pytest.fixture
def programme(team):
    return make_programme(owners=[team.owner])


@pytest.fixture
def cohort(team, programme):
    return make_cohort(programme=programme, today=team.today, places=2, ranks=["Constable"], panel=[team.panellist])
