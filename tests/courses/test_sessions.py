import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from courses.models import Booking, Completion, FaceToFaceSession
from courses.services.errors import LearningError
from courses.services.sessions import attendance_mark, booking_cancel, booking_create
from tests.courses.conftest import correct_answers, make_course, post_answers
from tests.factories import UserFactory


def make_session(course, capacity=2, days=7, **fields):
    start = timezone.now() + datetime.timedelta(days=days)
    return FaceToFaceSession.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        venue="Training room 4",
        capacity=capacity,
        **fields,
    )


def start(session):
    """The session has begun: its register can be marked (it was booked while in the future)."""
    FaceToFaceSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=30))
    session.refresh_from_db()
    return session


@pytest.fixture
def blended(db):
    return make_course(code="MC-STAGE-1", delivery_mode="blended")


@pytest.mark.django_db
def test_a_full_session_offers_the_waiting_list_and_a_freed_place_goes_to_the_first(
    blended, django_capture_on_commit_callbacks
):
    session = make_session(blended, capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory(email="third@force.example")
    assert booking_create(user=first, session=session).status == "booked"
    with pytest.raises(LearningError):
        booking_create(user=second, session=session, waitlist_ok=False)
    assert booking_create(user=second, session=session).status == "waitlisted"
    assert booking_create(user=third, session=session).status == "waitlisted"
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(user=first, booking=Booking.objects.get(user=first))
    assert Booking.objects.get(user=second, status__in=["booked", "waitlisted"]).status == "booked"
    assert Booking.objects.get(user=third).status == "waitlisted"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [second.email]
    assert "now yours" in mail.outbox[0].body


@pytest.mark.django_db
def test_booking_twice_is_one_booking_and_one_per_course(blended):
    session, other = make_session(blended), make_session(blended, days=14)
    user = UserFactory()
    assert booking_create(user=user, session=session).pk == booking_create(user=user, session=session).pk
    with pytest.raises(LearningError, match="already have a place"):
        booking_create(user=user, session=other)


@pytest.mark.django_db
def test_cannot_cancel_someone_elses_booking_over_http(client, blended):
    session = make_session(blended)
    booking = booking_create(user=UserFactory(), session=session)
    client.force_login(UserFactory())
    assert client.post(f"/learning/bookings/{booking.pk}/cancel/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == "booked"


@pytest.mark.django_db
def test_past_and_cancelled_sessions_cannot_be_booked(blended):
    with pytest.raises(LearningError):
        booking_create(user=UserFactory(), session=make_session(blended, days=-1))
    with pytest.raises(LearningError):
        booking_create(user=UserFactory(), session=make_session(blended, cancelled=True))


@pytest.mark.django_db
def test_attendance_and_modules_complete_a_blended_course(client, blended):
    from courses.models import ModulePage

    facilitator = UserFactory()
    session = make_session(blended, facilitator=facilitator)
    learner = UserFactory()
    booking = booking_create(user=learner, session=session)
    client.force_login(learner)
    modules = list(ModulePage.objects.child_of(blended).order_by("path"))
    post_answers(client, modules[0], correct_answers(modules[0]))
    client.post(f"/learning/modules/{modules[1].pk}/complete/")
    assert not Completion.objects.exists()  # still needs the session
    start(session)
    with pytest.raises(LearningError):
        attendance_mark(session=session, marked_by=UserFactory(), attended_booking_ids={booking.pk})
    attendance_mark(session=session, marked_by=facilitator, attended_booking_ids={booking.pk})
    attendance_mark(session=session, marked_by=facilitator, attended_booking_ids={booking.pk})
    completion = Completion.objects.get()
    assert completion.user == learner and completion.course_id == blended.pk


@pytest.mark.django_db
def test_attendance_alone_completes_a_face_to_face_event():
    event = make_course(code="MC-STAGE-2-XXL", delivery_mode="face_to_face", modules=())
    facilitator = UserFactory()
    session = make_session(event, facilitator=facilitator)
    booking = booking_create(user=UserFactory(), session=session)
    start(session)
    attendance_mark(session=session, marked_by=facilitator, attended_booking_ids={booking.pk})
    assert Completion.objects.get().source == "attendance"


@pytest.mark.django_db
def test_register_page_for_the_facilitator_only(client, blended):
    facilitator = UserFactory()
    session = make_session(blended, facilitator=facilitator)
    booking = booking_create(user=UserFactory(first_name="Sam", last_name="Patel"), session=session)
    start(session)
    client.force_login(UserFactory())
    assert client.get(f"/learning/sessions/{session.pk}/register/").status_code == 403
    client.force_login(facilitator)
    assert "Sam Patel" in client.get(f"/learning/sessions/{session.pk}/register/").content.decode()
    bad = client.post(f"/learning/sessions/{session.pk}/register/", {"attended": ["abc"]})
    assert bad.status_code == 400
    forged = client.post(f"/learning/sessions/{session.pk}/register/", {"attended": ["999999"]})
    assert forged.status_code == 400 and "not booked" in forged.content.decode()
    client.post(f"/learning/sessions/{session.pk}/register/", {"attended": [str(booking.pk)]})
    booking.refresh_from_db()
    assert booking.attended is True


@pytest.mark.django_db
def test_course_page_offers_booking_then_waiting_list(client, blended):
    session = make_session(blended, capacity=1)
    client.force_login(UserFactory())
    html = client.get(blended.url).content.decode()
    assert "Book" in html
    client.post(f"/learning/sessions/{session.pk}/book/")
    client.force_login(UserFactory())
    html = client.get(blended.url).content.decode()
    assert "Join the waiting list" in html


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_under_parallel_booking(live_site, on_postgres):
    """Twelve people press Book at once on a session with five places."""
    course = make_course(code="PARALLEL", delivery_mode="blended", modules=())
    session = make_session(course, capacity=5)
    users = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(users))
    errors = []

    def book(user):
        try:
            barrier.wait()
            booking_create(user=user, session=session)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Booking.objects.filter(session=session, status="booked").count() == 5
    assert Booking.objects.filter(session=session, status="waitlisted").count() == 7


@pytest.mark.django_db
def test_the_register_cannot_be_marked_before_the_session_starts(client, blended):
    facilitator = UserFactory()
    session = make_session(blended, facilitator=facilitator)
    booking = booking_create(user=UserFactory(first_name="Sam", last_name="Patel"), session=session)
    with pytest.raises(LearningError, match="once the session has started"):
        attendance_mark(session=session, marked_by=facilitator, attended_booking_ids={booking.pk})
    client.force_login(facilitator)
    page = client.get(f"/learning/sessions/{session.pk}/register/")
    html = page.content.decode()
    assert page.status_code == 200 and "Sam Patel" in html  # the list can be viewed
    assert "Attendance cannot be marked yet" in html and "Save the register" not in html
    refused = client.post(f"/learning/sessions/{session.pk}/register/", {"attended": [str(booking.pk)]})
    assert refused.status_code == 400 and "once the session has started" in refused.content.decode()
    assert "<title>Error: " in refused.content.decode()
    booking.refresh_from_db()
    assert booking.attended is None and not Completion.objects.exists()
    start(session)
    client.post(f"/learning/sessions/{session.pk}/register/", {"attended": [str(booking.pk)]})
    booking.refresh_from_db()
    assert booking.attended is True
