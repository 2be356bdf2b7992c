"""Dry-run every scheduled HR feed that is due; applying always waits for a person."""

from typing import Any

from django.core.management.base import BaseCommand

from carementor.integrations.hr_feeds import run_due


class Command(BaseCommand):
    help = "Read each due HR feed and record its diff for an admin to apply (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = run_due()
        self.stdout.write(f"{count} HR feed dry runs recorded.")
