"""The organizations API: /api/v1/organizations/…"""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from carementor.accounts.models import PersonalAccessToken, hash_token
from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_user
from carementor.organizations.models import Invitation, Membership, Organization
from carementor.organizations.tokens import make_token

pytestmark = pytest.mark.django_db

API = "/api/v1/organizations"


def call(client, method: str, path: str, body=None):  # type: ignore[no-untyped-def]
    data = json.dumps(body) if body is not None else None
    return client.generic(method, API + path, data=data or "", content_type="application/json")


# --- organizations ------------------------------------------------------------------------


def test_my_organizations(login, mentor, hospital, trust):
    Membership.objects.create(user=mentor, organization=trust)
    response = login(mentor).get(f"{API}/")
    assert response.status_code == 200
    membership = Membership.objects.get(user=mentor, organization=hospital)
    body = response.json()
    assert body["count"] == 2
    assert body["items"][0] == {
        "code": hospital.code,
        "name": "Chennai Children's Teaching Hospital",
        "kind": "hospital",
        "country": "IN",
        "timezone": "Asia/Kolkata",
        "roles": ["member", "mentor"],
        "membership_code": membership.code,
    }
    assert body["items"][1]["name"] == "Leeds Teaching Hospitals NHS Trust"


def test_my_organizations_with_a_personal_access_token(client, mentee, hospital):
    raw = PersonalAccessToken.generate()
    PersonalAccessToken.objects.create(
        user=mentee, name="cli", token_hash=hash_token(raw), prefix=raw[:8]
    )
    response = client.get(f"{API}/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == [hospital.code]


def test_anonymous_is_refused(client, hospital):
    response = client.get(f"{API}/{hospital.code}")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_get_one(login, mentee, mentor, hospital):
    response = login(mentee).get(f"{API}/{hospital.code}")
    assert response.status_code == 200
    assert response.json() == {
        "code": hospital.code,
        "name": "Chennai Children's Teaching Hospital",
        "slug": "chennai-childrens",
        "kind": "hospital",
        "country": "IN",
        "timezone": "Asia/Kolkata",
        "roles": ["member"],
        "member_count": 2,
    }


def test_outsider_gets_not_found(login, outsider, hospital):
    client = login(outsider)
    for path in ("", "/members", "/invitations"):
        response = client.get(f"{API}/{hospital.code}{path}")
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}
    assert client.get(f"{API}/nosuchorg123").status_code == 404


def test_admin_patches_settings(login, org_admin, hospital):
    response = call(
        login(org_admin),
        "PATCH",
        f"/{hospital.code}",
        {"name": "CCTH", "timezone": "Asia/Calcutta"},
    )
    assert response.status_code == 200
    assert response.json()["name"] == "CCTH" and response.json()["timezone"] == "Asia/Calcutta"
    hospital.refresh_from_db()
    assert hospital.name == "CCTH" and hospital.kind == "hospital"
    assert AuditEvent.objects.get(action="organization.updated").detail["name"]["after"] == "CCTH"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "spa"},
        {"country": "ZZ"},
        {"country": "India"},
        {"timezone": "Mars/Base"},
        {"name": ""},
    ],
)
def test_bad_settings_are_422(login, org_admin, hospital, body):
    response = call(login(org_admin), "PATCH", f"/{hospital.code}", body)
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    hospital.refresh_from_db()
    assert (hospital.name, hospital.kind, hospital.country, hospital.timezone) == (
        "Chennai Children's Teaching Hospital",
        "hospital",
        "IN",
        "Asia/Kolkata",
    )


