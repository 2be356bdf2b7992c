"""Rendering certificates and CPD logs as PDF (WeasyPrint), with the verification QR code.

PDFs are rendered on download, never stored: the certificate row is the record. WeasyPrint
may load nothing but the data URIs we embed, so a hostile value cannot make it fetch a URL.
"""

import base64
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from carementor.certificates.models import Certificate, CertificateSettings
from carementor.lib.pdf import html_to_pdf


def qr_data_uri(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _logo_uri(found: CertificateSettings | None) -> str:
    if found is None or not found.logo:
        return ""
    return f"data:{found.logo_type};base64," + base64.b64encode(bytes(found.logo)).decode("ascii")


def certificate_pdf(certificate: Certificate) -> bytes:
    found = CertificateSettings.objects.filter(organization_id=certificate.organization_id).first()
    holder = certificate.holder
    with translation.override(holder.language or None):
        html = render_to_string(
            "certificates/pdf/certificate.html",
            {
                "certificate": certificate,
                "settings": found,
                "logo": _logo_uri(found),
                "qr": qr_data_uri(certificate.verification_url()),
                "verification_url": certificate.verification_url(),
                "issued_on": timezone.localdate(certificate.issued_at),
            },
        )
    return html_to_pdf(html)


def cpd_log_pdf(user: Any, entries: list[Any], totals: dict[str, Any]) -> bytes:
    with translation.override(user.language or None):
        html = render_to_string(
            "certificates/pdf/cpd_log.html",
            {
                "person": user,
                "entries": entries,
                "totals": totals,
                "generated_on": timezone.localdate(),
            },
        )
    return html_to_pdf(html)
