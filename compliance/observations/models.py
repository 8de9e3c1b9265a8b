"""The manager observation: some days after a learner completes a course that asks for it
(Moral Courage stage 1: 90), their line manager is asked what change in behaviour they have
seen. `courses` knows nothing of managers, so the prompt lives here.

One row per completion (the one-to-one makes creating it idempotent). It records who was
the line manager when the prompt was made, when it fell due, when the email went, and the
manager's answer. The answer is about the learner's practice: it is shown to the manager who
wrote it and the learner's line-management chain, and to L&D only in totals. It never joins
the learner's private reflections or the equality data.
"""

from django.db import models

from compliance.people.models.organisation import Person
from courses.privacy import Basis, PersonalData, Retention


class ObservedChange(models.TextChoices):
    CLEARLY_IMPROVED = "clearly_improved", "Clearly improved"
    SOME_CHANGE = "some_change", "Some change"
    NO_CHANGE = "no_change", "No change seen"
    NOT_ENOUGH_CONTACT = "not_enough_contact", "Not enough contact to say"


class ManagerObservation(models.Model):
    completion = models.OneToOneField(
        "courses.Completion", on_delete=models.PROTECT, related_name="manager_observation"
    )
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="observations_about")
    manager = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="observation_prompts",
        help_text="The learner's line manager when the prompt was made.",
    )
    due_on = models.DateField(help_text="Completion date plus the course's observation days.")
    created_at = models.DateTimeField(auto_now_add=True)
    prompted_at = models.DateTimeField(null=True, blank=True, help_text="When the manager was emailed.")
    observed_change = models.CharField(max_length=20, choices=ObservedChange.choices, blank=True)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    personal_data = PersonalData(
        about="What your line manager saw change in your behaviour some months after a course.",
        purpose="To judge whether training changes behaviour; reported in aggregate.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.FREE_TEXT,
        counts_from="recorded_at",
        seen_by="The person, in their own record; their line managers up the chain; L&D see rates in aggregate only.",
        subject="learner",
        identity=("learner", "manager", "recorded_by"),
        training=("completion", "course", "observed_change"),
        free_text=("notes",),
        other=("due_on", "created_at", "prompted_at", "recorded_at"),
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["manager", "recorded_at"], name="observation_manager_pending"),
            models.Index(fields=["prompted_at", "due_on"], name="observation_to_prompt"),
        ]
        constraints = [
            # Recorded means both an answer and a time; unrecorded means neither.
            models.CheckConstraint(
                condition=(
                    models.Q(recorded_at__isnull=True, observed_change="", recorded_by__isnull=True)
                    | (models.Q(recorded_at__isnull=False) & ~models.Q(observed_change=""))
                ),
                name="observation_recorded_has_answer",
            ),
            models.CheckConstraint(condition=~models.Q(learner=models.F("manager")), name="observation_not_self"),
        ]

    def __str__(self) -> str:
        return f"Observation of {self.learner_id} for completion {self.completion_id}"

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None
