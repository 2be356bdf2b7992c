import json

import pytest

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member


def patch(client, body, **extra):  # type: ignore[no-untyped-def]
    return client.patch(
        "/api/v1/me", data=json.dumps(body), content_type="application/json", **extra
    )


def test_it_describes_me_with_my_organizations_and_roles(login, mentor, hospital, trust):
    add_member(mentor, trust)
    response = login(mentor).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "code": mentor.code,
        "email": "vikram@example.org",
        "full_name": "Vikram Mehta",
        "preferred_name": "",
        "greeting_name": "Vikram",
        "timezone": "Asia/Kolkata",
        "language": "",
        "has_mfa": False,
        "is_staff": False,
        "organizations": [
            {
                "code": hospital.code,
                "name": "Chennai Children's Teaching Hospital",
                "slug": "chennai-childrens",
                "roles": ["member", "mentor"],
            },
            {
                "code": trust.code,
                "name": "Leeds Teaching Hospitals NHS Trust",
                "slug": "leeds-trust",
                "roles": ["member"],
            },
        ],
    }


def test_it_reports_mfa_and_staff(login, coordinator):
    coordinator.is_staff = True
    coordinator.save()
    body = login(coordinator).get("/api/v1/me").json()
    assert body["has_mfa"] is True and body["is_staff"] is True


def test_it_works_with_a_token(client, mentee, bearer):
    response = client.get("/api/v1/me", **bearer(mentee))
    assert response.status_code == 200
    assert response.json()["email"] == "asha@example.org"


@pytest.mark.django_db
def test_it_refuses_anonymous(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication required.",
        "code": "unauthenticated",
        "errors": [],
    }


def test_it_updates_name_timezone_and_language(login, mentee):
    client = login(mentee)
    response = patch(
        client, {"full_name": "  Dr   Asha Raman ", "timezone": "Europe/London", "language": "hi"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["full_name"], body["timezone"], body["language"]) == (
        "Dr Asha Raman",
        "Europe/London",
        "hi",
    )
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.timezone, mentee.language) == (
        "Dr Asha Raman",
        "Europe/London",
        "hi",
    )
    event = AuditEvent.objects.get(action="account.updated")
    assert event.actor == mentee
    assert event.detail == {"fields": ["full_name", "language", "timezone"]}


def test_it_changes_only_what_is_sent(login, mentee):
    response = patch(login(mentee), {"timezone": "Asia/Tokyo"})
    assert response.status_code == 200
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.timezone) == ("Asha Raman", "Asia/Tokyo")


def test_it_resets_language_to_the_browser(login, mentee):
    mentee.language = "hi"
    mentee.save()
    assert patch(login(mentee), {"language": ""}).json()["language"] == ""


def test_an_empty_patch_writes_nothing(login, mentee):
    response = patch(login(mentee), {})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="account.updated").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons", "full_name": "Changed"}, "timezone"),
        ({"language": "fr", "full_name": "Changed"}, "language"),
        ({"full_name": "x" * 151}, "full_name"),
        ({"full_name": "Changed", "email": "evil@example.org"}, "email"),
        ({"full_name": 42}, "full_name"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(login, mentee, body, field):
    response = patch(login(mentee), body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "invalid"
    assert any(field in error["loc"] for error in payload["errors"]), payload
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.timezone, mentee.language, mentee.email) == (
        "Asha Raman",
        "Asia/Kolkata",
        "",
        "asha@example.org",
    )
    assert not AuditEvent.objects.filter(action="account.updated").exists()


def test_malformed_json_is_4xx(login, mentee):
    response = login(mentee).patch("/api/v1/me", data="{", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_a_privileged_person_without_mfa_may_still_read_and_edit_me(login, mentee, hospital):
    from carementor.organizations.models import Membership

    Membership.objects.filter(user=mentee).update(is_admin=True)
    client = login(mentee)
    assert client.get("/api/v1/me").status_code == 200
    assert patch(client, {"timezone": "UTC"}).status_code == 200
