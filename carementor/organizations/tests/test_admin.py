"""Platform staff manage organizations, memberships and invitations in the Django admin."""

import pytest
from django.core import mail

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, give_mfa, make_user
from carementor.organizations.models import Invitation, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):  # type: ignore[no-untyped-def]
    user = make_user("root@carementor.example", is_staff=True, is_superuser=True)
    give_mfa(user)
    return user


@pytest.mark.parametrize("model", ["organization", "membership", "invitation"])
def test_changelists_search_and_filter(login, superuser, hospital, mentor, invitation, model):
    client = login(superuser)
    assert client.get(f"/admin/organizations/{model}/").status_code == 200
    assert client.get(f"/admin/organizations/{model}/", {"q": "chennai"}).status_code == 200


def test_membership_changelist_has_no_n_plus_one(
    login, superuser, hospital, django_assert_max_num_queries
):
    for n in range(30):
        add_member(make_user(f"nurse{n:02}@example.org"), hospital, "mentor")
    client = login(superuser)
    with django_assert_max_num_queries(20):
        response = client.get("/admin/organizations/membership/")
    assert response.status_code == 200 and "nurse29@example.org" in response.content.decode()
    with django_assert_max_num_queries(20):
        assert client.get("/admin/organizations/organization/").status_code == 200


def test_changing_roles_in_the_admin_is_audited(login, superuser, hospital, mentor):
    membership = Membership.objects.get(user=mentor)
    response = login(superuser).post(
        f"/admin/organizations/membership/{membership.pk}/change/",
        {
            "user": mentor.pk,
            "organization": hospital.pk,
            "is_mentor": "on",
            "is_reviewer": "on",
            "joined_at_0": "2025-01-01",
            "joined_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor", "reviewer"]
    event = AuditEvent.objects.get(action="membership.roles_changed")
    assert event.actor == superuser and event.detail["via"] == "admin"


def test_revoke_action_uses_the_service(login, superuser, invitation):
    response = login(superuser).post(
        "/admin/organizations/invitation/",
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().status == "revoked"
    assert AuditEvent.objects.filter(action="invitation.revoked", actor=superuser).exists()


def test_resend_action_mails_again(login, superuser, invitation, on_commit):
    with on_commit():
        login(superuser).post(
            "/admin/organizations/invitation/",
            {"action": "resend", "_selected_action": [invitation.pk]},
        )
    assert mail.outbox[0].to == ["neha.kapoor@example.org"]


def test_invitations_are_not_added_in_the_admin(login, superuser):
    assert login(superuser).get("/admin/organizations/invitation/add/").status_code == 403


def test_members_cannot_open_the_admin(login, org_admin):
    response = login(org_admin).get("/admin/organizations/membership/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
