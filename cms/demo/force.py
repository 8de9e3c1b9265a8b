"""A deterministic demo force: units, people and line management in realistic proportions.

The generated rows go through the same HR import as a real force's files, so the demo also
exercises the import. `build_force(people=600, seed=1)` gives the same force every time.
"""

import csv
import datetime
import io
import random
from dataclasses import dataclass, field

from django.utils import timezone

from .names import FIRST_NAMES, LAST_NAMES

FORCE = ("WMS", "West Midshire Police", "", "force")

# code, name, parent, kind; police=True for police-led units
DIRECTORATES = [
    ("COT", "Chief Officer Team", "directorate", True),
    ("LP", "Local Policing", "directorate", True),
    ("CRIME", "Crime and Public Protection", "directorate", True),
    ("OPS", "Operations", "directorate", True),
    ("PSD", "Professional Standards", "directorate", True),
    ("POD", "People and Organisational Development", "directorate", False),
    ("CORP", "Corporate Services", "directorate", False),
]
DEPARTMENTS = {
    "LP": [
        ("LPA-N", "Northfield Local Policing Area", "lpa"),
        ("LPA-E", "Eastgate Local Policing Area", "lpa"),
        ("LPA-R", "Riverside Local Policing Area", "lpa"),
        ("LPA-W", "Westbrook Local Policing Area", "lpa"),
    ],
    "CRIME": [
        ("CID", "Criminal Investigation Department", "department"),
        ("PPU", "Public Protection Unit", "department"),
        ("INTEL", "Intelligence", "department"),
    ],
    "OPS": [
        ("FIRE", "Armed Policing", "department"),
        ("ROADS", "Roads Policing", "department"),
        ("CONTACT", "Force Contact Centre", "department"),
    ],
    "PSD": [
        ("PSD-INV", "Professional Standards Investigations", "department"),
        ("PSD-CC", "Counter Corruption Unit", "department"),
    ],
    "POD": [
        ("LD", "Learning and Development", "department"),
        ("HR", "HR Services", "department"),
        ("RECRUIT", "Recruitment and Positive Action", "department"),
    ],
    "CORP": [
        ("FIN", "Finance", "department"),
        ("IT", "Digital Services", "department"),
        ("EST", "Estates and Fleet", "department"),
    ],
}
LPA_TEAMS = [
    ("RT1", "Response Team 1"),
    ("RT2", "Response Team 2"),
    ("RT3", "Response Team 3"),
    ("NHT", "Neighbourhood Team"),
    ("INV", "Local Investigation Team"),
]
# Share of the workforce in each kind of department team (police vs staff led).
STAFF_DEPARTMENTS = {"CONTACT", "LD", "HR", "RECRUIT", "FIN", "IT", "EST", "INTEL"}

PASSWORD = "demo-password-2026"


@dataclass
class Member:
    staff_number: str
    first_name: str
    last_name: str
    worker_type: str
    rank_or_grade: str
    unit_code: str
    manager: str = ""
    start_date: datetime.date = datetime.date(2015, 1, 1)
    role_start_date: datetime.date | None = None
    functions: list[str] = field(default_factory=list)
    end_date: datetime.date | None = None
    persona: str = ""


@dataclass
class Force:
    units: list[tuple[str, str, str, str]]
    members: list[Member]
    personas: dict[str, str]  # persona username -> staff number
    today: datetime.date

    def units_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["unit_code", "name", "parent_code", "kind"])
        writer.writerows(self.units)
        return out.getvalue()

    def people_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "staff_number",
                "first_name",
                "last_name",
                "email",
                "worker_type",
                "rank_or_grade",
                "leadership_level",
                "unit_code",
                "line_manager_staff_number",
                "start_date",
                "role_start_date",
                "functions",
                "end_date",
            ]
        )
        for m in self.members:
            email = f"{m.first_name}.{m.last_name}.{m.staff_number}@westmidshire.police.example".lower()
            email = email.replace("'", "").replace(" ", "")
            writer.writerow(
                [
                    m.staff_number,
                    m.first_name,
                    m.last_name,
                    email,
                    m.worker_type,
                    m.rank_or_grade,
                    "",
                    m.unit_code,
                    m.manager,
                    m.start_date.isoformat(),
                    (m.role_start_date or m.start_date).isoformat(),
                    ";".join(m.functions),
                    m.end_date.isoformat() if m.end_date else "",
                ]
            )
        return out.getvalue()


