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
