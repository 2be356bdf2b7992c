"""Queue a refresh of every subscribed calendar's busy blocks."""

from typing import Any

from django.core.management.base import BaseCommand

from carementor.integrations.calendars import refresh_all


class Command(BaseCommand):
    help = "Fetch each person's iCalendar address again and keep only its busy blocks."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{refresh_all()} calendars queued.")
