"""What the retention, erasure and hold screens share: a service's refusal put on the form, the
name of each kind of record, and what was done to the rows of each model said in words."""

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError

from courses.privacy import Expiry, Retention

# The short name of each kind of record (its label in `Retention` is the rule, not a name).
KIND_NAMES = {
    Retention.PERSON: "The person's own record",
    Retention.TRAINING_RECORD: "Training records",
    Retention.FREE_TEXT: "Free text: reflections, notes and comments",
    Retention.EQUALITY: "Equality records",
    Retention.MESSAGES: "Messages",
    Retention.AUDIT: "Audit trail and data protection requests",
    Retention.SIGN_IN: "Sign-in links and sessions",
    Retention.SIGN_IN_RECORDS: "Sign-in records",
    Retention.IMPORT_FILES: "Imported files",
    Retention.LEARNING_STATEMENTS: "Learning statements",
    Retention.TALENT: "Talent programmes",
    Retention.AGGREGATES: "Figures without names",
}

# What each action did, after a count ("3 deleted").
DONE = {
    Expiry.DELETE: "deleted",
    Expiry.BLANK: "had their free text erased",
    Expiry.ANONYMISE: "anonymised",
    Expiry.KEEP: "kept",
}


def kind_name(kind: str) -> str:
    kind = Retention(kind)
    return KIND_NAMES.get(kind) or kind.value.replace("_", " ").capitalize()


def record_name(model_or_label) -> str:
    """The register's name for a model's records ("Reflections"), from the model or its label."""
    model = model_or_label
    if isinstance(model_or_label, str):
        try:
            model = apps.get_model(model_or_label)
        except (LookupError, ValueError):
            return model_or_label
    return str(model._meta.verbose_name_plural).capitalize()


def done_lines(counts: dict) -> list[str]:
    """A run's or a decision's counts ({label: {"action", "rows"}}) as lines of words."""
    lines = []
    for label, done in counts.items():
        if not isinstance(done, dict):
            continue
        try:
            action = DONE[Expiry(done.get("action"))]
        except ValueError:
            action = str(done.get("action", ""))
        lines.append(f"{record_name(label)}: {done.get('rows', 0)} {action}")
    return lines


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: by field where it names one, else above the fields."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class Breadcrumbs:
    """For a Wagtail admin view: Home, the screens above this one, then this one (whose name
    is then shown, not only read out)."""

    def parent_crumbs(self) -> list[tuple[str, str]]:
        """(label, url) of each screen above this one."""
        return []

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            *({"url": url, "label": label} for label, url in self.parent_crumbs()),
            {"url": "", "label": self.get_page_title()},
        ]
