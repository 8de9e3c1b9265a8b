import codecs
import datetime
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from compliance.audit.models import AuditEvent
from compliance.importing.base import parse_date
from compliance.importing.completions import SOURCES, import_completions
from compliance.models import Assignment, AssignmentState
from compliance.services.sync import sync_all
from courses.models import Completion, CompletionSource
from courses.services.completions import completion_void
from tests.compliance.factories import make_course, make_requirement
from tests.factories import make_person

pytestmark = pytest.mark.django_db

HEADER = "staff_number,course_code,completed_on,score,source\n"


@pytest.fixture
def setup():
    make_course("LFOH-OFFICER")
    make_course("MC-STAGE-3")
    return {"a": make_person(staff_number="100001"), "b": make_person(staff_number="100002")}


def test_valid_file_imports_once(setup):
    data = "\ufeff" + HEADER + "100001,LFOH-OFFICER,2025-03-31,87.5,import\n100002,mc-stage-3,01/02/2026,,online\n"
    report = import_completions(data.encode())
    assert report.applied and report.created == 2 and not report.errors
    completion = Completion.objects.get(user=setup["a"].user)
    assert completion.idempotency_key == "import:100001:LFOH-OFFICER:2025-03-31"
    assert str(completion.score) == "87.50" and completion.source == "import"
    again = import_completions(data.encode())
    assert again.created == 0 and again.unchanged == 2
    assert Completion.objects.count() == 2
    assert AuditEvent.objects.filter(action="completions_imported").count() == 1


def test_errors_name_row_and_column_and_nothing_is_written(setup):
    data = (
        HEADER
        + "100001,LFOH-OFFICER,2025-03-31,,\n"
        + "999999,LFOH-OFFICER,2025-03-31,,\n"
        + "100001,NOPE,31/02/2025,150,carrier pigeon\n"
        + "100002,MC-STAGE-3,2100-01-01,,\n"
    )
    report = import_completions(data)
    assert not report.applied
    messages = [str(e) for e in report.errors]
    assert "row 3, column staff_number: nobody has the staff number '999999'" in messages
    assert any(m.startswith("row 4, column course_code") for m in messages)
    assert any(m.startswith("row 4, column completed_on") and "not a real date" in m for m in messages)
    assert any(m.startswith("row 4, column score") for m in messages)
    assert any(m.startswith("row 4, column source") for m in messages)
    assert any(m.startswith("row 5, column completed_on") and "future" in m for m in messages)
    assert Completion.objects.count() == 0
    partial = import_completions(data, skip_invalid=True)
    assert partial.applied and partial.created == 1 and partial.rejected == 3


def test_dry_run_writes_nothing(setup):
    report = import_completions(HEADER + "100001,LFOH-OFFICER,2025-03-31,,\n", dry_run=True)
    assert report.created == 1 and not report.applied
    assert Completion.objects.count() == 0


def test_imported_completions_satisfy_assignments(setup, django_capture_on_commit_callbacks):
    requirement = make_requirement(courses=["LFOH-OFFICER"], trigger="joining")
    sync_all()
    with django_capture_on_commit_callbacks(execute=True):
        import_completions(HEADER + "100001,LFOH-OFFICER,2025-03-31,,\n")
    assignment = Assignment.objects.get(person=setup["a"], requirement=requirement)
    assert assignment.state == AssignmentState.SATISFIED
    assert assignment.satisfied_on == datetime.date(2025, 3, 31)


def test_command_exit_status_and_messages(setup, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "100001,LFOH-OFFICER,2025-03-31,,\n")
    call_command("import_completions", str(good))
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "100001,LFOH-OFFICER,yesterday,,\n")
    with pytest.raises(CommandError):
        call_command("import_completions", str(bad))
    assert "row 2, column completed_on" in capsys.readouterr().err
    missing = tmp_path / "missing.csv"
    missing.write_text("staff,course\n1,2\n")
    with pytest.raises(CommandError, match="Missing required column"):
        call_command("import_completions", str(missing))


