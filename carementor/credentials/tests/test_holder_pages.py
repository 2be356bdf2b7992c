"""The holder's pages, the instant validation partial and the verified badge."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from carementor.audit.models import AuditEvent
from carementor.credentials.badges import verified_summary
from carementor.credentials.models import Credential, EvidenceFile
from carementor.credentials.tests.corpus import pdf
from carementor.credentials.tests.helpers import (
    add_evidence,
    make_credential,
    pdf_bytes,
    stored_files,
)

Status = Credential.Status


def test_create_with_evidence(login, mentor, hospital, private_media):
    response = login(mentor).post(
        "/credentials/new/",
        {
            "organization": hospital.code,
            "scheme": "in_medical_council",
            "number": "mmc/1991/04512",
            "jurisdiction": "Maharashtra",
            "issuing_body": "Maharashtra Medical Council",
            "expires_on": "2030-01-31",
            "evidence": SimpleUploadedFile("mmc.pdf", pdf()),
        },
    )
    credential = Credential.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/credentials/{credential.code}/"
    assert (credential.holder, credential.number, credential.status) == (
        mentor,
        "MMC/1991/04512",
        Status.SUBMITTED,
    )
    assert credential.evidence.get().name == "mmc.pdf"
    assert len(stored_files(private_media)) == 1
    assert AuditEvent.objects.filter(action="credential.submitted", actor=mentor).count() == 1

    page = login(mentor).get(f"/credentials/{credential.code}/").content.decode()
    assert "MMC/1991/04512" in page and "mmc.pdf" in page


def test_create_refuses_an_invalid_number_and_writes_nothing(
    login, mentor, hospital, private_media
):
    response = login(mentor).post(
        "/credentials/new/",
        {
            "organization": hospital.code,
            "scheme": "us_npi",
            "number": "1234567890",
            "evidence": SimpleUploadedFile("npi.pdf", pdf()),
        },
    )
    assert response.status_code == 422
    assert "check digit does not match" in response.content.decode()
    assert not Credential.objects.exists()
    assert stored_files(private_media) == []


def test_create_refuses_another_organization(login, mentor, trust):
    response = login(mentor).post(
        "/credentials/new/", {"organization": trust.code, "scheme": "gb_gmc", "number": "1234567"}
    )
    assert response.status_code == 422
    assert not Credential.objects.exists()


def test_validation_partial_for_htmx(login, mentee):
    response = login(mentee).post(
        "/credentials/validate/", {"scheme": "gb_nmc", "number": "12a3456e"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "Looks right: 12A3456E" in content
    assert "https://www.nmc.org.uk/registration/search-the-register/" in content
    bad = (
        login(mentee)
        .post("/credentials/validate/", {"scheme": "gb_gmc", "number": "12"})
        .content.decode()
    )
    assert "exactly 7 digits" in bad


def test_list_shows_only_mine(login, mentor, mentee, hospital):
    make_credential(mentor, hospital, number="1111111")
    make_credential(mentee, hospital, number="2222222")
    content = login(mentor).get("/credentials/").content.decode()
    assert "1111111" in content and "2222222" not in content


@pytest.mark.parametrize("who", ["outsider", "reviewer", "mentee"])
def test_holder_pages_are_404_for_others(request, login, who, mentor, hospital, private_media):
    credential = make_credential(mentor, hospital)
    client = login(request.getfixturevalue(who))
    assert client.get(f"/credentials/{credential.code}/").status_code == 404
    assert client.get(f"/credentials/{credential.code}/edit/").status_code == 404
    assert client.post(f"/credentials/{credential.code}/delete/").status_code == 404
    assert client.post(f"/credentials/{credential.code}/resubmit/").status_code == 404
    upload = client.post(
        f"/credentials/{credential.code}/evidence/", {"file": SimpleUploadedFile("x.pdf", pdf())}
    )
    assert upload.status_code == 404
    assert Credential.objects.count() == 1
    assert stored_files(private_media) == []


def test_edit_and_remove_evidence(login, mentor, hospital, private_media, on_commit):
    credential = make_credential(mentor, hospital)
    evidence = add_evidence(credential)
    client = login(mentor)
    response = client.post(
        f"/credentials/{credential.code}/edit/", {"scheme": "gb_gmc", "number": "7654321"}
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.number == "7654321"
    with on_commit():
        client.post(f"/credentials/{credential.code}/evidence/{evidence.code}/delete/")
    assert not EvidenceFile.objects.exists()
    assert stored_files(private_media) == []


def test_verified_credentials_are_locked(login, mentor, hospital):
    credential = make_credential(mentor, hospital, status=Status.VERIFIED)
    evidence = add_evidence(credential)
    client = login(mentor)
    assert client.get(f"/credentials/{credential.code}/edit/").status_code == 302
    assert (
        client.post(f"/credentials/{credential.code}/evidence/{evidence.code}/delete/").status_code
        == 409
    )
    assert EvidenceFile.objects.count() == 1


def test_download_headers_and_audit(login, mentor, reviewer, outsider, hospital):
    credential = make_credential(mentor, hospital)
    evidence = add_evidence(credential, name="gmc certificate.pdf")

    response = login(reviewer).get(f"/credentials/{credential.code}/evidence/{evidence.code}/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="gmc certificate.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == pdf_bytes()
    event = AuditEvent.objects.get(action="credential.evidence_downloaded")
    assert (event.actor, event.organization, event.detail["evidence"]) == (
        reviewer,
        hospital,
        evidence.code,
    )

    assert (
        login(outsider).get(f"/credentials/{credential.code}/evidence/{evidence.code}/").status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="credential.evidence_downloaded").count() == 1


def test_badge_shows_who_and_when_but_never_the_number(mentor, reviewer, hospital):
    make_credential(mentor, hospital, status=Status.VERIFIED, decided_by=reviewer, number="7654321")
    make_credential(mentor, hospital, scheme="gb_nmc", number="12A3456E", status=Status.SUBMITTED)

    summary = verified_summary(mentor)
    html = Template("{% load credentials_tags %}{% credential_badge user %}").render(
        Context({"user": mentor})
    )

    assert [item.label for item in summary] == ["UK: GMC reference number"]
    assert summary[0].verified_by == "Priya Nair"
    assert "Priya Nair" in html and "Chennai Children" in html
    assert "7654321" not in html and "12A3456E" not in html


def test_new_form_page(login, mentor, hospital):
    content = login(mentor).get("/credentials/new/").content.decode()
    assert 'hx-post="/credentials/validate/"' in content
    assert 'enctype="multipart/form-data"' in content
    assert "Chennai Children" in content


def test_new_form_without_an_organization_sends_you_back(login, mentor):
    mentor.memberships.all().delete()
    response = login(mentor).get("/credentials/new/")
    assert response.status_code == 302
    assert response["Location"] == "/credentials/"


def test_profile_page_shows_the_badge_to_a_colleague(login, mentor, mentee, reviewer, hospital):
    from carementor.profiles.services import profile_for

    make_credential(mentor, hospital, status=Status.VERIFIED, decided_by=reviewer, number="7654321")
    profile = profile_for(mentor)
    html = login(mentee).get(f"/profiles/{profile.code}/").content.decode()
    assert "UK: GMC reference number" in html and "Priya Nair" in html
    assert "7654321" not in html
