"""Equality-monitoring data, kept apart from the person record.

Lawful basis: UK DPA 2018 Schedule 1 paragraph 8 (equality of opportunity), which forbids
using these data for a decision about one person. So: no reverse accessor from `Person`,
no admin, no API or template that shows one record; only the fairness-analytics selectors
read it, in aggregate and with small cells suppressed, for the D&I analyst role.
A blank value means "not recorded", which is reported as a category of its own.
"""

from django.db import models

from courses.privacy import Basis, Expiry, PersonalData, Retention

PREFER_NOT_TO_SAY = ("prefer_not_to_say", "Prefer not to say")


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Ethnicity(models.TextChoices):
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class SexualOrientation(models.TextChoices):
    HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Other sexual orientation"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Religion(models.TextChoices):
    NO_RELIGION = "none", "No religion"
    CHRISTIAN = "christian", "Christian"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class AgeBand(models.TextChoices):
    UNDER_25 = "16-24", "16 to 24"
    FROM_25 = "25-34", "25 to 34"
    FROM_35 = "35-44", "35 to 44"
    FROM_45 = "45-54", "45 to 54"
    FROM_55 = "55+", "55 and over"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


CHARACTERISTICS = {
    "sex": Sex,
    "ethnicity": Ethnicity,
    "disability": Disability,
    "sexual_orientation": SexualOrientation,
    "religion": Religion,
    "age_band": AgeBand,
}


class EqualityRecord(models.Model):
    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=20, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    sexual_orientation = models.CharField(max_length=20, choices=SexualOrientation.choices, blank=True)
    religion = models.CharField(max_length=20, choices=Religion.choices, blank=True)
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData(
        about=(
            "Your equality monitoring information from HR: sex, ethnicity, disability, "
            "sexual orientation, religion and age band."
        ),
        purpose="To check that training and progression are fair, in aggregate only.",
        basis=Basis.EQUALITY_MONITORING,
        retention=Retention.EQUALITY,
        counts_from="person__end_date",
        on_expiry=Expiry.DELETE,
        seen_by=(
            "The person, in their own record and in the answer to their subject access request; HR integration "
            "sends it and never reads it back; the D&I analyst sees only suppressed, perturbed aggregate figures, "
            "never a record."
        ),
        subject="person",
        identity=("person",),
        special=("sex", "ethnicity", "disability", "sexual_orientation", "religion", "age_band"),
        other=("updated_at",),
    )

    class Meta:
        default_permissions = ()
        permissions = [("analyse_equality", "Can see aggregated, suppressed equality analytics")]

    def __str__(self) -> str:
        return "Equality record"