WORST = (
    "\ufeffStaff Number,Course Code,Completed On,Score,Source,Notes\r\n"
    "\r\n"
    '"00123","LFOH-OFFICER","31/01/2026","87.5","import","Smith, J ""Jo"""\r\n'  # Excel quoting
    "00123,lfoh-officer,2026-01-31,87.5,import,same again\r\n"  # a duplicate, in ISO
    ",,,,,\r\n"
    "100002,MC-STAGE-3,2026-02-29,,online,\r\n"  # not a leap year
    "100002,MC-STAGE-3,2099-01-01,,online,\r\n"
    "100002,MC-STAGE-3,2026-01-01,101,online,\r\n"
    "100002,MC-STAGE-3,2026-01-01,-1,online,\r\n"
    "999,NOPE,1/2/26,abc,pigeon,\r\n"
    '="100002",MC-STAGE-3,2026-01-31,,,\r\n'  # Excel's text cell
    "100002,MC-STAGE-3,2025-01-01,,online,x,y\r\n"
    "100002,MC-STAGE-3\r\n"
)
WORST_ERRORS = [
    "row 6, column completed_on: '2026-02-29' is not a real date (day is out of range for month)",
    "row 7, column completed_on: 01/01/2099 is in the future",
    "row 8, column score: '101' is refused: score must be a number from 0 to 100 with at most 2 decimal places",
    "row 9, column score: '-1' is refused: score must be a number from 0 to 100 with at most 2 decimal places",
    "row 10, column completed_on: '1/2/26' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
    "row 10, column course_code: no course has the code 'NOPE'",
    "row 10, column score: 'abc' is refused: score must be a number from 0 to 100 with at most 2 decimal places",
    "row 10, column source: unknown source 'pigeon'; use online, attendance, manual, import, imported, e-learning, "
    "elearning, classroom, face-to-face or face to face (blank means import)",
    "row 10, column staff_number: nobody has the staff number '999'",
    "row 12, column (whole row): has 7 cells but the heading row has 6",
    "row 13, column completed_on: a value is required",
]


@pytest.fixture
def worst(tmp_path):
    make_course("LFOH-OFFICER")
    make_course("MC-STAGE-3")
    people = {"zero": make_person(staff_number="00123"), "b": make_person(staff_number="100002")}
    path = tmp_path / "history.csv"
    path.write_bytes(WORST.encode())
    return path, people


def test_a_worst_case_file_lists_every_error_exits_non_zero_and_writes_nothing(worst, capsys):
    path, _ = worst
    with pytest.raises(CommandError, match="11 error"):
        call_command("import_completions", str(path))
    captured = capsys.readouterr()
    assert [line.split(": ", 1)[1] for line in captured.err.splitlines()] == WORST_ERRORS
    assert "Ignored column(s): Notes" in captured.out
    assert "Row 4 repeats row 3: counted once." in captured.out
    assert not Completion.objects.exists() and not AuditEvent.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_completions", str(path), "--dry-run")
    assert not Completion.objects.exists()


def test_skip_invalid_applies_the_good_rows_then_a_second_run_changes_nothing(worst, capsys):
    path, people = worst
    with pytest.raises(SystemExit) as exited:
        call_command("import_completions", str(path), "--skip-invalid", "--dry-run")
    assert exited.value.code == 3 and not Completion.objects.exists()
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        call_command("import_completions", str(path), "--skip-invalid")
    assert exited.value.code == 3
    out = capsys.readouterr().out
    assert "Created 2," in out and "rejected 7" in out
    assert set(Completion.objects.values_list("idempotency_key", flat=True)) == {
        "import:00123:LFOH-OFFICER:2026-01-31",
        "import:100002:MC-STAGE-3:2026-01-31",
    }
    with pytest.raises(SystemExit):
        call_command("import_completions", str(path), "--skip-invalid")
    assert "No changes: all 3 row(s) already match. 7 row(s) rejected." in capsys.readouterr().out
    assert Completion.objects.count() == 2
    assert AuditEvent.objects.filter(action="completions_imported").count() == 1


