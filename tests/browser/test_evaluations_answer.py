"""A coordinator sets the evaluation schedule; the mentee answers the anonymous closure
survey in a real browser, and it can be answered only once."""

import pytest
from playwright.sync_api import Page, expect

from carementor.evaluations.instruments import load_instruments
from carementor.evaluations.models import HasResponded, Response, SurveyAssignment
from carementor.evaluations.tests.core_helpers import active_mentorship
from carementor.mentorships.models import Mentorship
from carementor.mentorships.services import mentorship_close, mentorship_start_closing
from carementor.mentorships.tests.helpers import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_answers_the_closure_survey(
    page: Page, live_server, hospital, coordinator, mentor, mentee, sign_in
) -> None:
    from django.apps import apps

    load_instruments(apps, None)
    program = make_program(hospital)
    sign_in(coordinator)
    page.goto(f"{live_server.url}/evaluations/programs/{program.code}/schedule/")
    page.get_by_role("button", name="Use the proposed schedule").click()
    expect(page.get_by_role("table", name="Scheduled surveys")).to_contain_text(
        "Mentoring relationship quality"
    )

    mentorship = active_mentorship(program, mentor, mentee)
    mentorship_start_closing(mentorship=mentorship, user=mentee)
    mentorship_close(
        mentorship=Mentorship.objects.get(pk=mentorship.pk),
        user=mentee,
        outcome="achieved",
        reflection="",
    )
    # mentorship_close created the closure surveys on commit, before any scheduled run.
    assignment = SurveyAssignment.objects.get(
        user=mentee, occasion="closure", instrument__slug="relationship-quality"
    )

    page.context.clear_cookies()
    sign_in(mentee)
    page.get_by_role("link", name="My surveys", exact=True).click()
    page.get_by_role("link", name="Mentoring relationship quality").click()
    expect(page.get_by_role("heading", name="Who sees your answers")).to_be_visible()
    expect(page.get_by_text("This survey is anonymous.")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    for item in assignment.instrument.items.all():
        group = page.get_by_role("group", name=item.text)
        group.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    expect(page.get_by_role("row", name="Mentoring relationship quality")).to_contain_text(
        "Answered"
    )
    assert HasResponded.objects.filter(assignment=assignment).exists()
    response = Response.objects.get(instrument__slug="relationship-quality")
    assert response.respondent_id is None and response.mentorship_id is None
