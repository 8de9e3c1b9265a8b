"""Retention that runs by itself: the register's rules, each action on real rows either side of
its cutoff, a force's own periods, legal holds and restrictions, running twice, being
interrupted, the dry run, anonymisation, a leaver traced over the years, and the command."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from compliance.audit.models import AuditEvent, named_in
from compliance.equality.models import EqualityRecord
from compliance.models import Assignment, Exemption, Extension, ExtensionRequest
from compliance.observations.models import ManagerObservation
from compliance.people.models import Hold, Person, SignInLink
from compliance.people.services import people_deactivate_leavers
from compliance.privacy import retention
from compliance.privacy.models import AccessRequest, RetentionRule, RetentionRun
from compliance.privacy.retention import (
    ERASED,
    MAX_MONTHS,
    retention_apply,
    retention_report,
    retention_rule_set,
)
from compliance.privacy.rights import hold_lift, hold_place
from compliance.privacy.selectors import retention_rules
from compliance.reminders.models import Reminder
from compliance.services.requirements import add_months
from courses.models import Completion, Evaluation, Reflection
from courses.privacy import Expiry, Retention, register
from tests.compliance.factories import make_course
from tests.factories import make_person

from .records import all_rows, at, give_records, rows_of, snapshot_about

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 17)  # the suite's pinned day
DAY = datetime.timedelta(days=1)
EXPIRING = [e for e in register() if e.expiry != Expiry.KEEP]


def _label(entry) -> str:
    return entry.model._meta.label


def _field_at(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def leaver(left: datetime.date, **fields) -> Person:
    fields.setdefault("start_date", min(datetime.date(2015, 4, 1), left - datetime.timedelta(days=365)))
    return make_person(end_date=left, is_active=False, **fields)


# --- the register's rules -----------------------------------------------------------------


@pytest.mark.parametrize("entry", EXPIRING, ids=_label)
def test_every_entry_that_expires_counts_from_a_date(entry):
    assert entry.counts_from, f"{_label(entry)} is {entry.expiry.value}d at expiry: give it a counts_from"
    field = _field_at(entry.model, entry.counts_from)
    assert isinstance(field, models.DateField | models.DateTimeField), (
        f"{_label(entry)}: counts_from {entry.counts_from!r} is a {type(field).__name__}, not a date"
    )


def test_only_the_person_is_anonymised_and_every_blanked_entry_has_fields_to_blank():
    assert {_label(e) for e in register() if e.expiry == Expiry.ANONYMISE} == {"people.Person"}
    for entry in register():
        if entry.expiry == Expiry.BLANK:
            assert entry.blanked_fields(), f"{_label(entry)} is blanked but has no free text or special fields"


def test_every_kind_of_record_has_a_default_period():
    for kind in Retention:
        assert kind.default_months is None or 0 <= kind.default_months <= MAX_MONTHS
    assert Retention.AGGREGATES.default_months is None


# --- each action, either side of its cutoff -----------------------------------------------


def _reflection(day):
    person = make_person()
    reflection = Reflection.objects.create(
        user=person.user, course=make_course("RET-C"), prompt_key=f"k{person.pk}", prompt="?", text="Private thought"
    )
    Reflection.objects.filter(pk=reflection.pk).update(created_at=at(day))
    return reflection


def _access_request(day):
    person = make_person()
    return AccessRequest.objects.create(
        person=person,
        received_on=day,
        due_on=day + datetime.timedelta(days=30),
        received_how="Letter",
        note="Wants everything",
        opened_by=person.user,
    )


def _equality(day):
    return EqualityRecord.objects.create(person=leaver(day), sex="male", ethnicity="white")


def _sign_in_link(day):
    person = leaver(day)
    return SignInLink.objects.create(
        user=person.user, issuer="https://idp.example", subject=f"s{person.pk}", linked_at=at(day), last_used_at=at(day)
    )


def _extension_request(day):
    person = leaver(day)
    records = give_records(person, manager=make_person(), on=day - datetime.timedelta(days=100))
    return ExtensionRequest.objects.get(pk=records.ids["compliance.ExtensionRequest"][0])


def _evaluation(day):
    person = make_person()
    records = give_records(person, manager=make_person(), on=day)
    return Evaluation.objects.get(pk=records.ids["courses.Evaluation"][0])


def _person(day):
    return leaver(day, first_name="Zebedee", last_name="Quaintrell")


CASES = {
    # model builder, default months, what happens
    "reflection deleted (own date and time)": (_reflection, 24, "gone"),
    "access request deleted (own date)": (_access_request, 84, "gone"),
    "equality record deleted (the day after leaving)": (_equality, 0, "gone"),
    "sign-in link deleted (the day after leaving)": (_sign_in_link, 0, "gone"),
    "request for more time blanked (6 years after leaving)": (_extension_request, 72, "blanked"),
    "evaluation blanked (2 years after it was written)": (_evaluation, 24, "blanked"),
    "person anonymised (6 years after leaving)": (_person, 72, "anonymised"),
}


def _state(obj) -> str:
    model = type(obj)
    row = model._default_manager.filter(pk=obj.pk).first()
    if row is None:
        return "gone"
    if isinstance(row, Person):
        return "anonymised" if row.anonymised_on else "kept"
    (entry,) = [e for e in register() if e.model is model]
    blanked = entry.blanked_fields()
    emptied = blanked and all(getattr(row, name) in ("", None, {}, ERASED) for name in blanked)
    return "blanked" if emptied else "kept"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_row_one_day_past_its_period_goes_and_one_day_inside_stays(case):
    build, months, action = CASES[case]
    cutoff = add_months(TODAY, -months)
    inside, past = build(cutoff + DAY), build(cutoff - DAY)
    boundary = build(cutoff)  # the period's last day
    assert (_state(inside), _state(boundary), _state(past)) == ("kept", "kept", "kept")
    run = retention_apply(today=TODAY)
    assert (_state(inside), _state(boundary), _state(past)) == ("kept", "kept", action)
    assert run.counts[type(past)._meta.label]["rows"] == 1


def test_a_leaving_date_to_come_is_not_due():
    """HR may send a leaving date in advance: nothing goes until the day after it."""
    record = _equality(TODAY + DAY)
    on_the_day = _equality(TODAY)
    retention_apply(today=TODAY)
    assert _state(record) == _state(on_the_day) == "kept"


def test_someone_who_has_not_left_is_never_due(manager):
    serving = make_person(first_name="Still", last_name="Serving")
    give_records(serving, manager=manager, on=datetime.date(2001, 1, 1))
    before = snapshot_about(serving)
    retention_apply(today=datetime.date(2100, 1, 1))
    after = snapshot_about(serving)
    # What counts from the leaving date is all there, whatever its age.
    for entry in register():
        label = _label(entry)
        if "end_date" in entry.counts_from and label in before:
            assert after[label] == before[label], label
    # What counts from its own date has gone: a serving officer's old reflections too.
    assert after["courses.Reflection"] == {} and before["courses.Reflection"]
    assert Person.objects.get(pk=serving.pk).anonymised_on is None


def test_blanking_keeps_the_models_constraints():
    """An exemption, an extension and a request must have a reason, a voided completion its void
    reason: blanked, the text becomes a marker; what was empty stays empty."""
    person = leaver(datetime.date(2019, 1, 1))
    records = give_records(person, manager=make_person(), on=datetime.date(2018, 6, 1))
    retention_apply(today=TODAY)
    ids = records.ids
    request = ExtensionRequest.objects.get(pk=ids["compliance.ExtensionRequest"][0])
    assert (request.reason, request.evidence, request.decision_note) == (ERASED, "", "")
    assert Extension.objects.get(pk=ids["compliance.Extension"][0]).reason == ERASED
    exemption = Exemption.objects.get(pk=ids["compliance.Exemption"][0])
    assert (exemption.reason, exemption.revoke_reason) == (ERASED, "")
    done, voided = Completion.objects.filter(pk__in=ids["courses.Completion"]).order_by("pk")
    assert (done.reason, done.evidence, done.void_reason) == ("", "", "")
    assert (voided.reason, voided.void_reason) == ("", ERASED)
    assert voided.voided_at is not None
    # Blanked once, nothing more to blank.
    assert retention_apply(today=TODAY).counts == {}


# --- the force's own periods --------------------------------------------------------------


def test_a_forces_own_period_changes_what_goes(dpo):
    thirty_months = _reflection(add_months(TODAY, -30))
    forty_months = _reflection(add_months(TODAY, -40))
    retention_rule_set(retention="free_text", months=36, reason="Reflections feed the yearly review", actor=dpo)
    retention_apply(today=TODAY)
    assert (_state(thirty_months), _state(forty_months)) == ("kept", "gone")  # by default both would go


def test_a_period_of_none_keeps_everything_of_that_kind(dpo):
    old = _access_request(datetime.date(2001, 1, 1))
    left_long_ago = _equality(datetime.date(2001, 1, 1))
    retention_rule_set(retention="audit", months=None, reason="Inquiry: keep every request", actor=dpo)
    retention_rule_set(retention="equality", months=None, reason="Inquiry: keep the monitoring data", actor=dpo)
    run = retention_apply(today=TODAY)
    assert _state(old) == _state(left_long_ago) == "kept"
    assert "privacy.AccessRequest" not in run.counts and "equality.EqualityRecord" not in run.counts
    assert all(not item.key.startswith("privacy.") for item, _ in retention_report(today=TODAY))


@pytest.mark.parametrize(
    "retention_kind, months, reason, field, message",
    [
        ("free_text", -1, "Why", "months", f"from 0 to {MAX_MONTHS}"),
        ("free_text", MAX_MONTHS + 1, "Why", "months", f"from 0 to {MAX_MONTHS}"),
        ("nonsense", 12, "Why", "retention", "no kind of record called 'nonsense'"),
        ("free_text", 36, "", "reason", "Say why"),
        ("free_text", 36, "   ", "reason", "Say why"),
        ("free_text", None, "", "reason", "Say why"),
        ("free_text", 36, "x" * 501, "reason", "500 characters"),
    ],
)
def test_a_bad_period_is_refused(dpo, retention_kind, months, reason, field, message):
    with pytest.raises(ValidationError) as refused:
        retention_rule_set(retention=retention_kind, months=months, reason=reason, actor=dpo)
    assert message in " ".join(refused.value.message_dict[field])
    assert not RetentionRule.objects.exists()
    assert not AuditEvent.objects.filter(action="retention_rule_set").exists()


def test_the_default_comes_back_and_each_change_is_audited(dpo):
    rule = retention_rule_set(retention="free_text", months=36, reason="Yearly review", actor=dpo)
    assert (rule.months, rule.reason) == (36, "Yearly review")
    assert retention_rules()[Retention.FREE_TEXT].changed
    assert retention_rule_set(retention="free_text", months=24, reason="", actor=dpo) is None
    assert not RetentionRule.objects.exists()
    rule = retention_rules()[Retention.FREE_TEXT]
    assert (rule.months, rule.changed, rule.reason) == (24, False, Retention.FREE_TEXT.label)
    events = list(AuditEvent.objects.filter(action="retention_rule_set").order_by("pk"))
    assert [e.changes["months"] for e in events] == [[24, 36], [36, 24]]
    assert all(e.actor == dpo for e in events)
    assert "2 years -> 3 years" in events[0].summary


# --- holds and restrictions ---------------------------------------------------------------


@pytest.mark.parametrize("kind", [Hold.Kind.LEGAL_HOLD, Hold.Kind.RESTRICTION])
def test_a_hold_keeps_every_row_about_the_person_until_it_is_lifted(dpo, manager, kind):
    held = leaver(datetime.date(2015, 1, 1), first_name="Held", last_name="Person")
    other = leaver(datetime.date(2015, 1, 1), first_name="Not", last_name="Held")
    give_records(held, manager=manager, on=datetime.date(2014, 6, 1))
    give_records(other, manager=manager, on=datetime.date(2014, 6, 1))
    hold = hold_place(person=held, kind=kind, reason="Employment tribunal claim 1234", actor=dpo)
    before = snapshot_about(held)
    run = retention_apply(today=TODAY)
    assert snapshot_about(held) == before
    assert Person.objects.get(pk=other.pk).anonymised_on == TODAY
    assert not EqualityRecord.objects.filter(person=other).exists()
    assert run.counts["people.Person"]["rows"] == 1
    # Nor does the dry run count them.
    assert {item.key: n for item, n in retention_report(today=TODAY) if n} == {}

    hold_lift(hold=hold, actor=dpo)
    run = retention_apply(today=TODAY)
    assert Person.objects.get(pk=held.pk).anonymised_on == TODAY
    assert not EqualityRecord.objects.filter(person=held).exists()
    assert not Reflection.objects.filter(user=held.user).exists()
    assert run.counts["people.Person"]["rows"] == 1
    assert Hold.objects.filter(pk=hold.pk).exists()  # the hold itself is kept for 7 years after it was lifted


def test_several_holds_keep_each_held_persons_rows_and_nobody_elses(dpo, manager):
    people = [leaver(datetime.date(2015, 1, 1), first_name=f"Person{n}", last_name="Leaver") for n in range(5)]
    for person in people:
        give_records(person, manager=manager, on=datetime.date(2014, 6, 1))
    held = people[:3]
    for n, person in enumerate(held):
        kind = Hold.Kind.RESTRICTION if n % 2 else Hold.Kind.LEGAL_HOLD
        hold_place(person=person, kind=kind, reason=f"Claim {n}", actor=dpo)
    before = {person.pk: snapshot_about(person) for person in held}
    run = retention_apply(today=TODAY)
    assert {person.pk: snapshot_about(person) for person in held} == before
    assert run.counts["people.Person"]["rows"] == 2
    assert set(Person.objects.filter(anonymised_on=TODAY).values_list("pk", flat=True)) == {p.pk for p in people[3:]}


# --- running twice, being interrupted, the dry run ---------------------------------------


def test_a_second_run_changes_nothing_and_each_run_is_audited(manager):
    for year in (2012, 2016, 2019, 2025):
        give_records(leaver(datetime.date(year, 3, 1)), manager=manager, on=datetime.date(year, 1, 1))
    first = retention_apply(today=TODAY)
    assert first.finished_at is not None
    assert sum(c["rows"] for c in first.counts.values()) > 20
    assert first.counts["people.Person"] == {"action": "anonymise", "rows": 3}  # 2012, 2016 and 2019
    assert first.counts["equality.EqualityRecord"] == {"action": "delete", "rows": 4}
    before = all_rows()
    second = retention_apply(today=TODAY)
    assert second.counts == {}
    after = all_rows()
    new_events = set(after.pop("audit.AuditEvent")) - set(before.pop("audit.AuditEvent"))
    assert after == before
    events = list(AuditEvent.objects.filter(action="retention_applied").order_by("pk"))
    assert [(e.object_id, e.source) for e in events] == [(str(first.pk), "retention"), (str(second.pk), "retention")]
    assert {e.pk for e in events[1:]} == new_events
    assert events[0].changes == first.counts
    total = sum(c["rows"] for c in first.counts.values())
    assert f"{total} records deleted, erased or anonymised" in events[0].summary
    assert "0 records" in events[1].summary
    assert RetentionRun.objects.count() == 2


def test_the_dry_run_counts_exactly_what_a_run_then_does(manager):
    for year in (2010, 2017, 2020, 2024, 2026):
        person = leaver(datetime.date(year, 5, 1))
        give_records(person, manager=manager, on=datetime.date(year, 4, 1))
        give_records(make_person(), manager=manager, on=datetime.date(year, 4, 1))
    before = all_rows()
    report = {item.key: (item.entry.expiry.value, n) for item, n in retention_report(today=TODAY) if n}
    assert all_rows() == before  # counting changes nothing
    run = retention_apply(today=TODAY)
    assert {key: (c["action"], c["rows"]) for key, c in run.counts.items()} == report
    after = all_rows()
    for key, (action, count) in report.items():
        old, new = before[key], after[key]
        if action == "delete":  # (an audit entry that stays loses the name of anyone anonymised)
            assert len(set(old) - set(new)) == count, key
        else:
            assert len([pk for pk, row in old.items() if new.get(pk) != row]) == count, key


def test_an_interrupted_run_leaves_each_batch_whole_and_the_next_run_finishes(live_site, monkeypatch):
    due = [_reflection(datetime.date(2020, 1, d)) for d in (1, 2, 3)]
    recent = _reflection(TODAY)
    real_act, calls = retention.act, []

    def act_then_fail_on_the_second_batch(entry, rows, *, today):
        changed = real_act(entry, rows, today=today)
        if entry.model is Reflection:
            calls.append(changed)
        if len(calls) == 2:
            raise RuntimeError("the worker was killed")
        return changed

    monkeypatch.setattr(retention, "act", act_then_fail_on_the_second_batch)
    with pytest.raises(RuntimeError):
        retention_apply(today=TODAY, batch=1)
    # The first batch was committed; the second, deleted and then interrupted, was rolled back.
    assert calls == [1, 1]
    assert [_state(r) for r in due] == ["gone", "kept", "kept"]
    interrupted = RetentionRun.objects.get()
    assert interrupted.finished_at is None
    monkeypatch.setattr(retention, "act", real_act)
    run = retention_apply(today=TODAY, batch=1)
    assert [_state(r) for r in due] == ["gone", "gone", "gone"]
    assert _state(recent) == "kept"
    assert run.counts == {"courses.Reflection": {"action": "delete", "rows": 2}}
    assert run.finished_at is not None


def test_the_number_of_queries_does_not_grow_with_the_leavers(manager):
    def force_of(n: int) -> int:
        for _ in range(n):
            give_records(leaver(datetime.date(2015, 1, 1)), manager=manager, on=datetime.date(2014, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            run = retention_apply(today=TODAY, batch=10_000)
        assert run.counts["people.Person"]["rows"] == n
        return len(queries)

    assert force_of(10) == force_of(100)


def test_messages_and_audit_events_go_a_batch_at_a_time_with_their_mentions(manager):
    """Messages and audit entries are records, not content: Wagtail's reference index leaves them
    alone even once the admin that shows them is loaded, so Django need not delete them row by
    row. They go a batch at a time, an entry's mentions with it."""
    from django.urls import reverse
    from wagtail.models import ReferenceIndex

    from compliance.audit.models import AuditMention

    reverse("wagtailadmin_home")  # the admin's hooks loaded, as in every web process
    for model in (Reminder, AuditEvent):
        ReferenceIndex.register_model(model)  # as registering their admin views does
        assert model not in ReferenceIndex.tracked_models

    def force_of(n: int) -> int:
        events = []
        for _ in range(n):
            records = give_records(leaver(datetime.date(2015, 1, 1)), manager=manager, on=datetime.date(2014, 1, 1))
            events += records.ids["audit.AuditEvent"]
        assert AuditMention.objects.filter(event__in=events).count() == n  # each names its person
        with CaptureQueriesContext(connection) as queries:
            run = retention_apply(today=TODAY, batch=10_000)
        assert run.counts["reminders.Reminder"]["rows"] == n
        assert not AuditEvent.objects.filter(pk__in=events).exists()
        assert not AuditMention.objects.filter(event__in=events).exists()
        return len(queries)

    assert force_of(5) == force_of(40)


