"""The demo's representation and progression data: a community benchmark (illustrative shares,
labelled as such) and a promotion history for everyone whose rank or grade has one below it, so
the workforce, progression and participation pages show something on `make demo`."""

from django.utils import timezone

from compliance.fairness.models import CommunityBenchmark
from compliance.people.models import Person, RankChange, RankOrGrade
from compliance.people.models.history import LEVEL_ORDER

AREA = "West Midshire force area (illustrative figures)"
SOURCE = (
    "Illustrative shares written for this demo in the shape of the Census 2021 tables for residents aged 16 and "
    "over (sex, ethnic group, disability, sexual orientation, religion, age). They are not census figures for any "
    "real area: load the Office for National Statistics' tables for your force area instead."
)
# Per cent of residents aged 16 and over. Left out, as a census leaves them: "not answered".
SHARES = {
    "sex": {"female": 50.8, "male": 49.2},
    "ethnicity": {"white": 78.0, "asian": 12.5, "black": 4.3, "mixed": 3.0, "other": 2.2},
    "disability": {"yes": 18.0, "no": 82.0},
    "sexual_orientation": {"heterosexual": 89.6, "gay_lesbian": 1.5, "bisexual": 1.3, "other": 0.3},
    "religion": {
        "none": 35.0,
        "christian": 46.0,
        "muslim": 8.5,
        "sikh": 2.5,
        "hindu": 1.8,
        "buddhist": 0.5,
        "jewish": 0.3,
        "other": 0.6,
    },
    "age_band": {"16-24": 14.0, "25-34": 17.0, "35-44": 16.0, "45-54": 16.5, "55+": 36.5},
}


def _rank_below() -> dict[str, tuple[str, str]]:
    """{rank or grade: (the one below it, its level)}: the same kind and the next seniority down
    (never a student officer's, seniority 0), preferring a name that ends or starts the same way
    ("Chief Inspector" after "Inspector", "Grade C" after "Grade B") and not a special's."""
    ranks = list(
        RankOrGrade.objects.order_by("kind", "seniority", "name").values_list(
            "name", "kind", "seniority", "leadership_level"
        )
    )
    below = {}
    for name, kind, seniority, _ in ranks:
        lower = [r for r in ranks if r[1] == kind and 1 <= r[2] < seniority]
        if not lower:
            continue
        top = max(r[2] for r in lower)
        candidates = [r for r in lower if r[2] == top]
        words = name.split()

        def preference(r, words=words, name=name):
            other = r[0].split()
            return (
                other[-1] != words[-1],
                other[0] != words[0],
                r[0].startswith("Special") != name.startswith("Special"),
                r[0],
            )

        best = min(candidates, key=preference)
        below[name] = (best[0], best[3])
    return below


def load_representation_demo(*, stdout=None) -> None:
    now = timezone.now()
    CommunityBenchmark.objects.create(area=AREA, source=SOURCE, shares=SHARES, file_name="", loaded_at=now)
    below = _rank_below()
    first_rows = {
        row.person_id: row for row in RankChange.objects.filter(previous_rank_or_grade="", previous_leadership_level="")
    }
    earlier, promoted = [], []
    people = Person.objects.filter(pk__in=list(first_rows)).values_list(
        "pk", "rank_or_grade", "leadership_level", "start_date", "role_start_date"
    )
    for pk, rank, level, start, role_start in people:
        if rank not in below or role_start <= start:
            continue
        old_rank, old_level = below[rank]
        earlier.append(
            RankChange(
                person_id=pk,
                started_on=start,
                rank_or_grade=old_rank,
                leadership_level=old_level,
                source="load_demo",
                recorded_at=now,
            )
        )
        row = first_rows[pk]
        row.previous_rank_or_grade, row.previous_leadership_level = old_rank, old_level
        row.promotion = True
        row.level_entry = LEVEL_ORDER[level] > LEVEL_ORDER[old_level]
        promoted.append(row)
    RankChange.objects.bulk_create(earlier, batch_size=2000)
    RankChange.objects.bulk_update(
        promoted, ["previous_rank_or_grade", "previous_leadership_level", "promotion", "level_entry"], batch_size=2000
    )
    if stdout is not None:
        stdout.write(
            f"Loaded a community benchmark (illustrative) and {len(promoted)} promotions into the rank history."
        )