@pytest.mark.parametrize("who", ["mentee", "coordinator"])
def test_non_admins_cannot_patch(login, hospital, who, request):
    response = call(
        login(request.getfixturevalue(who)), "PATCH", f"/{hospital.code}", {"name": "X"}
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_staff_create_and_others_cannot(login, staff, mentee):
    body = {
        "name": "Kerala Nursing College",
        "kind": "nursing_college",
        "country": "IN",
        "timezone": "Asia/Kolkata",
    }
    assert call(login(mentee), "POST", "/", body).status_code == 403
    response = call(login(staff), "POST", "/", body)
    assert response.status_code == 201
    assert response.json()["slug"] == "kerala-nursing-college" and response.json()["roles"] == []
    assert Organization.objects.filter(name="Kerala Nursing College").count() == 1


# --- members ------------------------------------------------------------------------------


def test_members_for_admin_and_coordinator(login, org_admin, coordinator, mentor, hospital):
    for user in (org_admin, coordinator):
        response = login(user).get(f"{API}/{hospital.code}/members")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3
        vikram = next(item for item in body["items"] if item["email"] == "vikram@example.org")
        assert vikram == {
            "code": Membership.objects.get(user=mentor).code,
            "user_code": mentor.code,
            "full_name": "Vikram Mehta",
            "email": "vikram@example.org",
            "roles": ["member", "mentor"],
            "joined_at": vikram["joined_at"],
        }


def test_members_filter_and_paginate_without_n_plus_one(
    login, org_admin, hospital, django_assert_max_num_queries
):
    for n in range(60):
        add_member(
            make_user(f"nurse{n:02}@example.org", full_name=f"Nurse {n:02}"), hospital, "mentor"
        )
    client = login(org_admin)
    with django_assert_max_num_queries(12):
        first = client.get(f"{API}/{hospital.code}/members")
    assert first.json()["count"] == 61 and len(first.json()["items"]) == 50
    assert len(client.get(f"{API}/{hospital.code}/members?page=2").json()["items"]) == 11
    assert client.get(f"{API}/{hospital.code}/members?role=admin").json()["count"] == 1
    assert client.get(f"{API}/{hospital.code}/members?q=nurse0").json()["count"] == 10
    bad = client.get(f"{API}/{hospital.code}/members?role=dean")
    assert bad.status_code == 422


@pytest.mark.parametrize("who", ["mentee", "mentor", "reviewer"])
def test_plain_members_cannot_list_members(login, hospital, who, request):
    assert (
        login(request.getfixturevalue(who)).get(f"{API}/{hospital.code}/members").status_code == 403
    )


def test_admin_changes_roles(login, org_admin, mentor, hospital):
    code = Membership.objects.get(user=mentor).code
    response = call(
        login(org_admin), "PATCH", f"/{hospital.code}/members/{code}", {"roles": ["coordinator"]}
    )
    assert response.status_code == 200 and response.json()["roles"] == ["member", "coordinator"]
    event = AuditEvent.objects.get(action="membership.roles_changed")
    assert event.detail["before"] == ["member", "mentor"] and event.detail["after"] == [
        "member",
        "coordinator",
    ]


def test_unknown_role_is_422_and_writes_nothing(login, org_admin, mentor, hospital):
    code = Membership.objects.get(user=mentor).code
    client = login(org_admin)
    for body in ({"roles": ["coordinator", "dean"]}, {"roles": "admin"}, {}):
        response = call(client, "PATCH", f"/{hospital.code}/members/{code}", body)
        assert response.status_code == 422, body
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor"]
    assert not AuditEvent.objects.filter(action="membership.roles_changed").exists()


def test_last_admin_is_409(login, org_admin, hospital):
    code = Membership.objects.get(user=org_admin).code
    client = login(org_admin)
    response = call(client, "PATCH", f"/{hospital.code}/members/{code}", {"roles": []})
    assert response.status_code == 409 and response.json()["code"] == "last_admin"
    assert call(client, "DELETE", f"/{hospital.code}/members/{code}").status_code == 409
    assert Membership.objects.get(user=org_admin).is_admin


def test_non_admin_cannot_change_roles(login, coordinator, mentor, hospital):
    code = Membership.objects.get(user=mentor).code
    response = call(
        login(coordinator), "PATCH", f"/{hospital.code}/members/{code}", {"roles": ["admin"]}
    )
    assert response.status_code == 403
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor"]


def test_outsider_cannot_touch_members(login, outsider, mentor, hospital, trust):
    code = Membership.objects.get(user=mentor).code
    client = login(outsider)
    assert (
        call(client, "PATCH", f"/{hospital.code}/members/{code}", {"roles": ["admin"]}).status_code
        == 404
    )
    assert (
        call(client, "PATCH", f"/{trust.code}/members/{code}", {"roles": ["admin"]}).status_code
        == 404
    )
    assert call(client, "DELETE", f"/{trust.code}/members/{code}").status_code == 404
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor"]


def test_admin_removes_and_member_leaves(login, org_admin, mentor, mentee, hospital):
    code = Membership.objects.get(user=mentor).code
    assert call(login(org_admin), "DELETE", f"/{hospital.code}/members/{code}").status_code == 204
    assert not Membership.objects.filter(user=mentor).exists()
    own = Membership.objects.get(user=mentee).code
    assert call(login(mentee), "DELETE", f"/{hospital.code}/members/{own}").status_code == 204
    assert not Membership.objects.filter(user=mentee).exists()
    assert AuditEvent.objects.filter(action="membership.removed").count() == 2


def test_member_cannot_remove_someone_else(login, mentee, mentor, hospital):
    code = Membership.objects.get(user=mentor).code
    assert call(login(mentee), "DELETE", f"/{hospital.code}/members/{code}").status_code == 404
    assert Membership.objects.filter(user=mentor).exists()


# --- invitations --------------------------------------------------------------------------


def test_admin_invites_lists_and_revokes(login, org_admin, hospital, on_commit):
    client = login(org_admin)
    with on_commit():
        response = call(
            client,
            "POST",
            f"/{hospital.code}/invitations",
            {"email": "Lena.Ward@example.org", "roles": ["mentor"]},
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["roles"], body["status"], body["invited_by"]) == (
        "lena.ward@example.org",
        ["mentor"],
        "pending",
        "admin@example.org",
    )
    assert mail.outbox[0].to == ["lena.ward@example.org"]
    listed = client.get(f"{API}/{hospital.code}/invitations").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == body["code"]

    resent = call(client, "POST", f"/{hospital.code}/invitations/{body['code']}/resend")
    assert resent.status_code == 200
    assert call(client, "DELETE", f"/{hospital.code}/invitations/{body['code']}").status_code == 204
    assert Invitation.objects.get().status == "revoked"
    again = call(client, "DELETE", f"/{hospital.code}/invitations/{body['code']}")
    assert again.status_code == 409 and again.json()["code"] == "revoked"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"email": "x@example.org", "roles": ["dean"]}, 422),
        ({"email": "not-an-address"}, 422),
        ({"roles": ["mentor"]}, 422),
        ({"email": "asha@example.org"}, 409),
    ],
)
def test_bad_invitations(login, org_admin, mentee, hospital, body, status):
    response = call(login(org_admin), "POST", f"/{hospital.code}/invitations", body)
    assert response.status_code == status
    assert not Invitation.objects.exists() and mail.outbox == []


