"""Signing in through an organization's OpenID Connect provider, a real one in its own process."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.lib.testing import PASSWORD, add_member, make_user
from carementor.organizations.models import Membership
from carementor.sso.models import SsoIdentity

pytestmark = pytest.mark.django_db


def test_it_creates_the_person_and_membership_then_links_later_sign_ins(
    client, hospital, oidc_connection, idp_person, oidc_sign_in
):
    username = idp_person(
        "lakshmi@cct.example",
        name="Lakshmi Pillai",
        employee_number="E-1042",
        department="Paediatrics",
    )

    response = oidc_sign_in(oidc_connection, username)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="lakshmi@cct.example")
    assert user.full_name == "Lakshmi Pillai"
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    membership = Membership.objects.get(user=user, organization=hospital)
    assert membership.roles == ["member"]
    identity = SsoIdentity.objects.get(user=user)
    assert (identity.employee_number, identity.department) == ("E-1042", "Paediatrics")
    assert client.get("/dashboard/").status_code == 200
    assert AuditEvent.objects.filter(action="sso.member_joined", subject=user).count() == 1

    client.post("/accounts/logout/")
    response = oidc_sign_in(oidc_connection, username)

    assert response["Location"] == "/dashboard/"
    assert User.objects.filter(email="lakshmi@cct.example").count() == 1
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert Membership.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(action="sso.signed_in", subject=user).count() == 2


def test_it_links_an_existing_account_by_its_address_and_keeps_its_roles(
    client, hospital, oidc_connection, idp_person, oidc_sign_in
):
    nurse = make_user("deepa@cct.example", full_name="Deepa Joseph")
    add_member(nurse, hospital, "mentor")

    response = oidc_sign_in(oidc_connection, idp_person("deepa@cct.example", name="Deepa J"))

    assert response["Location"] == "/dashboard/"
    assert SocialAccount.objects.get(provider=oidc_connection.provider_id).user == nurse
    assert Membership.objects.get(user=nurse).roles == ["member", "mentor"]


def test_it_gives_the_default_role_on_first_sign_in(
    client, hospital, oidc_connection, idp_person, oidc_sign_in
):
    oidc_connection.default_role = "mentor"
    oidc_connection.save(update_fields=["default_role"])

    oidc_sign_in(oidc_connection, idp_person("ravi@cct.example", name="Ravi Kumar"))

    assert Membership.objects.get(user__email="ravi@cct.example").roles == ["member", "mentor"]


@pytest.mark.parametrize("mode", ["wrong_audience", "expired", "tampered"])
def test_it_refuses_a_bad_id_token_and_audits_it(
    client, oidc_connection, idp_person, oidc_sign_in, mode
):
    response = oidc_sign_in(oidc_connection, idp_person("mallory@cct.example", mode=mode))

    assert response.status_code == 401
    page = response.content.decode()
    assert "Single sign-on failed" in page
    assert "could not be verified" in page
    assert not User.objects.filter(
        email__in=["mallory@cct.example", "mallory@evil.example"]
    ).exists()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="sso.sign_in_refused")
    assert event.outcome == "denied"
    assert "id_token" in event.detail["reason"]


def test_it_refuses_a_replayed_answer(client, oidc_connection, idp_person, oidc_peer):
    username = idp_person("anil@cct.example", name="Anil Rao")
    start = client.post(f"/accounts/oidc/{oidc_connection.provider_id}/login/")
    back = oidc_peer.authorize(start["Location"], username, "peer-password")
    path = back.removeprefix("http://testserver")
    assert client.get(path)["Location"] == "/dashboard/"
    client.post("/accounts/logout/")

    replayed = client.get(path)

    assert replayed.status_code == 401
    assert "already used" in replayed.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sso.sign_in_refused").count() == 1


def test_it_refuses_an_address_outside_the_organizations_domains(
    client, oidc_connection, idp_person, oidc_sign_in
):
    response = oidc_sign_in(oidc_connection, idp_person("someone@gmail.example"))

    assert response.status_code == 401
    assert "did not give an e-mail address in a domain" in response.content.decode()
    assert not User.objects.filter(email="someone@gmail.example").exists()
    assert AuditEvent.objects.filter(action="sso.sign_in_refused").exists()


def test_a_coordinator_is_spared_our_mfa_when_the_provider_asserts_it(
    client, hospital, oidc_connection, idp_person, oidc_sign_in
):
    coordinator = make_user("meena@cct.example", full_name="Meena Das")
    add_member(coordinator, hospital, "coordinator")  # enrolled in TOTP here too

    response = oidc_sign_in(
        oidc_connection, idp_person("meena@cct.example", name="Meena Das", amr=["pwd", "mfa"])
    )

    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_a_coordinator_without_mfa_from_the_provider_is_asked_for_ours(
    client, hospital, oidc_connection, idp_person, oidc_sign_in
):
    coordinator = make_user("kavya@cct.example", full_name="Kavya Menon")
    add_member(coordinator, hospital, "coordinator")

    response = oidc_sign_in(
        oidc_connection, idp_person("kavya@cct.example", name="Kavya Menon", amr=["pwd"])
    )

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


def test_a_new_coordinator_without_mfa_anywhere_must_enrol(
    client, hospital, oidc_connection, idp_person, oidc_sign_in
):
    oidc_connection.default_role = "coordinator"
    oidc_connection.save(update_fields=["default_role"])

    response = oidc_sign_in(oidc_connection, idp_person("joseph@cct.example", name="Joseph K"))

    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/")["Location"] == "/security/mfa-required/"


def test_sso_required_refuses_passwords(client, hospital, oidc_connection):
    member = make_user("sunita@cct.example", full_name="Sunita Rao")
    add_member(member, hospital)
    elsewhere = make_user("sunita.rao@gmail.example", full_name="Sunita R")
    add_member(elsewhere, hospital)
    oidc_connection.sso_required = True
    oidc_connection.save(update_fields=["sso_required"])

    by_domain = client.post(
        "/accounts/login/", {"login": "sunita@cct.example", "password": PASSWORD}
    )
    by_membership = client.post(
        "/accounts/login/", {"login": "sunita.rao@gmail.example", "password": PASSWORD}
    )

    for response in (by_domain, by_membership):
        assert response.status_code == 200
        assert "signs its people in with single sign-on" in response.content.decode()
        assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sso.password_refused", subject=elsewhere).exists()


def test_sso_required_sends_no_reset_link(client, hospital, oidc_connection, mailoutbox):
    member = make_user("sunita.rao@gmail.example", full_name="Sunita R")
    add_member(member, hospital)
    oidc_connection.sso_required = True
    oidc_connection.save(update_fields=["sso_required"])

    client.post("/accounts/password/reset/", {"email": "sunita.rao@gmail.example"})

    assert len(mailoutbox) == 1
    assert "single sign-on" in mailoutbox[0].body
    assert "/accounts/password/reset/key/" not in mailoutbox[0].body


def test_a_malformed_answer_is_refused_and_nothing_is_written(client, oidc_connection, oidc_peer):
    start = client.post(f"/accounts/oidc/{oidc_connection.provider_id}/login/")
    state = start["Location"].split("state=")[1].split("&")[0]

    response = client.get(
        f"/accounts/oidc/{oidc_connection.provider_id}/login/callback/",
        {"code": "not-a-code-the-provider-gave", "state": state},
    )

    assert response.status_code == 401
    assert "could not be verified" in response.content.decode()
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    assert AuditEvent.objects.filter(action="sso.sign_in_refused").count() == 1
