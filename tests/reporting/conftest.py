"""A small force for the reporting tests: two local policing areas, each with its own chain.

North: Supt North > Insp North > Sgt A (team A: 3 constables) and Sgt B (team B: 2 constables).
South: Supt South > Sgt C (team C: 1 constable). L&D, compliance and D&I people manage nobody.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from compliance.access import Role
from compliance.models import Assignment
from compliance.services.assignments import extension_request_create
from compliance.services.sync import sync_all
from courses.services.completions import completion_record
from tests.compliance.factories import make_course, make_requirement
from tests.factories import make_person, make_unit


def build_force():
    today = timezone.localdate()
    force = make_unit(code="FORCE", name="Test Force", kind="force")
    north = make_unit(code="LPA-N", name="North LPA", parent=force, kind="lpa")
    south = make_unit(code="LPA-S", name="South LPA", parent=force, kind="lpa")
    team_a = make_unit(code="TEAM-A", name="North Response A", parent=north)
    team_b = make_unit(code="TEAM-B", name="North Response B", parent=north)
    team_c = make_unit(code="TEAM-C", name="South Response C", parent=south)

    def senior(username, unit, first, last, manager=None):
        return make_person(
            username=username,
            manager=manager,
            unit=unit,
            first_name=first,
            last_name=last,
            rank_or_grade="Superintendent",
            leadership_level="senior",
        )

    chief = senior("chief", force, "Cora", "Chiefton")
    supt_north = senior("supt.north", north, "Nadia", "Northgate", manager=chief)
    supt_south = senior("supt.south", south, "Sol", "Southwell", manager=chief)
    insp = make_person(
        username="insp.north",
        manager=supt_north,
        unit=north,
        first_name="Ivan",
        last_name="Inskip",
        rank_or_grade="Inspector",
        leadership_level="middle",
    )
    sgt = {"rank_or_grade": "Sergeant", "leadership_level": "first_line"}
    sgt_a = make_person(username="sgt.a", manager=insp, unit=team_a, first_name="Alys", last_name="Ashdown", **sgt)
    sgt_b = make_person(username="sgt.b", manager=insp, unit=team_b, first_name="Bryn", last_name="Birchall", **sgt)
    sgt_c = make_person(
        username="sgt.c", manager=supt_south, unit=team_c, first_name="Cai", last_name="Coldwell", **sgt
    )
    team_a_people = [
        make_person(username="pc.a1", manager=sgt_a, unit=team_a, first_name="Aaron", last_name="Applewood"),
        make_person(username="pc.a2", manager=sgt_a, unit=team_a, first_name="Abigail", last_name="Aldermoor"),
        make_person(
            username="pc.a3",
            manager=sgt_a,
            unit=team_a,
            first_name="Amir",
            last_name="Ashcombe",
            start_date=today - datetime.timedelta(days=10),
        ),
    ]
    team_b_people = [
        make_person(username="pc.b1", manager=sgt_b, unit=team_b, first_name="Bethan", last_name="Blackthorn"),
        make_person(username="pc.b2", manager=sgt_b, unit=team_b, first_name="Boris", last_name="Bramblecote"),
    ]
    team_c_people = [
        make_person(username="pc.c1", manager=sgt_c, unit=team_c, first_name="Ceri", last_name="Crabtree"),
    ]
    ld = make_person(username="ld.editor", unit=force, first_name="Lowri", last_name="Ledger", roles=[Role.LD_EDITOR])
    admin = make_person(
        username="compliance.admin", unit=force, first_name="Carys", last_name="Compton", roles=[Role.COMPLIANCE_ADMIN]
    )
    analyst = make_person(
        username="di.analyst", unit=force, first_name="Dewi", last_name="Datawell", roles=[Role.DI_ANALYST]
    )

    lfoh = make_requirement(name="Learning from our History", courses=["LFOH"], trigger="joining", trigger_days=60)
    moral = make_requirement(
        name="Moral Courage stage 1",
        courses=["MORAL-COURAGE-1"],
        include_leadership_levels=["first_line"],
        trigger="fixed_date",
        fixed_due_date=today + datetime.timedelta(days=20),
    )
    # One completion, so the counts have a completed item.
    completion_record(
        user=team_a_people[0].user,
        course=make_course("LFOH"),
        source="online",
        idempotency_key="a1-lfoh",
        completed_at=timezone.now() - datetime.timedelta(days=40),
    )
    sync_all()
    # A request for more time from the newest constable in team A.
    assignment = Assignment.objects.get(person=team_a_people[2], requirement=lfoh)
    request = extension_request_create(
        assignment=assignment,
        user=team_a_people[2].user,
        requested_due_date=assignment.due_date + datetime.timedelta(days=30),
        reason="On a course abroad",
    )
    return SimpleNamespace(
        today=today,
        units=SimpleNamespace(force=force, north=north, south=south, a=team_a, b=team_b, c=team_c),
        chief=chief,
        supt_north=supt_north,
        supt_south=supt_south,
        insp=insp,
        sgt_a=sgt_a,
        sgt_b=sgt_b,
        sgt_c=sgt_c,
        team_a=team_a_people,
        team_b=team_b_people,
        team_c=team_c_people,
        ld=ld,
        admin=admin,
        analyst=analyst,
        lfoh=lfoh,
        moral=moral,
        extension_request=request,
    )


@pytest.fixture
def force(db):
    return build_force()
