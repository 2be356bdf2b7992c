"""A nurse with no organization signs up, finds a sponsor in the open network and starts a
sponsorship with its own agreement."""

import re

import pytest
from playwright.sync_api import Page, expect

from carementor.accounts.models import User
from carementor.lib.testing import add_member, make_organization, make_user
from carementor.matching import services as matching
from carementor.matching.models import MatchRequest
from carementor.matching.tests.conftest import verify
from carementor.network import services as network
from carementor.profiles.models import (
    CareerStage,
    Country,
    Language,
    Profession,
    Profile,
    Specialty,
)
from tests.browser.conftest import link_in, pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sponsor() -> User:
    aiims = make_organization("AIIMS Patna", slug="aiims-patna")
    user = make_user("rekha@example.org", full_name="Rekha Sinha")
    add_member(user, aiims, "mentor")
    verify(user, aiims)
    profile, _created = Profile.objects.update_or_create(
        user=user,
        defaults={
            "profession": Profession.objects.get(code="registered-nurse"),
            "career_stage": CareerStage.objects.get(code="senior"),
            "country": Country.objects.get(code="IN"),
            "region": "Bihar",
            "headline": "Nursing superintendent, critical care",
        },
    )
    profile.specialties.set(Specialty.objects.filter(code="critical-care-nursing"))
    profile.languages.set(Language.objects.filter(code__in=["hi", "en"]))
    network.offer_set(
        user=user, roles=["sponsor", "mentor"], capacity=2, online=True, in_person=False
    )
    return user


def test_a_nurse_without_organization_finds_a_sponsor(page: Page, live_server, mailoutbox) -> None:
    rekha = sponsor()
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "meena.yadav@example.org")
    page.fill("input[name=password1]", "stethoscope-violet-42")
    page.fill("input[name=password2]", "stethoscope-violet-42")
    page.get_by_role("button", name=re.compile("Sign Up", re.I)).click()
    confirm = link_in(mailoutbox[0], r"http://[^\s]+/accounts/confirm-email/[^\s]+/")
    page.goto(confirm)
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    # No programme and no organization: the dashboard leads to the open network.
    expect(
        page.get_by_role("heading", name="Find a mentor anywhere in the country")
    ).to_be_visible()
    page.get_by_role("link", name="Edit your profile").click()
    page.get_by_label("Full name").fill("Meena Yadav")
    page.get_by_label(re.compile("^Profession")).select_option("registered-nurse")
    page.get_by_label("Career stage").select_option("early-career")
    pick(page, "Specialties or fields", "general nursing", "General Nursing")
    pick(page, "Languages you can mentor in", "Hindi", "Hindi")
    pick(page, "Languages you can mentor in", "English", "English")
    pick(page, "Country you work in", "India", "India")
    page.get_by_role("button", name="Save your profile").click()
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="Open mentoring network").first.click()
    expect(page.get_by_role("heading", name="Open mentoring network")).to_be_visible()
    expect(page.get_by_text("nominating them for opportunities")).to_be_visible()

    page.get_by_role("link", name="Find a mentor").first.click()
    page.get_by_label("Relationship").select_option("sponsor")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]role=sponsor"))
    expect(page.get_by_role("heading", name="Rekha Sinha")).to_be_visible()
    page.get_by_role("link", name="Ask").click()

    page.get_by_role("radio", name="Sponsor").check()
    page.get_by_label("Your note").fill(
        "I am a staff nurse in Sitapur hoping for an ICU training seat. Would you sponsor me?"
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent.")).to_be_visible()

    # Rekha accepts; the sponsorship starts from its own agreement.
    found = MatchRequest.objects.get()
    assert found.role == "sponsor"
    matching.request_accept(match_request=found, actor=rekha)
    page.get_by_role("link", name="Mentoring", exact=True).click()
    page.get_by_role("link", name="Open national mentoring network").click()
    expect(page.get_by_role("heading", name=re.compile("Sponsor"))).to_be_visible()
    expect(page.get_by_text("(Protégé)")).to_be_visible()
    page.get_by_role("link", name=re.compile("Read and sign the agreement")).click()
    expect(page.locator("dd", has_text="nominates the protégé")).to_be_visible()
