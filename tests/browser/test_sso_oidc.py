"""An organization admin connects its OpenID Connect provider on the single sign-on page; a
nurse then signs in from the login page with her work address, through the real provider."""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.peers.oidc import OidcPeer, oidc_peer  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_signs_in_with_her_hospital_account(
    page: Page,
    live_server,
    hospital,
    org_admin,
    sign_in,
    oidc_peer: OidcPeer,  # noqa: F811
) -> None:
    from carementor.organizations.models import Membership

    client_id, client_secret = "carementor-browser", secrets.token_urlsafe(16)
    sign_in(org_admin)
    page.goto(f"{live_server.url}/organizations/{hospital.code}/")
    page.get_by_role("link", name="Single sign-on").first.click()
    page.get_by_label("Protocol").select_option("oidc")
    page.get_by_label("E-mail domains").fill("cct.example")
    page.get_by_label("Issuer URL").fill(oidc_peer.issuer)
    page.get_by_label("Client ID").fill(client_id)
    page.get_by_label("Client secret").fill(client_secret)
    page.get_by_label("Department attribute").fill("department")
    page.get_by_role("button", name="Save single sign-on").click()
    expect(page.get_by_text("Single sign-on settings saved.")).to_be_visible()
    redirect_uri = page.locator("#sso-redirect-uri").inner_text()
    assert redirect_uri.startswith(live_server.url)
    oidc_peer.register_client(client_id, client_secret, redirect_uri)
    oidc_peer.add_person(
        "lakshmi",
        "peer-password",
        {"email": "lakshmi@cct.example", "name": "Lakshmi Pillai", "department": "Paediatrics"},
    )
    page.context.clear_cookies()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Work e-mail address").fill("lakshmi@cct.example")
    page.get_by_role("button", name="Continue with single sign-on").click()
    page.get_by_role("button", name=f"Sign in with {hospital.name}").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("User name").fill("lakshmi")
    page.get_by_label("Password").fill("peer-password")
    page.get_by_role("button", name="Log in to the identity provider").click()

    expect(page).to_have_url(re.compile(r"/dashboard/"))
    membership = Membership.objects.get(user__email="lakshmi@cct.example")
    assert membership.organization == hospital
    assert membership.user.full_name == "Lakshmi Pillai"
