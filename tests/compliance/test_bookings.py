"""Face-to-face places go to the people a course is required of; other courses are open to all."""

import pytest

from compliance.services.sync import sync_people
from courses.models import Booking
from tests.compliance.factories import make_course, make_requirement
from tests.courses.test_sessions import make_session
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage1():
    course = make_course("MC-STAGE-1", title="Moral Courage stage 1")
    make_requirement(courses=[course], include_leadership_levels=["first_line"], trigger="joining")
    return make_session(course, capacity=5)


def test_only_the_people_it_is_required_of_can_book(client, stage1):
    sergeant = make_person(username="sgt", rank_or_grade="Sergeant", leadership_level="first_line")
    constable = make_person(username="pc", manager=sergeant)
    sync_people(person_ids=[sergeant.pk, constable.pk])

    client.force_login(constable.user)
    refused = client.post(f"/learning/sessions/{stage1.pk}/book/", follow=True)
    assert "are for the people it is required of" in refused.content.decode()
    assert not Booking.objects.filter(user=constable.user).exists()

    client.force_login(sergeant.user)
    client.post(f"/learning/sessions/{stage1.pk}/book/")
    assert Booking.objects.filter(user=sergeant.user, session=stage1).exists()


def test_a_course_nobody_is_required_to_take_is_open_to_all(client):
    session = make_session(make_course("OPTIONAL-1"), capacity=5)
    constable = make_person(username="pc")
    client.force_login(constable.user)
    client.post(f"/learning/sessions/{session.pk}/book/")
    assert Booking.objects.filter(user=constable.user, session=session).exists()


def test_a_withdrawn_obligation_does_not_give_a_place(client, stage1):
    sergeant = make_person(username="sgt", rank_or_grade="Sergeant", leadership_level="first_line")
    sync_people(person_ids=[sergeant.pk])
    sergeant.leadership_level = "none"
    sergeant.rank_or_grade = "Constable"
    sergeant.save()
    sync_people(person_ids=[sergeant.pk])
    client.force_login(sergeant.user)
    client.post(f"/learning/sessions/{stage1.pk}/book/")
    assert not Booking.objects.filter(user=sergeant.user).exists()
