"""A nurse signs up in Hindi on a 360-pixel phone, asks a suggested mentor and, once accepted,
signs the agreement and schedules the first meeting. Every label is read from the Hindi
catalog, and no page is wider than the phone."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from carementor.accounts.models import User
from carementor.lib.testing import add_member
from carementor.matching import services as matching
from carementor.matching.models import MatchRequest
from carementor.matching.tests.conftest import verify
from carementor.mentorships.models import Meeting, Mentorship, Phase
from carementor.mentorships.services import agreement_sign, current_agreement
from carementor.profiles.models import Profile
from carementor.programs.tests.conftest import enroll, make_program
from tests.browser.conftest import link_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def hi(text: str) -> str:
    with translation.override("hi"):
        translated = gettext(text)
    assert translated != text, f"no Hindi for {text!r}"
    return translated


def fits(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_a_nurse_goes_from_sign_up_to_a_first_meeting_in_hindi_on_a_phone(
    browser: Browser, live_server, hospital, mentor, mailoutbox
) -> None:
    program = make_program(hospital, name="Paediatric careers", verification_kind="licence")
    verify(mentor, hospital)
    Profile.objects.update_or_create(user=mentor, defaults={"goals": "paediatric cardiology"})
    enroll(program, mentor, "mentor", capacity=1)

    context = browser.new_context(viewport=PHONE, locale="hi-IN")
    page = context.new_page()

    # Sign up and confirm the address, in Hindi.
    page.goto(f"{live_server.url}/")
    fits(page)
    page.get_by_role("link", name=hi("Create your account")).first.click()
    page.fill("input[name=email]", "meera.pillai@example.org")
    page.fill("input[name=password1]", "stethoscope-violet-42")
    page.fill("input[name=password2]", "stethoscope-violet-42")
    page.get_by_role("button", name=hi("Sign Up")).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    fits(page)
    assert len(mailoutbox) == 1
    page.goto(link_in(mailoutbox[0], r"http://[^\s]+/accounts/confirm-email/[^\s]+/"))
    page.get_by_role("button", name=hi("Confirm")).click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    fits(page)

    # The hospital enrols her (as its import or an invitation would).
    meera = User.objects.get(email="meera.pillai@example.org")
    User.objects.filter(pk=meera.pk).update(full_name="Meera Pillai")
    add_member(meera, hospital, "member")
    Profile.objects.update_or_create(user=meera, defaults={"goals": "paediatric cardiology"})
    enroll(program, meera, "mentee")

    # Find a mentor and ask.
    page.goto(f"{live_server.url}/programs/{program.code}/")
    fits(page)
    page.get_by_role("link", name=hi("Find a mentor")).first.click()
    expect(page.get_by_role("link", name=hi("Ask to be my mentor"))).to_be_visible()
    fits(page)
    page.get_by_role("link", name=hi("Ask to be my mentor")).click()
    page.get_by_label(hi("Your note")).fill("कार्डियोलॉजी फ़ेलोशिप पर आपकी सलाह चाहिए।")
    page.get_by_role("button", name=hi("Send request")).click()
    expect(page.get_by_text(hi("Request sent."))).to_be_visible()
    fits(page)

    # Vikram accepts and signs; she signs, and the mentorship starts.
    request = MatchRequest.objects.get(mentee=meera)
    matching.request_accept(match_request=request, actor=mentor)
    mentorship = Mentorship.objects.get(parties__user=meera)
    agreement = current_agreement(mentorship)
    assert agreement is not None
    agreement_sign(mentorship=mentorship, signer=mentor, version=agreement.version)
    page.goto(f"{live_server.url}/mentorships/{mentorship.code}/")
    fits(page)
    page.get_by_role("link", name=hi("Read and sign the agreement")).click()
    fits(page)
    page.get_by_label(hi("I have read this agreement and agree to it.")).check()
    page.get_by_role("button", name=hi("Sign the agreement")).click()
    expect(page.get_by_text(hi("Everyone has signed. The agreement is in force."))).to_be_visible()
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.ACTIVE

    # Her first meeting.
    page.get_by_role("link", name=hi("Schedule a meeting")).first.click()
    fits(page)
    page.get_by_label(hi("Title")).fill("फ़ेलोशिप आवेदन")
    page.get_by_label(hi("Starts (your time)")).fill("2030-01-15T19:30")
    page.get_by_role("button", name=hi("Schedule and send invites")).click()
    expect(page.get_by_role("heading", name="फ़ेलोशिप आवेदन")).to_be_visible()
    fits(page)
    meeting = Meeting.objects.get(mentorship=mentorship)
    assert meeting.title == "फ़ेलोशिप आवेदन"
    context.close()