# --- anonymisation ------------------------------------------------------------------------


def test_anonymising_erases_who_they_were_and_keeps_what_they_did(manager, client):
    unit_mate = make_person(first_name="Unit", last_name="Mate")
    person = make_person(
        username="pc.quaintrell",
        first_name="Zebedee",
        last_name="Quaintrell",
        email="zebedee.quaintrell@force.example",
        staff_number="QX-77123",
        end_date=datetime.date(2019, 1, 1),
    )
    old = {
        "name": "Quaintrell",
        "first": "Zebedee",
        "email": "zebedee.quaintrell@force.example",
        "staff": person.staff_number,
        "username": "pc.quaintrell",
    }
    records = give_records(person, manager=manager, on=datetime.date(2018, 6, 1))
    give_records(unit_mate, manager=manager, on=datetime.date(2026, 1, 1))
    client.force_login(person.user)
    assert client.get("/privacy/my-record/").status_code == 200
    assert Token.objects.filter(user=person.user).exists()

    def by_unit():
        return (
            list(
                Completion.objects.values("user__person__unit").annotate(n=Count("pk")).order_by("user__person__unit")
            ),
            list(Assignment.objects.values("person__unit", "state").annotate(n=Count("pk")).order_by("person__unit")),
        )

    counts = by_unit()
    retention_apply(today=TODAY)

    person.refresh_from_db()
    user = get_user_model().objects.get(pk=person.user_id)
    assert (person.first_name, person.last_name) == ("Erased", f"person {person.pk}")
    assert (person.email, person.staff_number) == ("", f"ERASED-{person.pk}")
    assert (person.anonymised_on, person.is_active) == (TODAY, False)
    assert (user.username, user.email, user.first_name, user.last_name) == (f"erased-{user.pk}", "", "", "")
    assert not user.has_usable_password() and not user.is_active
    assert not Token.objects.filter(user=user).exists()
    response = client.get("/privacy/my-record/")  # the session ended with the account
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not rows_of(_model("people.Absence"), records.ids["people.Absence"])
    # What they did stays: every completion and assignment, so every count by unit is the same.
    assert by_unit() == counts
    assert Completion.objects.filter(pk__in=records.ids["courses.Completion"]).count() == 2
    # Nothing left about them names them, the audit trail included.
    for label, pks in records.ids.items():
        text = repr(rows_of(_model(label), pks))
        for what, value in old.items():
            assert value not in text, f"{label} still holds the {what}"
    assert not rows_of(AuditEvent, records.ids["audit.AuditEvent"])  # written in 2018: its 7 years are up


