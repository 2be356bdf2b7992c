"""The certificate PDF: its text, its QR code, its logo, and who may download it.

WeasyPrint takes about a second a render, so the renders here are few and shared."""

import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from carementor.certificates.models import CertificateSettings

pytestmark = pytest.mark.django_db


def png(size: tuple[int, int] = (120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 110, 105)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_holder_downloads_a_pdf_that_verifies(login, mentee, certificate, settings):
    settings.SITE_URL = "https://caremento.example"
    CertificateSettings.objects.create(
        organization=certificate.organization,
        signatory_name="Dr Meera Krishnan",
        signatory_title="Dean of Postgraduate Education",
        logo=png(),
        logo_type="image/png",
    )
    response = login(mentee).get(f"/certificates/c/{certificate.code}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = " ".join(page.extract_text().split())
    assert "Asha Raman" in text
    assert certificate.program_name in text
    assert certificate.code in text
    assert "Dr Meera Krishnan" in text and "12.0" in text
    decoded = [
        result.text
        for image in page.images
        for result in zxingcpp.read_barcodes(image.image.convert("L"))
    ]
    assert decoded == [f"https://caremento.example/certificates/verify/{certificate.code}/"]
    assert len(page.images) == 2  # the QR code and the logo


def test_coordinator_of_the_programme_may_download_via_api(login, coordinator, certificate):
    response = login(coordinator).get(f"/api/v1/certificates/c/{certificate.code}/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_outsider_and_other_members_get_404(login, outsider, mentor, certificate):
    for person in (outsider, mentor):
        client = login(person)
        page = client.get(f"/certificates/c/{certificate.code}/certificate.pdf")
        assert page.status_code == 404
        api = client.get(f"/api/v1/certificates/c/{certificate.code}/pdf")
        assert api.status_code == 404 and api.json()["code"] == "not_found"
        assert client.get(f"/api/v1/certificates/c/{certificate.code}").status_code == 404
        assert client.get(f"/certificates/c/{certificate.code}/revoke/").status_code == 404


def test_revoked_certificate_is_not_downloadable(login, mentee, coordinator, certificate):
    from carementor.certificates.services import certificate_revoke

    certificate_revoke(certificate=certificate, actor=coordinator, reason="Wrong programme")
    client = login(mentee)
    assert client.get(f"/certificates/c/{certificate.code}/certificate.pdf").status_code == 409
    api = client.get(f"/api/v1/certificates/c/{certificate.code}/pdf")
    assert api.status_code == 409 and api.json()["code"] == "not_valid"
