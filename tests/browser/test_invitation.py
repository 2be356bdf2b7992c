"""An organization admin invites a nurse by e-mail; she signs up from the link and joins."""

import re

import pytest
from playwright.sync_api import Page, expect

from carementor.organizations.models import Membership
from tests.browser.conftest import link_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_invites_and_new_member_accepts(
    page: Page, live_server, mailoutbox, org_admin, hospital, sign_in
) -> None:
    sign_in(org_admin)  # with the TOTP code: admins must use MFA
    page.goto(f"{live_server.url}/organizations/{hospital.code}/invitations/")
    page.get_by_label("E-mail address").fill("anita.joseph@example.org")
    page.get_by_label("Mentor").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("anita.joseph@example.org").first).to_be_visible()

    invite_mail = next(m for m in mailoutbox if "anita.joseph@example.org" in m.to)
    # Links are absolute to CAREMENTOR_SITE_URL; the live server listens elsewhere.
    link = live_server.url + link_in(invite_mail, r"/organizations/invitations/[^\s]+/")

    # The admin signs out; the invitee opens the link in the same browser.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_text(hospital.name).first).to_be_visible()
    page.get_by_role("link", name="Create an account").click()
    page.fill("input[name=email]", "anita.joseph@example.org")
    page.fill("input[name=password1]", "lantern-orchid-1987")
    page.fill("input[name=password2]", "lantern-orchid-1987")
    page.get_by_role("button", name=re.compile("Sign Up", re.I)).click()

    confirm_mail = mailoutbox[-1]
    confirm = link_in(confirm_mail, r"http://[^\s]+/accounts/confirm-email/[^\s]+/")
    page.goto(confirm)
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()

    # After verifying, she lands back on the invitation and accepts it.
    page.wait_for_url(re.compile(r"/organizations/invitations/"))
    page.get_by_role("button", name="Accept and join").click()
    expect(page.get_by_text(hospital.name).first).to_be_visible()

    membership = Membership.objects.get(user__email="anita.joseph@example.org")
    assert membership.organization == hospital
    assert membership.roles == ["member", "mentor"]
