"""The erasure and restriction screens of the admin and the legal holds on a person's page: who
may reach them, what each form refuses and says (beside the field and in the error summary),
that a decision made on the page really changes the database, only the person's own records,
and is audited, and that no page shows another person's data."""

import datetime
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from compliance.audit.models import AuditEvent
from compliance.equality.models import EqualityRecord
from compliance.people.models import Hold, Person
from compliance.privacy.models import RightsRequest
from compliance.privacy.rights import erasable, hold_place, rights_request_decide, rights_request_open
from courses.models import Reflection
from courses.privacy import Retention
from tests.factories import make_person

from .records import give_records, snapshot_about, snapshot_except

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 17)
XHR = {"x-requested-with": "XMLHttpRequest"}


@pytest.fixture
def asker(manager):
    person = make_person(manager=manager, username="pc.asker", first_name="Ashley", last_name="Asker")
    give_records(person, manager=manager, on=datetime.date(2025, 3, 1))
    return person


@pytest.fixture
def colleague(manager, asker):
    person = make_person(manager=manager, username="pc.colleague", first_name="Colin", last_name="Colleague")
    give_records(person, manager=manager, on=TODAY)
    return person


def _open(person, actor, kind="erasure", received_on=TODAY) -> RightsRequest:
    return rights_request_open(
        person=person, kind=kind, received_on=received_on, received_how="Email to the DPO", actor=actor
    )


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _summary_links(response) -> list[tuple[str, str]]:
    """The error summary's links: (target, text)."""
    page = response.content.decode()
    summary = page[page.index("There is a problem") :]
    summary = summary[: summary.index("</ul>")]
    return [(target, html.unescape(text)) for target, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)]


# --- who may ----------------------------------------------------------------------------


def _pages(dpo, asker) -> list[str]:
    request = _open(asker, dpo)
    return [
        "/admin/privacy/rights/",
        "/admin/privacy/rights/new/",
        f"/admin/privacy/rights/new/?staff_number={asker.staff_number}",
        f"/admin/privacy/rights/{request.pk}/",
        f"/admin/privacy/holds/new/?person={asker.pk}",
    ]


def test_the_pages_open_only_for_those_who_answer_requests(client, dpo, lead, asker):
    for url in _pages(dpo, asker):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next="), url
        client.force_login(lead)
        refused = client.get(url)  # Wagtail's refusal: back to the dashboard, saying why
        assert refused.status_code == 302 and refused["Location"] == "/admin/", url
        assert client.get(url, headers=XHR).status_code == 403, url
        client.force_login(dpo)
        assert client.get(url).status_code == 200, url


def test_nothing_is_recorded_decided_placed_or_lifted_without_the_right(client, dpo, lead, asker):
    request = _open(asker, dpo)
    hold = hold_place(person=asker, kind=Hold.Kind.LEGAL_HOLD, reason="Case 7", actor=dpo)
    before = snapshot_about(asker)
    client.force_login(lead)
    posts = {
        "/admin/privacy/rights/new/": {
            "kind": "erasure",
            "staff_number": asker.staff_number,
            "received_on": TODAY.isoformat(),
            "received_how": "Letter",
        },
        f"/admin/privacy/rights/{request.pk}/": {
            "outcome": "granted",
            "reason": "All of it.",
            "kinds": ["free_text", "equality"],
        },
        f"/admin/privacy/holds/new/?person={asker.pk}": {"reason": "Mine"},
        f"/admin/privacy/holds/{hold.pk}/lift/": {},
    }
    for url, data in posts.items():
        refused = client.post(url, data)
        assert refused.status_code == 302 and refused["Location"] == "/admin/", url
        assert client.post(url, data, headers=XHR).status_code == 403, url
    assert RightsRequest.objects.get().decided_on is None
    assert list(Hold.objects.in_force()) == [hold]
    assert snapshot_about(asker) == before
    # Their page shows neither the holds nor the way to them.
    page = _text(client.get(f"/admin/compliance_person/inspect/{asker.pk}/"))
    assert "Legal hold and restriction" not in page and "Case 7" not in page
    assert "/admin/privacy/rights/new/" not in page and "/admin/privacy/holds/" not in page


