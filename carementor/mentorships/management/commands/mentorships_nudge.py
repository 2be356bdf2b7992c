from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carementor.mentorships.nudges import run


class Command(BaseCommand):
    help = (
        "Daily: remind parties of meetings in the next 24 hours and nudge relationships with "
        "no meeting for the programme's cadence. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = run(dry_run=options["dry_run"])
        prefix = "Would send" if options["dry_run"] else "Sent"
        self.stdout.write(
            f"{prefix} {report.reminders} meeting reminder(s) and {report.nudges} nudge(s)."
        )
