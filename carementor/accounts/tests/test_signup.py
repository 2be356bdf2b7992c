"""Sign-up with mandatory e-mail verification, through allauth in our layout."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent

PASSWORD = "paediatric-cardiology-2026"


def sign_up(client, email="ravi@example.org", password=PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/signup/", {"email": email, "password1": password, "password2": password}
    )


def confirmation_link(message) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_the_signup_page_renders_in_our_layout(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert 'name="email"' in html and 'name="password1"' in html


@pytest.mark.django_db
def test_signing_up_requires_verifying_the_email_first(client):
    response = sign_up(client, email="Ravi@Example.org")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "ravi@example.org"
    assert user.check_password(PASSWORD)
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session
    # Signing in before verifying only re-sends the link.
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")
    login = client.post("/accounts/login/", {"login": "ravi@example.org", "password": PASSWORD})
    assert login["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) >= 1
    assert mail.outbox[0].to == ["ravi@example.org"]
    assert mail.outbox[0].subject.startswith("[CareMentor] ")
    link = confirmation_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "ravi@example.org" in page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified  # GET alone confirms nothing

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/dashboard/"
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEvent.objects.filter(action="auth.login", actor=user).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw1", "at least 12 characters"),
        ("123456789012345", "entirely numeric"),
        ("password12345", "too common"),
    ],
)
def test_weak_passwords_are_refused(client, password, message):
    response = sign_up(client, password=password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_mismatched_passwords_are_refused(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "ravi@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_bad_email_is_refused(client):
    response = sign_up(client, email="not-an-email")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not User.objects.exists()


def test_an_existing_address_gets_no_second_account(client, mentee):
    # allauth does not reveal that the address is taken; it e-mails its owner instead.
    response = sign_up(client, email="ASHA@example.org")
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="asha@example.org").count() == 1
    assert "_auth_user_id" not in client.session
