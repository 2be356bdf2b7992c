"""An organization admin connects an identity provider: makes a SCIM token, and the people it
provisions appear on the integrations page."""

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_makes_a_scim_token_and_sees_provisioned_people(
    page: Page, live_server, hospital, org_admin, sign_in
) -> None:
    sign_in(org_admin)
    page.goto(f"{live_server.url}/organizations/{hospital.code}/")
    page.get_by_role("link", name="Integrations").first.click()
    expect(page.get_by_role("heading", name="SCIM provisioning")).to_be_visible()
    page.get_by_label("Token name").fill("Microsoft Entra ID")
    page.get_by_role("button", name="Create token").click()
    raw = page.locator("#new-token").inner_text()
    assert raw.startswith("scim_")

    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "kavya@cmc.example",
        "emails": [{"value": "kavya@cmc.example", "primary": True}],
        "active": True,
    }
    request = urllib.request.Request(
        f"{live_server.url}/scim/v2/Users",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/scim+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201

    page.goto(f"{live_server.url}/organizations/{hospital.code}/integrations/")
    expect(page.get_by_role("cell", name="kavya@cmc.example")).to_be_visible()
    expect(page.locator("#new-token")).to_have_count(0)
