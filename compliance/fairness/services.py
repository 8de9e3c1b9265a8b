"""Writes for fairness analytics: the weekly releases of the tables, and the record of who looked
at or exported which table."""

import datetime
import json
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.models import AuditEvent
from courses.conf import lms_setting

from .models import Release
from .selectors import PageInputs, RatePage, categories_for, fairness_inputs, protect_inputs

ACTION_VIEW = "fairness_view"
ACTION_EXPORT = "fairness_export"
ACTION_PUBLISH = "fairness_publish"


def release_week(today: datetime.date) -> datetime.date:
    """The Monday of `today`'s week: a release covers Monday to Sunday."""
    return today - datetime.timedelta(days=today.weekday())


def fairness_release_inputs(
    *, characteristic: str, measure: str, breakdown: str, threshold: int | None = None, today=None
) -> PageInputs:
    """This week's counts for a table: taken at the first look in the week and kept, so every look
    in the week shows the same figures (get-or-create, safe when two requests race)."""
    if threshold is None:
        threshold = lms_setting("FAIRNESS_THRESHOLD")
    today = today or timezone.localdate()
    key = {
        "measure": measure,
        "characteristic": characteristic,
        "breakdown": breakdown,
        "week": release_week(today),
        "threshold": threshold,
    }
    found = Release.objects.filter(**key).values_list("inputs", flat=True).first()
    if found is not None:
        return PageInputs.from_json(found)
    inputs = fairness_inputs(
        characteristic=characteristic, measure=measure, breakdown=breakdown, threshold=threshold, today=today
    )
    try:
        with transaction.atomic():
            Release.objects.create(**key, inputs=inputs.to_json(), taken_at=inputs.taken_at)
    except IntegrityError:  # another request took this week's counts first: show those
        return PageInputs.from_json(Release.objects.filter(**key).values_list("inputs", flat=True).get())
    return inputs


def fairness_release_page(
    *,
    characteristic: str,
    measure: str,
    breakdown: str,
    grouping: str = "fine",
    threshold: int | None = None,
    today=None,
) -> RatePage:
    """The protected page of this week's release: what the site, the exports and the API show."""
    if threshold is None:
        threshold = lms_setting("FAIRNESS_THRESHOLD")
    categories_for(characteristic, grouping)  # validates before anything is counted
    inputs = fairness_release_inputs(
        characteristic=characteristic, measure=measure, breakdown=breakdown, threshold=threshold, today=today
    )
    return _protected(json.dumps(inputs.to_json(), sort_keys=True), grouping, threshold)


@lru_cache(maxsize=128)
def _protected(inputs: str, grouping: str, threshold: int) -> RatePage:
    """Protecting a page takes from a tenth of a second to several seconds (the audit's linear
    programs), and the same counts always give the same page: so each process keeps the pages of
    the releases it has shown (immutable values, keyed by the counts themselves)."""
    return protect_inputs(inputs=PageInputs.from_json(json.loads(inputs)), grouping=grouping, threshold=threshold)


def fairness_access_record(*, user, source: str, action: str, parameters: dict[str, str]) -> AuditEvent:
    """One audit event per view, export or API call: who, when (the event's time), what and
    with which parameters. The parameters are the validated choices, never a person's data."""
    what = "/".join(parameters.get(k, "") for k in ("measure", "characteristic", "breakdown"))
    fmt = parameters.get("format", "")
    if action == ACTION_EXPORT:
        verb = f"exported as {fmt.upper()}"
    elif action == ACTION_PUBLISH:
        verb = f"exported for publication as {fmt.upper()}"
    else:
        verb = "viewed"
    return AuditEvent.objects.create(
        actor=user if user is not None and user.is_authenticated else None,
        source=source,
        action=action,
        object_type="fairness_table",
        object_id=what[:64],
        summary=f"Fairness table {what} {verb}"[:500],
        changes={"parameters": dict(parameters)},
    )
