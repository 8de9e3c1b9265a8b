"""The organisation-unit import."""

import pytest

from compliance.audit.models import AuditEvent
from compliance.importing.units import import_units
from compliance.people.models import OrgUnit

from .test_import_people import UNITS, run_command


def tree() -> dict[str, str | None]:
    """unit code -> parent code, read back from the treebeard paths."""
    by_path = {u.path: u.code for u in OrgUnit.objects.all()}
    return {u.code: by_path.get(u.path[: -OrgUnit.steplen]) for u in OrgUnit.objects.all()}


@pytest.fixture
def loaded(db):
    report = import_units(UNITS)
    assert report.created == 4


def test_children_may_come_before_their_parents(db):
    report = import_units("unit_code,name,parent_code\nT1,Team,D1\nD1,Dept,F\nF,Force,\n")
    assert report.created == 3 and not report.errors
    assert tree() == {"F": None, "D1": "F", "T1": "D1"}
    assert OrgUnit.objects.get(code="T1").kind == "team"


def test_reimport_is_a_no_op(loaded, tmp_path):
    events = AuditEvent.objects.count()
    status, out, _ = run_command("import_units", UNITS, tmp_path)
    assert status == 0
    assert "No changes: all 4 row(s) already match." in out
    assert AuditEvent.objects.count() == events


def test_rename_and_move_a_unit_with_its_subtree(loaded):
    import_units("unit_code,name,parent_code,kind\nLPA-S,South LPA,FORCE,Local policing area\nT9,Team 9,RT1,team\n")
    report = import_units("unit_code,name,parent_code,kind\nrt1,Response Team One,LPA-S,team\n")
    assert report.updated == 1
    assert tree()["RT1"] == "LPA-S" and tree()["T9"] == "RT1"
    assert OrgUnit.objects.get(code="RT1").name == "Response Team One"
    assert OrgUnit.objects.get(code="T9").path.startswith(OrgUnit.objects.get(code="LPA-S").path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("unit_code,name,parent_code\nX,X,NOPE\n", "row 2, column parent_code: parent unit 'NOPE' is not in the file"),
        ("unit_code,name,parent_code\nX,X,X\n", "row 2, column parent_code: a unit cannot be its own parent"),
        ("unit_code,name,parent_code\nX,X,Y\nY,Y,X\n", "unit tree cycle"),
        ("unit_code,name,parent_code\nX,X,\nx,X again,\n", "row 3, column unit_code: duplicate unit code 'x'"),
        ("unit_code,name,parent_code,kind\nX,X,,galaxy\n", "row 2, column kind: unknown kind 'galaxy'"),
        ("unit_code,name,parent_code\nX,,\n", "row 2, column name: a value is required"),
        ("unit_code,name,parent_code\n" + "X" * 40 + ",X,\n", "row 2, column unit_code: must be at most 32"),
        ("unit_code,name\n", "has a heading row but no data rows"),
        (
            'unit_code,name,parent_code\nX,"=HYPERLINK(""http://x"")",\n',
            "row 2, column name: '=HYPERLINK(\"http://x\")' starts with '=', like a spreadsheet formula",
        ),
        ("unit_code,name,parent_code\nX,@SUM(A1),\n", "row 2, column name: '@SUM(A1)' starts with '@'"),
        ("unit_code,name,parent_code\n=cmd|' /C calc'!A0,X,\n", "row 2, column unit_code: '=cmd|' /C calc'!A0' is not"),
        ("unit_code,name,parent_code\nHAS SPACE,X,\n", "row 2, column unit_code: 'HAS SPACE' is not a unit code"),
        ("unit_code,name,parent_code\nÜnïcødé,X,\n", "row 2, column unit_code: 'Ünïcødé' is not a unit code"),
        ("unit_code,name,parent_code\n-1+2,X,\n", "row 2, column unit_code: '-1+2' is not a unit code"),
        ("code,title\nX,Y\n", "Missing required column(s): unit_code, name"),
    ],
)
def test_errors_are_named_and_nothing_is_written(loaded, tmp_path, content, expected):
    before = list(OrgUnit.objects.values_list("code", "path", "name"))
    status, _, err = run_command("import_units", content, tmp_path)
    assert status == 1
    assert expected in err
    assert list(OrgUnit.objects.values_list("code", "path", "name")) == before


def test_cycle_with_the_database_is_refused(loaded):
    report = import_units("unit_code,name,parent_code\nLPA-N,North LPA,RT1\n")
    assert not report.applied and "unit tree cycle" in report.errors[0].message


