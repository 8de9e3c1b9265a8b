from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from compliance.audit.models import AuditEvent


def audit_event_build(
    *,
    action: str,
    obj: Any,
    summary: str,
    source: str,
    actor: AbstractBaseUser | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """An unsaved event, for callers that write many at once with bulk_create."""
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        source=source,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        summary=summary[:500],
        changes=changes or {},
    )


def audit_event_record(**kwargs: Any) -> AuditEvent:
    event = audit_event_build(**kwargs)
    event.save()
    return event
