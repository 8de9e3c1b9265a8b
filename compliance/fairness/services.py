"""Writes for fairness analytics: the weekly releases of the tables, the record of who looked at or
exported which table, and the community benchmark the analyst loads."""

import datetime
import json
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.audit.models import AuditEvent
from courses.conf import lms_setting

from .models import CommunityBenchmark, Release
from .representation import (
    PARTICIPATION,
    WORKFORCE,
    Period,
    ProgressPage,
    WorkforcePage,
    participation_inputs,
    period_for,
    periods_offered,
    progression_inputs,
    protect_progress,
    protect_workforce,
    workforce_inputs,
)
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


# --- representation and progression: the same weekly releases ----------------------------------

TREND_WEEKS = 12


def release_inputs(*, measure: str, characteristic: str, breakdown: str, threshold: int, today, compute) -> PageInputs:
    """This week's counts for a table, counted by `compute()` at the first look in the week and
    kept (get-or-create, safe when two requests race)."""
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
    inputs = compute()
    try:
        with transaction.atomic():
            Release.objects.create(**key, inputs=inputs.to_json(), taken_at=inputs.taken_at)
    except IntegrityError:
        return PageInputs.from_json(Release.objects.filter(**key).values_list("inputs", flat=True).get())
    return inputs


def _threshold(threshold: int | None) -> int:
    return lms_setting("FAIRNESS_THRESHOLD") if threshold is None else threshold


@lru_cache(maxsize=256)
def _protected_workforce(inputs: str, grouping: str, threshold: int) -> WorkforcePage:
    return protect_workforce(inputs=PageInputs.from_json(json.loads(inputs)), grouping=grouping, threshold=threshold)


@lru_cache(maxsize=256)
def _protected_progress(inputs: str, grouping: str, threshold: int, column_noun: str) -> ProgressPage:
    return protect_progress(
        inputs=PageInputs.from_json(json.loads(inputs)), grouping=grouping, threshold=threshold, column_noun=column_noun
    )


def _key(inputs: PageInputs) -> str:
    return json.dumps(inputs.to_json(), sort_keys=True)


def workforce_release_page(
    *, characteristic: str, breakdown: str, grouping: str = "fine", threshold: int | None = None, today=None
) -> WorkforcePage:
    """The protected workforce table of this week's release."""
    threshold, today = _threshold(threshold), today or timezone.localdate()
    categories_for(characteristic, grouping)
    inputs = release_inputs(
        measure=WORKFORCE,
        characteristic=characteristic,
        breakdown=breakdown,
        threshold=threshold,
        today=today,
        compute=lambda: workforce_inputs(characteristic=characteristic, breakdown=breakdown, threshold=threshold),
    )
    return _protected_workforce(_key(inputs), grouping, threshold)


def workforce_trend(
    *, characteristic: str, breakdown: str, grouping: str = "fine", threshold: int | None = None, today=None
) -> list[tuple[datetime.date, WorkforcePage]]:
    """The same table in each of the last weeks with a release (this week's first), protected
    release by release: one query for the releases."""
    threshold, today = _threshold(threshold), today or timezone.localdate()
    releases = Release.objects.filter(
        measure=WORKFORCE,
        characteristic=characteristic,
        breakdown=breakdown,
        threshold=threshold,
        week__lte=release_week(today),
    ).order_by("-week")[:TREND_WEEKS]
    return [
        (week, _protected_workforce(json.dumps(inputs, sort_keys=True), grouping, threshold))
        for week, inputs in releases.values_list("week", "inputs")
    ]


def progression_release_page(
    *,
    characteristic: str,
    measure: str,
    period: str,
    grouping: str = "fine",
    threshold: int | None = None,
    today=None,
) -> ProgressPage:
    """Promotion or leadership entry in a financial year, from this week's release."""
    threshold, today = _threshold(threshold), today or timezone.localdate()
    categories_for(characteristic, grouping)
    year = period_for(period, release_week(today))
    inputs = release_inputs(
        measure=measure,
        characteristic=characteristic,
        breakdown=year.key,
        threshold=threshold,
        today=today,
        compute=lambda: progression_inputs(
            characteristic=characteristic, measure=measure, period=year, threshold=threshold
        ),
    )
    return _protected_progress(_key(inputs), grouping, threshold, "leadership level at the start of the year")


def participation_release_page(
    *,
    characteristic: str,
    programme: str,
    period: str,
    grouping: str = "fine",
    threshold: int | None = None,
    today=None,
) -> ProgressPage:
    """Taking part in a training programme in a financial year, from this week's release."""
    threshold, today = _threshold(threshold), today or timezone.localdate()
    categories_for(characteristic, grouping)
    year = period_for(period, release_week(today))
    inputs = release_inputs(
        measure=PARTICIPATION,
        characteristic=characteristic,
        breakdown=f"{year.key}:{programme}",
        threshold=threshold,
        today=today,
        compute=lambda: participation_inputs(
            characteristic=characteristic, programme=programme, period=year, threshold=threshold
        ),
    )
    return _protected_progress(_key(inputs), grouping, threshold, "unit")


def yearly_trend(page_for, *, today=None) -> list[tuple[Period, ProgressPage]]:
    """A rate page for each financial year offered (most recent first), each its own release."""
    today = today or timezone.localdate()
    return [(period, page_for(period=period.key, today=today)) for period in periods_offered(release_week(today))]


# --- the community benchmark ---------------------------------------------------------------------

ACTION_BENCHMARK = "fairness_benchmark_loaded"


def benchmark_load(*, user, area: str, source: str, file_name: str, shares: dict) -> CommunityBenchmark:
    """Keep a validated benchmark (`benchmark.parse_benchmark`) as the current one, audited."""
    with transaction.atomic():
        benchmark = CommunityBenchmark.objects.create(
            area=area,
            source=source,
            shares=shares,
            file_name=file_name[:200],
            loaded_by=user if user is not None and user.is_authenticated else None,
            loaded_at=timezone.now(),
        )
        AuditEvent.objects.create(
            actor=benchmark.loaded_by,
            source="site",
            action=ACTION_BENCHMARK,
            object_type="community_benchmark",
            object_id=str(benchmark.pk),
            summary=f"Community benchmark for {area} loaded from {file_name}"[:500],
            changes={"area": area, "source": source, "characteristics": sorted(shares)},
        )
    return benchmark


def current_benchmark() -> CommunityBenchmark | None:
    return CommunityBenchmark.objects.order_by("-loaded_at", "-pk").first()
