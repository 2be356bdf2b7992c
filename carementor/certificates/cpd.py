"""Reading and exporting a person's CPD log."""

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from carementor.certificates.models import CpdEntry
from carementor.lib.spreadsheet import safe_cell

if TYPE_CHECKING:
    from carementor.accounts.models import User

CSV_HEADER = ["date", "activity", "hours", "counted", "source", "evidence"]


def cpd_entries(user: "User") -> "QuerySet[CpdEntry]":
    return CpdEntry.objects.filter(user=user).select_related("certificate").order_by("-date", "-id")


def evidence_of(entry: CpdEntry) -> str:
    if entry.certificate is not None:
        return entry.certificate.verification_url()
    return entry.evidence


def cpd_csv(user: "User", writer: Any) -> None:
    writer.writerow(CSV_HEADER)
    for entry in cpd_entries(user):
        writer.writerow(
            [
                entry.date.isoformat(),
                safe_cell(entry.activity),
                f"{entry.hours:.1f}",
                "no" if entry.is_void else "yes",
                entry.source,
                safe_cell(evidence_of(entry)),
            ]
        )
