"""A mentee requests a suggested mentor and the mentor accepts."""

import pytest
from playwright.sync_api import Page, expect

from carementor.matching.models import MatchRequest
from carementor.matching.tests.conftest import verify
from carementor.mentorships.models import Mentorship
from carementor.profiles.models import Profile
from carementor.programs.tests.conftest import enroll, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_requests_a_suggested_mentor_who_accepts(
    page: Page, live_server, hospital, mentee, mentor, sign_in
) -> None:
    program = make_program(hospital, name="Paediatric careers", verification_kind="licence")
    verify(mentor, hospital)  # only verified mentors are suggested
    Profile.objects.update_or_create(user=mentor, defaults={"goals": "paediatric cardiology"})
    Profile.objects.update_or_create(user=mentee, defaults={"goals": "paediatric cardiology"})
    enroll(program, mentee, "mentee")
    enroll(program, mentor, "mentor", capacity=1)

    sign_in(mentee)
    page.goto(f"{live_server.url}/programs/{program.code}/")
    page.get_by_role("link", name="Find a mentor").click()
    expect(page.get_by_text("Shared goals and interests: cardiology, paediatric.")).to_be_visible()
    page.get_by_role("link", name="Ask to be my mentor").click()
    page.get_by_label("Your note").fill("I would value your advice on a cardiology fellowship.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent.")).to_be_visible()
    request = MatchRequest.objects.get()
    assert request.status == "pending" and request.mentor == mentor

    page.context.clear_cookies()  # sign out
    sign_in(mentor)
    page.goto(f"{live_server.url}/programs/requests/")
    page.get_by_role("link", name="Asha Raman").first.click()
    expect(
        page.get_by_text("I would value your advice on a cardiology fellowship.")
    ).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Done.")).to_be_visible()
    request.refresh_from_db()
    assert request.status == "accepted"
    mentorship = Mentorship.objects.get()
    assert mentorship.source == "request"
    assert {p.user_id for p in mentorship.parties.all()} == {mentee.pk, mentor.pk}
