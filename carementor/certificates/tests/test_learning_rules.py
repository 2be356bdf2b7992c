"""Rules that need learning: required modules and tests, and issuing on the learning signal."""

import pytest
from django.utils import timezone

from carementor.certificates.completion import checklist
from carementor.certificates.models import Certificate
from carementor.certificates.tests.helpers import rule
from carementor.learning.models import Module, Quiz, QuizProgress
from carementor.learning.services import module_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def learning(program):  # type: ignore[no-untyped-def]
    module = Module.objects.create(
        program=program, title="Leading your own agenda", audience="mentees", required=True
    )
    Module.objects.create(program=program, title="Optional reading", required=False)
    Module.objects.create(program=program, title="Mentor skills", audience="mentors", required=True)
    quiz = Quiz.objects.create(
        program=program, title="Agenda check", audience="everyone", required=True
    )
    return module, quiz


def test_required_learning_is_listed_until_done(program, finished, mentee, learning):
    module, quiz = learning
    rule(program, "mentee", modules_completed=True, quizzes_passed=True)
    found = checklist(mentee, program, "mentee")
    items = {item.key: item for item in found.items}
    assert items["modules_completed"].remaining == ("Leading your own agenda",)
    assert items["modules_completed"].progress == "0 of 1"
    assert items["quizzes_passed"].remaining == ("Agenda check",)
    assert not found.complete
    QuizProgress.objects.create(quiz=quiz, user=mentee, passed_at=timezone.now())
    module_complete(module=module, user=mentee)
    assert checklist(mentee, program, "mentee").complete


def test_passing_the_last_requirement_issues_on_the_learning_signal(
    program, finished, mentee, learning, django_capture_on_commit_callbacks
):
    module, quiz = learning
    rule(program, "mentee", modules_completed=True, quizzes_passed=True)
    QuizProgress.objects.create(quiz=quiz, user=mentee, passed_at=timezone.now())
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        module_complete(module=module, user=mentee)
    certificate = Certificate.objects.get(holder=mentee)
    assert certificate.role == "mentee" and certificate.is_valid


def test_a_programme_without_required_learning_counts_as_done(program, finished, mentee):
    rule(program, "mentee", modules_completed=True, quizzes_passed=True)
    found = checklist(mentee, program, "mentee")
    assert found.complete
    assert {
        item.progress for item in found.items if item.key.endswith(("completed", "passed"))
    } == {"None required"}


def test_closure_survey_must_be_answered(program, finished, mentee):
    from carementor.evaluations.services import response_submit
    from carementor.evaluations.tests.core_helpers import assign, full_answers

    rule(program, "mentee", closure_survey=True)
    found = checklist(mentee, program, "mentee")
    assert {i.key: i.done for i in found.items}["closure_survey"] is False
    assignment = assign(mentee, program, mentorship=finished, occasion="closure")
    response_submit(assignment=assignment, user=mentee, answers=full_answers(assignment.instrument))
    assert checklist(mentee, program, "mentee").complete


def test_completion_waiting_on_learning_is_dated_today(program, finished, mentee):
    rule(program, "mentee", quizzes_passed=True)
    found = checklist(mentee, program, "mentee")
    assert found.complete and found.completed_on == timezone.localdate()
    assert found.completed_on > finished.closed_at.date()