def test_duplicate_invitation_is_409(login, org_admin, hospital, invitation):
    response = call(
        login(org_admin),
        "POST",
        f"/{hospital.code}/invitations",
        {"email": "NEHA.kapoor@example.org"},
    )
    assert response.status_code == 409 and response.json()["code"] == "already_invited"


@pytest.mark.parametrize("who", ["mentee", "coordinator"])
def test_non_admins_cannot_use_invitations(login, hospital, invitation, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(f"{API}/{hospital.code}/invitations").status_code == 403
    assert (
        call(
            client, "POST", f"/{hospital.code}/invitations", {"email": "x@example.org"}
        ).status_code
        == 403
    )
    assert (
        call(client, "DELETE", f"/{hospital.code}/invitations/{invitation.code}").status_code == 403
    )
    assert Invitation.objects.get().status == "pending"


def test_outsider_cannot_revoke_through_their_own_org(login, outsider, trust, invitation):
    response = call(login(outsider), "DELETE", f"/{trust.code}/invitations/{invitation.code}")
    assert response.status_code == 404
    assert Invitation.objects.get().status == "pending"


def test_invitee_accepts_with_the_token(login, invitation, hospital):
    neha = make_user("neha.kapoor@example.org")
    client = login(neha)
    response = call(client, "POST", "/invitations/accept", {"token": make_token(invitation)})
    assert response.status_code == 200
    membership = Membership.objects.get(user=neha)
    assert response.json() == {
        "code": membership.code,
        "organization": hospital.code,
        "roles": ["member", "mentor"],
    }
    second = call(client, "POST", "/invitations/accept", {"token": make_token(invitation)})
    assert second.status_code == 409 and second.json()["code"] == "accepted"


def test_wrong_person_cannot_accept(login, mentee, invitation):
    response = call(login(mentee), "POST", "/invitations/accept", {"token": make_token(invitation)})
    assert response.status_code == 403
    assert Invitation.objects.get().status == "pending"
    assert Membership.objects.filter(user=mentee).count() == 1


def test_tampered_expired_and_missing_tokens(login, invitation):
    neha = make_user("neha.kapoor@example.org")
    client = login(neha)
    token = make_token(invitation)
    assert call(client, "POST", "/invitations/accept", {"token": token + "x"}).status_code == 404
    assert call(client, "POST", "/invitations/accept", {"token": ""}).status_code == 422
    assert call(client, "POST", "/invitations/accept", {}).status_code == 422
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        client.force_login(neha)  # the session itself has long expired by then
        expired = call(client, "POST", "/invitations/accept", {"token": token})
    assert expired.status_code == 409 and expired.json()["code"] == "expired"
    assert Invitation.objects.get().status == "pending"


def test_invitee_declines_with_the_token(login, invitation):
    client = login(make_user("neha.kapoor@example.org"))
    assert (
        call(client, "POST", "/invitations/decline", {"token": make_token(invitation)}).status_code
        == 204
    )
    assert Invitation.objects.get().status == "revoked"


def test_every_operation_documents_its_errors():
    from carementor.api import api

    paths = api.get_openapi_schema()["paths"]
    ours = {path: ops for path, ops in paths.items() if path.startswith(API)}
    assert len(ours) >= 7
    for path, operations in ours.items():
        for method, operation in operations.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"401", "403", "404"} <= codes, (method, path)
            if method in ("post", "patch", "delete"):
                assert {"409", "422"} <= codes, (method, path)
