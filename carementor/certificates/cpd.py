"""Reading and exporting a person's CPD log."""

from typing import Any

from django.db.models import QuerySet

from carementor.certificates.models import CpdEntry

CSV_HEADER = ["date", "activity", "hours", "counted", "source", "evidence"]


def cpd_entries(user: Any) -> "QuerySet[CpdEntry]":
    return CpdEntry.objects.filter(user=user).select_related("certificate").order_by("-date", "-id")


def evidence_of(entry: CpdEntry) -> str:
    if entry.certificate is not None:
        return entry.certificate.verification_url()
    return entry.evidence


def _cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def cpd_csv(user: Any, writer: Any) -> None:
    writer.writerow(CSV_HEADER)
    for entry in cpd_entries(user):
        writer.writerow(
            [
                entry.date.isoformat(),
                _cell(entry.activity),
                f"{entry.hours:.1f}",
                "no" if entry.is_void else "yes",
                entry.source,
                _cell(evidence_of(entry)),
            ]
        )
