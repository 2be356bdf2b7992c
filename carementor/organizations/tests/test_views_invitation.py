"""The page an invitation link opens: signed out, signed in as the invitee, as someone else;
the whole journey for a new person (sign up, verify, accept) and for an existing one."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.lib.testing import PASSWORD, make_user
from carementor.organizations.models import Invitation, Membership
from carementor.organizations.tests.conftest import link_in
from carementor.organizations.tokens import SALT

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return f"/organizations/invitations/{token}/"


def test_signed_out_visitor_is_told_how_to_join(client, invitation, token):
    response = client.get(url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are invited to join Chennai Children&#x27;s Teaching Hospital" in html
    assert "Sign in or create an account with <strong>neha.kapoor@example.org</strong>" in html
    back = quote(url(token), safe="/")
    assert f'href="/accounts/login/?next={back}"' in html
    assert f'href="/accounts/signup/?email=neha.kapoor%40example.org&amp;next={back}"' in html
    assert "Accept and join" not in html
    assert client.session["pending_invitation"] == token


def test_signed_out_post_goes_to_sign_in_and_accepts_nothing(client, invitation, token):
    response = client.post(url(token), {"action": "accept"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_tampered_token_is_not_found(client, invitation, token):
    response = client.get(url(token[:-2] + ("aa" if not token.endswith("aa") else "bb")))
    assert response.status_code == 404
    forged = signing.dumps({"code": invitation.code}, salt="another.salt")
    assert client.get(url(forged)).status_code == 404
    assert client.get(url("not-a-token")).status_code == 404
    assert "pending_invitation" not in client.session


def test_token_for_a_missing_invitation_is_not_found(client):
    assert client.get(url(signing.dumps({"code": "nosuchcode12"}, salt=SALT))).status_code == 404
    assert client.get(url(signing.dumps(["x"], salt=SALT))).status_code == 404


def test_expired_token_says_so(client, invitation, token):
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(url(token))
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert "pending_invitation" not in client.session


def test_expired_row_with_a_fresh_signature_says_so(client, invitation, token):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(url(token))
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()


def test_revoked_invitation_says_so(client, invitation, token, org_admin):
    from carementor.organizations.services import invitation_revoke

    invitation_revoke(invitation, org_admin)
    response = client.get(url(token))
    assert response.status_code == 410
    assert "This invitation is no longer valid" in response.content.decode()


def test_invitee_sees_org_roles_and_inviter(login, invitation, token):
    client = login(make_user("neha.kapoor@example.org", full_name="Neha Kapoor"))
    response = client.get(url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Chennai Children&#x27;s Teaching Hospital" in html
    assert '<span class="badge">Member</span><span class="badge">Mentor</span>' in html
    assert "Rohan Iyer" in html
    assert 'value="accept"' in html and 'value="decline"' in html


def test_invitee_accepts(login, invitation, token, hospital):
    neha = make_user("neha.kapoor@example.org", full_name="Neha Kapoor")
    client = login(neha)
    response = client.post(url(token), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{hospital.code}/"
    membership = Membership.objects.get(user=neha)
    assert membership.organization == hospital and membership.roles == ["member", "mentor"]
    assert client.session["current_organization"] == hospital.code
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=neha).count() == 1
    # Opening the link again shows where to go, not an error.
    again = client.get(url(token))
    assert again.status_code == 200
    assert f'href="/organizations/{hospital.code}/"' in again.content.decode()


def test_double_submit_makes_one_membership(login, invitation, token):
    neha = make_user("neha.kapoor@example.org")
    client = login(neha)
    client.post(url(token), {"action": "accept"})
    second = client.post(url(token), {"action": "accept"})
    assert second.status_code == 200  # the closed page, accepted by this person
    assert Membership.objects.filter(user=neha).count() == 1


def test_invitee_declines(login, invitation, token):
    neha = make_user("neha.kapoor@example.org")
    client = login(neha)
    response = client.post(url(token), {"action": "decline"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert not Membership.objects.filter(user=neha).exists()


def test_missing_action_is_bad_input(login, invitation, token):
    client = login(make_user("neha.kapoor@example.org"))
    response = client.post(url(token), {"action": "maybe"})
    assert response.status_code == 422
    assert "Choose to accept or decline" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_someone_else_signed_in_cannot_accept(login, invitation, token, mentee):
    client = login(mentee)
    page = client.get(url(token))
    assert page.status_code == 403
    assert (
        "This invitation was sent to neha.kapoor@example.org, but you are signed in as asha@example.org"
        in page.content.decode()
    )
    response = client.post(url(token), {"action": "accept"})
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert Membership.objects.filter(user=mentee).count() == 1


def test_unverified_matching_address_cannot_accept(login, invitation, token):
    from allauth.account.models import EmailAddress

    user = make_user("someone@example.org")
    EmailAddress.objects.create(user=user, email="neha.kapoor@example.org", verified=False)
    response = login(user).post(url(token), {"action": "accept"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=user).exists()


# --- by code, from the dashboard ---------------------------------------------------------


def test_by_code_shows_the_same_page_to_the_invitee(login, invitation):
    client = login(make_user("neha.kapoor@example.org"))
    response = client.get(f"/organizations/invitations/code/{invitation.code}/")
    assert response.status_code == 200
    assert 'value="accept"' in response.content.decode()
    accepted = client.post(
        f"/organizations/invitations/code/{invitation.code}/", {"action": "accept"}
    )
    assert accepted.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).status == "accepted"


@pytest.mark.parametrize("who", ["mentee", "org_admin", "outsider"])
def test_by_code_is_not_found_for_anyone_else(login, invitation, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(f"/organizations/invitations/code/{invitation.code}/").status_code == 404
    response = client.post(
        f"/organizations/invitations/code/{invitation.code}/", {"action": "accept"}
    )
    assert response.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"


def test_by_code_needs_sign_in(client, invitation):
    response = client.get(f"/organizations/invitations/code/{invitation.code}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_dashboard_link_reaches_the_page(login, invitation):
    client = login(make_user("neha.kapoor@example.org"))
    dashboard = client.get("/dashboard/").content.decode()
    assert f'href="/organizations/invitations/code/{invitation.code}/"' in dashboard


# --- whole journeys -----------------------------------------------------------------------


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def href(html: str, text: str) -> str:
    found = re.search(r'<a [^>]*href="([^"]+)"[^>]*>' + re.escape(text) + "</a>", html)
    assert found, html
    return found.group(1).replace("&amp;", "&")


def test_new_person_signs_up_verifies_and_accepts(client, invite, hospital):
    invite("neha.kapoor@example.org", "mentor")
    path = path_of(link_in(mail.outbox[0]))
    mail.outbox.clear()

    landing = client.get(path).content.decode()
    signup_url = href(landing, "Create an account")
    form = client.get(signup_url).content.decode()
    assert 'value="neha.kapoor@example.org"' in form  # prefilled from ?email=
    signup = client.post(
        signup_url,
        {
            "email": "neha.kapoor@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": path,
        },
    )
    assert signup.status_code == 302
    assert not Membership.objects.filter(user__email="neha.kapoor@example.org").exists()

    key_url = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert key_url, mail.outbox[-1].body
    confirmed = client.post(path_of(key_url.group(0)))
    assert confirmed.status_code == 302
    assert confirmed["Location"] == path

    page = client.get(path)
    assert page.status_code == 200 and 'value="accept"' in page.content.decode()
    joined = client.post(path, {"action": "accept"})
    assert joined["Location"] == f"/organizations/{hospital.code}/"
    membership = Membership.objects.get(user__email="neha.kapoor@example.org")
    assert membership.roles == ["member", "mentor"]
    assert "pending_invitation" not in client.session


def test_existing_person_signs_in_from_the_page_and_accepts(client, invite, hospital, trust):
    lena = make_user("lena.ward@example.org", full_name="Lena Ward")
    Membership.objects.create(user=lena, organization=trust)
    invite("Lena.Ward@example.org", "mentor")
    path = path_of(link_in(mail.outbox[0]))

    login_url = href(client.get(path).content.decode(), "Sign in")
    signed_in = client.post(
        login_url, {"login": "lena.ward@example.org", "password": PASSWORD, "next": path}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == path
    client.post(path, {"action": "accept"})
    assert Membership.objects.get(user=lena, organization=hospital).roles == ["member", "mentor"]
    assert Membership.objects.filter(user=lena).count() == 2


def test_signing_in_later_from_the_nav_comes_back_to_the_invitation(client, invite):
    make_user("lena.ward@example.org")
    invite("lena.ward@example.org")
    path = path_of(link_in(mail.outbox[0]))
    client.get(path)
    signed_in = client.post(
        "/accounts/login/", {"login": "lena.ward@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == path
