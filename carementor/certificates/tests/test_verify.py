"""The public verification page and API: what they show, and that they show nothing else."""

import html as htmllib
import re

import pytest

from carementor.audit.models import AuditEvent
from carementor.certificates import services
from carementor.certificates.verification import VERIFY_LIMIT

pytestmark = pytest.mark.django_db

FORBIDDEN = ("asha@example.org", "/profiles/", "Data error in attendance", "mentorships/")


def visible_text(html: str) -> str:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def assert_reveals_nothing_else(html: str, certificate) -> None:  # type: ignore[no-untyped-def]
    for forbidden in (*FORBIDDEN, certificate.holder.code, certificate.program.code):
        assert forbidden not in html
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "<a " not in main  # no link to a profile, programme or anything else
    assert "<form" not in main


def test_valid_certificate(client, certificate):
    response = client.get(f"/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    text = visible_text(response.content.decode())
    assert "Valid certificate" in text
    for shown in ("Asha Raman", certificate.program_name, certificate.organization_name, "Mentee"):
        assert shown in text
    assert f"{certificate.completed_on:%-d %B %Y}" in text and "12.0" in text
    assert_reveals_nothing_else(response.content.decode(), certificate)
    event = AuditEvent.objects.get(action="certificate.verified")
    assert event.actor is None and event.target_id == certificate.code


def test_code_typed_in_capitals_still_verifies(client, certificate):
    assert client.get(f"/certificates/verify/{certificate.code.upper()}/").status_code == 200


def test_revoked_certificate_says_so_without_the_reason(client, certificate, coordinator):
    services.certificate_revoke(
        certificate=certificate, actor=coordinator, reason="Data error in attendance"
    )
    certificate.refresh_from_db()
    response = client.get(f"/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert f"Revoked on {certificate.revoked_at:%-d %B %Y}" in text
    assert "Valid certificate" not in text
    assert_reveals_nothing_else(response.content.decode(), certificate)


def test_superseded_certificate_points_to_nothing(client, certificate, mentee):
    mentee.full_name = "Asha Raman-Iyer"
    mentee.save(update_fields=["full_name"])
    new = services.certificate_reissue(certificate=certificate, user=mentee)
    old = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "Superseded by a newer certificate" in visible_text(old)
    assert new.code not in old and "Raman-Iyer" not in old
    assert_reveals_nothing_else(old, certificate)
    fresh = visible_text(client.get(f"/certificates/verify/{new.code}/").content.decode())
    assert "Valid certificate" in fresh and "Asha Raman-Iyer" in fresh


def test_unknown_code_is_404_and_says_not_found(client, certificate):
    for code in ("a" * 16, "not-a-code", certificate.code[:-1] + "!"):
        response = client.get(f"/certificates/verify/{code}/")
        assert response.status_code == 404
        assert "Certificate not found" in response.content.decode()
    assert not AuditEvent.objects.filter(action="certificate.verified").exists()


def test_api_verify_is_public_and_shows_the_same_fields(client, certificate):
    response = client.get(f"/api/v1/certificates/verify/{certificate.code}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "code",
        "status",
        "holder_name",
        "program_name",
        "organization_name",
        "role",
        "started_on",
        "completed_on",
        "issued_on",
        "revoked_on",
        "cpd_hours",
    }
    assert body["status"] == "valid" and body["holder_name"] == "Asha Raman"
    assert "asha@example.org" not in response.content.decode()
    missing = client.get("/api/v1/certificates/verify/bbbbbbbbbbbbbbbb")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_lookups_are_rate_limited_per_address(client, certificate):
    for _ in range(VERIFY_LIMIT):
        assert client.get(f"/certificates/verify/{certificate.code}/").status_code == 200
    limited = client.get(f"/certificates/verify/{certificate.code}/")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    api = client.get(f"/api/v1/certificates/verify/{certificate.code}")
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"
    other = client.get(f"/certificates/verify/{certificate.code}/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_post_is_not_allowed(client, certificate):
    assert client.post(f"/certificates/verify/{certificate.code}/").status_code == 405
