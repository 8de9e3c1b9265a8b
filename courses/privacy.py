"""The register of personal data, kept beside each model.

Every model of the product declares what it holds about people in a `personal_data`
attribute: `PersonalData` for a model holding personal data, `NoPersonalData` (with the
reason) for one that holds none; the tables of the libraries it installs that hold personal
data (sign-in records, sessions) have theirs in `OTHER_MODELS`. A `PersonalData` classifies
every field of the model, so a field added later without a place in the register fails `tests/privacy/test_register.py`.

The register is read by the administrators' register page and its CSV, the staff privacy
notice, subject access (each entry's `subject` says how to find a person's rows) and the
retention rules.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.db import models


class Category(models.TextChoices):
    IDENTITY = "identity", "Identity"
    TRAINING = "training", "Training record"
    FREE_TEXT = "free_text", "Free text"
    SPECIAL = "special", "Special category"


class Basis(models.TextChoices):
    """The lawful basis (UK GDPR Article 6; Article 9 and DPA 2018 Schedule 1 for special category data)."""

    PUBLIC_TASK = "public_task", "Public task (Article 6(1)(e)): training a police workforce and proving it"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (Article 6(1)(c)): the public sector equality duty"
    EQUALITY_MONITORING = (
        "equality_monitoring",
        "Public task with Article 9(2)(g) and DPA 2018 Schedule 1 paragraph 8: equality of opportunity monitoring",
    )
    POSITIVE_ACTION = (
        "positive_action",
        "Public task with Article 9(2)(g) and DPA 2018 Schedule 1 paragraph 8: positive action (Equality Act s158)",
    )


class Retention(models.TextChoices):
    """How long each kind of record is kept by default, and why (the privacy notice says the same)."""

    PERSON = "person", "While the person works for the force, then 6 years after they leave"
    TRAINING_RECORD = (
        "training_record",
        "6 years after the person leaves: proof of training for misconduct proceedings and legal claims",
    )
    FREE_TEXT = "free_text", "2 years after it was written: private reflections, notes and comments are not proof"
    EQUALITY = "equality", "Until the person leaves: monitoring needs current staff only"
    MESSAGES = "messages", "12 months after sending: long enough to answer 'was I told?'"
    AUDIT = "audit", "7 years: the audit trail must outlast the records it explains"
    SIGN_IN = "sign_in", "Until the person's account is closed; a session until it expires"
    SIGN_IN_RECORDS = "sign_in_records", "3 months after the sign-in: long enough to look into the misuse of an account"
    IMPORT_FILES = "import_files", "3 months after the import: long enough to check it, then the file goes"
    LEARNING_STATEMENTS = "learning_statements", "12 months after the learning record store took them"
    TALENT = "talent", "6 years after the cohort ends: evidence that selection was fair"
    AGGREGATES = "aggregates", "Kept: figures without names, published weekly"

    @property
    def default_months(self) -> int | None:
        """The default period in months (None: kept); a force may change it on the retention page."""
        return DEFAULT_MONTHS[self]


DEFAULT_MONTHS = {
    Retention.PERSON: 72,
    Retention.TRAINING_RECORD: 72,
    Retention.FREE_TEXT: 24,
    Retention.EQUALITY: 0,
    Retention.MESSAGES: 12,
    Retention.AUDIT: 84,
    Retention.SIGN_IN: 0,
    Retention.SIGN_IN_RECORDS: 3,
    Retention.IMPORT_FILES: 3,
    Retention.LEARNING_STATEMENTS: 12,
    Retention.TALENT: 72,
    Retention.AGGREGATES: None,
}


class Expiry(models.TextChoices):
    """What happens to a row when its retention period has run out (or it is erased on request)."""

    DELETE = "delete", "Deleted"
    BLANK = (
        "blank",
        (
            "Its free text and special category fields are erased (left empty, or reading [erased] where the "
            "record must say something); the rest is kept"
        ),
    )
    ANONYMISE = "anonymise", "Name, email, staff number and account replaced: nobody can tell who it was"
    KEEP = "keep", "Kept: nothing in it names the person once their own record is anonymised"


@dataclass(frozen=True)
class PersonalData:
    """What one model holds about people, why, for how long, and who may see it.

    `subject` finds a person's own rows: an ORM path from this model to a `people.Person` or to
    the login account (for example "enrolment__user"), several paths (any of them), or a
    function of the person returning a Q; empty for a model that holds no record about one
    person (an HR file as received). Every concrete field is listed once: under a category,
    or under `other` (keys, states and times that say nothing about a person on their own).

    `on_expiry` is what retention does to a row once its period has run, counted from the date
    at `counts_from` (an ORM path to a date, such as "person__end_date": a row whose date is
    empty, a person who has not left, is never due). Without `on_expiry`, a row with free text
    or special category fields has them blanked, and any other row is kept."""

    about: str
    purpose: str
    basis: Basis
    retention: Retention
    seen_by: str
    subject: str | tuple[str, ...] | Callable = ()
    identity: tuple[str, ...] = ()
    training: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    special: tuple[str, ...] = ()
    other: tuple[str, ...] = ()
    counts_from: str = ""
    on_expiry: Expiry | None = None
    model: type | None = field(default=None, compare=False)

    @property
    def expiry(self) -> Expiry:
        if self.on_expiry:
            return self.on_expiry
        return Expiry.BLANK if self.free_text or self.special else Expiry.KEEP

    def blanked_fields(self) -> tuple[str, ...]:
        return self.free_text + self.special

    def categories(self) -> dict[str, tuple[str, ...]]:
        return {
            Category.IDENTITY: self.identity,
            Category.TRAINING: self.training,
            Category.FREE_TEXT: self.free_text,
            Category.SPECIAL: self.special,
        }

    def personal_fields(self) -> tuple[str, ...]:
        return self.identity + self.training + self.free_text + self.special

    def classified(self) -> list[str]:
        return [*self.personal_fields(), *self.other]


@dataclass(frozen=True)
class NoPersonalData:
    reason: str


PRODUCT_APPS = (
    "courses",
    "audit",
    "people",
    "equality",
    "compliance",
    "observations",
    "reminders",
    "reporting",
    "fairness",
    "talent",
    "xapi",
    "privacy",
)


def _signed_in_as(person) -> models.Q:
    """The sign-in records kept under the person's username, as the throttle keys it (lower case)."""
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Lower

    if not person.user_id:
        return models.Q(pk__in=[])
    username = get_user_model().objects.filter(pk=person.user_id).values(key=Lower("username"))
    return models.Q(username__in=username)


