"""Explicit test-data helpers for credentials."""

import datetime
from typing import Any

from django.utils import timezone

from carementor.credentials import storage
from carementor.credentials.models import Credential, EvidenceFile
from carementor.credentials.sample_documents import certificate_pdf

VALID_NPI = "1234567893"


def make_credential(
    holder: Any,
    organization: Any,
    *,
    scheme: str = "gb_gmc",
    number: str = "1234567",
    status: str = Credential.Status.SUBMITTED,
    expires_on: datetime.date | None = None,
    decided_by: Any = None,
    **extra: Any,
) -> Credential:
    now = timezone.now()
    if status == Credential.Status.VERIFIED:
        extra.setdefault("decided_at", now)
    if status == Credential.Status.REVOKED:
        extra.setdefault("revoked_at", now)
    return Credential.objects.create(
        holder=holder,
        organization=organization,
        scheme=scheme,
        number=number,
        status=status,
        expires_on=expires_on,
        decided_by=decided_by,
        **extra,
    )


def pdf_bytes(text: str = "Registration certificate") -> bytes:
    return certificate_pdf(["General Medical Council", text, "Reference 1234567"])


def add_evidence(
    credential: Credential,
    *,
    scan_status: str = EvidenceFile.Scan.NOT_SCANNED,
    name: str = "certificate.pdf",
    data: bytes | None = None,
) -> EvidenceFile:
    data = data or pdf_bytes()
    return EvidenceFile.objects.create(
        credential=credential,
        name=name,
        storage_name=storage.save_bytes(data),
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
        scan_status=scan_status,
        uploaded_by=credential.holder,
    )


def all_ticked() -> dict[str, bool]:
    from carementor.credentials.models import CHECKLIST_KEYS

    return dict.fromkeys(CHECKLIST_KEYS, True)


def stored_files(root: Any) -> list[Any]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
