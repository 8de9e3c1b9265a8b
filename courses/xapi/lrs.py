"""The learning record store: its configuration (the plugin's `INCLUSION_LMS` options) and the
one request made to it, `PUT {endpoint}/statements?statementId=<id>` (xAPI 1.0.3, Communication
2.1.1), which an LRS answers 204 whether it stores the statement now or already had it: a
resend never duplicates."""

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.core.exceptions import ImproperlyConfigured

from courses.conf import lms_setting

XAPI_VERSION = "1.0.3"
# What the LRS answers that no retry will change: the statement itself is refused (400, 413),
# or the LRS already holds a different statement with this id (409).
REFUSED = frozenset({400, 409, 413})


@dataclass(frozen=True)
class LrsConfig:
    endpoint: str
    username: str
    password: str
    timeout: float

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"


def lrs_config() -> LrsConfig | None:
    """The configured LRS, or None when there is none (nothing is recorded then)."""
    endpoint = lms_setting("XAPI_LRS_ENDPOINT")
    if not endpoint:
        return None
    parts = urlsplit(str(endpoint))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            f"INCLUSION_LMS['XAPI_LRS_ENDPOINT'] must be the LRS's http(s) address, not {endpoint!r}."
        )
    try:
        timeout = float(lms_setting("XAPI_LRS_TIMEOUT"))
    except (TypeError, ValueError):
        raise ImproperlyConfigured("INCLUSION_LMS['XAPI_LRS_TIMEOUT'] must be a number of seconds.") from None
    return LrsConfig(
        endpoint=str(endpoint),
        username=str(lms_setting("XAPI_LRS_USERNAME") or ""),
        password=str(lms_setting("XAPI_LRS_PASSWORD") or ""),
        timeout=timeout,
    )


class LrsError(Exception):
    """The LRS did not take the statement. `permanent`: it refused this statement (no retry
    helps); otherwise it failed or could not be reached, and a later try may succeed."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def lrs_session(config: LrsConfig) -> requests.Session:
    session = requests.Session()
    if config.username or config.password:
        session.auth = (config.username, config.password)
    session.headers.update({"X-Experience-API-Version": XAPI_VERSION, "Content-Type": "application/json"})
    return session


def statement_put(*, session: requests.Session, config: LrsConfig, statement: dict) -> None:
    """Store one statement under its own id; LrsError when the LRS did not take it."""
    try:
        response = session.put(
            config.statements_url, params={"statementId": statement["id"]}, json=statement, timeout=config.timeout
        )
    except requests.RequestException as error:
        raise LrsError(f"The LRS could not be reached: {type(error).__name__}: {error}") from error
    if response.status_code in (200, 204):
        return
    detail = " ".join(response.text.split())[:300]
    raise LrsError(
        f"The LRS answered {response.status_code}: {detail or response.reason}",
        permanent=response.status_code in REFUSED,
    )