def _sign_in_record(about: str, **fields) -> PersonalData:
    return PersonalData(
        about=about,
        purpose="To slow down password guessing and to look into the misuse of an account.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.SIGN_IN_RECORDS,
        counts_from="attempt_time",
        on_expiry=Expiry.DELETE,
        seen_by="Superusers.",
        subject=_signed_in_as,
        identity=("username", "ip_address", "user_agent"),
        **fields,
    )


# The tables of the libraries the product installs that hold personal data: their entries live
# here, as they cannot live beside their models. Each is in the register while its app is installed.
OTHER_MODELS: dict[str, PersonalData | NoPersonalData] = {
    "axes.AccessAttempt": _sign_in_record(
        "A password sign-in to your account that failed, counted by the sign-in throttle.",
        other=("http_accept", "path_info", "attempt_time", "get_data", "post_data", "failures_since_start"),
    ),
    "axes.AccessAttemptExpiration": NoPersonalData("When a failed sign-in stops counting: a date."),
    "axes.AccessLog": _sign_in_record(
        "Each time you signed in with a password, and signed out.",
        other=("http_accept", "path_info", "attempt_time", "logout_time", "session_hash"),
    ),
    "axes.AccessFailureLog": _sign_in_record(
        "Each password sign-in to your account that failed.",
        other=("http_accept", "path_info", "attempt_time", "locked_out"),
    ),
    "sessions.Session": PersonalData(
        about="That you are signed in, on each browser you use.",
        purpose="To keep you signed in between pages, until you sign out or the session expires.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.SIGN_IN,
        counts_from="expire_date",
        on_expiry=Expiry.DELETE,
        seen_by="Nobody: the site reads it for each page you open.",
        # Stored encoded, so not found by person (and a session key is a credential: it is never
        # shown); expired sessions are deleted at the first run after they expire.
        identity=("session_data",),
        other=("expire_date",),
    ),
}


def product_models() -> list[type]:
    """Every concrete model of the product's apps, in app order (proxies share their table's
    entry), then the other installed models the register covers."""
    order = {label: i for i, label in enumerate(PRODUCT_APPS)}
    found = [m for m in apps.get_models() if m._meta.app_label in order and m._meta.managed and not m._meta.proxy]
    others = [model for model in map(_installed, OTHER_MODELS) if model is not None]
    return sorted(found, key=lambda m: (order[m._meta.app_label], m._meta.model_name)) + others


def _installed(label: str) -> type | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def personal_data_of(model: type) -> PersonalData | NoPersonalData | None:
    """A model's entry: beside it, or for another library's model, in `OTHER_MODELS`."""
    return getattr(model, "personal_data", None) or OTHER_MODELS.get(model._meta.label)


def register() -> list[PersonalData]:
    """The entries of every model holding personal data, each with its model."""
    entries = []
    for model in product_models():
        entry = personal_data_of(model)
        if isinstance(entry, PersonalData):
            entries.append(replace(entry, model=model))
    return entries
