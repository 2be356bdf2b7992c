"""Messages: parties only, unread counts, e-mail without content, checked attachments."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from carementor.audit.models import AuditEvent
from carementor.credentials.sample_documents import certificate_pdf
from carementor.mentorships.conversation import unread_count
from carementor.mentorships.models import Message, MessageAttachment
from carementor.notifications.models import Notification


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CAREMENTOR_CLAMD_SOCKET = ""
    settings.CAREMENTOR_CLAMD_HOST = ""
    return tmp_path / "private"


def stored(root):  # type: ignore[no-untyped-def]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_send_read_and_unread_counts(login, mentorship, mentor, mentee, on_commit):
    url = f"/mentorships/{mentorship.code}/messages/"
    with on_commit():
        response = login(mentee).post(url, {"body": "Can we talk about my rota?"})
    assert response.status_code == 302
    assert unread_count(mentor) == 1 and unread_count(mentee) == 0
    note = Notification.objects.get(recipient=mentor, kind="message_received")
    assert "rota" not in note.title and "rota" not in mail.outbox[-1].body
    listing = login(mentor).get("/mentorships/").content.decode()
    assert "1 unread message" in listing
    page = login(mentor).get(url).content.decode()
    assert "Can we talk about my rota?" in page
    assert unread_count(mentor) == 0


def test_group_conversation(login, program, mentor, mentee, reviewer):
    from carementor.mentorships.tests.helpers import make_mentorship

    group = make_mentorship(program, mentor, mentee, mentees=[mentee, reviewer])
    login(mentor).post(f"/mentorships/{group.code}/messages/", {"body": "Welcome, circle"})
    assert unread_count(mentee) == 1 and unread_count(reviewer) == 1


def test_attachment_is_inspected_stored_and_downloaded(
    login, mentorship, mentor, mentee, private_media
):
    url = f"/mentorships/{mentorship.code}/messages/"
    login(mentee).post(
        url,
        {
            "body": "My CV",
            "attachment": SimpleUploadedFile("cv.pdf", certificate_pdf(["Curriculum vitae"])),
        },
    )
    file = MessageAttachment.objects.get()
    assert file.content_type == "application/pdf" and len(stored(private_media)) == 1
    download = login(mentor).get(f"/mentorships/{mentorship.code}/messages/files/{file.code}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="message_attachment.downloaded").count() == 1


def test_bad_attachment_is_refused_and_nothing_stored(login, mentorship, mentee, private_media):
    url = f"/mentorships/{mentorship.code}/messages/"
    response = login(mentee).post(
        url,
        {"body": "x", "attachment": SimpleUploadedFile("cv.pdf", b"<script>alert(1)</script>")},
    )
    assert response.status_code == 422
    assert not Message.objects.exists() and stored(private_media) == []


def test_empty_message_refused(login, mentorship, mentee):
    response = login(mentee).post(f"/mentorships/{mentorship.code}/messages/", {"body": "  "})
    assert response.status_code == 422 and not Message.objects.exists()


def test_coordinator_admin_outsider_cannot_read_or_post(
    login, mentorship, mentee, coordinator, org_admin, outsider
):
    login(mentee).post(
        f"/mentorships/{mentorship.code}/messages/",
        {
            "body": "private",
            "attachment": SimpleUploadedFile("a.pdf", certificate_pdf(["Curriculum vitae"])),
        },
    )
    file = MessageAttachment.objects.get()
    for user in (coordinator, org_admin, outsider):
        client = login(user)
        assert client.get(f"/mentorships/{mentorship.code}/messages/").status_code == 404
        assert (
            client.post(f"/mentorships/{mentorship.code}/messages/", {"body": "hi"}).status_code
            == 404
        )
        assert (
            client.get(f"/mentorships/{mentorship.code}/messages/files/{file.code}/").status_code
            == 404
        )
    assert Message.objects.count() == 1


PATIENT = "Patient Mr Rajesh Kumar, MRN 12345678, DOB 02/03/1961, came back with chest pain."


def test_a_message_that_identifies_a_patient_is_held_until_edited_or_confirmed(
    login, mentorship, mentee
):
    url = f"/mentorships/{mentorship.code}/messages/"
    client = login(mentee)
    warned = client.post(url, {"body": PATIENT})
    html = warned.content.decode()
    assert warned.status_code == 422 and not Message.objects.exists()
    assert "This may identify a patient" in html and "12345678</mark>" in html
    assert "Rajesh Kumar" in html  # the draft is kept for editing
    edited = client.post(url, {"body": "A patient came back with chest pain; how to triage?"})
    assert edited.status_code == 302 and Message.objects.count() == 1
    confirmed = client.post(
        url,
        {"body": "Mr Kumar from the IT desk fixed the printer.", "confirm_no_identifiers": "on"},
    )
    assert confirmed.status_code == 302 and Message.objects.count() == 2


def test_the_messages_api_refuses_patient_identifiers_with_their_spans(login, mentorship, mentee):
    url = f"/api/v1/mentorships/{mentorship.code}/messages"
    refused = login(mentee).post(url, {"body": PATIENT})
    assert refused.status_code == 422 and not Message.objects.exists()
    body = refused.json()
    assert body["code"] == "patient_identifiers"
    kinds = {e["kind"] for e in body["errors"]}
    assert {"medical_record_number", "date_of_birth"} <= kinds
    first = body["errors"][0]
    assert PATIENT[first["start"] : first["end"]]
    sent = login(mentee).post(
        url, {"body": "Mr Kumar from IT fixed the printer.", "confirm_no_identifiers": "true"}
    )
    assert sent.status_code == 201 and Message.objects.count() == 1
