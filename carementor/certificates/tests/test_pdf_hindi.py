"""A Hindi reader's PDFs carry an embedded Devanagari font, so Hindi never prints as boxes."""

import io

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            # Subset fonts are named "ABCDEF+Family-Style".
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_hindi_certificate_embeds_the_devanagari_font(login, mentee, certificate):
    mentee.language = "hi"
    mentee.save(update_fields=["language"])
    response = login(mentee).get(f"/certificates/c/{certificate.code}/certificate.pdf")
    assert response.status_code == 200
    names = font_names(response.content)
    assert "Noto-Sans-Devanagari" in names
    assert "DejaVu-Sans" in names  # Latin (the name, the code) keeps its face
    assert "किया जाता है" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


def test_english_certificate_needs_no_devanagari(login, mentee, certificate):
    mentee.language = "en"
    mentee.save(update_fields=["language"])
    response = login(mentee).get(f"/certificates/c/{certificate.code}/certificate.pdf")
    names = font_names(response.content)
    assert "DejaVu-Sans" in names
    assert not any("Devanagari" in name for name in names)