def test_a_post_without_its_csrf_token_is_refused(dpo, asker):
    request = _open(asker, dpo)
    client = Client(enforce_csrf_checks=True)
    client.force_login(dpo)
    data = {"outcome": "granted", "reason": "All of it.", "kinds": ["free_text"]}
    assert client.post(f"/admin/privacy/rights/{request.pk}/", data).status_code == 403
    assert client.post(f"/admin/privacy/holds/new/?person={asker.pk}", {"reason": "Case"}).status_code == 403
    request.refresh_from_db()
    assert request.decided_on is None and not Hold.objects.exists()


def test_what_does_not_exist_is_not_found(client, dpo, asker):
    client.force_login(dpo)
    assert client.get("/admin/privacy/rights/999999/").status_code == 404
    assert client.post("/admin/privacy/rights/999999/", {"outcome": "refused"}).status_code == 404
    for query in ("", "?person=", "?person=abc", "?person=-1", "?person=999999"):
        assert client.get(f"/admin/privacy/holds/new/{query}").status_code == 404, query
        assert client.post(f"/admin/privacy/holds/new/{query}", {"reason": "Case"}).status_code == 404, query
    assert client.post("/admin/privacy/holds/999999/lift/").status_code == 404
    assert not Hold.objects.exists()


# --- recording a request ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"staff_number": "NOBODY-1"}, "staff_number", "Nobody has the staff number NOBODY-1."),
        ({"received_on": "2026-06-20"}, "received_on", "The day it was received is in the future."),
        (
            {"received_on": "2025-01-01"},
            "received_on",
            "The day it was received is more than a year ago: check the year.",
        ),
        (
            {"received_on": "31/02/2026"},
            "received_on",
            "Enter the day the request was received as a date, such as 17/06/2026.",
        ),
        ({"received_on": ""}, "received_on", "Enter the day the request was received."),
        ({"staff_number": ""}, "staff_number", "Enter the staff number of the person who asked."),
        ({"received_how": "  "}, "received_how", "Say how the request was received."),
        ({"received_how": "x" * 201}, "received_how", "Keep how it was received to 200 characters."),
        ({"kind": ""}, "kind", "Choose erasure or restriction."),
        ({"kind": "forget"}, "kind", "Select a valid choice. forget is not one of the available choices."),
        ({"note": "x" * 2001}, "note", "Keep the note to 2000 characters."),
    ],
)
def test_a_bad_request_is_refused_beside_its_field(client, dpo, asker, fields, field, message):
    client.force_login(dpo)
    data = {
        "kind": "erasure",
        "staff_number": asker.staff_number,
        "received_on": "2026-06-01",
        "received_how": "Letter",
    } | fields
    response = client.post("/admin/privacy/rights/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    target = f"id_{field}_0" if field == "kind" else f"id_{field}"
    assert _summary_links(response) == [(target, message)]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not RightsRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__endswith="_request_opened").exists()


def test_every_mistake_in_a_request_is_said_at_once(client, dpo, asker):
    client.force_login(dpo)
    response = client.post(
        "/admin/privacy/rights/new/",
        {"staff_number": asker.staff_number, "received_on": "2026-07-01", "received_how": ""},
    )
    assert response.status_code == 200
    assert _summary_links(response) == [
        ("id_kind_0", "Choose erasure or restriction."),
        ("id_received_on", "The day it was received is in the future."),
        ("id_received_how", "Say how the request was received."),
    ]
    # Required, for the browser and a screen reader, though the service says what is missing.
    page = response.content.decode()
    assert re.search(r'<input type="radio" name="kind" value="erasure"[^>]* required', page)
    assert re.search(r'<input type="text" name="received_how"[^>]* required', page)


