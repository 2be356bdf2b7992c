"""Restore a backup archive into an empty database and storage, checking every checksum."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carementor.backups import archive


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database and private storage. "
        "Every checksum is verified first; row counts and files are checked afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that has tables and overwrite files of the same name.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> str:
        self.verbosity = int(options["verbosity"])
        try:
            report = archive.restore_archive(
                options["archive"],
                database=options["database"],
                force=options["force"],
                progress=self._progress,
            )
        except archive.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report.tables} tables ({report.rows} rows) and {report.files} "
                "files; every checksum and row count matches the manifest."
            )
        )
        if report.pending_migrations:
            self.stdout.write(
                "This code has newer migrations than the backup "
                f"({', '.join(report.pending_migrations)}): run `manage.py migrate`."
            )
        return ""

    def _progress(self, message: str) -> None:
        if self.verbosity > 0:
            self.stdout.write(message)
