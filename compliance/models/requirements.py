"""Requirements: who must complete what, by when and how often.

The audience rule is kept as lists of codes (worker types, leadership levels, rank or grade
names, function codes, unit codes) rather than many-to-many tables: the sync evaluates every
rule in memory against people loaded in batches, so one implementation serves the full sync,
the incremental sync of a few people and the preview, with a constant number of queries.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models

from compliance.people.models.organisation import LeadershipLevel, WorkerType
from courses.privacy import NoPersonalData


class TriggerKind(models.TextChoices):
    JOINING = "joining", "Days after joining"
    ROLE_START = "role_start", "Days after entering their rank or leadership level"
    FUNCTION_GAINED = "function_gained", "Days after gaining a function"
    FIXED_DATE = "fixed_date", "A fixed date"
    REQUIREMENT_START = "requirement_start", "Days after the requirement starts"


class ExemptionDecider(models.TextChoices):
    COMPLIANCE_ADMIN = "compliance_admin", "Compliance administrators only"
    LINE_MANAGER = "line_manager", "The learner's line manager (or a compliance administrator)"


class RecurrenceKind(models.TextChoices):
    NONE = "none", "Once only"
    MONTHS = "months", "Every N months from the last completion"
    CALENDAR = "calendar", "Every year in a calendar month"


MONTHS = [
    (1, "January"),
    (2, "February"),
    (3, "March"),
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
]

RULE_LIST_FIELDS = [
    "include_worker_types",
    "include_leadership_levels",
    "include_ranks",
    "include_functions",
    "include_units",
    "exclude_worker_types",
    "exclude_leadership_levels",
    "exclude_ranks",
    "exclude_functions",
    "exclude_units",
]
# Everything an administrator states about a requirement besides its name, description and
# courses, in the order the admin form and the API show it.
RULE_FIELDS = [
    *RULE_LIST_FIELDS,
    "started_on_or_after",
    "trigger",
    "trigger_days",
    "trigger_function",
    "fixed_due_date",
    "triggered_on_or_after",
    "recurrence",
    "recurrence_months",
    "window_month",
    "window_opens_days",
    "minimum_active_days",
    "active_from",
    "active_to",
    "exemption_decided_by",
]


# Bounds a real rule stays well inside; beyond them a date is a typing mistake (year 9999)
# or a probe, and the preview would show nonsense.
RULE_LIMITS = {"trigger_days": 3660, "window_opens_days": 366, "minimum_active_days": 366, "recurrence_months": 120}
RULE_DATE_FIELDS = ["active_from", "active_to", "fixed_due_date", "triggered_on_or_after", "started_on_or_after"]
EARLIEST_RULE_DATE, LATEST_RULE_DATE = datetime.date(1900, 1, 1), datetime.date(2200, 12, 31)


def requirement_rule_errors(*, requirement: "Requirement") -> dict[str, str]:
    """Out-of-range numbers and dates, by field (empty when the rule is sensible). The model's
    clean() calls it, so the admin and the API give the same answers."""
    errors = {}
    for name, limit in RULE_LIMITS.items():
        value = getattr(requirement, name)
        if value is not None and not 0 <= value <= limit:
            errors[name] = f"Must be between 0 and {limit}."
    for name in RULE_DATE_FIELDS:
        value = getattr(requirement, name)
        if value is not None and not EARLIEST_RULE_DATE <= value <= LATEST_RULE_DATE:
            errors[name] = f"Must be between {EARLIEST_RULE_DATE:%d/%m/%Y} and {LATEST_RULE_DATE:%d/%m/%Y}."
    return errors


class Requirement(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="Shown to learners: what this is and why it matters.")
    courses = models.ManyToManyField(
        "courses.CoursePage",
        related_name="requirements",
        help_text="Completing any one of these courses satisfies the requirement.",
    )

    # Audience: within a dimension any value matches; dimensions that are set must all match.
    include_worker_types = models.JSONField(default=list, blank=True)
    include_leadership_levels = models.JSONField(default=list, blank=True)
    include_ranks = models.JSONField(default=list, blank=True, help_text="Rank or grade names.")
    include_functions = models.JSONField(default=list, blank=True, help_text="Function codes.")
    include_units = models.JSONField(default=list, blank=True, help_text="Unit codes; each includes its subtree.")
    exclude_worker_types = models.JSONField(default=list, blank=True)
    exclude_leadership_levels = models.JSONField(default=list, blank=True)
    exclude_ranks = models.JSONField(default=list, blank=True)
    exclude_functions = models.JSONField(default=list, blank=True)
    exclude_units = models.JSONField(default=list, blank=True)
    started_on_or_after = models.DateField(
        null=True, blank=True, help_text="Only people who joined on or after this date."
    )

    trigger = models.CharField(max_length=20, choices=TriggerKind.choices, default=TriggerKind.JOINING)
    trigger_days = models.PositiveIntegerField(
        default=90,
        help_text="Days allowed after the trigger date (for a fixed date: days allowed to whoever joins, is "
        "promoted into the audience or gains its function too late to meet it, or to everyone if it goes live late).",
    )
    trigger_function = models.CharField(
        max_length=50, blank=True, help_text="Function code, for the 'after gaining a function' trigger."
    )
    fixed_due_date = models.DateField(null=True, blank=True, help_text="Due date, for the 'fixed date' trigger.")
    triggered_on_or_after = models.DateField(
        null=True,
        blank=True,
        help_text="Only people whose trigger date (joining, promotion, function) is on or after this date, "
        "for example 'newly promoted' leaders.",
    )

    recurrence = models.CharField(max_length=10, choices=RecurrenceKind.choices, default=RecurrenceKind.NONE)
    recurrence_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For 'every N months': how many months a completion stays valid."
    )
    window_month = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=MONTHS, help_text="For 'every year': the month by the end of which it is due."
    )
    window_opens_days = models.PositiveIntegerField(
        default=30, help_text="For recurring requirements: the next cycle opens this many days before it is due."
    )
    minimum_active_days = models.PositiveIntegerField(
        default=180,
        help_text="For 'every year': a completion made less than this many days before the month's end also "
        "counts for the following year, so nobody is asked to repeat training they have only just done.",
    )

    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)
    exemption_decided_by = models.CharField(
        max_length=20,
        choices=ExemptionDecider.choices,
        default=ExemptionDecider.COMPLIANCE_ADMIN,
        help_text="Who decides a learner's request to be exempted from this requirement.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = NoPersonalData("A training rule: which roles must complete which courses by when, about no one.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True) | models.Q(active_to__gte=models.F("active_from")),
                name="requirement_active_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(trigger="fixed_date") | models.Q(fixed_due_date__isnull=False),
                name="requirement_fixed_trigger_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(trigger="function_gained") | ~models.Q(trigger_function=""),
                name="requirement_function_trigger_has_function",
            ),
            models.CheckConstraint(
                condition=~models.Q(recurrence="months") | models.Q(recurrence_months__gte=1),
                name="requirement_months_recurrence_has_months",
            ),
            models.CheckConstraint(
                condition=~models.Q(recurrence="calendar") | models.Q(window_month__gte=1, window_month__lte=12),
                name="requirement_calendar_recurrence_has_month",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.trigger == TriggerKind.FIXED_DATE and not self.fixed_due_date:
            errors["fixed_due_date"] = "A fixed-date requirement needs its due date."
        if self.trigger == TriggerKind.FUNCTION_GAINED and not self.trigger_function:
            errors["trigger_function"] = "Choose the function whose gaining starts the clock."
        if self.recurrence == RecurrenceKind.MONTHS and not self.recurrence_months:
            errors["recurrence_months"] = "Say how many months a completion stays valid."
        if self.recurrence == RecurrenceKind.CALENDAR and not self.window_month:
            errors["window_month"] = "Choose the month by the end of which it is due each year."
        if self.active_to and self.active_from and self.active_to < self.active_from:
            errors["active_to"] = "The end date is before the start date."
        valid = {
            "worker_types": set(WorkerType.values),
            "leadership_levels": set(LeadershipLevel.values),
        }
        for prefix in ("include", "exclude"):
            for dimension, allowed in valid.items():
                name = f"{prefix}_{dimension}"
                unknown = [v for v in getattr(self, name) or [] if v not in allowed]
                if unknown:
                    errors[name] = f"Unknown value(s): {', '.join(map(str, unknown))}."
        for name in RULE_LIST_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = "Must be a list of codes."
        for name, message in requirement_rule_errors(requirement=self).items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)
