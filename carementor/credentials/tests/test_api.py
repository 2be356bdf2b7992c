"""The credentials API: the same gates and rules as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carementor.accounts.models import PersonalAccessToken, hash_token
from carementor.audit.models import AuditEvent
from carementor.credentials.models import Credential, EvidenceFile
from carementor.credentials.tests.corpus import pdf
from carementor.credentials.tests.helpers import (
    add_evidence,
    all_ticked,
    make_credential,
    stored_files,
)

Status = Credential.Status


def bearer(user):
    raw = PersonalAccessToken.generate()
    PersonalAccessToken.objects.create(
        user=user, name="test", token_hash=hash_token(raw), prefix=raw[:8]
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_validate(api, mentee):
    response = api(mentee).post(
        "/api/v1/credentials/validate",
        {"scheme": "us_npi", "number": "1234567890"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "valid": False,
        "normalized": "1234567890",
        "errors": ["This is not a valid NPI: the check digit does not match."],
    }
    ok = api(mentee).post(
        "/api/v1/credentials/validate",
        {"scheme": "gb_nmc", "number": " 12a3456e"},
        content_type="application/json",
    )
    assert ok.json() == {"valid": True, "normalized": "12A3456E", "errors": []}


def test_validate_needs_a_session_or_token(client):
    response = client.post(
        "/api/v1/credentials/validate",
        {"scheme": "gb_gmc", "number": "1"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_schemes(api, mentee):
    body = api(mentee).get("/api/v1/credentials/schemes").json()
    codes = {item["code"] for item in body}
    assert {"us_npi", "gb_gmc", "gb_nmc", "in_medical_council", "in_nmr", "identity"} <= codes
    npi = next(item for item in body if item["code"] == "us_npi")
    assert npi["register_url"] == "https://npiregistry.cms.hhs.gov/search"
    assert npi["lookup_available"] is False


def test_submit_upload_list_and_download(client, mentor, hospital, private_media):
    headers = bearer(mentor)
    response = client.post(
        "/api/v1/credentials",
        {
            "organization": hospital.code,
            "scheme": "gb_gmc",
            "number": "765 4321",
            "issuing_body": "General Medical Council",
            "expires_on": "2099-01-01",
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["number"] == "7654321"
    assert response.json()["status"] == "submitted"

    upload = client.post(
        f"/api/v1/credentials/{code}/evidence",
        {"file": SimpleUploadedFile("gmc.pdf", pdf())},
        **headers,
    )
    assert upload.status_code == 201, upload.content
    evidence_code = upload.json()["code"]
    assert upload.json()["scan_status"] == "not_scanned"

    listed = client.get("/api/v1/credentials", **headers).json()
    assert listed["count"] == 1
    assert listed["items"][0]["evidence"][0]["code"] == evidence_code

    download = client.get(f"/api/v1/credentials/{code}/evidence/{evidence_code}", **headers)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="gmc.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == pdf()
    assert (
        AuditEvent.objects.filter(action="credential.evidence_downloaded", actor=mentor).count()
        == 1
    )


def test_submit_refuses_bad_numbers_and_foreign_organizations(api, mentor, hospital, trust):
    client = api(mentor)
    bad = client.post(
        "/api/v1/credentials",
        {"organization": hospital.code, "scheme": "us_npi", "number": "1234567890"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["number"]
    foreign = client.post(
        "/api/v1/credentials",
        {"organization": trust.code, "scheme": "gb_gmc", "number": "1234567"},
        content_type="application/json",
    )
    assert foreign.status_code == 422
    assert foreign.json()["code"] == "not_member"
    assert not Credential.objects.exists()


def test_holder_operations_are_404_for_others(
    api, outsider, reviewer, mentor, hospital, private_media
):
    credential = make_credential(mentor, hospital)
    for user in (outsider, reviewer):
        client = api(user)
        assert client.get(f"/api/v1/credentials/{credential.code}").status_code == 404
        assert client.delete(f"/api/v1/credentials/{credential.code}").status_code == 404
        assert client.post(f"/api/v1/credentials/{credential.code}/resubmit").status_code == 404
        upload = client.post(
            f"/api/v1/credentials/{credential.code}/evidence",
            {"file": SimpleUploadedFile("x.pdf", pdf())},
        )
        assert upload.status_code == 404
    assert Credential.objects.count() == 1
    assert stored_files(private_media) == []


def test_update_and_delete(api, mentor, hospital, private_media, on_commit):
    credential = make_credential(mentor, hospital)
    add_evidence(credential)
    client = api(mentor)
    response = client.put(
        f"/api/v1/credentials/{credential.code}",
        {"scheme": "gb_gmc", "number": "7654321"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["number"] == "7654321"
    with on_commit():
        assert client.delete(f"/api/v1/credentials/{credential.code}").status_code == 204
    assert not Credential.objects.exists()
    assert stored_files(private_media) == []
    assert AuditEvent.objects.filter(action="credential.deleted").exists()


def test_verified_credentials_cannot_be_edited(api, mentor, hospital):
    credential = make_credential(mentor, hospital, status=Status.VERIFIED)
    response = api(mentor).put(
        f"/api/v1/credentials/{credential.code}",
        {"scheme": "gb_gmc", "number": "7654321"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_editable"


def test_review_queue_and_decision(client, reviewer, mentor, hospital):
    credential = make_credential(mentor, hospital)
    add_evidence(credential)
    headers = bearer(reviewer)

    queues = client.get("/api/v1/credentials/review-queues", **headers).json()
    assert queues == [
        {"code": hospital.code, "name": hospital.name, "waiting": 1, "four_eyes": True}
    ]
    queue = client.get(
        f"/api/v1/credentials/review-queues/{hospital.code}?status=waiting", **headers
    ).json()
    assert queue["count"] == 1
    assert queue["items"][0]["code"] == credential.code
    assert queue["items"][0]["evidence_count"] == 1

    detail = client.get(f"/api/v1/credentials/review/{credential.code}", **headers).json()
    assert detail["number"] == "1234567"
    assert detail["holder"]["email"] == mentor.email

    decided = client.post(
        f"/api/v1/credentials/review/{credential.code}/decide",
        {"decision": "verify", "checklist": all_ticked()},
        content_type="application/json",
        **headers,
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "verified"
    assert decided.json()["decided_by"]["full_name"] == "Priya Nair"

    again = client.post(
        f"/api/v1/credentials/review/{credential.code}/decide",
        {"decision": "verify", "checklist": all_ticked()},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_decided"


def test_four_eyes_through_the_api(api, reviewer, second_reviewer, mentor, hospital):
    credential = make_credential(mentor, hospital, status=Status.VERIFIED, decided_by=reviewer)
    revoke = api(reviewer).post(
        f"/api/v1/credentials/review/{credential.code}/revoke",
        {"reason": "Registration lapsed at the council."},
        content_type="application/json",
    )
    assert revoke.json()["pending_action"] == "revoke"
    self_confirm = api(reviewer).post(
        f"/api/v1/credentials/review/{credential.code}/second-review",
        {"confirm": True},
        content_type="application/json",
    )
    assert self_confirm.status_code == 403
    assert self_confirm.json()["code"] == "four_eyes"
    confirmed = api(second_reviewer).post(
        f"/api/v1/credentials/review/{credential.code}/second-review",
        {"confirm": True},
        content_type="application/json",
    )
    assert confirmed.json()["status"] == "revoked"
    assert confirmed.json()["second_reviewer"]["full_name"] == "Sunita Rao"


@pytest.mark.parametrize("who", ["outsider", "mentee", "coordinator"])
def test_reviewer_operations_are_404_for_others(request, api, who, mentor, hospital):
    credential = make_credential(mentor, hospital)
    evidence = add_evidence(credential)
    client = api(request.getfixturevalue(who))
    assert client.get(f"/api/v1/credentials/review-queues/{hospital.code}").status_code == 404
    assert client.get(f"/api/v1/credentials/review/{credential.code}").status_code == 404
    assert (
        client.get(f"/api/v1/credentials/{credential.code}/evidence/{evidence.code}").status_code
        == 404
    )
    for op, payload in [
        ("start", {}),
        ("decide", {"decision": "verify", "checklist": all_ticked()}),
        ("revoke", {"reason": "x" * 20}),
        ("second-review", {"confirm": True}),
        ("lookup", {}),
        ("checks", {"outcome": "match", "note": "seen"}),
    ]:
        response = client.post(
            f"/api/v1/credentials/review/{credential.code}/{op}",
            payload,
            content_type="application/json",
        )
        assert response.status_code == 404, op
    credential.refresh_from_db()
    assert credential.status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(action__startswith="credential.").exists()


def test_privileged_without_mfa_gets_403(api, mentor, hospital):
    from allauth.mfa.models import Authenticator

    from carementor.lib.testing import add_member, make_user

    newbie = make_user("newbie@example.org", full_name="New Reviewer")
    add_member(newbie, hospital, "reviewer")
    Authenticator.objects.filter(user=newbie).delete()
    response = api(newbie).get(f"/api/v1/credentials/review-queues/{hospital.code}")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_reviewer_sees_only_scanned_evidence(api, reviewer, mentor, hospital):
    credential = make_credential(mentor, hospital)
    pending = add_evidence(credential, scan_status=EvidenceFile.Scan.PENDING, name="pending.pdf")
    clean = add_evidence(credential, scan_status=EvidenceFile.Scan.CLEAN, name="clean.pdf")
    client = api(reviewer)
    detail = client.get(f"/api/v1/credentials/review/{credential.code}").json()
    assert [item["name"] for item in detail["evidence"]] == ["clean.pdf"]
    assert detail["evidence_pending_scan"] == 1
    assert (
        client.get(f"/api/v1/credentials/{credential.code}/evidence/{pending.code}").status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/credentials/{credential.code}/evidence/{clean.code}").status_code
        == 200
    )
    # The holder can always fetch their own upload.
    assert (
        api(mentor)
        .get(f"/api/v1/credentials/{credential.code}/evidence/{pending.code}")
        .status_code
        == 200
    )
