"""The retention screen of the admin: who may reach it, every kind of record with its period and
what happens to it, the form that changes a period (and what it refuses, next to the field and in
the error summary), the dry run, and "Apply the rules now" really applying them, audited."""

import datetime
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from compliance.audit.models import AuditEvent
from compliance.people.models import Hold
from compliance.privacy.admin_forms import kind_name
from compliance.privacy.models import RetentionRule, RetentionRun
from compliance.privacy.retention import retention_report, retention_rules
from compliance.privacy.rights import hold_place
from courses.models import Reflection
from courses.privacy import Retention, register
from tests.factories import make_person

from .records import give_records

pytestmark = pytest.mark.django_db

PAGES = ["/admin/privacy/retention/", "/admin/privacy/retention/free_text/", "/admin/privacy/retention/aggregates/"]
LONG_AGO = datetime.date(2024, 1, 10)  # free text (2 years) and messages (12 months) have run out by June 2026


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_open_only_for_those_who_answer_requests(client, dpo, lead, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/admin/login/?next={url}"
    client.force_login(lead)
    refused = client.get(url)  # Wagtail's refusal: back to the dashboard, saying why
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert "you do not have permission" in str(list(get_messages(refused.wsgi_request))[0])
    assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
    client.force_login(dpo)
    assert client.get(url).status_code == 200


def test_nothing_is_changed_or_applied_without_the_right(client, lead):
    client.force_login(lead)
    assert client.post("/admin/privacy/retention/").status_code == 302
    assert client.post("/admin/privacy/retention/free_text/", {"months": "1", "reason": "Mine"}).status_code == 302
    headers = {"x-requested-with": "XMLHttpRequest"}
    assert client.post("/admin/privacy/retention/", headers=headers).status_code == 403
    assert not RetentionRun.objects.exists() and not RetentionRule.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="retention").exists()


def test_a_post_without_its_csrf_token_is_refused(dpo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dpo)
    assert client.post("/admin/privacy/retention/").status_code == 403
    assert client.post("/admin/privacy/retention/free_text/", {"months": "1", "reason": "x"}).status_code == 403
    assert not RetentionRun.objects.exists() and not RetentionRule.objects.exists()


def test_an_unknown_kind_of_record_is_not_found(client, dpo):
    client.force_login(dpo)
    assert client.get("/admin/privacy/retention/nonsense/").status_code == 404
    assert client.post("/admin/privacy/retention/nonsense/", {"months": "1", "reason": "x"}).status_code == 404


def test_every_kind_is_listed_with_its_period_and_what_happens_to_its_records(client, dpo):
    client.force_login(dpo)
    response = client.get("/admin/privacy/retention/")
    page = _text(response)
    rules = retention_rules()
    assert [row["kind"] for row in response.context["rules"]] == list(Retention)
    for kind in Retention:
        assert kind_name(kind) in page
        assert rules[kind].period in page
        assert f'href="/admin/privacy/retention/{kind.value}/"' in page
    for entry in register():
        row = next(row for row in response.context["rules"] if row["kind"] == entry.retention)
        names, then = next((names, then) for names, then in row["records"] if then == entry.expiry.label)
        assert str(entry.model._meta.verbose_name_plural).capitalize() in names.split(", ")
        assert f"{names}: {then}" in page
    assert "The force" not in page  # nothing changed yet: every row is the usual rule
    assert "The rules have not run yet." in page


