"""The people import against files that would do harm: taking over privileged accounts,
wiping what a column left out of the file should keep, chains too deep for the tree, and
shared email addresses."""

import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from compliance.access import Role
from compliance.importing.people import MAX_LINE_DEPTH, REQUIRED, import_people
from compliance.people.models import Person

from .test_import_people import row, to_csv, tree, units, write_counts  # noqa: F401


def test_a_superuser_or_role_account_is_never_taken_over(units):  # noqa: F811
    User = get_user_model()
    admin = User.objects.create(username="admin", email="admin@force.example", is_superuser=True, is_staff=True)
    service = User.objects.create(username="hr.integration", email="hr@force.example")
    service.groups.add(Group.objects.get(name=Role.HR_SERVICE))
    report = import_people(
        to_csv([row("admin", email="evil@attacker.example"), row("hr.integration", end_date="2020-01-01")])
    )
    assert not report.applied
    assert [(e.row, e.column) for e in report.errors] == [(2, "staff_number"), (3, "staff_number")]
    assert "administrative rights or roles" in report.errors[0].message
    admin.refresh_from_db()
    service.refresh_from_db()
    assert admin.email == "admin@force.example" and service.is_active
    assert not Person.objects.exists()


def test_an_account_differing_in_letter_case_is_not_taken_over(units):  # noqa: F811
    get_user_model().objects.create(username="AB12")
    report = import_people(to_csv([row("ab12")]))
    assert not report.applied and "an account spelt 'AB12'" in report.errors[0].message


def test_columns_missing_from_the_file_keep_what_is_loaded(tree, tmp_path):  # noqa: F811
    import_people(to_csv([row("1003", line_manager_staff_number="1002", functions="firearms")]))
    import_people(to_csv([row("1004", line_manager_staff_number="1002", end_date="2026-01-31")]))
    report = import_people(
        to_csv(
            [row("1003", first_name="Sam"), row("1004"), row("1005", line_manager_staff_number="")], columns=REQUIRED
        )
    )
    assert report.applied, report.errors
    assert "Column(s) not in the file: line_manager_staff_number, functions, end_date" in " ".join(report.notes)
    assert (report.created, report.updated, report.deactivated) == (1, 1, 0)
    people = {p.staff_number: p for p in Person.objects.select_related("line_manager")}
    assert people["1003"].first_name == "Sam" and people["1003"].line_manager.staff_number == "1002"
    assert set(people["1003"].functions.values_list("code", flat=True)) == {"firearms"}
    # The leaver stays a leaver, and so does their login.
    assert not people["1004"].is_active and not people["1004"].user.is_active
    assert people["1005"].line_manager is None
    # Blank cells in columns that are there still clear.
    import_people(to_csv([row("1003", first_name="Sam")]))
    assert Person.objects.get(staff_number="1003").line_manager is None


def test_a_move_that_would_push_the_chain_below_too_deep_is_refused(units):  # noqa: F811
    # One chain as deep as the tree allows, and a second, shorter one.
    chain = [row("C0")] + [row(f"C{i}", line_manager_staff_number=f"C{i - 1}") for i in range(1, MAX_LINE_DEPTH)]
    other = [row("D0")] + [row(f"D{i}", line_manager_staff_number=f"D{i - 1}") for i in range(1, 5)]
    assert import_people(to_csv(chain + other)).applied
    before = write_counts()
    # Putting D0 under the bottom of C would put D4 far below the limit, though D4 is not in the file.
    report = import_people(to_csv([row("D0", line_manager_staff_number=f"C{MAX_LINE_DEPTH - 1}")]))
    assert not report.applied and write_counts() == before
    [error] = report.errors
    assert (error.row, error.column) == (2, "line_manager_staff_number")
    assert f"{MAX_LINE_DEPTH + 5} levels deep at or below this person; at most {MAX_LINE_DEPTH}" in error.message
    assert max(len(p) for p in Person.objects.values_list("line_path", flat=True)) <= 255


def test_two_people_cannot_share_an_email(tree):  # noqa: F811
    report = import_people(
        to_csv(
            [
                row("2000", email="same@force.example"),
                row("2001", email="SAME@force.example"),
                row("2002", email="p1003@force.example"),
            ]
        )
    )
    assert not report.applied
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert set(messages) == {(2, "email"), (3, "email"), (4, "email")}
    assert "is also the email of row 3" in messages[(2, "email")]
    assert "is also the email of 1003 (already loaded)" in messages[(4, "email")]


def test_emails_may_be_swapped_and_a_leavers_address_reused(tree):  # noqa: F811
    import_people(to_csv([row("1004", line_manager_staff_number="1002", end_date="2026-01-31")]))
    report = import_people(
        to_csv(
            [
                row("1003", line_manager_staff_number="1002", email="p1002@force.example"),
                row("1002", line_manager_staff_number="1001", rank_or_grade="Sergeant", email="p1003@force.example"),
                row("2000", email="p1004@force.example"),
            ]
        )
    )
    assert report.applied, report.errors


def test_a_name_like_a_formula_is_refused(units):  # noqa: F811
    report = import_people(to_csv([row("2000", first_name="-2+3")]))
    assert not report.applied and "like a spreadsheet formula" in report.errors[0].message


def test_the_same_name_in_another_unicode_form_is_not_a_change(units):  # noqa: F811
    composed = [row("2000", first_name="Siân", last_name="Zoë")]
    assert import_people(to_csv(composed)).created == 1
    decomposed = to_csv(composed).replace("Siân", unicodedata.normalize("NFD", "Siân"))
    decomposed = decomposed.replace("Zoë", unicodedata.normalize("NFD", "Zoë"))
    assert decomposed != to_csv(composed)
    report = import_people(("\ufeff\ufeff" + decomposed).encode())
    assert (report.updated, report.unchanged) == (0, 1), report.errors
