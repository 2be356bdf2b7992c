"""Password change and password reset through allauth."""

import re

from django.core import mail

from carementor.accounts.tests.helpers import sign_in
from carementor.audit.models import AuditEvent
from carementor.lib.testing import PASSWORD

NEW_PASSWORD = "night-shift-rota-2026"


def test_the_change_page_renders_in_our_layout(login, mentee):
    response = login(mentee).get("/accounts/password/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html and 'name="oldpassword"' in html


def test_changing_the_password(client, mentee):
    sign_in(client, mentee)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.check_password(NEW_PASSWORD)
    # Still signed in (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is off).
    assert client.session["_auth_user_id"] == str(mentee.pk)
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=mentee).count() == 1


def test_a_wrong_current_password_changes_nothing(client, mentee):
    sign_in(client, mentee)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not-it-at-all", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="auth.password_changed").exists()


def test_a_weak_new_password_is_refused(client, mentee):
    sign_in(client, mentee)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "short", "password2": "short"},
    )
    assert "at least 12 characters" in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.check_password(PASSWORD)


def test_resetting_a_forgotten_password(client, mentee):
    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200
    assert '<header class="site-header">' in page.content.decode()

    response = client.post("/accounts/password/reset/", {"email": "asha@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert client.get("/accounts/password/reset/done/").status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["asha@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    # allauth moves the key from the URL into the session, then shows the form.
    step = client.get(link.group(1))
    assert step.status_code == 302
    form_url = step["Location"]
    assert client.get(form_url).status_code == 200
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password/reset/key/done/"
    mentee.refresh_from_db()
    assert mentee.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=mentee).count() == 1
    # The link works once.
    again = client.get(link.group(1), follow=True)
    assert "The password reset link was invalid" in again.content.decode()


def test_a_bad_reset_key_is_refused(client, mentee):
    response = client.get("/accounts/password/reset/key/1-set-password/", follow=True)
    assert response.status_code == 200
    assert "The password reset link was invalid" in response.content.decode()


def test_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    # allauth tells the address owner that no account exists, without a reset link.
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)
