"""The members page, the inline role editor and removing a member."""

import pytest

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_user
from carementor.organizations.models import Membership

pytestmark = pytest.mark.django_db


def members_url(org) -> str:  # type: ignore[no-untyped-def]
    return f"/organizations/{org.code}/members/"


def roles_url(org, user) -> str:  # type: ignore[no-untyped-def]
    return f"/organizations/{org.code}/members/{Membership.objects.get(user=user, organization=org).code}/roles/"


def remove_url(org, user) -> str:  # type: ignore[no-untyped-def]
    return f"/organizations/{org.code}/members/{Membership.objects.get(user=user, organization=org).code}/remove/"


# --- the list -----------------------------------------------------------------------------


def test_admin_sees_members_with_role_editor(login, org_admin, mentor, mentee, hospital):
    response = login(org_admin).get(members_url(hospital))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 members" in html
    for email in ("admin@example.org", "vikram@example.org", "asha@example.org"):
        assert f"<td>{email}</td>" in html
    membership = Membership.objects.get(user=mentor)
    assert f'hx-post="/organizations/{hospital.code}/members/{membership.code}/roles/"' in html
    assert f'href="/organizations/{hospital.code}/members/{membership.code}/remove/"' in html
    assert 'name="roles" value="mentor" checked' in html


def test_coordinator_sees_members_read_only(login, coordinator, mentor, hospital):
    html = login(coordinator).get(members_url(hospital)).content.decode()
    assert "<td>vikram@example.org</td>" in html
    assert "hx-post" not in html and "/remove/" not in html
    assert '<span class="badge">Member</span><span class="badge">Mentor</span>' in html


@pytest.mark.parametrize("who", ["mentee", "mentor", "reviewer"])
def test_plain_members_are_forbidden(login, hospital, who, request):
    assert login(request.getfixturevalue(who)).get(members_url(hospital)).status_code == 403


def test_outsider_and_unknown_codes_get_not_found(login, outsider, hospital):
    client = login(outsider)
    assert client.get(members_url(hospital)).status_code == 404
    assert client.get("/organizations/nosuchorg123/members/").status_code == 404


def test_search_and_role_filter(login, org_admin, mentor, mentee, coordinator, hospital):
    client = login(org_admin)
    html = client.get(members_url(hospital), {"q": "VIKRAM"}).content.decode()
    assert "<td>vikram@example.org</td>" in html and "asha@example.org" not in html
    html = client.get(members_url(hospital), {"q": "Asha Raman"}).content.decode()
    assert "<td>asha@example.org</td>" in html and "vikram@example.org" not in html
    html = client.get(members_url(hospital), {"role": "coordinator"}).content.decode()
    assert "1 member" in html and "<td>mary@example.org</td>" in html
    # An unknown role is ignored rather than failing the page.
    assert client.get(members_url(hospital), {"role": "dean"}).status_code == 200