def test_a_request_started_from_a_persons_page_knows_who(client, dpo, asker):
    client.force_login(dpo)
    page = _text(client.get(f"/admin/compliance_person/inspect/{asker.pk}/"))
    new = f"/admin/privacy/rights/new/?staff_number={asker.staff_number}"
    assert new in page
    assert client.get(new).context["form"].initial["staff_number"] == asker.staff_number


def test_a_request_is_recorded_with_its_deadline_and_audited(client, dpo, asker):
    client.force_login(dpo)
    response = client.post(
        "/admin/privacy/rights/new/",
        {
            "kind": "restriction",
            "staff_number": asker.staff_number,
            "received_on": "2026-05-31",
            "received_how": "Email to the data protection officer",
            "note": "Disputes the accuracy of an observation.",
        },
    )
    request = RightsRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/privacy/rights/{request.pk}/"
    assert (request.person, request.kind, request.due_on, request.opened_by) == (
        asker,
        "restriction",
        datetime.date(2026, 6, 30),
        dpo,
    )
    assert AuditEvent.objects.filter(action="restriction_request_opened", object_id=str(request.pk)).count() == 1
    page = client.get(response["Location"])
    assert "Request recorded: the decision is due by 30/06/2026." in _messages(page)
    assert "30 June 2026" in _text(page) and "Disputes the accuracy of an observation." in _text(page)


def test_the_list_puts_open_requests_first_and_flags_the_overdue(client, dpo, asker, colleague):
    late = _open(asker, dpo, received_on=datetime.date(2026, 4, 2))  # due 2 May 2026
    on_time = _open(colleague, dpo, kind="restriction")
    decided = rights_request_decide(
        request=_open(asker, dpo, kind="restriction"),
        outcome="refused",
        ground="accurate",
        reason="The records are accurate.",
        actor=dpo,
    )
    client.force_login(dpo)
    response = client.get("/admin/privacy/rights/")
    assert list(response.context["open"]) == [late, on_time]
    assert list(response.context["decided"]) == [decided]
    page = _text(response)
    assert "2 May 2026 <strong>(overdue)</strong>" in page and page.count("(overdue)") == 1
    assert page.index("Waiting for a decision") < page.index(f"/admin/privacy/rights/{late.pk}/")
    assert page.index(f"/admin/privacy/rights/{on_time.pk}/") < page.index("Decided")
    assert page.index("Decided") < page.index(f"/admin/privacy/rights/{decided.pk}/")


# --- deciding -----------------------------------------------------------------------------


def test_the_request_page_shows_the_person_the_deadline_and_what_erasure_would_do(client, dpo, asker, colleague):
    request = _open(asker, dpo)
    client.force_login(dpo)
    response = client.get(f"/admin/privacy/rights/{request.pk}/")
    page = _text(response)
    assert f"Ashley Asker ({asker.staff_number})" in page and "still serving" in page
    assert "Decision due by" in page and "17 July 2026" in page
    choices = dict(response.context["form"].fields["kinds"].choices)
    assert set(choices) == {kind.value for kind in erasable(asker, today=TODAY)}
    assert Retention.AUDIT not in choices and Retention.AGGREGATES not in choices
    assert "Reflections: 1 deleted" in choices["free_text"] and "Equality records: 1 deleted" in choices["equality"]
    assert "person" not in choices and "Their own record is not offered while they serve" in page
    for value in choices:
        assert f'value="{value}"' in page
    # A fieldset with its legend for the radios and the checkboxes; the button says what happens.
    assert re.search(r'<fieldset[^>]*id="id_outcome-fieldset"[^>]*>\s*<legend[^>]*>Decision', page)
    assert re.search(r'<fieldset[^>]*id="id_kinds-fieldset"[^>]*>\s*<legend[^>]*>What to erase', page)
    assert "Record the decision: if granted, erase what is ticked now" in page
    # Nothing about anyone else.
    assert "Colin" not in page and "Colleague" not in page and colleague.staff_number not in page


