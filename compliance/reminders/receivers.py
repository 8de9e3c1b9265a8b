"""How reminders react to the compliance engine's and courses' signals: each plans its message
inside the transaction that caused it."""

from django.dispatch import receiver

from compliance.signals import extension_request_decided, extension_requested
from courses.signals import booking_place_given

from .services import booking_place_notify, extension_decision_notify, extension_request_notify


@receiver(extension_requested, dispatch_uid="reminders.extension_requested")
def on_extension_requested(sender, request, **kwargs):
    extension_request_notify(request=request)


@receiver(extension_request_decided, dispatch_uid="reminders.extension_request_decided")
def on_extension_request_decided(sender, request, actor, **kwargs):
    extension_decision_notify(request=request)


@receiver(booking_place_given, dispatch_uid="reminders.booking_place_given")
def on_booking_place_given(sender, booking, **kwargs):
    booking_place_notify(booking=booking)
