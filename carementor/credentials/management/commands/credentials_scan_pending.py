"""Retry the virus scan of evidence files still pending (the scanner was down). Run often."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carementor.credentials import clamd, services
from carementor.credentials.models import EvidenceFile


class Command(BaseCommand):
    help = "Scan evidence files that are still waiting for the virus scanner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, limit: int = 500, **options: Any) -> None:
        if not clamd.configured():
            self.stdout.write("No virus scanner configured; pending files stay pending.")
            return
        pending = EvidenceFile.objects.filter(scan_status=EvidenceFile.Scan.PENDING).select_related(
            "credential", "credential__organization"
        )[:limit]
        counts: dict[str, int] = {}
        for evidence in pending:
            status = services.evidence_scan_pending(evidence=evidence)
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing"
        self.stdout.write(f"Scanned pending evidence: {summary}.")