@pytest.mark.parametrize(
    ("months", "reason", "field", "error"),
    [
        ("-1", "Shorter", "months", "Give a number of months from 0 to 1200, or leave it empty to keep them."),
        ("99999", "Longer", "months", "Give a number of months from 0 to 1200, or leave it empty to keep them."),
        ("twelve", "Words", "months", "Give the number of months as a whole number, such as 24."),
        ("1.5", "A fraction", "months", "Give the number of months as a whole number, such as 24."),
        ("12", "", "reason", "Say why the force keeps these records for a different period."),
        ("12", "   ", "reason", "Say why the force keeps these records for a different period."),
        ("12", "x" * 501, "reason", "Keep the reason to 500 characters."),
    ],
)
def test_a_period_with_bad_input_is_refused_beside_its_field(client, dpo, months, reason, field, error):
    client.force_login(dpo)
    response = client.post("/admin/privacy/retention/free_text/", {"months": months, "reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    page = response.content.decode()
    # The summary links to the field; the field says it is wrong and points at its error.
    assert "There is a problem" in page
    assert f'<a href="#id_{field}">{html.escape(error)}</a>' in page
    assert f'id="id_{field}_error"' in page
    tag = re.search(rf'<(?:input|textarea)[^>]*id="id_{field}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in tag and f"id_{field}_error" in tag
    assert not RetentionRule.objects.exists()
    assert not AuditEvent.objects.filter(action="retention_rule_set").exists()


def test_the_form_shows_the_period_in_force(client, dpo):
    client.force_login(dpo)
    response = client.get("/admin/privacy/retention/free_text/")
    assert response.context["form"].initial == {"months": 24, "reason": ""}
    assert "Reflections: Deleted" in _text(response)
    assert "Evaluations, Manager observations: Its free text" in _text(response)
    RetentionRule.objects.create(retention="free_text", months=12, reason="Records policy, section 4")
    response = client.get("/admin/privacy/retention/free_text/")
    assert response.context["form"].initial == {"months": 12, "reason": "Records policy, section 4"}


def test_a_force_sets_its_own_period_then_goes_back_to_the_usual_one(client, dpo):
    client.force_login(dpo)
    response = client.post(
        "/admin/privacy/retention/free_text/", {"months": "12", "reason": "The force's records policy, section 4"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/privacy/retention/"
    rule = RetentionRule.objects.get()
    assert (rule.retention, rule.months, rule.reason) == ("free_text", 12, "The force's records policy, section 4")
    page = client.get("/admin/privacy/retention/")
    assert "kept for 1 year after their date" in str(list(get_messages(page.wsgi_request))[0])
    row = next(row for row in page.context["rules"] if row["kind"] == Retention.FREE_TEXT)
    assert (row["rule"].period, row["rule"].changed, row["usual"]) == ("1 year", True, "2 years")
    text = _text(page)
    assert "The force's records policy, section 4" in text and "(usually 2 years)" in text
    assert "1 year (the usual rule is: 2 years after it was written" in _text(client.get("/privacy/"))
    event = AuditEvent.objects.get(action="retention_rule_set")
    assert (event.actor, event.changes) == (dpo, {"months": [24, 12]})

    response = client.post("/admin/privacy/retention/free_text/", {"months": "24", "reason": ""})
    assert response.status_code == 302
    assert not RetentionRule.objects.exists()
    assert AuditEvent.objects.filter(action="retention_rule_set").count() == 2


def test_a_period_left_empty_keeps_the_records(client, dpo):
    client.force_login(dpo)
    response = client.post("/admin/privacy/retention/messages/", {"months": "", "reason": "A public inquiry"})
    assert response.status_code == 302
    assert RetentionRule.objects.get().months is None
    assert retention_rules()[Retention.MESSAGES].period == "Kept"


def test_what_would_go_tonight_is_applied_now_and_recorded(django_capture_on_commit_callbacks, client, dpo):
    manager = make_person(username="sgt.manager", first_name="Morgan", last_name="Sergeant")
    leaver = make_person(manager=manager, username="pc.old", first_name="Olive", last_name="Oldrecords")
    held = make_person(manager=manager, username="pc.held", first_name="Hal", last_name="Held")
    recent = make_person(manager=manager, username="pc.recent", first_name="Rita", last_name="Recent")
    give_records(leaver, manager=manager, on=LONG_AGO)
    give_records(held, manager=manager, on=LONG_AGO)
    give_records(recent, manager=manager, on=datetime.date(2026, 5, 1))
    hold_place(person=held, kind=Hold.Kind.LEGAL_HOLD, reason="Tribunal case 42", actor=dpo)
    client.force_login(dpo)

    response = client.get("/admin/privacy/retention/")
    due = {record: (then, count) for record, then, count in response.context["due"]}
    assert due["Reflections"] == ("Deleted", 1)  # the leaver's: the held person's is kept
    expected = sum(count for _, count in retention_report())
    assert response.context["due_total"] == expected > 0
    assert f"Apply the rules now to these {expected} records" in _text(response)

    with django_capture_on_commit_callbacks() as queued:
        response = client.post("/admin/privacy/retention/")
    assert not RetentionRun.objects.exists()  # the request only queues the run...
    assert len(queued) == 1
    queued[0]()  # ... for the worker (eager here; tests/privacy/test_retention_worker.py has a real one)
    assert response.status_code == 302 and response["Location"] == "/admin/privacy/retention/"
    run = RetentionRun.objects.get()
    assert run.finished_at is not None and run.counts["courses.Reflection"] == {"action": "delete", "rows": 1}
    assert not Reflection.objects.filter(user=leaver.user).exists()
    assert Reflection.objects.filter(user=held.user).exists()
    assert Reflection.objects.filter(user=recent.user).exists()
    event = AuditEvent.objects.get(action="retention_applied", object_id=str(run.pk))
    assert event.actor == dpo

    page = client.get("/admin/privacy/retention/")
    assert [str(message) for message in get_messages(page.wsgi_request)] == [
        "The rules are being applied. The run is listed under The last runs once it has finished: "
        "refresh this page to see it."
    ]
    assert page.context["due"] == []
    text = _text(page)
    assert "Nothing has reached the end of its period" in text
    assert "Reflections: 1 deleted" in text
    assert "Hal" not in text and "Olive" not in text  # counts only: no name on the page


def test_the_last_ten_runs_are_shown_the_latest_first(client, dpo):
    start = timezone.now() - datetime.timedelta(days=20)
    for day in range(12):
        RetentionRun.objects.create(
            started_at=start + datetime.timedelta(days=day),
            finished_at=start + datetime.timedelta(days=day, minutes=1),
            counts={"reminders.Reminder": {"action": "delete", "rows": day}},
        )
    client.force_login(dpo)
    runs = client.get("/admin/privacy/retention/").context["runs"]
    assert [lines for _, lines in runs] == [[f"Reminders: {day} deleted"] for day in range(11, 1, -1)]


def test_the_privacy_menu_leads_only_those_with_the_right_to_these_screens(client, dpo, lead):
    client.force_login(dpo)
    menu = client.get("/admin/").content.decode()
    assert "/admin/privacy/retention/" in menu and "/admin/privacy/rights/" in menu
    client.force_login(lead)
    menu = client.get("/admin/").content.decode()
    assert "/admin/privacy/register/" in menu  # the register is for every administrator
    assert "/admin/privacy/retention/" not in menu and "/admin/privacy/rights/" not in menu
