"""HR files from other forces, in their own words: the ranks of student officers, PCSOs and
the special constabulary, function codes with underscores, unit kinds a force names its own
way, values translated by a mapping file, and every unknown value listed once, with a count."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from compliance.access import Role
from compliance.importing.csvfile import parse_mapping
from compliance.importing.people import import_people
from compliance.importing.units import import_units
from compliance.people.models import OrgUnit, Person, RankOrGrade
from tests.factories import UserFactory

from .test_import_people import UNITS, row, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    assert not import_units(UNITS, source="test").errors


def test_every_kind_of_worker_a_force_employs_is_recognised(units):
    rows = [
        row("S1", worker_type="student_officer", rank_or_grade="Student Officer (PCDA)"),
        row("S2", worker_type="Student officer", rank_or_grade="Probationer"),
        row("P1", worker_type="PCSO", rank_or_grade="Police Community Support Officer"),
        row("SC1", worker_type="special_constable", rank_or_grade="Special Constable"),
        row("SC2", worker_type="special_constable", rank_or_grade="special_sergeant"),
        row("SC3", worker_type="special_constable", rank_or_grade="Special Ch Insp"),
        row("V1", worker_type="volunteer", rank_or_grade="PSV"),
        row("M1", rank_or_grade="Cmdr", functions="recruitment_assessor; PROMOTION_PANEL_MEMBER"),
    ]
    report = import_people(to_csv(rows), source="test")
    assert report.errors == [] and report.created == 8
    people = {p.staff_number: p for p in Person.objects.all()}
    assert (people["S1"].rank_or_grade, people["S1"].leadership_level) == ("Student Officer", "none")
    assert (people["SC2"].rank_or_grade, people["SC2"].leadership_level) == ("Special Sergeant", "first_line")
    assert (people["SC3"].rank_or_grade, people["SC3"].leadership_level) == ("Special Chief Inspector", "middle")
    assert (people["M1"].rank_or_grade, people["M1"].leadership_level) == ("Commander", "senior")
    assert set(people["M1"].functions.values_list("code", flat=True)) == {
        "recruitment-assessor",
        "promotion-panel-member",
    }


def test_unit_kinds_in_a_forces_own_words():
    data = (
        "unit_code,name,parent_code,kind\n"
        "F,Westshire Police,,Constabulary\n"
        "BCU-E,East BCU,F,Basic_Command_Unit\n"
        "NPU-1,Northfield NPU,BCU-E,NPU\n"
        "SEC-1,Sector 1,NPU-1,sector\n"
        "DIV-W,West Division,F,DIVISION\n"
    )
    report = import_units(data, source="test")
    assert report.errors == []
    assert dict(OrgUnit.objects.values_list("code", "kind")) == {
        "F": "force",
        "BCU-E": "lpa",
        "NPU-1": "lpa",
        "SEC-1": "team",
        "DIV-W": "lpa",
    }


def test_a_mapping_file_translates_values_as_well_as_headings(units, tmp_path):
    theirs = (
        "Employee No,Forename,Surname,Work Email,Staff Type,Rank,Dept,Start,Skills\n"
        "E1,Ann,Ames,ann@force.example,Officer,Sgt.,RT1,01/04/2015,Panel (promotion)\n"
        "E2,Bo,Bell,bo@force.example,Staff,Band 4,RT1,01/04/2016,\n"
    )
    mapping = {
        "columns": {
            "Employee No": "staff_number",
            "Forename": "first_name",
            "Surname": "last_name",
            "Work Email": "email",
            "Staff Type": "worker_type",
            "Rank": "rank_or_grade",
            "Dept": "unit_code",
            "Start": "start_date",
            "Skills": "functions",
        },
        "values": {
            "worker_type": {"Officer": "police_officer", "Staff": "police_staff"},
            "rank_or_grade": {"SGT.": "Sergeant", "band 4": "Grade D"},
            "functions": {"Panel (promotion)": "promotion-panel-member"},
        },
    }
    report = import_people(theirs, source="test", mapping=parse_mapping(json.dumps(mapping)))
    assert report.errors == [] and report.created == 2
    ann = Person.objects.get(staff_number="E1")
    assert (ann.worker_type, ann.rank_or_grade, ann.leadership_level) == ("police_officer", "Sergeant", "first_line")
    assert list(ann.functions.values_list("code", flat=True)) == ["promotion-panel-member"]
    assert Person.objects.get(staff_number="E2").rank_or_grade == "Grade D"
    # Through the command, from a file, the same.
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping))
    file = tmp_path / "people.csv"
    file.write_text(theirs.replace("Ann", "Anne"))
    out = io.StringIO()
    call_command("import_people", str(file), mapping=str(path), stdout=out)
    assert "updated 1" in out.getvalue().lower()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"values": {"rank_or_grade": ["Sgt"]}}, "must map each column to an object of values"),
        ({"columns": {"Rank": "rank_or_grade"}, "values": {"rank": {"Sgt": "Sergeant"}}}, "unknown column(s) rank"),
    ],
)
def test_a_bad_value_mapping_is_refused_clearly(units, mapping, message):
    from compliance.importing import ImportFileError

    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_people(to_csv([row("A1")]), source="test", mapping=parse_mapping(json.dumps(mapping)))


def test_unknown_values_are_listed_once_each_with_how_many_rows_use_them(units, tmp_path):
    rows = [
        *(row(f"C{i}", rank_or_grade="Custody Detention Officer") for i in range(3)),
        *(row(f"D{i}", rank_or_grade="Investigator Grade 2", functions="taser; firearms") for i in range(2)),
        row("E1", functions="taser"),
    ]
    report = import_people(to_csv(rows), source="test")
    assert report.unknown_values() == {
        "functions": [("taser", 3)],
        "rank_or_grade": [("Custody Detention Officer", 3), ("Investigator Grade 2", 2)],
    }
    assert report.as_dict()["unknown_values"]["functions"] == [{"value": "taser", "rows": 3}]
    file = tmp_path / "people.csv"
    file.write_text(to_csv(rows))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_people", str(file), stderr=err, stdout=io.StringIO())
    assert "rank_or_grade: 'Custody Detention Officer' (3 rows); 'Investigator Grade 2' (2 rows)" in err.getvalue()
    assert "functions: 'taser' (3 rows)" in err.getvalue()


def test_an_administrator_adds_an_alias_in_the_admin_and_the_file_then_imports(client, units):
    admin = UserFactory(roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(admin)
    assert client.get("/admin/compliance_rank/").status_code == 200
    rank = RankOrGrade.objects.get(name="Grade C")
    response = client.post(
        f"/admin/compliance_rank/edit/{rank.pk}/",
        {
            "name": rank.name,
            "kind": rank.kind,
            "leadership_level": rank.leadership_level,
            "seniority": rank.seniority,
            "aliases": rank.aliases + "; Custody Detention Officer",
        },
    )
    assert response.status_code == 302
    report = import_people(to_csv([row("C1", rank_or_grade="custody detention officer")]), source="test")
    assert report.errors == [] and Person.objects.get(staff_number="C1").rank_or_grade == "Grade C"
    # Nobody else edits the force's vocabularies.
    client.force_login(UserFactory(roles=[Role.LD_EDITOR]))
    assert client.get("/admin/compliance_rank/").status_code == 302