def test_htmx_filter_returns_only_the_table(login, org_admin, hospital):
    response = login(org_admin).get(
        members_url(hospital),
        {"q": "admin"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="members-table",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="members-table">') and "<html" not in html


def test_members_page_is_paginated_without_n_plus_one(
    login, org_admin, hospital, django_assert_max_num_queries
):
    for n in range(40):
        add_member(
            make_user(f"nurse{n:02}@example.org", full_name=f"Nurse {n:02}"), hospital, "mentor"
        )
    client = login(org_admin)
    # The layout (session, user, MFA gate, navigation, notification bell) is a fixed cost.
    with django_assert_max_num_queries(16):
        response = client.get(members_url(hospital))
    html = response.content.decode()
    assert "41 members" in html and "Page 1 of 2" in html
    assert html.count('<tr id="member-') == 25


# --- roles --------------------------------------------------------------------------------


def test_htmx_role_change_returns_the_row(login, org_admin, mentor, hospital):
    response = login(org_admin).post(
        roles_url(hospital, mentor), {"roles": ["mentor", "reviewer"]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<tr id="member-')
    assert 'value="reviewer" checked' in html and "Roles saved." in html
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor", "reviewer"]
    event = AuditEvent.objects.get(action="membership.roles_changed")
    assert event.detail["before"] == ["member", "mentor"]


def test_plain_post_role_change_redirects(login, org_admin, mentor, hospital):
    client = login(org_admin)
    page = client.get(roles_url(hospital, mentor))
    assert page.status_code == 200 and "Roles of Vikram Mehta" in page.content.decode()
    response = client.post(roles_url(hospital, mentor), {"roles": []})
    assert response.status_code == 302 and response["Location"] == members_url(hospital)
    assert Membership.objects.get(user=mentor).roles == ["member"]


def test_unknown_role_is_refused(login, org_admin, mentor, hospital):
    client = login(org_admin)
    response = client.post(roles_url(hospital, mentor), {"roles": ["mentor", "dean"]})
    assert response.status_code == 422
    assert "dean is not one of the available choices" in response.content.decode()
    htmx = client.post(roles_url(hospital, mentor), {"roles": ["dean"]}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and 'class="error"' in htmx.content.decode()
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor"]
    assert not AuditEvent.objects.filter(action="membership.roles_changed").exists()


def test_last_admin_guard_on_the_page(login, org_admin, hospital):
    client = login(org_admin)
    response = client.post(roles_url(hospital, org_admin), {"roles": ["mentor"]})
    assert response.status_code == 409
    assert "An organization needs at least one admin" in response.content.decode()
    htmx = client.post(roles_url(hospital, org_admin), {"roles": []}, HTTP_HX_REQUEST="true")
    html = htmx.content.decode()
    assert "An organization needs at least one admin" in html and 'value="admin" checked' in html
    assert Membership.objects.get(user=org_admin).is_admin


@pytest.mark.parametrize("who", ["mentee", "coordinator"])
def test_non_admins_cannot_change_roles(login, mentor, hospital, who, request):
    client = login(request.getfixturevalue(who))
    assert client.post(roles_url(hospital, mentor), {"roles": ["admin"]}).status_code == 403
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor"]


def test_outsider_cannot_change_roles(login, outsider, mentor, hospital, trust):
    client = login(outsider)
    assert client.post(roles_url(hospital, mentor), {"roles": ["admin"]}).status_code == 404
    # Nor through their own organization's URL with a hospital membership code.
    code = Membership.objects.get(user=mentor).code
    assert (
        client.post(
            f"/organizations/{trust.code}/members/{code}/roles/", {"roles": ["admin"]}
        ).status_code
        == 404
    )
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor"]


# --- remove -------------------------------------------------------------------------------


def test_admin_removes_a_member(login, org_admin, mentor, hospital):
    client = login(org_admin)
    confirm = client.get(remove_url(hospital, mentor))
    assert confirm.status_code == 200
    assert (
        "Remove Vikram Mehta from Chennai Children&#x27;s Teaching Hospital?"
        in confirm.content.decode()
    )
    response = client.post(remove_url(hospital, mentor))
    assert response.status_code == 302 and response["Location"] == members_url(hospital)
    assert not Membership.objects.filter(user=mentor).exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.actor == org_admin and event.subject == mentor


def test_removing_the_last_admin_is_refused(login, org_admin, hospital):
    response = login(org_admin).post(remove_url(hospital, org_admin))
    assert response.status_code == 409
    assert Membership.objects.filter(user=org_admin).exists()


@pytest.mark.parametrize("who", ["mentee", "coordinator"])
def test_non_admins_cannot_remove(login, mentor, hospital, who, request):
    assert login(request.getfixturevalue(who)).post(remove_url(hospital, mentor)).status_code == 403
    assert Membership.objects.filter(user=mentor).exists()


def test_outsider_cannot_remove(login, outsider, mentor, hospital):
    assert login(outsider).post(remove_url(hospital, mentor)).status_code == 404
    assert Membership.objects.filter(user=mentor).exists()


def test_unknown_membership_is_not_found(login, org_admin, hospital):
    client = login(org_admin)
    assert (
        client.post(f"/organizations/{hospital.code}/members/nosuchcode12/remove/").status_code
        == 404
    )
    assert (
        client.post(
            f"/organizations/{hospital.code}/members/nosuchcode12/roles/", {"roles": []}
        ).status_code
        == 404
    )
