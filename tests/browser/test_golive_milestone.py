"""A go-live team passes its first milestone: the super-user marks it passed, a member answers
the pulse, and the report shows the team's pulse — in a real browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from carementor.golive.models import Milestone, PulseResponse
from carementor.golive.tests.helpers import answer, colleagues, make_golive, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_go_live_team_passes_its_first_milestone(
    page: Page, live_server, hospital, coordinator, mentor, mentee, sign_in
) -> None:
    golive = make_golive(hospital, coordinator)
    others = colleagues(hospital, 4)
    make_team(golive, coordinator, coach=mentor, members=[mentee, *others])
    milestone = Milestone.objects.create(
        golive=golive, title="First week on the EHR", due_on=timezone.localdate()
    )

    sign_in(mentor)
    page.goto(f"{live_server.url}/golive/{golive.code}/")
    page.get_by_role("button", name="Mark “First week on the EHR” passed").click()
    expect(page.get_by_text("Milestone passed. The teams have been asked")).to_be_visible()
    milestone.refresh_from_db()
    assert milestone.passed
    for person in others:
        answer(milestone, person, 4)

    page.context.clear_cookies()
    sign_in(mentee)
    page.goto(f"{live_server.url}/golive/{golive.code}/")
    page.get_by_role("link", name="Answer the pulse for First week on the EHR").click()
    expect(page).to_have_url(f"{live_server.url}/golive/{golive.code}/pulse/{milestone.code}/")
    for name in ("confidence", "support", "care", "workload"):
        page.locator(f"input[name={name}][value='5']").check()
    page.get_by_label("Anything else the coaches should hear?").fill("The super-users were great")
    page.get_by_role("button", name="Send my pulse").click()
    expect(page.get_by_text("You answered the pulse.")).to_be_visible()
    assert PulseResponse.objects.filter(user=mentee).exists()

    page.get_by_role("link", name="Report").click()
    expect(page).to_have_url(f"{live_server.url}/golive/{golive.code}/report/")
    table = page.locator("#pulse-table")
    expect(table.get_by_role("row", name="First week on the EHR Whole go-live 5")).to_be_visible()
    expect(table).to_contain_text("4.2")
    expect(page.get_by_text("The super-users were great")).to_be_visible()
    expect(page.locator("figure svg")).to_be_visible()
