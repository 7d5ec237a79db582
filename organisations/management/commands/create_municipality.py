from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from organisations.services import create_municipality


class Command(BaseCommand):
    help = "Create a municipality and its first administrator (R-ROLE-02)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--org-number", required=True, help="9 digits")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-first-name", default="Kommune")
        parser.add_argument("--admin-last-name", default="Administrator")
        parser.add_argument(
            "--base-url", default="", help="where the site is served (default: STAFETT_SITE_URL)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            municipality, admin = create_municipality(
                name=options["name"],
                org_number=options["org_number"],
                admin_email=options["admin_email"],
                admin_first_name=options["admin_first_name"],
                admin_last_name=options["admin_last_name"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        uid = urlsafe_base64_encode(force_bytes(admin.pk))
        token = default_token_generator.make_token(admin)
        link = reverse("accounts:password_reset_confirm", args=[uid, token])
        self.stdout.write(f"Created {municipality} with administrator {admin.email}.")
        base_url = (options["base_url"] or settings.STAFETT_SITE_URL).rstrip("/")
        self.stdout.write(f"Set the password (valid for one day): {base_url}{link}")
