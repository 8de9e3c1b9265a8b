"""The log scan the whole suite runs under (tests/conftest.py) finds what it must, and the
product's own log lines about people name them by an opaque id only."""

import logging

import pytest

from tests.privacy.logscan import LogScan, personal_data_in


@pytest.mark.parametrize(
    "line, found",
    [
        ("Sending to pc.jones@force.example failed", "email address 'pc.jones@force.example'"),
        ("Sign-in refused for Aisha Khan", "full name 'Aisha Khan'"),
        ("Group Muslim has 4 people", "characteristic 'Muslim'"),
        ("Benchmark took 4.2 s for 50000 people", None),
        ("Reminder 12 sent to person 40", None),
    ],
)
def test_the_scan_finds_personal_data_and_nothing_else(line, found):
    assert personal_data_in(line) == ([found] if found else [])


def test_the_scan_handler_collects_what_is_logged():
    scan = LogScan()
    logger = logging.getLogger("tests.privacy.scan")
    logger.addHandler(scan)
    logger.propagate = False  # kept from the suite's own scan, which would rightly fail on it
    try:
        logger.warning("Could not reach %s", "someone@force.example")
        logger.warning("Could not reach person %s", 40)
    finally:
        logger.removeHandler(scan)
    assert len(scan.found) == 1 and "email address" in scan.found[0]


def test_a_refused_sign_in_is_logged_without_the_persons_identity(caplog):
    from compliance.oidc.backend import PersonOIDCBackend

    backend = PersonOIDCBackend()
    described = backend.describe_user_by_claims(
        {"sub": "pc.jones@force.example", "email": "pc.jones@force.example", "name": "Aisha Khan"}
    )
    assert described.startswith("subject #") and len(described) == len("subject #") + 12
    assert "pc.jones" not in described and "Aisha" not in described
    # The same subject always reads the same, so one person's refusals can be followed in the log.
    assert described == backend.describe_user_by_claims({"sub": "pc.jones@force.example"})
    assert described != backend.describe_user_by_claims({"sub": "pc.smith@force.example"})


def test_an_error_report_hides_form_fields_query_values_and_variables(rf):
    import sys

    from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

    from cms.security import PersonalDataExceptionReporter

    request = rf.post("/my-training/1/exemption/?q=Aisha+Khan", {"reason": "my depression", "evidence": "GP letter"})
    try:
        reason = request.POST["reason"]  # noqa: F841  (a local variable the report must hide)
        raise ValueError("boom")
    except ValueError:
        report = PersonalDataExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    for secret in ("my depression", "GP letter", "Aisha"):
        assert secret not in report
    assert "reason" in report and "boom" in report
    # Django's own reporter and filter would have shown them: the test can fail.
    try:
        raise ValueError("boom")
    except ValueError:
        plain = ExceptionReporter(request, *sys.exc_info())
        plain.filter = SafeExceptionReporterFilter()
        assert "my depression" in plain.get_traceback_text()
