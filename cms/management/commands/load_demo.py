"""Load the demo force: organisation, people, roles, equality data, then courses and obligations."""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.demo.force import PASSWORD, build_force
from compliance.access import Role
from compliance.equality.models import CHARACTERISTICS, EqualityRecord
from compliance.importing.people import import_people
from compliance.importing.units import import_units
from compliance.people.models import Person

PERSONA_ROLES = {
    "constable": ("A constable on a response team", []),
    "sergeant": ("A newly promoted sergeant with a team", []),
    "inspector": ("An inspector with a team of sergeants and constables", []),
    "superintendent": ("A superintendent commanding a local policing area", []),
    "ld.editor": ("An L&D editor who writes courses", [Role.LD_EDITOR]),
    "ld.lead": ("The L&D lead who approves course changes", [Role.LD_EDITOR, Role.LD_LEAD]),
    "compliance.admin": ("A compliance administrator", [Role.COMPLIANCE_ADMIN]),
    "di.analyst": ("The D&I analyst (aggregate equality analytics)", [Role.DI_ANALYST]),
}


class Command(BaseCommand):
    help = "Load a realistic, deterministic demo force. Skips the work if people are already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=600, help="about how many people (default 600)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same force")

    def handle(self, *args, people, seed, **options):
        if people < 120 or people > 200_000:
            raise CommandError("--people must be between 120 and 200000.")
        if Person.objects.exists():
            self.stdout.write(
                "The demo force is already loaded (delete var/db.sqlite3, or `make clean-demo`, to reload)."
            )
        else:
            with transaction.atomic():
                self._load(people, seed)
        self._print_personas()

    def _load(self, people: int, seed: int) -> None:
        force = build_force(people=people, seed=seed)
        for label, report in (
            ("units", import_units(force.units_csv(), source="load_demo")),
            ("people", import_people(force.people_csv(), source="load_demo")),
        ):
            if report.errors:
                raise CommandError(f"Demo {label} did not load: " + "; ".join(map(str, report.errors[:5])))
            self.stdout.write(f"Loaded {report.created} {label}.")
        self._make_personas(force.personas)
        self._load_equality(seed)
        from cms.demo.catalogue import load_catalogue_demo
        from cms.demo.compliance import load_compliance_demo
        from cms.demo.representation import load_representation_demo

        load_representation_demo(stdout=self.stdout)
        load_catalogue_demo(seed=seed, stdout=self.stdout)
        load_compliance_demo(seed=seed, stdout=self.stdout)
        from cms.demo.talent import load_talent_demo

        load_talent_demo(seed=seed, stdout=self.stdout)

    def _make_personas(self, personas: dict[str, str]) -> None:
        User = get_user_model()
        for username, staff_number in personas.items():
            person = Person.objects.select_related("user").get(staff_number=staff_number)
            user = person.user
            user.username = username
            user.set_password(PASSWORD)
            user.save()
            for role in PERSONA_ROLES[username][1]:
                user.groups.add(Group.objects.get(name=role))
        admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@westmidshire.police.example"})
        admin.is_staff = admin.is_superuser = True
        admin.set_password(PASSWORD)
        admin.save()
        hr_service, _ = User.objects.get_or_create(username="hr.integration")
        hr_service.set_unusable_password()
        hr_service.save()
        hr_service.groups.add(Group.objects.get(name=Role.HR_SERVICE))

    def _load_equality(self, seed: int) -> None:
        rng = random.Random(seed + 1)
        weights = {
            "sex": {"female": 40, "male": 56, "prefer_not_to_say": 3, "": 1},
            "ethnicity": {"white": 78, "asian": 9, "black": 4, "mixed": 3, "other": 1, "prefer_not_to_say": 3, "": 2},
            "disability": {"no": 85, "yes": 7, "prefer_not_to_say": 5, "": 3},
            "sexual_orientation": {
                "heterosexual": 82,
                "gay_lesbian": 4,
                "bisexual": 3,
                "other": 1,
                "prefer_not_to_say": 7,
                "": 3,
            },
            "religion": {
                "none": 45,
                "christian": 38,
                "muslim": 5,
                "sikh": 3,
                "hindu": 2,
                "jewish": 1,
                "buddhist": 1,
                "other": 1,
                "prefer_not_to_say": 3,
                "": 1,
            },
            "age_band": {"16-24": 10, "25-34": 28, "35-44": 27, "45-54": 24, "55+": 10, "prefer_not_to_say": 1},
        }
        assert set(weights) == set(CHARACTERISTICS)
        records = [
            EqualityRecord(
                person_id=pk, **{name: rng.choices(list(w), list(w.values()))[0] for name, w in weights.items()}
            )
            for pk in Person.objects.order_by("pk").values_list("pk", flat=True)
        ]
        EqualityRecord.objects.bulk_create(records, batch_size=2000)

    def _print_personas(self) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {PASSWORD}):"))
        names = dict(
            Person.objects.filter(user__username__in=PERSONA_ROLES).values_list("user__username", "rank_or_grade")
        )
        for username, (description, _) in PERSONA_ROLES.items():
            rank = f" [{names[username]}]" if username in names else ""
            self.stdout.write(f"  {username:<18} {description}{rank}")
        self.stdout.write(f"  {'admin':<18} Superuser (Wagtail admin at /admin/)")
