"""Write one archive with the database, every private file and a manifest of checksums."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carementor.backups import archive


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump or SQLite's online backup) and every private file "
        "into one tar archive with a manifest of row counts and SHA-256 checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Directory for the archive (default: $CAREMENTOR_VAR_DIR/backups).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> str:
        self.verbosity = int(options["verbosity"])
        directory = options["output"] or archive.default_directory()
        try:
            path = archive.backup_create(
                directory, database=options["database"], progress=self._progress
            )
        except archive.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
        return ""

    def _progress(self, message: str) -> None:
        if self.verbosity > 0:
            self.stdout.write(message)
