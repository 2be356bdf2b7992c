"""Evidence, message attachments and learning documents in an S3 bucket (moto's server):
upload, review, download through the authorizing views, and 404 for strangers."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from carementor.audit.models import AuditEvent
from carementor.credentials.models import Credential, EvidenceFile
from carementor.credentials.sample_documents import certificate_pdf
from carementor.credentials.tests.helpers import add_evidence, make_credential
from carementor.credentials.tests.test_scanning import EICAR_MARK, clamd_stub  # noqa: F401
from carementor.learning import services as learning
from carementor.learning.models import Block
from carementor.learning.tests.helpers import enroll
from carementor.lib.private_files import private_storage
from carementor.mentorships.models import MessageAttachment
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from tests.storage.conftest import bucket_keys, s3_client

CHECKS = {f"check_{key}": "on" for key in ("identity", "register", "status", "dates", "document")}


def assert_private_download(response, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Length"] == str(len(data))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == data


def test_the_private_storage_is_the_bucket(s3_bucket, s3_endpoint):
    storage = private_storage()
    assert type(storage).__name__ == "S3Storage"
    assert storage.bucket_name == s3_bucket


def test_evidence_upload_review_and_download(
    login, mentor, reviewer, outsider, hospital, s3_bucket, s3_endpoint, tmp_path
):
    credential = make_credential(mentor, hospital)
    data = certificate_pdf(["General Medical Council", "Reference 1234567"])

    upload = login(mentor).post(
        f"/credentials/{credential.code}/evidence/",
        {"file": SimpleUploadedFile("GMC certificate.pdf", data)},
    )

    assert upload.status_code == 302
    evidence = EvidenceFile.objects.get()
    key = f"evidence/{evidence.storage_name[:2]}/{evidence.storage_name}"
    assert bucket_keys(s3_endpoint, s3_bucket) == [key]
    assert not (tmp_path / "private").exists()  # nothing on the web node's disk
    grants = s3_client(s3_endpoint).get_object_acl(Bucket=s3_bucket, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"  # the owner; no AllUsers grant

    client = login(reviewer)
    assert client.post(f"/credentials/review/{credential.code}/start/").status_code == 302
    download = client.get(f"/credentials/{credential.code}/evidence/{evidence.code}/")
    assert_private_download(download, "GMC certificate.pdf", data)
    assert download["Cross-Origin-Resource-Policy"] == "same-origin"
    event = AuditEvent.objects.get(action="credential.evidence_downloaded")
    assert (event.actor, event.detail["evidence"]) == (reviewer, evidence.code)
    decision = client.post(
        f"/credentials/review/{credential.code}/decide/",
        {"decision": "verify", "reason": "Checked on the LRMP.", **CHECKS},
    )
    assert decision.status_code == 302
    credential.refresh_from_db()
    assert credential.status == Credential.Status.VERIFIED

    stranger = login(outsider).get(f"/credentials/{credential.code}/evidence/{evidence.code}/")
    assert stranger.status_code == 404
    assert AuditEvent.objects.filter(action="credential.evidence_downloaded").count() == 1


def test_removed_evidence_leaves_the_bucket(
    login, mentor, hospital, s3_bucket, s3_endpoint, on_commit
):
    credential = make_credential(mentor, hospital)
    kept = add_evidence(credential, name="kept.pdf")
    removed = add_evidence(credential, name="removed.pdf")
    assert len(bucket_keys(s3_endpoint, s3_bucket)) == 2

    with on_commit():
        response = login(mentor).post(
            f"/credentials/{credential.code}/evidence/{removed.code}/delete/"
        )

    assert response.status_code == 302
    assert bucket_keys(s3_endpoint, s3_bucket) == [
        f"evidence/{kept.storage_name[:2]}/{kept.storage_name}"
    ]


def test_virus_scan_reads_pending_evidence_from_the_bucket(
    mentor,
    hospital,
    s3_bucket,
    s3_endpoint,
    clamd_stub,  # noqa: F811 (the fixture, imported above)
    on_commit,
):
    credential = make_credential(mentor, hospital)
    good = add_evidence(credential, scan_status=EvidenceFile.Scan.PENDING)
    bad = add_evidence(
        credential,
        scan_status=EvidenceFile.Scan.PENDING,
        data=certificate_pdf([EICAR_MARK.decode()]),
    )

    with on_commit():
        call_command("credentials_scan_pending")

    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.scan_status, bad.scan_status) == ("clean", "infected")
    assert len(clamd_stub.scanned) == 2
    assert bucket_keys(s3_endpoint, s3_bucket) == [
        f"evidence/{good.storage_name[:2]}/{good.storage_name}"
    ]


def test_message_attachment_upload_and_download(
    login, hospital, mentor, mentee, outsider, s3_bucket, s3_endpoint
):
    mentorship = make_mentorship(make_program(hospital), mentor, mentee)
    data = certificate_pdf(["Curriculum vitae"])

    login(mentee).post(
        f"/mentorships/{mentorship.code}/messages/",
        {"body": "My CV", "attachment": SimpleUploadedFile("cv.pdf", data)},
    )

    attachment = MessageAttachment.objects.get()
    assert bucket_keys(s3_endpoint, s3_bucket) == [
        f"evidence/{attachment.storage_name[:2]}/{attachment.storage_name}"
    ]
    url = f"/mentorships/{mentorship.code}/messages/files/{attachment.code}/"
    assert_private_download(login(mentor).get(url), "cv.pdf", data)
    assert AuditEvent.objects.filter(action="message_attachment.downloaded").count() == 1
    assert login(outsider).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="message_attachment.downloaded").count() == 1


@pytest.fixture
def module(hospital, mentee, coordinator):  # type: ignore[no-untyped-def]
    from carementor.learning.tests.helpers import make_program as make_learning_program

    program = make_learning_program(hospital)
    enroll(program, mentee, "mentee")
    return learning.module_create(
        program=program, actor=coordinator, data={"title": "Agendas", "audience": "mentees"}
    )


def test_learning_document_upload_download_and_removal(
    login, module, coordinator, mentee, outsider, s3_bucket, s3_endpoint, on_commit
):
    data = certificate_pdf(["Agenda template"])
    document = io.BytesIO(data)
    document.name = "agenda-template.pdf"

    response = login(coordinator).post(
        f"/learning/modules/{module.code}/blocks/",
        {"kind": "document", "title": "Template", "document": document},
    )

    assert response.status_code == 302
    block = module.blocks.get(kind=Block.Kind.DOCUMENT)
    key = f"learning/{block.storage_name[:2]}/{block.storage_name}"
    assert bucket_keys(s3_endpoint, s3_bucket) == [key]
    url = f"/learning/modules/{module.code}/blocks/{block.code}/file/"
    assert_private_download(login(mentee).get(url), "agenda-template.pdf", data)
    assert login(outsider).get(url).status_code == 404

    s3_client(s3_endpoint).delete_object(Bucket=s3_bucket, Key=key)
    assert login(mentee).get(url).status_code == 404  # a lost object is a 404, not a 500

    with on_commit():
        learning.block_delete(block=block, actor=coordinator)
    assert bucket_keys(s3_endpoint, s3_bucket) == []
