"""A mentee opens a module, marks it complete, takes a quiz and passes — in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from carementor.learning import services
from carementor.learning.models import Attempt, ModuleProgress, Question, QuizProgress
from carementor.learning.tests.helpers import enroll, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_completes_a_module_and_passes_a_quiz(
    page: Page, live_server, hospital, coordinator, mentee, sign_in
) -> None:
    program = make_program(hospital)
    enroll(program, mentee, "mentee")
    module = services.library_add(
        program=program, actor=coordinator, slug="mentee-leading-the-agenda"
    )
    quiz = services.library_add(program=program, actor=coordinator, slug="mentoring-essentials")
    sign_in(mentee)

    page.goto(f"{live_server.url}/learning/programs/{program.code}/")
    expect(page.get_by_role("heading", name="What this programme asks of you")).to_be_visible()
    page.get_by_role("link", name="Leading the agenda").first.click()
    expect(page.get_by_role("heading", name="Leading the agenda", level=1)).to_be_visible()
    expect(page.get_by_text("Send your agenda at least two days before")).to_be_visible()
    page.get_by_role("button", name="Mark module as completed").click()
    expect(page.locator("#module-progress")).to_contain_text("Completed")
    assert ModuleProgress.objects.get(module=module, user=mentee).completed_at is not None

    page.get_by_role("link", name=f"Learning · {program.name}").click()
    page.get_by_role("link", name="Mentoring essentials").first.click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    # The page shows no key; the test reads it from the database, as only the server can.
    attempt = Attempt.objects.get(quiz=quiz, user=mentee)
    assert "is_correct" not in page.content()
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        if question.kind == Question.Kind.NUMERIC:
            page.locator(f"input[name='{question.code}']").fill(str(question.numeric_answer))
            continue
        for choice in question.choices.filter(is_correct=True):
            page.locator(f"input[value='{choice.code}']").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("5 of 5 correct (100%).")).to_be_visible()
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()
    assert QuizProgress.objects.get(quiz=quiz, user=mentee).passed_at is not None
