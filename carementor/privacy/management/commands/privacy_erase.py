from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carementor.privacy.models import ErasureRequest
from carementor.privacy.services import erasure_carry_out, exports_purge


class Command(BaseCommand):
    help = (
        "Erase the accounts whose grace period has ended (unless under a legal hold) and "
        "delete expired data exports. Run hourly; safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        due = list(ErasureRequest.objects.due().values_list("pk", "code"))
        if options["dry_run"]:
            for _pk, code in due:
                self.stdout.write(f"Would erase request {code}.")
            return
        erased = sum(erasure_carry_out(ErasureRequest(pk=pk)) for pk, _code in due)
        purged = exports_purge()
        self.stdout.write(f"Erased {erased} account(s); deleted {purged} expired export(s).")
