from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carementor.evaluations.schedule import run


class Command(BaseCommand):
    help = (
        "Hourly or daily: close overdue surveys, create the surveys programmes' evaluation "
        "schedules make due (notifying each person), and remind once. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, create nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = run(dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"Would create {result.created} survey(s).")
            return
        self.stdout.write(
            f"Created {result.created} survey(s), sent {result.reminded} reminder(s), "
            f"closed {result.closed} overdue survey(s)."
        )
