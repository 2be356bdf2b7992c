"""A nurse joins an open community, accepts its guidelines, asks a question, is warned about a
patient identifier, edits it out, and a mentor answers, mentioning her through the
autocomplete — in a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from carementor.communities import services
from carementor.communities.models import Comment, Member, Post
from carementor.lib.testing import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nurse_asks_a_question_safely_and_a_mentor_answers(
    page: Page, live_server, sign_in
) -> None:
    # On CareMentor for two months: a new account's first post would wait for a moderator.
    meena = make_user(
        "meena@example.org",
        full_name="Meena Yadav",
        date_joined=timezone.now() - timedelta(days=60),
    )
    vikram = make_user("vikram@example.org", full_name="Vikram Mehta")
    community = services.community_create(
        actor=vikram,
        name="Critical care nursing",
        description="Practical questions from ICUs.",
        guidelines="Never share anything that could identify a patient.",
    )
    sign_in(meena)

    page.get_by_role("link", name="Communities").first.click()
    page.get_by_label("Profession, specialty, region or topic").fill("ICUs")
    # Wait for the results to be swapped in: a link replaced between mouse down and up is
    # never clicked.
    with page.expect_response(lambda response: "part=found" in response.url):
        page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Critical care nursing").click()
    page.get_by_role("link", name="Join", exact=True).click()
    expect(page.get_by_text("Never share anything that could identify a patient.")).to_be_visible()
    page.get_by_label("I have read the guidelines and will follow them").check()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_text("Welcome. You can post now.")).to_be_visible()
    assert Member.objects.get(user=meena, community=community).guidelines_accepted_at

    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Title").fill("When to restart a breathing trial")
    page.locator("textarea[name=body]").fill(
        "Mr Rajesh Kumar, MRN 12345678, failed a spontaneous breathing trial today."
    )
    page.get_by_label("Sources").fill("PMID 31504418")
    page.get_by_role("button", name="Post").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("This may identify a patient")
    expect(warning).to_contain_text("MRN 12345678")
    assert not Post.objects.exists()

    page.locator("textarea[name=body]").fill(
        "A man in his sixties failed a spontaneous breathing trial today. When do we retry?"
    )
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", name="When to restart a breathing trial")).to_be_visible()
    question = Post.objects.get()
    assert question.is_question and "MRN" not in question.body

    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(vikram)
    page.goto(f"{live_server.url}/communities/posts/{question.code}/")
    # The answer mentions the asker: typing "@Mee" offers her by name, Enter writes her handle.
    answer = page.get_by_label("Your answer or comment")
    answer.press_sequentially("Reassess every morning, @Mee")
    option = page.get_by_role("option", name="Meena Yadav")
    expect(option).to_be_visible()
    expect(answer).to_have_attribute("aria-expanded", "true")
    answer.press("Enter")
    expect(page.get_by_role("listbox")).to_be_hidden()
    answer.press_sequentially("— retry when ready.")
    expect(answer).to_have_value(f"Reassess every morning, @{meena.code} — retry when ready.")
    page.get_by_role("button", name="Post your answer").click()
    expect(
        page.get_by_text("Reassess every morning, @Meena Yadav — retry when ready.")
    ).to_be_visible()
    assert Comment.objects.get().author == vikram