def test_anonymising_erases_former_names_and_their_number_in_other_entries(manager):
    person = make_person(
        first_name="Ann Marie", last_name="Lee", staff_number="AL-501", end_date=datetime.date(2019, 1, 1)
    )
    report = make_person(first_name="Rory", last_name="Report", staff_number="RR-777")
    other = make_person(first_name="Lee", last_name="Stays", staff_number="AL-5011")  # a longer number
    before_marriage = AuditEvent.objects.create(
        source="import_people",
        action="person_updated",
        object_type="person",
        object_id=str(person.pk),
        summary="Updated: Ann Marie Hart (AL-501): last_name, email",
        changes={"last_name": ["Hart", "Lee"], "email": ["ann.hart@force.example", "ann.lee@force.example"]},
    )
    managed = AuditEvent.objects.create(
        source="admin",
        action="line_manager_changed",
        object_type="person",
        object_id=str(report.pk),
        summary=f"{report}: line manager Ann Marie Lee (AL-501)",
        changes={"line_manager": ["AL-501", "AL-5011"]},
    )
    # Entries about someone else, written today (kept 7 years), stay as they are.
    untouched = AuditEvent.objects.create(
        source="admin",
        action="person_updated",
        object_type="person",
        object_id=str(other.pk),
        summary=f"{other} moved; Lee (AL-5011) kept",
        changes={"staff_number": ["AL-5011", "AL-5011"]},
    )

    retention_apply(today=TODAY)

    erased = f"Erased person {person.pk} (ERASED-{person.pk})"
    before_marriage.refresh_from_db()
    assert before_marriage.summary == f"Updated: {erased}: last_name, email"
    assert before_marriage.changes == {"last_name": ["[erased]", "[erased]"], "email": ["[erased]", "[erased]"]}
    managed.refresh_from_db()
    assert managed.summary == f"Rory Report (RR-777): line manager {erased}"
    assert managed.changes == {"line_manager": [f"ERASED-{person.pk}", "AL-5011"]}
    assert AuditEvent.objects.get(pk=untouched.pk).summary == "Lee Stays (AL-5011) moved; Lee (AL-5011) kept"
    assert set(AuditEvent.objects.filter(named_in(Person.objects.get(pk=person.pk))).values_list("pk", flat=True)) >= {
        before_marriage.pk,
        managed.pk,
    }


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


