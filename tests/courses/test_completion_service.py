import pytest
from django.db import transaction

from courses.models import Completion, CoursePage
from courses.services.completions import completion_record, completion_void
from courses.signals import completion_recorded
from tests.factories import UserFactory


@pytest.fixture
def course(db):
    from courses.models import CatalogueIndexPage

    catalogue = CatalogueIndexPage.objects.get()
    page = CoursePage(title="Moral Courage stage 3", course_code="MC-STAGE-3", slug="mc-3")
    catalogue.add_child(instance=page)
    return page


def test_recording_twice_gives_one_completion(course):
    user = UserFactory()
    first, created = completion_record(user=user, course=course, source="online", idempotency_key="enrolment:1")
    again, created_again = completion_record(user=user, course=course, source="online", idempotency_key="enrolment:1")
    assert created and not created_again
    assert first.pk == again.pk
    assert Completion.objects.count() == 1


def test_void_keeps_the_record_and_needs_a_reason(course):
    user = UserFactory()
    completion, _ = completion_record(user=user, course=course, source="manual", idempotency_key="manual:1")
    with pytest.raises(ValueError):
        completion_void(completion=completion, voided_by=user, reason="  ")
    completion_void(completion=completion, voided_by=user, reason="Recorded against the wrong person")
    completion.refresh_from_db()
    assert completion.voided_at is not None and not completion.is_valid
    assert Completion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_signal_is_sent_after_commit_only(live_site):
    from courses.models import CatalogueIndexPage

    catalogue = CatalogueIndexPage.objects.get()
    page = CoursePage(title="Course", course_code="C-1", slug="c-1")
    catalogue.add_child(instance=page)
    received = []

    def receiver(sender, completion_ids, **kwargs):
        received.extend(completion_ids)

    completion_recorded.connect(receiver)
    try:
        user = UserFactory()
        with transaction.atomic():
            completion_record(user=user, course=page, source="online", idempotency_key="k1")
            transaction.set_rollback(True)
        assert received == []
        completion, _ = completion_record(user=user, course=page, source="online", idempotency_key="k2")
        assert received == [completion.pk]
    finally:
        completion_recorded.disconnect(receiver)