class _Builder:
    def __init__(self, people: int, seed: int, today: datetime.date) -> None:
        self.rng = random.Random(seed)
        self.target = max(people, 120)
        self.today = today
        self.members: list[Member] = []
        self.next_number = 100001

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def years_ago(self, low: float, high: float) -> datetime.date:
        return self.date_between(
            self.today - datetime.timedelta(days=int(high * 365)), self.today - datetime.timedelta(days=int(low * 365))
        )

    def add(
        self,
        worker_type: str,
        rank: str,
        unit: str,
        manager: str = "",
        *,
        served=(2, 25),
        in_rank=(0.5, 8),
        persona: str = "",
    ) -> Member:
        start = self.years_ago(*served)
        role_start = max(start, self.years_ago(*in_rank))
        member = Member(
            staff_number=str(self.next_number),
            first_name=self.rng.choice(FIRST_NAMES),
            last_name=self.rng.choice(LAST_NAMES),
            worker_type=worker_type,
            rank_or_grade=rank,
            unit_code=unit,
            manager=manager,
            start_date=start,
            role_start_date=role_start,
            persona=persona,
        )
        self.next_number += 1
        self.members.append(member)
        return member

    def team(self, unit: str, manager: Member, size: int, *, police: bool) -> list[Member]:
        """A supervisor with 6 to 10 people; the mix depends on the kind of team."""
        people = []
        for _ in range(size):
            roll = self.rng.random()
            if police:
                if roll < 0.14:
                    m = self.add(
                        "student_officer", "Constable", unit, manager.staff_number, served=(0.1, 2), in_rank=(0.1, 2)
                    )
                elif roll < 0.24:
                    m = self.add("pcso", "Grade C", unit, manager.staff_number, served=(1, 15))
                elif roll < 0.33:
                    m = self.add("special_constable", "Constable", unit, manager.staff_number, served=(0.5, 10))
                elif roll < 0.36:
                    m = self.add("volunteer", "Grade A", unit, manager.staff_number, served=(0.5, 6))
                else:
                    m = self.add("police_officer", "Constable", unit, manager.staff_number, served=(2, 28))
            else:
                grade = self.rng.choice(["Grade B", "Grade C", "Grade C", "Grade D", "Grade D"])
                m = self.add("police_staff", grade, unit, manager.staff_number, served=(0.2, 25))
            people.append(m)
        return people


