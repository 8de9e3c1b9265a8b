"""Each person's history of rank or grade and leadership level: the facts progression is
counted from (promotion and entry into a leadership level, by group, in the fairness analytics).

A row is written whenever a person's rank or grade or leadership level changes (the HR import,
the only writer of both), with the date the new one started; the migration that added the table
wrote one row per person then on record, from their role start date. Rows are never edited.
"""

from django.db import models

from courses.privacy import Basis, PersonalData, Retention

from .organisation import LeadershipLevel

# Leadership levels from the bottom up: entering a later one is entering a leadership level.
LEVEL_ORDER = {level: i for i, level in enumerate(LeadershipLevel.values)}


class RankChange(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="rank_changes")
    started_on = models.DateField(help_text="The day the rank or grade and level below started.")
    rank_or_grade = models.CharField(max_length=64)
    leadership_level = models.CharField(max_length=20, choices=LeadershipLevel.choices)
    previous_rank_or_grade = models.CharField(max_length=64, blank=True, help_text="Blank for a joiner.")
    previous_leadership_level = models.CharField(max_length=20, choices=LeadershipLevel.choices, blank=True)
    promotion = models.BooleanField(
        default=False,
        help_text="A more senior rank or grade, or a higher leadership level.",
    )
    level_entry = models.BooleanField(default=False, help_text="A higher leadership level than before.")
    source = models.CharField(max_length=40, help_text="What wrote it: the HR import or the API.")
    recorded_at = models.DateTimeField()

    personal_data = PersonalData(
        about="Your rank or grade history: each change, and whether it was a promotion.",
        purpose="To assign training on promotion and to report progression in aggregate.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.PERSON,
        seen_by="Compliance administrators; the D&I analyst in aggregate only.",
        subject="person",
        identity=("person",),
        training=(
            "started_on",
            "rank_or_grade",
            "leadership_level",
            "previous_rank_or_grade",
            "previous_leadership_level",
            "promotion",
            "level_entry",
        ),
        other=("source", "recorded_at"),
    )

    class Meta:
        default_permissions = ("view",)
        ordering = ["person_id", "started_on", "pk"]
        indexes = [models.Index(fields=["person", "started_on"], name="rank_change_person_date")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(level_entry=True) | models.Q(promotion=True), name="rank_change_entry_is_promotion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.rank_or_grade} from {self.started_on}"


def classify_change(
    *, old_rank: str, old_level: str, new_rank: str, new_level: str, seniority: dict[str, tuple[str, int]]
) -> tuple[bool, bool]:
    """(promotion, level_entry) for a change from one rank or grade and level to another.
    `seniority`: {rank name: (kind, seniority)} from the ranks and grades table. A higher level is
    both; otherwise a more senior rank or grade of the same kind (a rank to a rank, a grade to a
    grade) is a promotion. A joiner (no old rank) is neither."""
    if not old_rank and not old_level:
        return False, False
    up_level = LEVEL_ORDER.get(new_level, 0) > LEVEL_ORDER.get(old_level, 0)
    if up_level:
        return True, True
    old, new = seniority.get(old_rank), seniority.get(new_rank)
    if old is None or new is None or old[0] != new[0]:
        return False, False
    return new[1] > old[1] and LEVEL_ORDER.get(new_level, 0) >= LEVEL_ORDER.get(old_level, 0), False