# --- a leaver over the years --------------------------------------------------------------


def test_a_leaver_over_the_years(pinned_clock, manager):
    """Left on 17 June 2026; the nightly run, day by day as the years pass."""
    left = TODAY
    person = make_person(first_name="Robin", last_name="Leaver", end_date=left)
    records = give_records(person, manager=manager, on=left)
    people_deactivate_leavers(today=left)
    ids = records.ids

    def night(day: datetime.date) -> RetentionRun:
        pinned_clock.move_to(at(day, 3).replace(minute=30))
        return retention_apply()

    def there(label: str) -> int:
        return len(rows_of(_model(label), ids[label]))

    def audit_about() -> int:
        return AuditEvent.objects.filter(object_type="person", object_id=str(person.pk)).count()

    assert audit_about() == 2  # moved team; deactivated when they left

    # The day after: the equality record and the sign-in link go; nothing else.
    night(left + DAY)
    assert there("equality.EqualityRecord") == there("people.SignInLink") == 0
    assert there("courses.Reflection") == 1 and there("reminders.Reminder") == 1
    assert ExtensionRequest.objects.get(pk=ids["compliance.ExtensionRequest"][0]).reason != ERASED

    # A year on: the messages sent to them.
    night(add_months(left, 12) + DAY)
    assert there("reminders.Reminder") == 0 and there("courses.Reflection") == 1

    # Two years on: their reflections, and the free text of their evaluation and observation.
    night(add_months(left, 24) - DAY)
    assert there("courses.Reflection") == 1
    night(add_months(left, 24) + DAY)
    assert there("courses.Reflection") == 0
    assert Evaluation.objects.get(pk=ids["courses.Evaluation"][0]).comments == ""
    assert ManagerObservation.objects.get(pk=ids["observations.ManagerObservation"][0]).notes == ""
    assert ExtensionRequest.objects.get(pk=ids["compliance.ExtensionRequest"][0]).reason != ERASED
    assert Person.objects.get(pk=person.pk).anonymised_on is None

    # Six years on: the free text of their training record is blanked and they are anonymised.
    night(add_months(left, 72))
    assert Person.objects.get(pk=person.pk).anonymised_on is None
    night(add_months(left, 72) + DAY)
    request = ExtensionRequest.objects.get(pk=ids["compliance.ExtensionRequest"][0])
    assert (request.reason, request.decision_note) == (ERASED, "")
    anonymised = Person.objects.get(pk=person.pk)
    assert (anonymised.last_name, anonymised.anonymised_on) == (f"person {person.pk}", add_months(left, 72) + DAY)
    assert there("people.Absence") == there("reminders.DigestPreference") == 0
    assert there("courses.Completion") == 2 and Assignment.objects.filter(person=person).count() == 1
    assert audit_about() == 2

    # Seven years on: the audit trail about them.
    night(add_months(left, 84) + DAY)
    assert audit_about() == 0 and there("audit.AuditEvent") == 0
    assert Person.objects.filter(pk=person.pk).exists()  # anonymised, still counted
    assert AuditEvent.objects.filter(action="retention_applied").count() == 7


