"""Safeguards and moderation in a real browser: a nurse reports a promotional post, the
moderator hides it with a reason; a post carrying a valid Aadhaar number is stopped; a
mentorship message with a record number is warned about before it is sent."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from carementor.communities import services
from carementor.communities.models import Post, Report, Visibility
from carementor.communities.tests.helpers import join, post
from carementor.lib.phi import verhoeff_digit
from carementor.lib.testing import make_user
from carementor.mentorships.models import Message
from carementor.mentorships.tests.helpers import make_mentorship, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page: Page) -> None:
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()


def test_report_hide_and_an_aadhaar_number_blocked(page: Page, live_server, sign_in) -> None:
    established = timezone.now() - timedelta(days=60)
    kavita = make_user("kavita@example.org", full_name="Kavita Rao", date_joined=established)
    meena = make_user("meena@example.org", full_name="Meena Yadav", date_joined=established)
    ravi = make_user("ravi@example.org", full_name="Ravi Kumar", date_joined=established)
    community = services.community_create(
        actor=kavita, name="Critical care nursing", guidelines="No patient details."
    )
    join(community, meena)
    join(community, ravi)
    promoted = post(community, ravi, title="Miracle cure", body="This supplement heals all.")

    sign_in(meena)
    page.goto(f"{live_server.url}/communities/posts/{promoted.code}/")
    page.get_by_role("link", name="Report").click()
    page.get_by_label("Undisclosed promotion").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Thank you. The moderators will look at it.")).to_be_visible()
    assert Report.objects.get().reason == "promotion"

    number = "23412341234" + verhoeff_digit("23412341234")
    page.goto(f"{live_server.url}/communities/{community.code}/posts/new/")
    page.get_by_label("Title").fill("Consent forms")
    page.locator("textarea[name=body]").fill(f"The form asks for Aadhaar {number}. Allowed?")
    page.get_by_role("button", name="Post").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Aadhaar number")
    expect(warning).to_contain_text(number)
    assert not Post.objects.filter(author=meena).exists()
    page.get_by_label("I have checked: nothing here identifies a patient").check()
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is held until a moderator has checked it.")).to_be_visible()
    assert Post.objects.get(author=meena).visibility == Visibility.HELD
    sign_out(page)

    sign_in(kavita)
    page.goto(f"{live_server.url}/communities/{community.code}/moderation/")
    item = page.locator("section.card", has=page.get_by_role("heading", name="Miracle cure"))
    expect(item).to_contain_text("Reported for Undisclosed promotion by Meena Yadav")
    item.get_by_label("Reason (shown to the author and readers)").fill("Promotion, no disclosure.")
    item.get_by_role("button", name="Hide").click()
    expect(page.get_by_text("Done.")).to_be_visible()
    promoted.refresh_from_db()
    assert promoted.visibility == Visibility.HIDDEN
    assert promoted.moderation_reason == "Promotion, no disclosure."


def test_a_message_with_a_record_number_is_warned_about(
    page: Page, live_server, hospital, mentor, mentee, sign_in
) -> None:
    mentorship = make_mentorship(make_program(hospital), mentor, mentee)
    sign_in(mentee)
    page.goto(f"{live_server.url}/mentorships/{mentorship.code}/messages/")
    page.get_by_label("Message").fill("Can we discuss MRN 12345678 from last night?")
    page.get_by_role("button", name="Send").click()
    warning = page.locator("#identifier-warning")
    expect(warning).to_contain_text("This may identify a patient")
    expect(warning).to_contain_text("MRN 12345678")
    assert not Message.objects.exists()
    page.get_by_label("Message").fill("Can we discuss last night's difficult handover?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Can we discuss last night's difficult handover?")).to_be_visible()
    assert Message.objects.get().author == mentee
