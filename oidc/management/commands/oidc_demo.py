"""The demo's ID-porten identities (tools/oidc-provider/demo.json): registered on the demo
people who have no national ID number yet, and printed for `make run` beside the demo logins.

The numbers are synthetic test numbers (month + 80, as ID-porten's TestID uses), no real
person's; they are printed only here, for a newcomer trying the demo.
"""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import User

DEMO_CONFIG = settings.BASE_DIR / "tools" / "oidc-provider" / "demo.json"


class Command(BaseCommand):
    help = "Register the demo's ID-porten identities on the demo people and print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issuer", default=settings.STAFETT_IDPORTEN_ISSUER)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        identities = json.loads(DEMO_CONFIG.read_text(encoding="utf-8"))["identities"]
        lines = []
        for identity in identities:
            person = User.objects.filter(email=identity["stafett_email"]).first()
            if person is None:
                continue
            if (
                not person.national_id
                and not User.objects.filter(national_id=identity["pid"]).exists()
            ):
                person.national_id = identity["pid"]
                person.save(update_fields=["national_id"])
            if person.national_id == identity["pid"]:
                lines.append(f"  {identity['pid']}  {identity['name']}  ({person.email})")
        if not lines:
            return
        self.stdout.write(
            f"Logg inn med ID-porten: the local TestID at {options['issuer']} takes these "
            "made-up numbers (type one on its page):"
        )
        for line in lines:
            self.stdout.write(line)
