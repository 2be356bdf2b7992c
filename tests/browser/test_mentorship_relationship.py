"""A mentee signs the agreement, schedules a meeting, leads its agenda, writes shared notes
and completes an action item — in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from carementor.mentorships.models import AgendaItem, Meeting, Phase, SharedNote
from carementor.mentorships.plans import action_item_create
from carementor.mentorships.services import agreement_sign
from carementor.mentorships.tests.helpers import make_mentorship, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_runs_a_relationship(
    page: Page, live_server, hospital, mentor, mentee, sign_in
) -> None:
    mentorship = make_mentorship(make_program(hospital), mentor, mentee)
    agreement_sign(mentorship=mentorship, signer=mentor, version=1)
    action_item_create(
        mentorship=mentorship, user=mentor, title="Read two fellowship prospectuses", owner=mentee
    )
    sign_in(mentee)

    # Sign the agreement: the last signature makes the mentorship active.
    page.goto(f"{live_server.url}/mentorships/{mentorship.code}/")
    page.get_by_role("link", name="Read and sign the agreement").click()
    expect(page.get_by_text("patient safety", exact=False).first).to_be_visible()
    page.get_by_label("I have read this agreement and agree to it.").check()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("Everyone has signed. The agreement is in force.")).to_be_visible()
    mentorship.refresh_from_db()
    assert mentorship.phase == Phase.ACTIVE

    # Schedule a meeting in her own timezone.
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Title").fill("Fellowship applications")
    page.get_by_label("Starts (your time)").fill("2030-01-15T19:30")
    page.get_by_role("button", name="Schedule and send invites").click()
    expect(page.get_by_role("heading", name="Fellowship applications")).to_be_visible()
    expect(page.get_by_text("Tuesday 15 January 2030, 19:30")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.starts_at.isoformat() == "2030-01-15T14:00:00+00:00"

    # She leads the agenda: add two items (htmx), then move the second up.
    page.get_by_label("Add an item").fill("Which programmes to apply to")
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.get_by_text("Which programmes to apply to")).to_be_visible()
    page.get_by_label("Add an item").fill("Reference letters")
    page.get_by_role("button", name="Add to agenda").click()
    expect(page.get_by_text("Reference letters")).to_be_visible()
    page.get_by_role("button", name="Move “Reference letters” up").click()
    expect(page.locator("#agenda li").first).to_contain_text("Reference letters")
    assert [i.text for i in AgendaItem.objects.order_by("position")] == [
        "Reference letters",
        "Which programmes to apply to",
    ]

    # Shared notes.
    page.get_by_role("textbox", name="Shared notes").fill(
        "Apply to three programmes; ask Dr Rao for a letter."
    )
    page.get_by_role("button", name="Save shared notes").click()
    expect(page.get_by_text("Shared notes saved.")).to_be_visible()
    assert SharedNote.objects.get().body.startswith("Apply to three programmes")

    # Complete the action item from the plan.
    page.get_by_role("link", name="Goals and action items").click()
    page.get_by_role("button", name="Mark “Read two fellowship prospectuses” done").click()
    expect(page.get_by_text("Done", exact=True)).to_be_visible()
    assert mentorship.action_items.get().done_at is not None
    assert re.search(r"/plan/$", page.url)