# --- the command --------------------------------------------------------------------------


def test_the_command_dry_run_says_what_would_go_and_changes_nothing(manager):
    give_records(leaver(datetime.date(2015, 1, 1)), manager=manager, on=datetime.date(2014, 1, 1))
    before = all_rows()
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", "--today", "2026-06-17", stdout=out)
    assert all_rows() == before
    lines = out.getvalue().splitlines()
    assert "people.Person: 1 to anonymise (rule: 6 years; default: " in "\n".join(lines)
    assert "equality.EqualityRecord: 1 to delete (rule: None: at once;" in "\n".join(lines)
    assert not RetentionRun.objects.exists()

    out = io.StringIO()
    call_command("apply_retention", "--today", "2026-06-17", stdout=out)
    assert "people.Person: 1 anonymise" in out.getvalue()
    assert f"Retention run {RetentionRun.objects.get().pk} finished." in out.getvalue()


@pytest.mark.parametrize("value", ["31/01/2027", "2027-02-30", "tomorrow"])
def test_the_command_refuses_a_bad_day(value):
    with pytest.raises(CommandError, match=f"--today must be a date such as 2027-01-31, not '{value}'"):
        call_command("apply_retention", "--today", value)
    assert not RetentionRun.objects.exists()


# --- the libraries' sign-in records and sessions ---------------------------------------------


