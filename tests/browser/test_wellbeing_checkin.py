"""A nurse takes a private check-in with low scores, sees calm signposting with her
organization's contacts and Tele-MANAS, then her trend; her organization's admin cannot open
it — in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from carementor.lib.testing import add_member, make_user
from carementor.wellbeing.models import CheckIn
from carementor.wellbeing.tests.helpers import GOOD, set_contacts, take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_checks_in_low_and_is_signposted_privately(
    page: Page, live_server, hospital, org_admin, sign_in
) -> None:
    nurse = make_user("meena@example.org", full_name="Meena Yadav", timezone="Asia/Kolkata")
    add_member(nurse, hospital)
    set_contacts(hospital)
    take(nurse, GOOD, burnout=2)  # an earlier, better month
    sign_in(nurse)

    page.goto(f"{live_server.url}/wellbeing/")
    page.get_by_role("link", name="Take a check-in").click()
    expect(page.get_by_role("heading", name="Well-being check-in")).to_be_visible()
    for item, value in zip(range(1, 6), (1, 0, 1, 0, 1), strict=True):
        page.locator(f"input[name=item{item}][value='{value}']").check()
    page.locator("input[name=burnout][value='4']").check()
    page.get_by_label("Anything you want to note for yourself").fill("Night shifts all month.")
    page.get_by_role("button", name="Save my check-in").click()

    expect(page.get_by_role("heading", name="Your check-in")).to_be_visible()
    expect(page.get_by_text("Well-being score: 12 out of 100")).to_be_visible()
    expect(page.get_by_text("This is not a diagnosis", exact=False)).to_be_visible()
    support = page.locator("section.wellbeing-signpost")
    expect(support).to_contain_text("CareFirst EAP")
    expect(support).to_contain_text("Staff Health Clinic, Block C")
    expect(support.get_by_role("link", name="14416")).to_be_visible()
    expect(support).to_contain_text("Tele-MANAS")
    checkin = CheckIn.objects.filter(user=nurse).order_by("-taken_at").first()
    assert checkin is not None and checkin.score == 12 and checkin.burnout == 4

    page.get_by_role("link", name="See your trend").click()
    expect(
        page.get_by_role("img", name=re.compile("Your well-being over your last check-ins"))
    ).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("12")

    page.context.clear_cookies()
    sign_in(org_admin)
    response = page.goto(f"{live_server.url}/wellbeing/check-ins/{checkin.code}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Night shifts all month.")).to_have_count(0)
