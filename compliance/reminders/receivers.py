"""How reminders react to the compliance engine's signals."""

from django.dispatch import receiver

from compliance.signals import extension_request_decided

from .services import extension_decision_notify


@receiver(extension_request_decided, dispatch_uid="reminders.extension_request_decided")
def on_extension_request_decided(sender, request, actor, **kwargs):
    extension_decision_notify(request=request, actor=actor)