PARTLY = {"outcome": "partly", "ground": "legal_claims", "reason": "Your reflections go; your training stays."}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"outcome": ""}, "outcome", "Choose granted, partly granted or refused."),
        ({"outcome": "maybe"}, "outcome", "Select a valid choice. maybe is not one of the available choices."),
        ({"ground": ""}, "ground", "Give the lawful ground for what is kept."),
        ({"ground": "because"}, "ground", "Select a valid choice. because is not one of the available choices."),
        ({"reason": "   "}, "reason", "Give the reason the person will be told."),
        ({"reason": "x" * 2001}, "reason", "Keep the reason to 2000 characters."),
        ({"kinds": []}, "kinds", "Choose what to erase, or refuse the request."),
        ({"kinds": ["audit"]}, "kinds", "Select a valid choice. audit is not one of the available choices."),
        (  # not offered while they serve (the service refuses it too: see test_rights)
            {"outcome": "granted", "ground": "", "kinds": ["person", "free_text"]},
            "kinds",
            "Select a valid choice. person is not one of the available choices.",
        ),
    ],
)
def test_a_bad_decision_is_refused_beside_its_field_and_changes_nothing(
    client, dpo, asker, colleague, fields, field, message
):
    request = _open(asker, dpo)
    client.force_login(dpo)  # (signing in is recorded: before the snapshots)
    about, others = snapshot_about(asker), snapshot_except(asker)
    response = client.post(f"/admin/privacy/rights/{request.pk}/", PARTLY | {"kinds": ["free_text"]} | fields)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    target = {"outcome": "id_outcome_0", "kinds": "id_kinds_0"}.get(field, f"id_{field}")
    assert (target, message) in _summary_links(response)
    request.refresh_from_db()
    assert request.decided_on is None and request.outcome == ""
    assert snapshot_about(asker) == about and snapshot_except(asker) == others
    assert not AuditEvent.objects.filter(action="erasure_request_decided").exists()


def test_every_mistake_in_a_decision_is_said_at_once(client, dpo, asker):
    request = _open(asker, dpo)
    client.force_login(dpo)
    response = client.post(f"/admin/privacy/rights/{request.pk}/", {"outcome": "partly", "reason": ""})
    assert response.status_code == 200
    assert _summary_links(response) == [
        ("id_kinds_0", "Choose what to erase, or refuse the request."),
        ("id_ground", "Give the lawful ground for what is kept."),
        ("id_reason", "Give the reason the person will be told."),
    ]
    assert response.context["form"]["outcome"].value() == "partly"  # what was chosen is kept


def test_nothing_is_erased_under_a_legal_hold(client, dpo, asker):
    request = _open(asker, dpo)
    hold_place(person=asker, kind=Hold.Kind.LEGAL_HOLD, reason="Employment tribunal case 42", actor=dpo)
    about = snapshot_about(asker)
    client.force_login(dpo)
    page = _text(client.get(f"/admin/privacy/rights/{request.pk}/"))
    assert "Employment tribunal case 42" in page and "Nothing can be erased under a legal hold" in page
    response = client.post(f"/admin/privacy/rights/{request.pk}/", PARTLY | {"kinds": ["free_text"]})
    assert response.status_code == 200
    assert response.context["form"].errors["outcome"] == [
        "The records about this person are under a legal hold: lift it first, or refuse."
    ]
    assert snapshot_about(asker) == about


