"""A mentee answers her closure survey in a real browser and the coordinator's outcome report,
withheld with four pairs, shows results once she makes five."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from carementor.evaluations.instruments import load_instruments
from carementor.evaluations.services import cohort_label
from carementor.evaluations.tests.core_helpers import assign
from carementor.evaluations.tests.test_report_analytics import (
    answered,
    library,
    outcomes_for,
    people,
)
from carementor.lib.testing import PASSWORD
from carementor.mentorships.tests.helpers import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_updates_when_a_mentee_answers_at_closure(
    page: Page, browser: Browser, live_server, hospital, coordinator, mentee, sign_in
) -> None:
    from django.apps import apps

    load_instruments(apps, None)
    program = make_program(hospital)
    outcomes_for(program, people(4))
    outcomes = library("mentee-outcomes")
    scores = {"practice": 2.0, "wellbeing": 2.0, "development": 2.0}
    answered(program, outcomes, "baseline", mentee, scores, cohort=cohort_label(timezone.now()))
    assign(mentee, program, "mentee-outcomes", occasion="closure")

    sign_in(coordinator)
    report = f"{live_server.url}/evaluations/programs/{program.code}/report/"
    page.goto(report)
    expect(page.get_by_role("heading", name="Outcome report")).to_be_visible()
    expect(
        page.get_by_text("Not shown: fewer than 5 responses at baseline and closure")
    ).to_be_visible()

    # The mentee in her own browser; the coordinator's session stays open (one TOTP sign-in).
    theirs = browser.new_context().new_page()
    theirs.goto(f"{live_server.url}/accounts/login/")
    theirs.fill("input[name=login]", mentee.email)
    theirs.fill("input[name=password]", PASSWORD)
    theirs.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    theirs.get_by_role("link", name="My surveys", exact=True).click()
    theirs.get_by_role("row").filter(has_text="To answer").get_by_role(
        "link", name="Mentee outcome survey"
    ).click()
    for item in outcomes.items.all():
        if item.scale == "likert":
            group = theirs.get_by_role("group", name=item.text)
            label = "Disagree" if item.reverse else "Agree"
            group.get_by_label(label, exact=True).check()
    theirs.get_by_role("button", name="Send my answers").click()
    expect(theirs.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    theirs.locator("details.account-menu > summary").click()  # personal pages live in this menu
    theirs.get_by_role("link", name="My results", exact=True).click()
    expect(
        theirs.get_by_role("table", name="Your own answers to Mentee outcome survey")
    ).to_contain_text("Professional practice")
    theirs.context.close()

    page.goto(report)
    expect(page.get_by_text("Did it work? Yes in")).to_be_visible()
    table = page.get_by_role("table", name="Baseline and closure by domain, Mentee outcome survey")
    expect(table.get_by_role("row", name="Professional practice")).to_contain_text("5")
    expect(page.locator("svg[role=img]").first).to_be_visible()
