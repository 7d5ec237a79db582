"""The demo municipality: three units, a leader, three holders (two in the leader's school,
one of them an actor at the health centre too) and three more actors, with a few logs each
and two years of the school's logs behind them for the statistics.

Idempotent: running it again changes nothing that is already there.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from home.demo_history import seed_history
from logs.demo import GUARDIAN_EMAIL, seed_logs
from organisations.enums import Role
from organisations.models import Municipality, Unit
from organisations.services import add_membership, create_municipality

DEMO_PASSWORD = "stafett-demo-2026"  # noqa: S105 - the published demo password
DEMO_MUNICIPALITY = "Demo kommune"
UNITS = [
    ("Solbakken skole", "974000001"),
    ("Eventyrskogen barnehage", "974000002"),
    ("Demo helsestasjon", "974000003"),
]
TWO_ROLES_EMAIL = "toroller@demo.stafettlogg.no"
# (e-mail, first name, last name, role, unit index)
PEOPLE = [
    ("leder@demo.stafettlogg.no", "Lena", "Leder", Role.LEADER, 0),
    ("holder@demo.stafettlogg.no", "Hanne", "Holder", Role.HOLDER, 0),
    ("holder2@demo.stafettlogg.no", "Henrik", "Holm", Role.HOLDER, 1),
    ("aktor@demo.stafettlogg.no", "Anders", "Aktør", Role.ACTOR, 0),
    ("aktor2@demo.stafettlogg.no", "Astrid", "Andersen", Role.ACTOR, 1),
    ("helsesykepleier@demo.stafettlogg.no", "Siri", "Sykepleier", Role.ACTOR, 2),
    # Two roles: a second holder in the leader's school, and an actor at the health centre.
    (TWO_ROLES_EMAIL, "Tone", "Tveit", Role.HOLDER, 0),
    (TWO_ROLES_EMAIL, "Tone", "Tveit", Role.ACTOR, 2),
]
ADMIN_EMAIL = "admin@demo.stafettlogg.no"


class Command(BaseCommand):
    help = "Load the demo municipality (idempotent) and print the demo logins."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(name=DEMO_MUNICIPALITY).first()
        if municipality is None:
            municipality, admin = create_municipality(
                name=DEMO_MUNICIPALITY,
                org_number="974000000",
                admin_email=ADMIN_EMAIL,
                admin_first_name="Kari",
                admin_last_name="Kommune",
            )
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        units = []
        for name, org_number in UNITS:
            unit, _created = Unit.objects.get_or_create(
                municipality=municipality, name=name, defaults={"org_number": org_number}
            )
            units.append(unit)
        for email, first, last, role, unit_index in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, DEMO_PASSWORD, first_name=first, last_name=last
                )
            add_membership(user=user, unit=units[unit_index], role=role)
        self._seed_logs(units)
        self.stdout.write(self.style.SUCCESS(f"Demo municipality ready: {municipality}"))
        self.stdout.write(f"Every demo login has the password: {DEMO_PASSWORD}")
        self.stdout.write(f"  municipality administrator  {ADMIN_EMAIL}  (/admin/)")
        for email, _first, _last, role, unit_index in PEOPLE:
            self.stdout.write(f"  {role.label!s:<24}  {email}  ({UNITS[unit_index][0]})")
        self.stdout.write(f"  {Role.GUARDIAN.label!s:<24}  {GUARDIAN_EMAIL}  (Emma Berg)")

    def _seed_logs(self, units: list[Unit]) -> None:
        people = {email: User.objects.get(email=email) for email, *_rest in PEOPLE}
        actors = [people[e] for e, _f, _l, role, _u in PEOPLE if role == Role.ACTOR]
        holders = [p for p in PEOPLE if p[3] == Role.HOLDER and p[0] != TWO_ROLES_EMAIL]
        for variant, (email, _first, _last, _role, unit_index) in enumerate(holders):
            here = [a for a in actors if a.memberships.filter(unit=units[unit_index]).exists()]
            elsewhere = [a for a in actors if a not in here]
            seed_logs(
                holder=people[email],
                unit=units[unit_index],
                actors_here=here,
                actors_elsewhere=elsewhere,
                password=DEMO_PASSWORD,
                variant=variant,
            )
        # The leader's school: two years of both its holders' logs (R-LEAD-03).
        school = [people[e] for e, _f, _l, role, u in PEOPLE if role == Role.HOLDER and u == 0]
        seed_history(holders=school, unit=units[0])