def test_an_erasure_decided_on_the_page_erases_what_it_grants_and_no_more(client, dpo, asker, colleague):
    request = _open(asker, dpo)
    client.force_login(dpo)
    others = snapshot_except(asker)
    assert Reflection.objects.filter(user=asker.user).exists() and EqualityRecord.objects.filter(person=asker)
    response = client.post(
        f"/admin/privacy/rights/{request.pk}/",
        PARTLY | {"reason": "Your reflections and equality record go.", "kinds": ["free_text", "equality"]},
    )
    assert response.status_code == 302 and response["Location"] == f"/admin/privacy/rights/{request.pk}/"
    request.refresh_from_db()
    assert (request.outcome, request.ground, request.decided_by, request.decided_on) == (
        "partly",
        "legal_claims",
        dpo,
        TODAY,
    )
    assert not Reflection.objects.filter(user=asker.user).exists()
    assert not EqualityRecord.objects.filter(person=asker).exists()
    assert Person.objects.get(pk=asker.pk).first_name == "Ashley"  # kinds not ticked stay
    assert snapshot_except(asker) == others  # nothing of anyone else's changed
    event = AuditEvent.objects.get(action="erasure_request_decided", object_id=str(request.pk))
    assert event.actor == dpo and event.changes["done"] == request.done

    page = client.get(response["Location"])
    assert any(message.startswith("Partly granted: ") for message in _messages(page))
    text = _text(page)
    assert "Needed for legal claims or proceedings (Article 17(3)(e))" in text
    assert "Reflections: 1 deleted" in text and "Equality records: 1 deleted" in text
    assert "Manager observations: 1 had their free text erased" in text
    assert page.context.get("form") is None and "Record the decision" not in text
    assert "Colin" not in text and colleague.staff_number not in text

    # Deciding again is refused, and changes nothing.
    again = client.post(f"/admin/privacy/rights/{request.pk}/", {"outcome": "refused", "reason": "No."})
    assert again.status_code == 302
    assert "This request was decided on 17/06/2026." in _messages(client.get(again["Location"]))
    request.refresh_from_db()
    assert request.outcome == "partly"
    assert AuditEvent.objects.filter(action="erasure_request_decided").count() == 1


def test_a_leavers_own_record_is_anonymised_when_erasure_is_granted(client, dpo, asker):
    Person.objects.filter(pk=asker.pk).update(end_date=datetime.date(2026, 3, 31))
    request = _open(asker, dpo)
    client.force_login(dpo)
    choices = dict(client.get(f"/admin/privacy/rights/{request.pk}/").context["form"].fields["kinds"].choices)
    assert "People: 1 anonymised" in choices["person"]
    response = client.post(
        f"/admin/privacy/rights/{request.pk}/",
        {"outcome": "granted", "reason": "You have left: your record goes.", "kinds": list(choices)},
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=asker.pk)
    assert person.first_name == "Erased" and person.anonymised_on == TODAY
    assert "People: 1 anonymised" in _text(client.get(response["Location"]))


def test_a_refused_erasure_changes_nothing(client, dpo, asker):
    request = _open(asker, dpo)
    about = snapshot_about(asker)
    client.force_login(dpo)
    response = client.post(
        f"/admin/privacy/rights/{request.pk}/",
        {"outcome": "refused", "ground": "public_task", "reason": "Needed for your training.", "kinds": ["equality"]},
    )
    assert response.status_code == 302
    assert "Request refused: nothing was changed." in _messages(client.get(response["Location"]))
    request.refresh_from_db()
    assert (request.outcome, request.done) == ("refused", {})
    changed = snapshot_about(asker)
    for label in ("privacy.RightsRequest", "audit.AuditEvent", "audit.AuditMention"):  # the decision, its audit
        changed.pop(label), about.pop(label)
    assert changed == about
    assert AuditEvent.objects.filter(action="erasure_request_decided", object_id=str(request.pk)).count() == 1


