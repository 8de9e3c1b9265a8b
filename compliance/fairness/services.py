"""Writes for fairness analytics: the record of who looked at or exported which table."""

from compliance.models import AuditEvent

ACTION_VIEW = "fairness_view"
ACTION_EXPORT = "fairness_export"


def fairness_access_record(*, user, source: str, action: str, parameters: dict[str, str]) -> AuditEvent:
    """One audit event per view, export or API call: who, when (the event's time), what and
    with which parameters. The parameters are the validated choices, never a person's data."""
    what = "/".join(parameters.get(k, "") for k in ("measure", "characteristic", "breakdown"))
    fmt = parameters.get("format", "")
    verb = f"exported as {fmt.upper()}" if action == ACTION_EXPORT else "viewed"
    return AuditEvent.objects.create(
        actor=user if user is not None and user.is_authenticated else None,
        source=source,
        action=action,
        object_type="fairness_table",
        object_id=what[:64],
        summary=f"Fairness table {what} {verb}"[:500],
        changes={"parameters": dict(parameters)},
    )
