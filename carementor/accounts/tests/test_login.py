"""Signing in and out, the TOTP stage, rate limits, and the audit trail they leave."""

import pytest
from allauth.mfa.models import Authenticator

from carementor.accounts.tests.helpers import sign_in, totp_code
from carementor.audit.models import AuditEvent
from carementor.lib.testing import PASSWORD


def attempt(client, email, password):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.mark.django_db
def test_the_login_page_renders_in_our_layout(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert 'name="login"' in html and 'name="password"' in html


def test_signing_in_lands_on_the_dashboard_and_is_audited(client, mentee):
    response = client.post(
        "/accounts/login/",
        {"login": "ASHA@example.org", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(mentee.pk)
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.subject, event.outcome, event.ip) == (
        mentee,
        mentee,
        "success",
        "203.0.113.7",
    )
    assert event.target_id == mentee.code


def test_a_wrong_password_fails_and_is_audited_against_the_account(client, mentee):
    response = client.post(
        "/accounts/login/",
        {"login": "asha@example.org", "password": "not-her-password"},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.actor, event.subject, event.outcome, event.ip) == (
        None,
        mentee,
        "failure",
        "198.51.100.9",
    )
    assert not AuditEvent.objects.filter(action="auth.login").exists()


@pytest.mark.django_db
def test_an_unknown_address_fails_and_is_audited(client):
    attempt(client, "nobody@example.org", "whatever-password")
    event = AuditEvent.objects.get(action="auth.login_failed")
    # The typed address is not kept: it may be a typo of someone else's.
    assert (event.actor, event.subject, event.detail) == (None, None, {"known_account": False})
    assert "nobody" not in str(event.detail) + event.actor_label


def test_repeated_failures_are_rate_limited(client, mentee):
    for _ in range(5):
        response = attempt(client, "asha@example.org", "wrong-password-1")
        assert "Too many failed login attempts" not in response.content.decode()
    limited = attempt(client, "asha@example.org", "wrong-password-1")
    assert "Too many failed login attempts. Try again later." in limited.content.decode()
    # Even the right password is refused while the limit holds.
    blocked = attempt(client, "asha@example.org", PASSWORD)
    assert blocked.status_code != 302
    assert "_auth_user_id" not in client.session


def test_failures_for_one_address_are_limited_across_networks(client, mentee):
    for number in range(5):
        client.post(
            "/accounts/login/",
            {"login": "asha@example.org", "password": "wrong-password-1"},
            REMOTE_ADDR=f"203.0.113.{number}",
        )
    response = client.post(
        "/accounts/login/",
        {"login": "asha@example.org", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.50",
    )
    assert "Too many failed login attempts" in response.content.decode()


def test_a_success_does_not_reset_the_count(client, mentee):
    for _ in range(4):
        attempt(client, "asha@example.org", "wrong-password-1")
    assert attempt(client, "asha@example.org", PASSWORD).status_code == 302
    client.logout()
    attempt(client, "asha@example.org", "wrong-password-1")
    response = attempt(client, "asha@example.org", PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()


def test_signing_out_is_audited(client, mentee):
    sign_in(client, mentee)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.logout", actor=mentee).count() == 1


def test_the_logout_page_asks_before_signing_out(login, mentee):
    client = login(mentee)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(mentee.pk)


def test_mfa_users_pass_the_totp_stage(client, coordinator):
    response = attempt(client, "mary@example.org", PASSWORD)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    stage = client.get("/accounts/2fa/authenticate/")
    assert stage.status_code == 200
    assert '<header class="site-header">' in stage.content.decode()
    secret = Authenticator.objects.get(user=coordinator, type="totp").data["secret"]
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert done["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    assert AuditEvent.objects.filter(action="auth.login", actor=coordinator).count() == 1


def test_a_wrong_totp_code_keeps_them_out_and_is_audited(client, coordinator):
    attempt(client, "mary@example.org", PASSWORD)
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.mfa_failed")
    assert (event.actor, event.outcome, event.detail["type"]) == (coordinator, "failure", "totp")
    assert not AuditEvent.objects.filter(action="auth.login").exists()
