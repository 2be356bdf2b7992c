"""Every allauth page we use renders inside our layout and passes our CSP."""

import pytest

from carementor.accounts.tests.helpers import reauthenticate, sign_in, totp_code
from carementor.lib.testing import PASSWORD
from carementor.tests.pages import assert_page_in_our_layout

ANONYMOUS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/done/",
    "/accounts/confirm-email/",
    "/accounts/inactive/",
]

SIGNED_IN = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/webauthn/",
    "/accounts/2fa/webauthn/add/",
]

WITH_MFA = [
    "/accounts/2fa/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/reauthenticate/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ANONYMOUS)
def test_anonymous_pages(client, path):
    response = client.get(path)
    assert_page_in_our_layout(response)
    assert 'class=""' not in response.content.decode()


def test_the_email_confirmation_page(client, db):
    from django.core import mail

    client.post(
        "/accounts/signup/",
        {"email": "ravi@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = next(w for w in mail.outbox[0].body.split() if "/confirm-email/" in w)
    assert_page_in_our_layout(client.get(link.split("testserver", 1)[1]))


@pytest.mark.parametrize("path", SIGNED_IN)
def test_signed_in_pages(client, mentee, path):
    sign_in(client, mentee)
    reauthenticate(client)
    assert_page_in_our_layout(client.get(path))


@pytest.mark.parametrize("path", WITH_MFA)
def test_pages_for_people_with_mfa(client, mentee, path):
    sign_in(client, mentee)
    reauthenticate(client)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert_page_in_our_layout(client.get(path))


def test_the_second_factor_stage_of_signing_in(client, coordinator):
    client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    response = client.get("/accounts/2fa/authenticate/")
    assert_page_in_our_layout(response)
    # The WebAuthn option loads allauth's scripts, each with this response's nonce.
    assert "/static/mfa/js/webauthn.js" in response.content.decode()


def test_recovery_codes_page_scripts_carry_the_nonce(client, mentee):
    sign_in(client, mentee)
    reauthenticate(client)
    client.get("/accounts/2fa/totp/activate/")
    client.post(
        "/accounts/2fa/totp/activate/", {"code": totp_code(client.session["mfa.totp.secret"])}
    )
    response = client.get("/accounts/2fa/recovery-codes/")
    nonce = response.context["request"].csp_nonce
    html = response.content.decode()
    assert f'src="/static/mfa/js/recovery_codes.js" nonce="{nonce}"' in html
    assert f'src="/static/account/js/onload.js" nonce="{nonce}"' in html
