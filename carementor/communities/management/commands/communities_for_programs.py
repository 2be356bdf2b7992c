from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carementor.communities.services import community_for_program
from carementor.programs.models import Program


class Command(BaseCommand):
    help = (
        "Give every published programme (each cohort, circle and near-peer family) its own "
        "community if it has none. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = Program.objects.filter(
            status=Program.Status.PUBLISHED, community__isnull=True
        ).order_by("pk")
        if options["dry_run"]:
            for program in missing:
                self.stdout.write(f"Would create a community for programme {program.code}.")
            return
        created = 0
        for program in missing:
            community_for_program(program, actor=None)
            created += 1
        self.stdout.write(f"Created {created} programme communit{'y' if created == 1 else 'ies'}.")
