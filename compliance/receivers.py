"""Signal receivers: how compliance reacts to changes elsewhere.

Both signals are sent after the sender's transaction has committed; the sync is enqueued
(and runs eagerly in the demo and the tests, where no broker is configured).
"""

from django.dispatch import receiver

from compliance.people.signals import people_changed
from courses.signals import completion_recorded, completion_voided


@receiver(people_changed, dispatch_uid="compliance.sync_people")
def on_people_changed(sender, person_ids, **kwargs):
    from compliance.tasks import sync_people

    sync_people.delay_on_commit(list(person_ids))


@receiver(completion_recorded, dispatch_uid="compliance.completion_recorded")
@receiver(completion_voided, dispatch_uid="compliance.completion_voided")
def on_completions_changed(sender, completion_ids, **kwargs):
    from compliance.tasks import sync_completions

    sync_completions.delay_on_commit(list(completion_ids))


def on_enrolment_saved(sender, instance, created, **kwargs):
    """A learner started a course: their assignment for it is now in progress."""
    if not created:
        return
    from compliance.people.models import Person
    from compliance.tasks import sync_people

    ids = list(Person.objects.filter(user_id=instance.user_id).values_list("pk", flat=True))
    if ids:
        sync_people.delay_on_commit(ids)


def _connect_enrolments() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    try:
        enrolment = apps.get_model("courses", "Enrolment")
    except LookupError:
        return
    post_save.connect(on_enrolment_saved, sender=enrolment, dispatch_uid="compliance.enrolment_started")


_connect_enrolments()
