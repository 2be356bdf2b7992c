"""Two-factor authentication pages: TOTP, recovery codes and WebAuthn, in our layout."""

import pytest
from allauth.mfa.models import Authenticator

from carementor.accounts.tests.helpers import reauthenticate, sign_in, totp_code
from carementor.audit.models import AuditEvent
from carementor.lib.testing import PASSWORD, give_mfa


def activate_totp(client):  # type: ignore[no-untyped-def]
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown for manual entry
    return page, client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})


def test_the_index_shows_what_is_active(client, mentee):
    sign_in(client, mentee)
    reauthenticate(client)
    html = client.get("/accounts/2fa/").content.decode()
    assert '<header class="site-header">' in html
    assert "An authenticator app is not active." in html
    assert "No security keys have been added." in html
    assert '<a href="/accounts/2fa/totp/activate/" class="button">' in html
    assert '<section class="card">' in html


def test_activating_totp(client, mentee, django_capture_on_commit_callbacks):
    sign_in(client, mentee)
    reauthenticate(client)
    # allauth sends its MFA signals (and so our audit events) after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        page, response = activate_totp(client)
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, allowed by img-src data:
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=mentee, type="totp").exists()
    # allauth sets up recovery codes along with the first authenticator.
    assert Authenticator.objects.filter(user=mentee, type="recovery_codes").exists()
    assert mentee.has_mfa()
    added = AuditEvent.objects.filter(action="mfa.added", actor=mentee)
    assert sorted(e.detail["type"] for e in added) == ["recovery_codes", "totp"]
    index = client.get("/accounts/2fa/").content.decode()
    assert "Authentication using an authenticator app is active." in index


def test_a_wrong_code_activates_nothing(client, mentee):
    sign_in(client, mentee)
    reauthenticate(client)
    client.get("/accounts/2fa/totp/activate/")
    response = client.post("/accounts/2fa/totp/activate/", {"code": "123456"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=mentee).exists()
    assert not AuditEvent.objects.filter(action="mfa.added").exists()


def test_changing_mfa_needs_the_password_again(client, mentee):
    # A session left open on a ward computer must not be enough to change MFA.
    sign_in(client, mentee)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_reauthenticating_with_the_password(login, mentee):
    client = login(mentee)
    page = client.get("/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert '<header class="site-header">' in page.content.decode()
    response = client.post(
        "/accounts/reauthenticate/",
        {"password": PASSWORD, "next": "/accounts/2fa/totp/activate/"},
    )
    assert response.status_code == 302
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_recovery_codes_can_be_viewed_and_regenerated(
    client, mentee, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    reauthenticate(client)
    activate_totp(client)
    page = client.get("/accounts/2fa/recovery-codes/")
    assert page.status_code == 200
    html = page.content.decode()
    codes = Authenticator.objects.get(user=mentee, type="recovery_codes").wrap()
    old = codes.get_unused_codes()
    assert len(old) == 10 and all(code in html for code in old)

    assert client.get("/accounts/2fa/recovery-codes/generate/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    new = Authenticator.objects.get(user=mentee, type="recovery_codes").wrap().get_unused_codes()
    assert set(new).isdisjoint(old)
    assert AuditEvent.objects.filter(action="mfa.reset", actor=mentee).count() == 1


def test_a_recovery_code_signs_in_once(client, coordinator):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    code = RecoveryCodes.activate(coordinator).get_unused_codes()[0]
    client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response["Location"] == "/dashboard/"
    client.logout()
    client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    again = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivating_totp(client, mentee, django_capture_on_commit_callbacks):
    sign_in(client, mentee)
    reauthenticate(client)
    activate_totp(client)
    assert client.get("/accounts/2fa/totp/deactivate/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not mentee.has_mfa()
    removed = AuditEvent.objects.get(action="mfa.removed", detail__type="totp")
    assert (removed.actor, removed.detail) == (mentee, {"type": "totp"})


def test_a_coordinator_who_turns_mfa_off_is_sent_back_to_enrol(client, coordinator):
    sign_in(client, coordinator)
    reauthenticate(client)
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert client.get("/dashboard/")["Location"] == "/security/mfa-required/"


def test_an_enrolled_privileged_person_reaches_mfa_pages(client, org_admin):
    sign_in(client, org_admin)
    reauthenticate(client)
    html = client.get("/accounts/2fa/").content.decode()
    assert "Authentication using an authenticator app is active." in html


@pytest.mark.parametrize("path", ["/accounts/2fa/webauthn/add/", "/accounts/2fa/webauthn/"])
def test_webauthn_pages_render_with_nonced_scripts(client, mentee, path):
    sign_in(client, mentee)
    reauthenticate(client)
    give_mfa(mentee)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html
    if path.endswith("add/"):
        nonce = response.context["request"].csp_nonce
        assert f'src="/static/mfa/js/webauthn.js" nonce="{nonce}"' in html
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_mfa_pages_need_sign_in(client):
    for path in ("/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/2fa/webauthn/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