def build_force(*, people: int = 600, seed: int = 1, today: datetime.date | None = None) -> Force:
    today = today or timezone.localdate()
    b = _Builder(people, seed, today)
    units = [FORCE]
    units += [(code, name, FORCE[0], kind) for code, name, kind, _ in DIRECTORATES]
    police_directorate = {code: police for code, _, _, police in DIRECTORATES}
    teams: list[tuple[str, bool]] = []  # (unit code, police-led)
    for directorate, departments in DEPARTMENTS.items():
        for code, name, kind in departments:
            units.append((code, name, directorate, kind))
            police = police_directorate[directorate] and code not in STAFF_DEPARTMENTS
            if kind == "lpa":
                for suffix, team_name in LPA_TEAMS:
                    units.append((f"{code}-{suffix}", f"{name.split()[0]} {team_name}", code, "team"))
                    teams.append((f"{code}-{suffix}", True))
            else:
                teams.append((code, police))
    # Chief officers.
    cc = b.add("police_officer", "Chief Constable", "COT", served=(25, 32), in_rank=(1, 4))
    dcc = b.add("police_officer", "Deputy Chief Constable", "COT", cc.staff_number, served=(24, 30), in_rank=(1, 4))
    accs = [
        b.add("police_officer", "Assistant Chief Constable", "COT", dcc.staff_number, served=(22, 28), in_rank=(1, 4))
        for _ in range(2)
    ]
    director = b.add("police_staff", "Director", "COT", dcc.staff_number, served=(5, 20), in_rank=(1, 5))
    heads: dict[str, Member] = {}
    for index, (code, _, _, police) in enumerate(DIRECTORATES[1:]):
        if police:
            heads[code] = b.add(
                "police_officer",
                "Chief Superintendent",
                code,
                accs[index % 2].staff_number,
                served=(20, 28),
                in_rank=(1, 5),
            )
        else:
            heads[code] = b.add("police_staff", "Grade I", code, director.staff_number, served=(5, 25), in_rank=(1, 6))
    # Department and LPA heads, then their teams.
    dept_heads: dict[str, Member] = {}
    for directorate, departments in DEPARTMENTS.items():
        for code, _, kind in departments:
            police = police_directorate[directorate] and code not in STAFF_DEPARTMENTS
            if kind == "lpa":
                supt = b.add(
                    "police_officer",
                    "Superintendent",
                    code,
                    heads[directorate].staff_number,
                    served=(16, 26),
                    in_rank=(1, 5),
                )
                dept_heads[code] = b.add(
                    "police_officer", "Chief Inspector", code, supt.staff_number, served=(14, 24), in_rank=(1, 5)
                )
                dept_heads[code + ":supt"] = supt
            elif police:
                dept_heads[code] = b.add(
                    "police_officer",
                    "Chief Inspector",
                    code,
                    heads[directorate].staff_number,
                    served=(14, 24),
                    in_rank=(1, 5),
                )
            else:
                dept_heads[code] = b.add(
                    "police_staff", "Grade H", code, heads[directorate].staff_number, served=(5, 25), in_rank=(1, 6)
                )
    # Spread the rest of the workforce over the teams, one supervisor per 6 to 10 people.
    remaining = b.target - len(b.members)
    per_team = max(10, remaining // len(teams))
    for code, police in teams:
        department = code.rsplit("-", 1)[0] if code.startswith("LPA-") else code
        head = dept_heads[department]
        if police:
            lead = b.add("police_officer", "Inspector", code, head.staff_number, served=(10, 22), in_rank=(0.5, 6))
        else:
            lead = b.add("police_staff", "Grade G", code, head.staff_number, served=(4, 22), in_rank=(0.5, 6))
        budget = per_team - 1
        while budget > 0:
            size = min(budget - 1, b.rng.randint(6, 10)) if budget > 7 else budget - 1
            if size <= 0:
                break
            if police:
                supervisor = b.add(
                    "police_officer", "Sergeant", code, lead.staff_number, served=(5, 20), in_rank=(0.3, 8)
                )
            else:
                supervisor = b.add(
                    "police_staff",
                    b.rng.choice(["Grade E", "Grade F"]),
                    code,
                    lead.staff_number,
                    served=(3, 20),
                    in_rank=(0.3, 8),
                )
            b.team(code, supervisor, size, police=police)
            budget -= size + 1
    _add_personas(b, dept_heads)
    _add_functions_and_leavers(b)
    personas = {m.persona: m.staff_number for m in b.members if m.persona}
    return Force(units=units, members=b.members, personas=personas, today=today)


def _add_personas(b: _Builder, dept_heads: dict[str, Member]) -> None:
    """Pick real people from the generated tree to be the demo's persona logins."""
    by_number = {m.staff_number: m for m in b.members}
    reports: dict[str, list[Member]] = {}
    for m in b.members:
        reports.setdefault(m.manager, []).append(m)
    team = "LPA-N-RT1"
    inspector = next(m for m in b.members if m.unit_code == team and m.rank_or_grade == "Inspector")
    sergeants = [m for m in reports[inspector.staff_number] if m.rank_or_grade == "Sergeant"]
    inspector.persona = "inspector"
    sergeants[0].persona = "sergeant"
    # Newly promoted: made sergeant three weeks ago.
    sergeants[0].role_start_date = b.today - datetime.timedelta(days=21)
    # In the sergeant persona's team, so the sergeant sees the constable's request for more time.
    constable = next(m for m in reports[sergeants[0].staff_number] if m.worker_type == "police_officer")
    constable.persona = "constable"
    dept_heads["LPA-N:supt"].persona = "superintendent"
    ld_team = reports[next(m.staff_number for m in b.members if m.unit_code == "LD" and m.rank_or_grade == "Grade G")]
    ld_staff = [
        m
        for m in b.members
        if m.unit_code == "LD"
        and m.worker_type == "police_staff"
        and m.rank_or_grade in ("Grade B", "Grade C", "Grade D")
    ]
    (ld_staff[0] if ld_staff else ld_team[0]).persona = "ld.editor"
    (ld_staff[1] if len(ld_staff) > 1 else ld_team[-1]).persona = "ld.lead"
    hr = [m for m in b.members if m.unit_code == "HR" and not m.persona and m.rank_or_grade.startswith("Grade")]
    hr[0].persona = "compliance.admin"
    hr[1].persona = "di.analyst"
    del by_number


def _add_functions_and_leavers(b: _Builder) -> None:
    for m in b.members:
        roll = b.rng.random()
        if m.worker_type in ("police_officer", "police_staff") and roll < 0.05:
            m.functions.append("recruitment-assessor")
        if m.rank_or_grade in ("Sergeant", "Inspector", "Chief Inspector") and b.rng.random() < 0.15:
            m.functions.append("promotion-panel-member")
        if m.unit_code == "FIRE" and m.worker_type == "police_officer":
            m.functions.append("firearms")
        if m.unit_code.startswith("PSD"):
            m.functions.append("psd")
        if m.rank_or_grade == "Constable" and m.worker_type == "police_officer" and b.rng.random() < 0.06:
            m.functions.append("tutor-constable")
    # A few recent joiners (police staff, within 60 days) and a few leavers.
    staff = [
        m
        for m in b.members
        if m.worker_type == "police_staff" and not m.persona and m.rank_or_grade in ("Grade B", "Grade C")
    ]
    for m in b.rng.sample(staff, min(len(staff), max(3, len(b.members) // 60))):
        m.start_date = m.role_start_date = b.today - datetime.timedelta(days=b.rng.randint(3, 50))
    managers = {m.manager for m in b.members}
    leavable = [m for m in b.members if not m.persona and m.staff_number not in managers]
    for m in b.rng.sample(leavable, max(2, len(b.members) // 100)):
        m.end_date = b.today - datetime.timedelta(days=b.rng.randint(5, 200))
        if m.end_date < m.start_date:
            m.end_date = m.start_date
