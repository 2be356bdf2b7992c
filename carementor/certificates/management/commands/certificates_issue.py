from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carementor.certificates.services import certificates_issue_pending
from carementor.programs.models import Program


class Command(BaseCommand):
    help = (
        "Issue the certificates whose completion rules are now met (after closures, learning, "
        "surveys). Idempotent: run it on a schedule (e.g. hourly) and as often as you like."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", help="Only this programme (its code).")

    def handle(self, *args: Any, **options: Any) -> None:
        program = None
        if options.get("program"):
            program = Program.objects.filter(code=options["program"]).first()
            if program is None:
                raise CommandError("No programme has this code.")
        report = certificates_issue_pending(program=program)
        self.stdout.write(
            f"Checked {report.checked} participant role(s); issued {report.issued} certificate(s)."
        )
