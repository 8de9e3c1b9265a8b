"""The notification log's CSV and Excel export in the Wagtail admin: every filtered row,
digest rows (which have no assignment) included, and the download buttons are on the page.
The browser check of the buttons is in tests/browser/test_reflow_and_downloads.py."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from compliance.access import Role
from compliance.reminders.models import Reminder, ReminderKind, ReminderStatus
from tests.factories import UserFactory

from .helpers import TODAY, make_assignment, make_chain

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reminders.urls")]


@pytest.fixture
def log_rows():
    second, manager, learner = make_chain()
    rows = []
    for days in range(3):
        a = make_assignment(person=learner, due=TODAY - datetime.timedelta(days=7 + days))
        rows.append(
            Reminder.objects.create(
                kind=ReminderKind.OVERDUE,
                assignment=a,
                due_on=a.due_date,
                recipient_user=learner.user,
                recipient_email=learner.email,
                status=ReminderStatus.SENT,
                sent_at=timezone.now(),
                planned_on=TODAY - datetime.timedelta(days=days + 1),
                subject=f"Overdue {days}",
                reason="7 days overdue (force-wide policy).",
            )
        )
    # The newest row is a digest, so it comes first in the log's order (as in production).
    digest = Reminder.objects.create(
        kind=ReminderKind.MANAGER_DIGEST,
        period=TODAY,
        recipient_person=manager,
        recipient_user=manager.user,
        recipient_email=manager.email,
        status=ReminderStatus.SENT,
        sent_at=timezone.now(),
        planned_on=TODAY,
        subject="Your team's training: 1 overdue, 0 due soon",
        reason="Weekly digest.",
    )
    return {"learner": learner, "manager": manager, "rows": rows, "digest": digest}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    return client


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_export_has_every_row_including_digests(admin_client, log_rows):
    response = admin_client.get("/admin/reminders_log/?export=csv")
    assert response.status_code == 200
    assert 'filename="notification-log.csv"' in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(_body(response).decode())))
    assert len(table) == 4
    by_id = {int(row["Id"]): row for row in table}
    digest = by_id[log_rows["digest"].pk]
    assert digest["Kind"] == "Line manager digest"
    assert digest["About staff number"] == ""
    assert digest["Recipient staff number"] == log_rows["manager"].staff_number
    assert digest["Item"].startswith("Team digest")
    for reminder in log_rows["rows"]:
        row = by_id[reminder.pk]
        assert row["About staff number"] == log_rows["learner"].staff_number
        assert row["Item"] == reminder.assignment.requirement.name
        assert row["Subject"] == reminder.subject


def test_csv_export_neutralises_formulas(admin_client, log_rows):
    Reminder.objects.filter(pk=log_rows["rows"][0].pk).update(subject="=HYPERLINK(1)", last_error="-2+3")
    table = list(csv.DictReader(io.StringIO(_body(admin_client.get("/admin/reminders_log/?export=csv")).decode())))
    row = next(r for r in table if int(r["Id"]) == log_rows["rows"][0].pk)
    assert row["Subject"] == "'=HYPERLINK(1)" and row["Last error"] == "'-2+3"
    sheet = openpyxl.load_workbook(io.BytesIO(_body(admin_client.get("/admin/reminders_log/?export=xlsx")))).active
    subjects = {cell.value: cell for cell in next(sheet.iter_cols(min_col=11, max_col=11))}
    assert subjects["=HYPERLINK(1)"].data_type == "s"


def test_csv_export_keeps_the_filters(admin_client, log_rows):
    response = admin_client.get("/admin/reminders_log/?export=csv&kind=overdue")
    table = list(csv.DictReader(io.StringIO(_body(response).decode())))
    assert sorted(int(row["Id"]) for row in table) == sorted(r.pk for r in log_rows["rows"])


def test_csv_export_is_not_paginated_and_its_queries_do_not_grow(admin_client, log_rows, django_assert_max_num_queries):
    learner = log_rows["learner"]
    a = log_rows["rows"][0].assignment
    Reminder.objects.bulk_create(
        Reminder(
            kind=ReminderKind.BEFORE_DUE,
            assignment=a,
            due_on=a.due_date,
            offset_days=-n,
            recipient_email=learner.email,
            planned_on=TODAY - datetime.timedelta(days=30),
        )
        for n in range(1, 61)
    )
    with django_assert_max_num_queries(15):
        response = admin_client.get("/admin/reminders_log/?export=csv")
        body = _body(response).decode()
    assert len(list(csv.DictReader(io.StringIO(body)))) == 64


def test_xlsx_export_has_every_row_including_digests(admin_client, log_rows):
    response = admin_client.get("/admin/reminders_log/?export=xlsx")
    assert response.status_code == 200
    assert "notification-log.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    headings, data = rows[0], rows[1:]
    assert len(data) == 4
    col = {name: i for i, name in enumerate(headings)}
    by_id = {row[col["Id"]]: row for row in data}
    digest = by_id[log_rows["digest"].pk]
    assert digest[col["Kind"]] == "Line manager digest"
    assert digest[col["Recipient staff number"]] == log_rows["manager"].staff_number
    assert digest[col["Item"]].startswith("Team digest")
    for reminder in log_rows["rows"]:
        assert by_id[reminder.pk][col["About staff number"]] == log_rows["learner"].staff_number
        assert by_id[reminder.pk][col["Item"]] == reminder.assignment.requirement.name


def test_the_log_shows_download_buttons_that_keep_the_filters(admin_client, log_rows):
    response = admin_client.get("/admin/reminders_log/?kind=overdue")
    assert response.status_code == 200
    html = response.content.decode()
    header = html[html.index('id="w-slim-header-buttons"') :]
    header = header[: header.index("</nav>")]
    # Visible header buttons, not entries of the hidden "Actions" dropdown.
    assert "w-dropdown__content" not in header
    assert header.count("w-header-button") == 2
    assert "Download CSV" in header and "Download XLSX" in header
    assert 'href="/admin/reminders_log/?kind=overdue&amp;export=csv"' in header
    assert 'href="/admin/reminders_log/?kind=overdue&amp;export=xlsx"' in header
    assert "Download all 3 rows matching the filters" in html


def test_links_in_refreshed_results_follow_the_filters(admin_client, log_rows):
    """The filters refresh only the results; their download links point at the index with them."""
    html = admin_client.get("/admin/reminders_log/results/?kind=manager_digest&p=1").content.decode()
    assert 'href="/admin/reminders_log/?kind=manager_digest&amp;export=csv"' in html
    assert 'href="/admin/reminders_log/?kind=manager_digest&amp;export=xlsx"' in html
    assert "Download all 1 row matching the filters" in html


def test_the_log_lists_digest_rows(admin_client, log_rows):
    html = admin_client.get("/admin/reminders_log/").content.decode()
    assert log_rows["manager"].email in html