def test_a_clean_file_twice_and_staff_numbers_in_any_case(tmp_path, capsys):
    make_course("LFOH-OFFICER")
    make_person(staff_number="AB123")
    path = tmp_path / "clean.csv"
    path.write_text("staff_number;course_code;completed_on\nab123;LFOH-OFFICER;2026-01-31\n")
    call_command("import_completions", str(path))
    assert Completion.objects.get().idempotency_key == "import:AB123:LFOH-OFFICER:2026-01-31"
    capsys.readouterr()
    call_command("import_completions", str(path))
    assert "No changes: all 1 row(s) already match." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"staff_number,course_code,completed_on\n", "no data rows"),
        (b"staff,course,date\n1,2,3\n", "Missing required column(s): staff_number, course_code, completed_on"),
        (b"staff_number,course_code\n1,2\n", "Missing required column(s): completed_on"),
        (b"\x00\x01binary\xff", "NUL byte"),
        (b"PK\x03\x04rest-of-a-workbook", "spreadsheet"),
        ("staff_number,course_code,completed_on\n1,caf\u00e9,2026-01-01\n".encode("latin-1"), "not UTF-8"),
        (b"staff_number,staff_number,course_code,completed_on\n1,1,A,2026-01-01\n", "more than once"),
    ],
)
def test_files_that_cannot_be_read_say_why(tmp_path, content, needle):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=re.escape(needle)):
        call_command("import_completions", str(path))
    assert not Completion.objects.exists()


