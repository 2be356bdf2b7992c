"""A mentee logs a point-of-care ultrasound activity and her mentor signs it off — in a real
browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from carementor.logbooks.models import EntryStatus, LogEntry
from carementor.mentorships.tests.helpers import make_mentorship, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentee_logs_ultrasound_and_the_mentor_signs_it_off(
    page: Page, live_server, hospital, mentor, mentee, sign_in
) -> None:
    make_mentorship(make_program(hospital), mentor, mentee)
    sign_in(mentee)
    page.goto(f"{live_server.url}/logbooks/")
    page.locator("select[name=competency]").select_option("point-of-care-ultrasound")
    page.locator("input[name=activity]").fill("FAST scan on a child after a fall")
    page.locator("input[name=performed_on]").fill(timezone.localdate().isoformat())
    page.locator("input[name=setting]").fill("Emergency department")
    page.locator("select[name=level]").select_option("2")
    page.locator("select[name=observer]").select_option(mentor.code)
    page.get_by_role("button", name="Log and ask for sign-off").click()
    expect(page.get_by_text("Waiting for sign-off")).to_be_visible()

    page.context.clear_cookies()
    sign_in(mentor)
    page.goto(f"{live_server.url}/logbooks/to-sign/")
    page.get_by_role("link", name="Asha Raman").click()
    page.get_by_label("Sign off", exact=True).check()
    page.locator("select[name=observed_level]").select_option("3")
    page.locator("textarea[name=feedback]").fill("Confident views; narrate as you scan.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Signed off", exact=True)).to_be_visible()
    entry = LogEntry.objects.get()
    assert (entry.status, entry.observed_level) == (EntryStatus.SIGNED, 3)
