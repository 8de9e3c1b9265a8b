"""The restricted equality-monitoring import: values are never echoed back."""

import pytest

from compliance.equality.models import EqualityRecord

from .test_import_people import run_command, tree, units  # noqa: F401

HEADER = "staff_number,sex,ethnicity,disability,sexual_orientation,religion,age_band\n"


def test_loads_and_reimport_is_a_no_op(tree, tmp_path):  # noqa: F811
    content = HEADER + "1000,Female,Asian or Asian British,no,prefer not to say,,35-44\n1001,male,white,,,,\n"
    status, out, _ = run_command("import_equality", content, tmp_path)
    assert status == 0 and "Created 2" in out
    record = EqualityRecord.objects.get(person__staff_number="1000")
    assert (record.sex, record.ethnicity, record.sexual_orientation, record.religion) == (
        "female",
        "asian",
        "prefer_not_to_say",
        "",
    )
    status, out, _ = run_command("import_equality", content, tmp_path)
    assert "No changes" in out


def test_errors_never_echo_a_value(tree, tmp_path):  # noqa: F811
    content = HEADER + "1000,Martian,white,,,,\n9999,female,,,,,\n1001,,Purple,,,,\n1001,,,,,,\n"
    status, out, err = run_command("import_equality", content, tmp_path)
    assert status == 1
    assert "row 2, column sex: not one of the allowed values" in err
    assert "row 3, column staff_number: no person with staff number '9999'" in err
    assert "row 4, column staff_number: duplicate staff number '1001', also on row 5" in err
    assert "Martian" not in out + err and "Purple" not in out + err
    assert not EqualityRecord.objects.exists()


def test_staff_numbers_match_without_case(units, tmp_path):  # noqa: F811
    from compliance.importing.people import import_people

    from .test_import_people import row, to_csv

    import_people(to_csv([row("AB1")]))
    status, _, err = run_command("import_equality", HEADER + "ab1,female,,,,,\n", tmp_path)
    assert status == 0, err
    assert EqualityRecord.objects.get().sex == "female"


@pytest.mark.parametrize("flag", ["--dry-run"])
def test_dry_run_writes_nothing(tree, tmp_path, flag):  # noqa: F811
    status, out, _ = run_command("import_equality", HEADER + "1000,female,,,,,\n", tmp_path, flag)
    assert status == 0 and "would have created 1" in out
    assert not EqualityRecord.objects.exists()


def test_a_column_missing_from_the_file_is_left_as_it_is(tree, tmp_path):  # noqa: F811
    run_command("import_equality", HEADER + "1000,female,asian,no,,christian,35-44\n", tmp_path)
    loaded = EqualityRecord.objects.get()
    # A misspelt heading is ignored, and says so; the characteristics not in the file stay.
    status, out, err = run_command("import_equality", "staff_number,sex,ethnicty\n1000,male,white\n", tmp_path)
    assert status == 0, err
    assert "Ignored column(s): ethnicty" in out
    assert "Not in the file, so left as they are: ethnicity, disability, sexual_orientation, religion, age_band" in out
    record = EqualityRecord.objects.get()
    assert (record.sex, record.ethnicity, record.religion, record.age_band) == ("male", "asian", "christian", "35-44")
    assert record.updated_at > loaded.updated_at


def test_a_file_with_no_characteristic_column_is_refused(tree, tmp_path):  # noqa: F811
    status, _, err = run_command("import_equality", "staff_number,gender\n1000,female\n", tmp_path)
    assert status == 1 and "no characteristic column" in err
    assert not EqualityRecord.objects.exists()


def test_a_file_without_its_heading_row_is_refused_without_echoing_the_first_row(tree, tmp_path):  # noqa: F811
    status, out, err = run_command("import_equality", "1000,female,asian,no,gay_man,muslim,45-54\n", tmp_path)
    assert status == 1 and "Missing required column(s): staff_number" in err
    for value in ("female", "asian", "muslim", "45-54", "1000"):
        assert value not in out + err