def test_utf16_with_its_bom_is_read(setup, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(
        codecs.BOM_UTF16_LE + (HEADER + "100001\tLFOH-OFFICER\t31/03/2025\t\t\n").replace(",", "\t").encode("utf-16-le")
    )
    call_command("import_completions", str(path))
    assert Completion.objects.get().idempotency_key == "import:100001:LFOH-OFFICER:2025-03-31"


def test_rows_for_the_same_completion_must_agree_and_an_exact_repeat_is_counted_once(setup, tmp_path, capsys):
    repeated = HEADER + "100001,LFOH-OFFICER,2025-01-15,85,import\n100001,lfoh-officer,15/01/2025,85.0,\n"
    report = import_completions(repeated)
    assert report.applied and report.created == 1 and report.unchanged == 1
    assert report.notes == ["Row 3 repeats row 2: counted once."]
    path = tmp_path / "dups.csv"
    path.write_text(
        HEADER
        + "100002,MC-STAGE-3,2025-01-15,85,import\n"
        + "100002,MC-STAGE-3,15/01/2025,40,online\n"
        + "100002,mc-stage-3,2025-01-15,,\n"
    )
    with pytest.raises(CommandError):
        call_command("import_completions", str(path))
    err = capsys.readouterr().err
    assert [line.split(": ", 1)[1] for line in err.splitlines()] == [
        "row 2, column score: conflicts with row 3 (40) for the same person, course and day",
        "row 2, column source: conflicts with row 3 (online) for the same person, course and day",
        "row 3, column score: conflicts with row 2 (85) for the same person, course and day",
        "row 3, column source: conflicts with row 2 (import) for the same person, course and day",
        "row 4, column score: conflicts with row 2 (85) for the same person, course and day",
    ]
    # Which row is right is not known: none of them is imported, even with --skip-invalid.
    partial = import_completions(path.read_bytes(), skip_invalid=True)
    assert partial.rejected == 3 and partial.created == 0 and not partial.notes
    assert Completion.objects.count() == 1


def test_a_recorded_completion_is_never_changed_by_an_import_it_is_voided_and_imported_again(setup, tmp_path, capsys):
    import_completions(HEADER + "100001,LFOH-OFFICER,2025-01-15,85,import\n")
    completion = Completion.objects.get()
    path = tmp_path / "score_changed.csv"
    path.write_text(HEADER + "100001,LFOH-OFFICER,2025-01-15,20,online\n")
    capsys.readouterr()
    with pytest.raises(CommandError):
        call_command("import_completions", str(path))
    out, err = capsys.readouterr()
    assert "already match" not in out and "unchanged 0" in out
    how = (
        f"an import never changes a recorded completion: void it (completion {completion.pk}) in the admin at "
        f"/admin/compliance/completions/{completion.pk}/void/ or through the API with "
        f"POST /api/v1/compliance/completions/{completion.pk}/void/, and import again"
    )
    assert [line.split(": ", 1)[1] for line in err.splitlines()] == [
        f"row 2, column score: a completion for this person, course and day is already recorded with score 85; {how}",
        f"row 2, column source: a completion for this person, course and day is already recorded with source "
        f"import; {how}",
    ]
    skipped = import_completions(path.read_bytes(), skip_invalid=True)
    assert skipped.rejected == 1 and skipped.unchanged == 0 and skipped.created == 0
    completion.refresh_from_db()
    assert str(completion.score) == "85.00" and completion.source == "import"
    # As the message says: void it, and the same file imports the corrected completion, once.
    completion_void(completion=completion, voided_by=None, reason="The score was 20.")
    assert import_completions(path.read_bytes()).created == 1
    again = import_completions(path.read_bytes())
    assert again.applied and again.created == 0 and again.unchanged == 1 and not again.errors
    corrected = Completion.objects.get(voided_at__isnull=True)
    assert corrected.idempotency_key == "import:100001:LFOH-OFFICER:2025-01-15:2"
    assert str(corrected.score) == "20.00" and corrected.source == "online"
    completion_void(completion=corrected, voided_by=None, reason="Not attended.")
    assert import_completions(HEADER + "100001,LFOH-OFFICER,2025-01-15,,\n").created == 1
    assert Completion.objects.get(voided_at__isnull=True).idempotency_key.endswith(":2025-01-15:3")


@pytest.mark.parametrize("score", ["99.999", "1e-9", "1E2", "50.555", "85.000", "-0", "+5", "NaN", "Infinity", "٨٥"])
def test_scores_are_refused_beyond_two_decimal_places_or_in_exponent_notation(setup, score):
    report = import_completions(HEADER + f"100001,LFOH-OFFICER,2025-01-15,{score},\n")
    assert [str(e) for e in report.errors] == [
        f"row 2, column score: '{score}' is refused: score must be a number from 0 to 100 with at most 2 decimal places"
    ]
    assert not Completion.objects.exists()


def test_scores_are_percentages_kept_as_written(setup):
    data = HEADER + "".join(
        f"100001,LFOH-OFFICER,2025-01-{day:02},{score},\n"
        for day, score in enumerate(["0.85", "50.5%", "100", "0", "007.10"], start=1)
    )
    assert import_completions(data).created == 5
    assert sorted(str(s) for s in Completion.objects.values_list("score", flat=True)) == [
        "0.00",
        "0.85",
        "100.00",
        "50.50",
        "7.10",
    ]


def test_an_unknown_source_lists_every_accepted_source(setup):
    report = import_completions(HEADER + "100001,LFOH-OFFICER,2025-01-15,,pigeon\n")
    (error,) = report.errors
    for name in [*CompletionSource.values, *(name for name in SOURCES if name)]:
        if name != CompletionSource.SCORM:  # only the player records a package's completion
            assert re.search(rf"\b{re.escape(name)}\b", error.message), name
    scorm = import_completions(HEADER + "100001,LFOH-OFFICER,2025-01-15,,scorm\n")
    assert [e.column for e in scorm.errors] == ["source"] and not Completion.objects.exists()
    manual = import_completions(HEADER + "100001,LFOH-OFFICER,2025-01-15,,Manual\n")
    assert manual.created == 1 and Completion.objects.get().source == "manual"


@pytest.mark.parametrize("day", ["02/01/2024 00:00", "2024-01-02 00:00:00", "2024-01-02T14:05"])
def test_a_date_with_a_time_is_read_as_its_day_by_every_import(setup, day):
    """Other platforms and spreadsheets export dates with a time; the HR import reads them alike."""
    assert parse_date(day) == datetime.date(2024, 1, 2)
    report = import_completions(HEADER + f"100001,LFOH-OFFICER,{day},,\n")
    assert report.created == 1, report.errors
    assert timezone.localdate(Completion.objects.get().completed_at) == datetime.date(2024, 1, 2)
    with pytest.raises(ValueError, match="'2024-02-30 00:00' is not a real date"):
        parse_date("2024-02-30 00:00")


def test_when_skip_invalid_rejects_every_row_the_headline_says_so(setup):
    report = import_completions(
        HEADER + "100001,NOPE,2025-01-15,,\n999999,LFOH-OFFICER,2025-01-15,,\n", skip_invalid=True
    )
    assert report.headline() == "Every row was rejected (2 error(s) in 2 row(s)): nothing was imported."
    assert not Completion.objects.exists()
