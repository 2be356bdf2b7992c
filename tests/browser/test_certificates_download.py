"""A mentee whose mentorship is finished completes the required module, passes the required
test, sees the certificate appear, downloads its PDF and verifies it as a stranger would."""

import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from carementor.certificates.models import Certificate
from carementor.certificates.tests.helpers import cpd_program, finished_mentorship, rule
from carementor.learning import services as learning
from carementor.learning.models import Attempt, Module, Question, Quiz
from carementor.learning.tests.helpers import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_learns_passes_downloads_and_verifies(
    page: Page, live_server, settings, hospital, coordinator, mentor, mentee, sign_in
) -> None:
    settings.SITE_URL = live_server.url
    program = cpd_program(hospital)
    enroll(program, mentee, "mentee")
    finished_mentorship(program, mentor, mentee)
    rule(program, "mentee", meetings_held=3, modules_completed=True, quizzes_passed=True)
    module = learning.library_add(
        program=program, actor=coordinator, slug="mentee-leading-the-agenda"
    )
    quiz = learning.library_add(program=program, actor=coordinator, slug="mentoring-essentials")
    Module.objects.filter(pk=module.pk).update(required=True)
    Quiz.objects.filter(pk=quiz.pk).update(required=True)
    sign_in(mentee)

    # The checklist says what remains.
    page.goto(f"{live_server.url}/certificates/progress/{program.code}/")
    checklist = page.get_by_role("list", name="Checklist")
    expect(checklist).to_contain_text("Complete the required learning modules")
    expect(checklist).to_contain_text("Leading the agenda")
    expect(page.get_by_text("2 requirements remain.")).to_be_visible()

    # The module, then the test.
    page.goto(f"{live_server.url}/learning/modules/{module.code}/")
    page.get_by_role("button", name="Mark module as completed").click()
    expect(page.locator("#module-progress")).to_contain_text("Completed")
    page.goto(f"{live_server.url}/learning/quizzes/{quiz.code}/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    attempt = Attempt.objects.get(quiz=quiz, user=mentee)
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        if question.kind == Question.Kind.NUMERIC:
            page.locator(f"input[name='{question.code}']").fill(str(question.numeric_answer))
            continue
        for choice in question.choices.filter(is_correct=True):
            page.locator(f"input[value='{choice.code}']").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()

    # Passing issued the certificate at once (the learning signal): nothing left to check.
    page.goto(f"{live_server.url}/certificates/progress/{program.code}/")
    expect(page.get_by_text("Every requirement is met.")).to_be_visible()
    expect(page.get_by_role("link", name="Download your certificate (PDF)")).to_be_visible()
    expect(page.get_by_role("button", name="Check now and issue my certificate")).to_have_count(0)
    certificate = Certificate.objects.get(holder=mentee, program=program)

    page.locator("details.account-menu > summary").click()  # personal pages live in this menu
    page.get_by_role("link", name="Certificates and CPD").first.click()
    row = page.get_by_role("row", name=re.compile(program.name))
    expect(row).to_contain_text("Valid")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download PDF").click()
    pdf = download_info.value
    assert pdf.suggested_filename == f"certificate-{certificate.code}.pdf"
    text = " ".join(PdfReader(pdf.path()).pages[0].extract_text().split())
    assert "Asha Raman" in text and program.name in text
    url = re.search(r"Verify at (\S+)", text)
    assert url is not None and url.group(1).endswith(f"/certificates/verify/{certificate.code}/")

    # Anyone can check it: signed out, straight from the URL printed under the QR code.
    page.context.clear_cookies()
    page.goto(url.group(1))
    expect(page.get_by_role("heading", name="Valid certificate")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Asha Raman")
    expect(page.locator("main")).not_to_contain_text("asha@example.org")