def test_a_restriction_granted_on_the_page_places_a_hold(client, dpo, asker):
    request = _open(asker, dpo, kind="restriction")
    client.force_login(dpo)
    page = _text(client.get(f"/admin/privacy/rights/{request.pk}/"))
    assert "What to erase" not in page and "Record the decision: if granted, restrict the records now" in page
    response = client.post(
        f"/admin/privacy/rights/{request.pk}/", {"outcome": "granted", "reason": "While the accuracy is checked."}
    )
    assert response.status_code == 302
    hold = Hold.objects.in_force().get(person=asker)
    assert (hold.kind, hold.placed_by) == ("restriction", dpo)
    request.refresh_from_db()
    assert request.done == {"hold": hold.pk}
    assert "A restriction was placed on 17 June 2026: it is in force." in _text(client.get(response["Location"]))
    assert AuditEvent.objects.filter(action="restriction_request_decided").count() == 1
    inspect = _text(client.get(f"/admin/compliance_person/inspect/{asker.pk}/"))
    assert "Restriction of processing" in inspect and "While the accuracy is checked." in inspect


# --- holds --------------------------------------------------------------------------------


def test_holds_are_placed_and_lifted_from_the_persons_page(client, dpo, asker, colleague):
    hold_place(person=colleague, kind=Hold.Kind.LEGAL_HOLD, reason="Colleague's own case 99", actor=dpo)
    client.force_login(dpo)
    inspect = f"/admin/compliance_person/inspect/{asker.pk}/"
    page = _text(client.get(inspect))
    assert "Legal hold and restriction" in page
    assert "No legal hold or restriction has been placed" in page
    assert f'action="/admin/privacy/holds/new/?person={asker.pk}"' in page
    assert "Place a legal hold on every record about Ashley Asker" in page
    assert "Colleague's own case 99" not in page

    response = client.post(f"/admin/privacy/holds/new/?person={asker.pk}", {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why the records are held, such as the case reference."]
    assert _summary_links(response) == [("id_reason", "Say why the records are held, such as the case reference.")]
    assert not Hold.objects.filter(person=asker).exists()

    response = client.post(f"/admin/privacy/holds/new/?person={asker.pk}", {"reason": "Employment tribunal case 42"})
    assert response.status_code == 302 and response["Location"] == inspect
    hold = Hold.objects.get(person=asker)
    assert (hold.kind, hold.reason, hold.placed_by, hold.lifted_at) == (
        "legal_hold",
        "Employment tribunal case 42",
        dpo,
        None,
    )
    page = client.get(inspect)
    assert "Legal hold placed on the records about Ashley Asker." in _messages(page)
    assert "Employment tribunal case 42" in _text(page) and "Lift this legal hold" in _text(page)
    assert f'action="/admin/privacy/holds/{hold.pk}/lift/"' in page.content.decode()

    assert client.get(f"/admin/privacy/holds/{hold.pk}/lift/").status_code == 405
    assert Hold.objects.get(pk=hold.pk).lifted_at is None
    response = client.post(f"/admin/privacy/holds/{hold.pk}/lift/")
    assert response.status_code == 302 and response["Location"] == inspect
    hold.refresh_from_db()
    assert hold.lifted_by == dpo and hold.lifted_at is not None
    page = client.get(inspect)
    assert "Legal hold lifted from the records about Ashley Asker." in _messages(page)
    assert "No: lifted 17 June 2026" in _text(page) and "Lift this legal hold" not in _text(page)
    # Lifting twice says so, and changes nothing.
    again = client.post(f"/admin/privacy/holds/{hold.pk}/lift/")
    assert "This hold was lifted on 17 June 2026." in _messages(client.get(again["Location"]))
    actions = AuditEvent.objects.filter(object_id=str(hold.pk), action__startswith="hold_")
    assert sorted(actions.values_list("action", flat=True)) == ["hold_lifted", "hold_placed"]


def test_a_reason_too_long_for_a_hold_is_refused(client, dpo, asker):
    client.force_login(dpo)
    response = client.post(f"/admin/privacy/holds/new/?person={asker.pk}", {"reason": "x" * 501})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Keep the reason to 500 characters."]
    assert not Hold.objects.exists()
