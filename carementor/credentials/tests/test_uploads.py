"""Hostile and malformed evidence is refused with a clear 4xx, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carementor.credentials.models import Credential, EvidenceFile
from carementor.credentials.tests.corpus import HOSTILE_NAMES, corpus, jpeg, pdf, png
from carementor.credentials.tests.helpers import make_credential, stored_files
from carementor.credentials.uploads import UploadRejected, check_name, inspect_upload

CORPUS = corpus()


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 20
    assert len({item.id for item in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("item", CORPUS, ids=[item.id for item in CORPUS])
def test_inspection_refuses(item):
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(item.name, item.data)
    assert (caught.value.status, caught.value.code) == (item.status, item.code)
    assert len(caught.value.message) > 20


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_names_with_paths_or_control_characters_are_refused(name):
    with pytest.raises(UploadRejected) as caught:
        check_name(name)
    assert caught.value.code == "bad_name"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Certificate 2024.pdf", pdf(), "application/pdf"),
        ("scan.PNG", png(), "image/png"),
        ("photo.jpeg", jpeg(), "image/jpeg"),
        ("फोटो.jpg", jpeg(b"Scanned at reception"), "image/jpeg"),
    ],
)
def test_inspection_accepts_plain_documents(name, data, content_type):
    inspected = inspect_upload(name, data)
    assert inspected.content_type == content_type
    assert inspected.name == name
    assert inspected.size == len(data)


def test_inspection_accepts_a_pdf_from_a_real_pdf_writer():
    from weasyprint import HTML

    data = HTML(string="<h1>Tamil Nadu Medical Council</h1><p>Reg. No. 123456</p>").write_pdf()
    assert inspect_upload("tnmc.pdf", data).pages == 1


@pytest.mark.parametrize("item", CORPUS, ids=[item.id for item in CORPUS])
def test_api_upload_refuses_and_stores_nothing(item, api, mentor, hospital, private_media):
    credential = make_credential(mentor, hospital)
    upload = SimpleUploadedFile(item.name, item.data, content_type="application/pdf")

    response = api(mentor).post(f"/api/v1/credentials/{credential.code}/evidence", {"file": upload})

    assert response.status_code == item.status
    body = response.json()
    assert body["code"] == item.code
    assert body["detail"]
    assert EvidenceFile.objects.count() == 0
    assert stored_files(private_media) == []


@pytest.mark.parametrize("item", CORPUS, ids=[item.id for item in CORPUS])
def test_page_submission_refuses_and_stores_nothing(item, login, mentor, hospital, private_media):
    response = login(mentor).post(
        "/credentials/new/",
        {
            "organization": hospital.code,
            "scheme": "gb_gmc",
            "number": "1234567",
            "evidence": SimpleUploadedFile(item.name, item.data),
        },
    )

    assert 400 <= response.status_code < 500
    assert response.status_code == (413 if item.status == 413 else 422)
    assert 'role="alert"' in response.content.decode()
    assert Credential.objects.count() == 0
    assert EvidenceFile.objects.count() == 0
    assert stored_files(private_media) == []


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_page_upload_refuses_names_django_would_rewrite(
    name, login, mentor, hospital, private_media
):
    credential = make_credential(mentor, hospital)

    boundary = "----carementor-test-boundary"
    # The test client strips directories from names itself, so write the body by hand.
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = login(mentor).post(
        f"/credentials/{credential.code}/evidence/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert 'role="alert"' in content
    if "\r" not in name:  # a line break ends the multipart header: the name is cut short
        assert "Rename the file" in content
    assert EvidenceFile.objects.count() == 0
    assert stored_files(private_media) == []


def test_page_upload_stores_a_good_file_outside_the_web_root(
    login, mentor, hospital, private_media
):
    credential = make_credential(mentor, hospital)

    response = login(mentor).post(
        f"/credentials/{credential.code}/evidence/",
        {"file": SimpleUploadedFile("GMC certificate.pdf", pdf())},
    )

    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.name == "GMC certificate.pdf"
    assert evidence.scan_status == EvidenceFile.Scan.NOT_SCANNED
    files = stored_files(private_media)
    assert len(files) == 1
    assert files[0].name == evidence.storage_name
    assert "GMC" not in str(files[0])
    assert files[0].stat().st_mode & 0o077 == 0
    assert files[0].read_bytes() == pdf()