def test_skip_invalid_and_orphans(loaded, tmp_path):
    content = "unit_code,name,parent_code,kind\nD1,Dept,FORCE,galaxy\nT1,Team,D1,team\nT2,Team 2,RT1,team\n"
    status, out, err = run_command("import_units", content, tmp_path, "--skip-invalid")
    assert status == 3
    assert "row 3, column parent_code: parent unit 'D1' is on a row that has errors" in err
    assert OrgUnit.objects.filter(code="T2").exists() and not OrgUnit.objects.filter(code__in=["D1", "T1"]).exists()


def test_dry_run_writes_nothing(loaded, tmp_path):
    status, out, _ = run_command("import_units", "unit_code,name,parent_code\nT1,Team,RT1\n", tmp_path, "--dry-run")
    assert status == 0 and "would have created 1" in out
    assert not OrgUnit.objects.filter(code="T1").exists()


def test_codes_may_have_letters_digits_and_separators(loaded):
    report = import_units("unit_code,name,parent_code\nLPA-N/RT.3_b,Team 3,LPA-N\n")
    assert report.created == 1 and not report.errors


def test_parent_in_another_case_before_its_row(loaded):
    report = import_units("unit_code,name,parent_code\nNEWC,Child,newp\nNEWP,Parent,FORCE\n")
    assert report.created == 2 and not report.errors
    assert tree()["NEWC"] == "NEWP"


@pytest.mark.parametrize(("flag", "expected_status"), [((), 1), (("--skip-invalid",), 3)])
def test_rows_under_a_cycle_are_rejected_too(loaded, tmp_path, flag, expected_status):
    content = "unit_code,name,parent_code\nNEWP,P,NEWQ\nNEWQ,Q,NEWP\nNEWR,R,NEWP\nT1,Team,RT1\n"
    status, _, err = run_command("import_units", content, tmp_path, *flag)
    assert status == expected_status
    assert "row 2, column parent_code: unit tree cycle" in err
    assert "row 4, column parent_code: parent unit 'NEWP' is on a row that has errors" in err
    assert not OrgUnit.objects.filter(code__in=["NEWP", "NEWQ", "NEWR"]).exists()
    assert OrgUnit.objects.filter(code="T1").exists() == bool(flag)


def test_cycle_left_by_a_rejected_row_is_refused(loaded, tmp_path):
    # RT1's own row is rejected, so it stays under LPA-N: moving LPA-N under RT1 would be a cycle.
    before = tree()
    content = "unit_code,name,parent_code\nLPA-N,North LPA,RT1\nRT1,Response Team 1,NOPE\n"
    status, _, err = run_command("import_units", content, tmp_path, "--skip-invalid")
    assert status == 3
    assert "row 2, column parent_code: unit tree cycle: LPA-N → RT1 → LPA-N" in err
    assert "row 3, column parent_code: parent unit 'NOPE' is not in the file" in err
    assert tree() == before


def test_tree_depth_is_limited_by_the_path_column(loaded, tmp_path):
    max_depth = OrgUnit._meta.get_field("path").max_length // OrgUnit.steplen
    # FORCE is level 1, so D{n} is level n + 1 and D{max_depth}, on row max_depth + 1, is one too many.
    lines = [f"D{n},Depth {n},{f'D{n - 1}' if n > 1 else 'FORCE'}" for n in range(1, max_depth + 2)]
    content = "unit_code,name,parent_code\n" + "\n".join(lines) + "\n"
    status, _, err = run_command("import_units", content, tmp_path, "--skip-invalid")
    assert status == 3
    too_deep = f"column parent_code: the unit tree would be more than {max_depth} levels deep"
    assert f"row {max_depth + 1}, {too_deep}" in err and f"row {max_depth + 2}, {too_deep}" in err
    assert f"row {max_depth}, " not in err
    assert OrgUnit.objects.filter(code=f"D{max_depth - 1}").exists()
    assert not OrgUnit.objects.filter(code=f"D{max_depth}").exists()
    # LPA-N itself would fit under D{max_depth - 2}, but RT1, moving with it, would not.
    before = tree()
    content = f"unit_code,name,parent_code\nLPA-N,North LPA,D{max_depth - 2}\n"
    status, _, err = run_command("import_units", content, tmp_path)
    assert status == 1 and f"row 2, {too_deep}" in err
    assert tree() == before
