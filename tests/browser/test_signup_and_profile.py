"""A nurse signs up, verifies her e-mail, completes her profile and sees her dashboard."""

import re

import pytest
from playwright.sync_api import Page, expect

from carementor.accounts.models import User
from tests.browser.conftest import link_in, pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_complete_profile(page: Page, live_server, mailoutbox) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Create your account").click()
    page.fill("input[name=email]", "meera.pillai@example.org")
    page.fill("input[name=password1]", "stethoscope-violet-42")
    page.fill("input[name=password2]", "stethoscope-violet-42")
    page.get_by_role("button", name=re.compile("Sign Up", re.I)).click()
    expect(page.get_by_role("heading", name=re.compile("Verify", re.I))).to_be_visible()

    # The e-mail from the outbox carries the confirmation link.
    assert len(mailoutbox) == 1
    confirm = link_in(mailoutbox[0], r"http://[^\s]+/accounts/confirm-email/[^\s]+/")
    page.goto(confirm)
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    expect(page.get_by_text("Still to add:")).to_be_visible()

    page.get_by_role("link", name="Edit your profile").click()
    page.get_by_label("Full name").fill("Meera Pillai")
    page.get_by_label("Headline").fill("Staff nurse, paediatric ICU, Kochi")
    page.get_by_label(re.compile("^Profession")).select_option("registered-nurse")
    page.get_by_label("Career stage").select_option("early-career")
    pick(page, "Specialties or fields", "general nursing", "General Nursing")
    page.get_by_label("Years in practice").fill("4")
    pick(page, "Languages you can mentor in", "English", "English")
    pick(page, "Languages you can mentor in", "Malayalam", "Malayalam")
    pick(page, "Country you work in", "India", "India")
    page.get_by_label("Timezone").fill("Asia/Kolkata")
    page.get_by_label("Weekday evenings").check()
    page.get_by_label("Video").first.check()
    page.get_by_role("textbox", name="Goals").fill(
        "Move into critical-care nurse education within two years."
    )
    page.get_by_role("group", name="Roles I am looking for").get_by_label(
        re.compile(r"Mentor — A long-term")
    ).check()
    page.get_by_label("Your level: Telehealth and video consultations").select_option("2")
    page.get_by_role("button", name="Save your profile").click()

    expect(page.locator(".message-success, .message")).to_contain_text(re.compile("saved", re.I))
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Welcome, Meera")).to_be_visible()
    expect(page.get_by_text("100% complete")).to_be_visible()

    user = User.objects.get(email="meera.pillai@example.org")
    assert user.full_name == "Meera Pillai"
    assert user.timezone == "Asia/Kolkata"
    assert user.profile.profession.name == "Registered nurse"
    assert sorted(user.profile.languages.values_list("code", flat=True)) == ["en", "ml"]
