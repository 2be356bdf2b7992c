"""Make a SCIM bearer token for an organization from the command line (printed once)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carementor.integrations.services import ScimError, scim_token_create
from carementor.organizations.models import Organization


class Command(BaseCommand):
    help = "Create a SCIM 2.0 bearer token for the organization ORG_CODE and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_code", help="The organization's code (see its page URL).")
        parser.add_argument("--name", default="Identity provider", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(code=options["org_code"]).first()
        if organization is None:
            raise CommandError(f"No organization has the code {options['org_code']!r}.")
        try:
            _token, raw = scim_token_create(
                organization, options["name"][:100], actor_label="manage.py scim_token"
            )
        except ScimError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
