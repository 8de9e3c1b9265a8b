from django.core.exceptions import ValidationError


class LearningError(ValidationError):
    """A request a learner, facilitator or client may correct: shown as a clear message,
    never a server error. `field_errors` maps a field (or question id) to its message."""

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None, code: str = "invalid"):
        super().__init__(message, code=code)
        self.field_errors = field_errors or {}
