"""An audit entry's mentions: the words it may name a person by, written with it however it is
written, so that the entries naming someone are found through an index, and rewritten with the
entry when that person is anonymised."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.audit.models import AuditEvent, AuditMention, mentioned, named_in
from compliance.audit.services import audit_event_build, audit_event_record
from compliance.people.models import Person
from compliance.people.services import people_anonymise
from compliance.privacy.retention import retention_apply
from tests.factories import make_person

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 17)


def words(event: AuditEvent) -> set[str]:
    return set(AuditMention.objects.filter(event=event).values_list("number", flat=True))


@pytest.mark.parametrize(
    ("summary", "changes", "expected"),
    [
        ("Joined: Ann Lee (AL-501)", {}, {"AL-501"}),
        ("Ann Lee (AL-501) and Bo Ng (B.7_x)", None, {"AL-501", "B.7_x"}),
        ("Line manager changed", {"line_manager": ["AL-501", None], "n": 3}, {"AL-501"}),
        ("Nested", {"a": {"b": [["Z9"]]}, "note": "two words"}, {"Z9"}),
        ("(not a number) (é) () (" + "x" * 33 + ")", {"reason": "x" * 33}, set()),
        ("", "two words", set()),
    ],
)
def test_the_words_an_entry_may_name_someone_by(summary, changes, expected):
    assert mentioned(summary, changes) == expected


def test_mentions_are_written_however_an_entry_is_written():
    ann = make_person(first_name="Ann", last_name="Lee", staff_number="AL-501")
    recorded = audit_event_record(action="person_updated", obj=ann, summary=f"Moved: {ann}", source="admin")
    created = AuditEvent.objects.create(
        source="admin", action="x", object_type="unit", object_id="1", summary="", changes={"head": "AL-501"}
    )
    built = AuditEvent.objects.bulk_create(
        [
            audit_event_build(action="a", obj=ann, summary="Nobody named", source="import_people"),
            audit_event_build(action="b", obj=ann, summary="Line manager Ann Lee (AL-501)", source="import_people"),
        ]
    )
    assert [words(e) for e in (recorded, created, *built)] == [{"AL-501"}, {"AL-501"}, set(), {"AL-501"}]
    # Only the words that are someone's staff number: not a state, a count or a stranger's.
    other = audit_event_record(
        action="x", obj=ann, summary="Nobody (ZZ-9)", source="admin", changes={"outcome": "delete", "state": ["due"]}
    )
    assert words(other) == set()
    # A later save (the trail is append-only) writes no second set.
    recorded.save()
    assert AuditMention.objects.filter(event=recorded).count() == 1


def test_named_in_finds_an_entry_naming_a_staff_number_in_its_changes_alone():
    ann = make_person(first_name="Ann", last_name="Lee", staff_number="AL-501")
    other = make_person(staff_number="OT-1")
    naming = audit_event_record(
        action="line_manager_changed",
        obj=other,
        summary="Line manager changed",
        source="admin",
        changes={"line_manager": [None, "AL-501"]},
    )
    longer = audit_event_record(action="x", obj=other, summary="Lee (AL-5011)", source="admin")
    found = set(AuditEvent.objects.filter(named_in(ann)).values_list("pk", flat=True))
    assert naming.pk in found and longer.pk not in found


def test_anonymising_a_renumbered_person_erases_both_numbers(manager):
    """HR gave Ann a new staff number: entries written before name her by the old one."""
    ann = make_person(first_name="Ann", last_name="Lee", staff_number="OLD-1", end_date=datetime.date(2019, 1, 1))
    report = make_person(first_name="Rory", last_name="Report", staff_number="RR-7")
    before = audit_event_record(
        action="line_manager_changed", obj=report, summary=f"{report}: line manager Ann Lee (OLD-1)", source="admin"
    )
    Person.objects.filter(pk=ann.pk).update(staff_number="NEW-2")
    renumbered = audit_event_record(
        action="person_updated",
        obj=ann,
        summary="Updated: Ann Lee (NEW-2): staff_number",
        source="import_people",
        changes={"staff_number": ["OLD-1", "NEW-2"]},
    )
    after = audit_event_record(action="x", obj=report, summary="Ann Lee (NEW-2) signed off", source="admin")

    assert people_anonymise(person_ids=[ann.pk], today=TODAY) == 1

    label = f"Erased person {ann.pk} (ERASED-{ann.pk})"
    assert AuditEvent.objects.get(pk=before.pk).summary == f"Rory Report (RR-7): line manager {label}"
    assert AuditEvent.objects.get(pk=after.pk).summary == f"{label} signed off"
    entry = AuditEvent.objects.get(pk=renumbered.pk)
    assert entry.summary == f"Updated: {label}: staff_number"
    assert entry.changes == {"staff_number": ["[erased]", "[erased]"]}
    # The mentions follow: no old number is left, and the erased number finds all three.
    assert not AuditMention.objects.filter(number__in=["OLD-1", "NEW-2"]).exists()
    assert {before.pk, after.pk, renumbered.pk} <= set(
        AuditEvent.objects.filter(named_in(Person.objects.get(pk=ann.pk))).values_list("pk", flat=True)
    )


def test_finding_the_entries_to_rewrite_reads_no_more_as_the_trail_grows():
    """The entries naming the people anonymised are found through the mentions' index, in the
    same queries however many other entries there are."""

    def anonymise_one(n: int) -> int:
        person = make_person(staff_number=f"GONE-{n}", end_date=datetime.date(2019, 1, 1))
        audit_event_record(action="x", obj=person, summary=f"About {person}", source="admin")
        AuditEvent.objects.bulk_create(
            [
                audit_event_build(action="noise", obj=person, summary=f"Someone else (N{n}-{i})", source="admin")
                for i in range(20 * n)
            ]
        )
        with CaptureQueriesContext(connection) as queries:
            people_anonymise(person_ids=[person.pk], today=TODAY)
        return len(queries)

    assert anonymise_one(1) == anonymise_one(10)


def test_retention_deletes_an_entry_with_its_mentions(manager, pinned_clock):
    ann = make_person(staff_number="AL-501")
    old = audit_event_record(action="x", obj=ann, summary=f"Moved: {ann}", source="admin")
    AuditEvent.objects.filter(pk=old.pk).update(at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC))
    kept = audit_event_record(action="x", obj=ann, summary=f"Moved again: {ann}", source="admin")

    run = retention_apply(today=TODAY)

    assert run.counts["audit.AuditEvent"]["rows"] == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert list(AuditMention.objects.filter(number="AL-501").values_list("event_id", flat=True)) == [kept.pk]
    assert not AuditMention.objects.filter(event_id=old.pk).exists()


def test_a_former_number_someone_else_holds_now_is_theirs(manager):
    """HR renumbered Ann and later gave her old number to Bob: the entries naming Bob by it stay."""
    ann = make_person(first_name="Ann", last_name="Lee", staff_number="NEW-2", end_date=datetime.date(2019, 1, 1))
    audit_event_record(
        action="person_updated",
        obj=ann,
        summary="Updated: Ann Lee (NEW-2): staff_number",
        source="import_people",
        changes={"staff_number": ["OLD-1", "NEW-2"]},
    )
    bob = make_person(first_name="Bob", last_name="Ray", staff_number="OLD-1")
    about_bob = audit_event_record(action="x", obj=bob, summary="Joined: Bob Ray (OLD-1)", source="import_people")

    people_anonymise(person_ids=[ann.pk], today=TODAY)

    assert AuditEvent.objects.get(pk=about_bob.pk).summary == "Joined: Bob Ray (OLD-1)"
    assert words(about_bob) == {"OLD-1"}
