"""My organizations, the switcher and current_organization()."""

import pytest
from django.test import RequestFactory

from carementor.lib.testing import add_member, give_mfa, make_organization, make_user
from carementor.organizations.context import current_organization
from carementor.organizations.models import Membership

pytestmark = pytest.mark.django_db


def test_lists_my_organizations_with_roles_and_the_current_one(login, mentor, hospital, trust):
    Membership.objects.create(user=mentor, organization=trust)
    response = login(mentor).get("/organizations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f'<a href="/organizations/{hospital.code}/">Chennai Children&#x27;s Teaching Hospital</a>'
        in html
    )
    assert f'<a href="/organizations/{trust.code}/">Leeds Teaching Hospitals NHS Trust</a>' in html
    assert '<span class="badge">Member</span><span class="badge">Mentor</span>' in html
    # Without a choice, the first by name is current; the other one offers a switch.
    assert "You are working in <strong>Chennai Children&#x27;s Teaching Hospital</strong>" in html
    assert f'name="organization" value="{trust.code}"' in html
    assert f'name="organization" value="{hospital.code}"' not in html


def test_outsider_does_not_see_the_hospital(login, outsider, hospital):
    html = login(outsider).get("/organizations/").content.decode()
    assert hospital.code not in html and "Leeds Teaching Hospitals NHS Trust" in html


def test_no_organizations_yet(login):
    html = login(make_user("new@example.org")).get("/organizations/").content.decode()
    assert "You are not in an organization yet" in html


def test_staff_see_the_staff_links(login):
    staff = make_user("ops@example.org", is_staff=True)
    give_mfa(staff)
    html = login(staff).get("/organizations/").content.decode()
    assert 'href="/organizations/new/"' in html


def test_list_needs_sign_in(client):
    response = client.get("/organizations/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_list_is_paginated_without_n_plus_one(login, mentee, django_assert_max_num_queries):
    for n in range(35):
        add_member(mentee, make_organization(f"Clinic {n:02}", slug=f"clinic-{n}"))
    client = login(mentee)
    # The layout (session, user, MFA gate, navigation, notification bell) is a fixed cost.
    with django_assert_max_num_queries(16):
        response = client.get("/organizations/")
    html = response.content.decode()
    assert "Page 1 of 2" in html and html.count('name="organization"') >= 24
    assert "Page 2 of 2" in client.get("/organizations/?page=2").content.decode()


def test_switch_sets_the_current_organization(login, mentor, trust):
    Membership.objects.create(user=mentor, organization=trust)
    client = login(mentor)
    response = client.post("/organizations/switch/", {"organization": trust.code})
    assert response.status_code == 302 and response["Location"] == "/organizations/"
    assert client.session["current_organization"] == trust.code
    html = client.get("/organizations/").content.decode()
    assert "You are working in <strong>Leeds Teaching Hospitals NHS Trust</strong>" in html


def test_switch_follows_a_safe_next_only(login, mentor, hospital):
    client = login(mentor)
    safe = client.post(
        "/organizations/switch/",
        {"organization": hospital.code, "next": f"/organizations/{hospital.code}/"},
    )
    assert safe["Location"] == f"/organizations/{hospital.code}/"
    unsafe = client.post(
        "/organizations/switch/", {"organization": hospital.code, "next": "https://evil.example/"}
    )
    assert unsafe["Location"] == "/organizations/"


def test_switch_to_another_organization_is_not_found(login, outsider, hospital):
    client = login(outsider)
    for code in (hospital.code, "nosuchorg123", ""):
        assert client.post("/organizations/switch/", {"organization": code}).status_code == 404
    assert "current_organization" not in client.session


def test_switch_only_posts(login, mentor):
    assert login(mentor).get("/organizations/switch/").status_code == 405


def test_current_organization_falls_back_when_the_choice_is_stale(
    rf: RequestFactory, mentor, hospital, trust
):
    request = rf.get("/")
    request.user = mentor
    request.session = {"current_organization": trust.code}  # type: ignore[assignment]
    assert current_organization(request) == hospital
    anonymous = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    anonymous.user = AnonymousUser()
    anonymous.session = {}  # type: ignore[assignment]
    assert current_organization(anonymous) is None


def test_current_organization_for_staff_may_be_any(rf: RequestFactory, trust):
    staff = make_user("ops@example.org", is_staff=True)
    request = rf.get("/")
    request.user = staff
    request.session = {"current_organization": trust.code}  # type: ignore[assignment]
    assert current_organization(request) == trust
