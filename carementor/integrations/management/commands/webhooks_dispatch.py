"""Turn new audit events into webhook deliveries and queue the retries that are due."""

from typing import Any

from django.core.management.base import BaseCommand

from carementor.integrations.webhooks import dispatch


class Command(BaseCommand):
    help = "Create webhook deliveries for new events and queue due retries (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = dispatch()
        self.stdout.write(f"{created} webhook deliveries created.")
