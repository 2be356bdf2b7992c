"""An organization's overview, its settings, leaving it, and creating one (staff)."""

import pytest

from carementor.audit.models import AuditEvent
from carementor.organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db


def test_member_sees_the_overview_and_their_roles(login, mentor, mentee, hospital):
    response = login(mentor).get(f"/organizations/{hospital.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Chennai Children&#x27;s Teaching Hospital</h1>" in html
    assert "<dd>Hospital or health system</dd>" in html
    assert "<dd>IN</dd>" in html and "<dd>Asia/Kolkata</dd>" in html
    assert "<dt>Members</dt><dd>2</dd>" in html
    assert '<span class="badge">Member</span><span class="badge">Mentor</span>' in html
    assert f'href="/organizations/{hospital.code}/leave/"' in html
    assert f'href="/organizations/{hospital.code}/members/"' not in html
    assert f'href="/organizations/{hospital.code}/invitations/"' not in html


def test_admin_sees_the_management_links(login, org_admin, hospital, invite):
    invite("a@example.org")
    html = login(org_admin).get(f"/organizations/{hospital.code}/").content.decode()
    for page in ("members", "invitations", "settings"):
        assert f'href="/organizations/{hospital.code}/{page}/"' in html
    assert "1 pending" in html


def test_coordinator_sees_members_but_not_admin_links(login, coordinator, hospital):
    html = login(coordinator).get(f"/organizations/{hospital.code}/").content.decode()
    assert f'href="/organizations/{hospital.code}/members/"' in html
    assert f'href="/organizations/{hospital.code}/settings/"' not in html


@pytest.mark.parametrize("path", ["", "settings/", "leave/", "members/", "invitations/"])
def test_outsider_gets_not_found_everywhere(login, outsider, hospital, path):
    client = login(outsider)
    assert client.get(f"/organizations/{hospital.code}/{path}").status_code == 404
    assert client.post(f"/organizations/{hospital.code}/{path}", {"name": "Taken"}).status_code in (
        404,
        405,
    )
    assert client.get(f"/organizations/nosuchorg123/{path}").status_code == 404
    hospital.refresh_from_db()
    assert hospital.name == "Chennai Children's Teaching Hospital"


def test_staff_see_any_organization(login, staff, hospital):
    response = login(staff).get(f"/organizations/{hospital.code}/")
    assert response.status_code == 200
    assert "You are platform staff, not a member of this organization." in response.content.decode()
    assert login(staff).get(f"/organizations/{hospital.code}/leave/").status_code == 404


# --- settings -----------------------------------------------------------------------------


def test_admin_edits_settings(login, org_admin, hospital):
    client = login(org_admin)
    form = client.get(f"/organizations/{hospital.code}/settings/")
    assert form.status_code == 200
    assert 'value="Chennai Children&#x27;s Teaching Hospital"' in form.content.decode()
    response = client.post(
        f"/organizations/{hospital.code}/settings/",
        {
            "name": "Chennai Children's Hospital",
            "kind": "medical_college",
            "country": "IN",
            "timezone": "Asia/Kolkata",
        },
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/organizations/{hospital.code}/"
    )
    hospital.refresh_from_db()
    assert (hospital.name, hospital.kind, hospital.country) == (
        "Chennai Children's Hospital",
        "medical_college",
        "IN",
    )
    event = AuditEvent.objects.get(action="organization.updated")
    assert event.actor == org_admin and set(event.detail) == {"name", "kind"}


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "kind": "hospital", "country": "IN", "timezone": "UTC"},
        {"name": "X", "kind": "spa", "country": "IN", "timezone": "UTC"},
        {"name": "X", "kind": "hospital", "country": "India", "timezone": "UTC"},
        {"name": "X", "kind": "hospital", "country": "IN", "timezone": "Mars/Base"},
    ],
)
def test_bad_settings_are_refused(login, org_admin, hospital, data):
    response = login(org_admin).post(f"/organizations/{hospital.code}/settings/", data)
    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode()
    hospital.refresh_from_db()
    assert (
        hospital.name == "Chennai Children's Teaching Hospital"
        and hospital.timezone == "Asia/Kolkata"
    )
    assert not AuditEvent.objects.filter(action="organization.updated").exists()


@pytest.mark.parametrize("who", ["mentee", "coordinator"])
def test_members_without_admin_role_are_forbidden(login, hospital, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(f"/organizations/{hospital.code}/settings/").status_code == 403
    response = client.post(
        f"/organizations/{hospital.code}/settings/",
        {"name": "Mine", "kind": "hospital", "country": "IN", "timezone": "UTC"},
    )
    assert response.status_code == 403
    hospital.refresh_from_db()
    assert hospital.name == "Chennai Children's Teaching Hospital"


# --- leave --------------------------------------------------------------------------------


def test_member_leaves(login, mentee, hospital):
    client = login(mentee)
    client.post("/organizations/switch/", {"organization": hospital.code})
    confirm = client.get(f"/organizations/{hospital.code}/leave/")
    assert (
        confirm.status_code == 200
        and "Leave Chennai Children&#x27;s Teaching Hospital?" in confirm.content.decode()
    )
    response = client.post(f"/organizations/{hospital.code}/leave/")
    assert response.status_code == 302 and response["Location"] == "/organizations/"
    assert not Membership.objects.filter(user=mentee).exists()
    assert "current_organization" not in client.session
    assert AuditEvent.objects.get(action="membership.removed").detail["left"] is True


def test_last_admin_cannot_leave(login, org_admin, hospital):
    response = login(org_admin).post(f"/organizations/{hospital.code}/leave/")
    assert response.status_code == 409
    assert "An organization needs at least one admin" in response.content.decode()
    assert Membership.objects.filter(user=org_admin).exists()


# --- create (staff) -----------------------------------------------------------------------


def test_staff_create_an_organization(login, staff):
    client = login(staff)
    assert client.get("/organizations/new/").status_code == 200
    response = client.post(
        "/organizations/new/",
        {
            "name": "Kerala Nursing College",
            "kind": "nursing_college",
            "country": "IN",
            "timezone": "Asia/Kolkata",
        },
    )
    organization = Organization.objects.get(name="Kerala Nursing College")
    assert (
        response.status_code == 302
        and response["Location"] == f"/organizations/{organization.code}/invitations/"
    )
    assert organization.slug == "kerala-nursing-college"
    assert AuditEvent.objects.filter(action="organization.created", actor=staff).exists()
    # Staff land on the invitations page to invite the first admin.
    assert client.get(response["Location"]).status_code == 200


def test_staff_create_with_bad_input(login, staff):
    response = login(staff).post(
        "/organizations/new/", {"name": "", "kind": "x", "country": "", "timezone": ""}
    )
    assert response.status_code == 422
    assert Organization.objects.count() == 0


@pytest.mark.parametrize("who", ["mentee", "org_admin", "outsider"])
def test_only_staff_create(login, hospital, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get("/organizations/new/").status_code == 403
    data = {"name": "Rogue", "kind": "hospital", "country": "IN", "timezone": "UTC"}
    assert client.post("/organizations/new/", data).status_code == 403
    assert not Organization.objects.filter(name="Rogue").exists()
