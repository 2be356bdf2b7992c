"""Changing the e-mail address (ACCOUNT_CHANGE_EMAIL): the new address must be verified."""

import re

from allauth.account.models import EmailAddress
from django.core import mail

from carementor.accounts.tests.helpers import sign_in
from carementor.audit.models import AuditEvent


def test_the_page_renders_in_our_layout_without_inline_styles(login, mentee):
    response = login(mentee).get("/accounts/email/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert 'value="asha@example.org"' in html
    assert "style=" not in html


def test_changing_the_address_after_verifying_it(client, mentee):
    sign_in(client, mentee)
    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "asha.raman@example.org"}
    )
    assert response.status_code == 302
    # Nothing changes until the new address is verified.
    mentee.refresh_from_db()
    assert mentee.email == "asha@example.org"
    pending = client.get("/accounts/email/").content.decode()
    assert "asha.raman@example.org" in pending
    assert '<form hidden\n              id="pending-email"' in pending and "style=" not in pending

    message = next(m for m in mail.outbox if m.to == ["asha.raman@example.org"])
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert link
    assert client.post(link.group(1)).status_code == 302

    mentee.refresh_from_db()
    assert mentee.email == "asha.raman@example.org"
    assert list(EmailAddress.objects.filter(user=mentee).values_list("email", "primary")) == [
        ("asha.raman@example.org", True)
    ]
    event = AuditEvent.objects.get(action="auth.email_changed")
    # The addresses are not copied into the trail; the event points to the account.
    assert (event.subject, event.detail) == (mentee, {"had_previous_address": True})


def test_someone_elses_address_cannot_be_taken(client, mentee, mentor):
    sign_in(client, mentee)
    client.post("/accounts/email/", {"action_add": "", "email": "vikram@example.org"})
    # allauth does not reveal that the address is taken: it records a pending change and
    # mails the address's owner, whose confirmation cannot move the address to Asha.
    message = next(m for m in mail.outbox if m.to == ["vikram@example.org"])
    assert message.body.startswith("Hello from CareMentor!")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert link
    client.logout()
    client.post(link.group(1))
    mentee.refresh_from_db()
    assert mentee.email == "asha@example.org"
    assert not EmailAddress.objects.filter(user=mentee, email="vikram@example.org", verified=True)
    assert EmailAddress.objects.get(user=mentor).verified


def test_a_bad_address_is_refused(client, mentee):
    sign_in(client, mentee)
    response = client.post("/accounts/email/", {"action_add": "", "email": "not-an-address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert EmailAddress.objects.filter(user=mentee).count() == 1


def test_with_mfa_the_address_changes_only_after_verifying_it(client, coordinator):
    # MFA_ALLOW_UNVERIFIED_EMAIL is on so privileged people can change address at all; the
    # change still waits for the new address to be verified (ACCOUNT_CHANGE_EMAIL).
    sign_in(client, coordinator)
    response = client.post("/accounts/email/", {"action_add": "", "email": "mary.t@example.org"})
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.email == "mary@example.org"
    assert not EmailAddress.objects.filter(email="mary.t@example.org", verified=True).exists()

    message = next(m for m in mail.outbox if m.to == ["mary.t@example.org"])
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert link
    client.post(link.group(1))
    coordinator.refresh_from_db()
    assert coordinator.email == "mary.t@example.org"