def test_sign_in_records_go_after_three_months_and_sessions_once_expired():
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.sessions.models import Session

    from compliance.privacy.selectors import subject_record

    person = make_person(username="PC.Signer")  # the throttle keys a username in lower case
    other = make_person(username="pc.other")
    now = at(TODAY, 9)

    def sign_in(username: str, days_ago: int, model=AccessLog, **fields):
        row = model.objects.create(
            username=username, ip_address="10.1.2.3", user_agent="Firefox", path_info="/", **fields
        )
        model.objects.filter(pk=row.pk).update(attempt_time=now - datetime.timedelta(days=days_ago))
        return row.pk

    old, recent = sign_in("pc.signer", 100), sign_in("pc.signer", 80)
    failed, others = sign_in("pc.signer", 100, AccessAttempt, failures_since_start=1), sign_in("pc.other", 10)
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - datetime.timedelta(days=1))
    Session.objects.create(session_key="live", session_data="x", expire_date=now + datetime.timedelta(hours=1))

    sections = {section.key: section for section in subject_record(person=person)}
    assert len(sections["axes.accesslog"].rows) == 2 and len(sections["axes.accessattempt"].rows) == 1
    assert "sessions.session" not in sections  # stored encoded: never shown, never searched
    assert len({s.key: s for s in subject_record(person=other)}["axes.accesslog"].rows) == 1

    run = retention_apply(today=TODAY)

    assert set(AccessLog.objects.values_list("pk", flat=True)) == {recent, others}
    assert not AccessAttempt.objects.filter(pk=failed).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert run.counts["axes.AccessLog"] == {"action": "delete", "rows": 1}
    assert run.counts["sessions.Session"] == {"action": "delete", "rows": 1}
    assert old not in AccessLog.objects.values_list("pk", flat=True)
