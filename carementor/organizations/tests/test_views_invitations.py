"""The admin's invitations page: invite, list, resend, revoke."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.organizations.models import Invitation
from carementor.organizations.tests.conftest import link_in

pytestmark = pytest.mark.django_db


def page(org) -> str:  # type: ignore[no-untyped-def]
    return f"/organizations/{org.code}/invitations/"


def test_admin_sees_the_form_and_the_list(login, org_admin, hospital, invitation):
    response = login(org_admin).get(page(hospital))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html and 'name="roles" value="coordinator"' in html
    assert "<td>neha.kapoor@example.org</td>" in html
    assert '<span class="badge">Member</span><span class="badge">Mentor</span>' in html
    assert '<span class="badge ok">Pending</span>' in html
    assert (
        f"/invitations/{invitation.code}/resend/" in html
        and f"/invitations/{invitation.code}/revoke/" in html
    )


def test_admin_invites(login, org_admin, hospital, on_commit, settings):
    settings.SITE_URL = "https://carementor.example"
    client = login(org_admin)
    with on_commit():
        response = client.post(
            page(hospital), {"email": " Lena.Ward@Example.org ", "roles": ["coordinator"]}
        )
    assert response.status_code == 302 and response["Location"] == page(hospital)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.roles) == ("lena.ward@example.org", ["coordinator"])
    assert AuditEvent.objects.filter(action="invitation.created", actor=org_admin).exists()
    assert mail.outbox[0].to == ["lena.ward@example.org"]
    assert link_in(mail.outbox[0]).startswith(
        "https://carementor.example/organizations/invitations/"
    )
    assert (
        "Invitation sent to lena.ward@example.org." in client.get(page(hospital)).content.decode()
    )


@pytest.mark.parametrize(
    "data",
    [
        {"email": "", "roles": []},
        {"email": "not-an-address"},
        {"email": "a@example.org", "roles": ["dean"]},
    ],
)
def test_bad_input_is_refused(login, org_admin, hospital, data):
    response = login(org_admin).post(page(hospital), data)
    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_a_member_is_a_conflict(login, org_admin, hospital, mentee):
    response = login(org_admin).post(page(hospital), {"email": "asha@example.org"})
    assert response.status_code == 409
    assert "asha@example.org is already a member of this organization." in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_twice_is_a_conflict(login, org_admin, hospital, invitation):
    response = login(org_admin).post(page(hospital), {"email": "neha.kapoor@example.org"})
    assert response.status_code == 409
    assert (
        "already has an open invitation. Resend or revoke it instead." in response.content.decode()
    )
    assert Invitation.objects.count() == 1


def test_status_filter_and_pagination_without_n_plus_one(
    login, org_admin, hospital, invite, django_assert_max_num_queries
):
    soon = timezone.now() + timedelta(days=14)
    Invitation.objects.bulk_create(
        Invitation(
            organization=hospital,
            email=f"nurse{n:02}@example.org",
            roles=["mentor"],
            invited_by=org_admin,
            expires_at=soon,
        )
        for n in range(30)
    )
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        invite("old@example.org")
    client = login(org_admin)
    # The layout (session, user, MFA gate, navigation, notification bell) is a fixed cost.
    with django_assert_max_num_queries(16):
        response = client.get(page(hospital))
    html = response.content.decode()
    assert "Page 1 of 2" in html and html.count("<td>nurse") == 25
    expired = client.get(page(hospital), {"status": "expired"}).content.decode()
    assert "<td>old@example.org</td>" in expired and "nurse" not in expired
    pending = client.get(page(hospital), {"status": "pending", "page": 2}).content.decode()
    assert "Page 2 of 2" in pending and "status=pending&amp;page=1" in pending


def test_resend(login, org_admin, hospital, invitation, on_commit):
    with on_commit():
        response = login(org_admin).post(f"{page(hospital)}{invitation.code}/resend/")
    assert response.status_code == 302
    assert mail.outbox[0].to == ["neha.kapoor@example.org"]
    assert AuditEvent.objects.filter(action="invitation.resent").exists()


def test_revoke(login, org_admin, hospital, invitation):
    client = login(org_admin)
    response = client.post(f"{page(hospital)}{invitation.code}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    again = client.post(f"{page(hospital)}{invitation.code}/revoke/")
    assert (
        again.status_code == 409 and "This invitation has been withdrawn." in again.content.decode()
    )
    resend = client.post(f"{page(hospital)}{invitation.code}/resend/")
    assert resend.status_code == 409


def test_resend_and_revoke_only_post(login, org_admin, hospital, invitation):
    client = login(org_admin)
    assert client.get(f"{page(hospital)}{invitation.code}/revoke/").status_code == 405
    assert client.get(f"{page(hospital)}{invitation.code}/resend/").status_code == 405


@pytest.mark.parametrize("who", ["mentee", "coordinator", "reviewer"])
def test_non_admin_members_are_forbidden(login, hospital, invitation, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(page(hospital)).status_code == 403
    assert client.post(page(hospital), {"email": "x@example.org"}).status_code == 403
    assert client.post(f"{page(hospital)}{invitation.code}/revoke/").status_code == 403
    assert Invitation.objects.get().status == "pending" and Invitation.objects.count() == 1


def test_outsider_gets_not_found(login, outsider, hospital, trust, invitation):
    client = login(outsider)
    assert client.get(page(hospital)).status_code == 404
    assert client.post(page(hospital), {"email": "x@example.org"}).status_code == 404
    assert client.post(f"{page(hospital)}{invitation.code}/revoke/").status_code == 404
    # The outsider is an admin of the trust: the hospital's invitation is not in the trust.
    assert client.post(f"{page(trust)}{invitation.code}/revoke/").status_code == 404
    assert client.post(f"{page(trust)}{invitation.code}/resend/").status_code == 404
    assert Invitation.objects.get().status == "pending"
