"""Attempt limits hold when one person starts and submits from several tabs at once."""

import threading

import pytest
from django.db import connection, connections

from carementor.learning import quizzes
from carementor.learning.models import Attempt, QuizProgress
from carementor.learning.services import LearningError
from carementor.learning.tests.helpers import answers_for, make_quiz


def _run_together(count, work):
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run():
        try:
            barrier.wait()
            outcomes.append(work())
        except LearningError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_and_submits_respect_the_attempt_limit(
    hospital, program, coordinator, mentee
):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises writers anyway.")
    quiz = make_quiz(program, coordinator, max_attempts=2)

    def start_and_submit():
        attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
        try:
            quizzes.attempt_submit(
                attempt=attempt, user=mentee, answers=answers_for(attempt, correct=0)
            )
        except LearningError as exc:
            return f"start-ok/{exc.code}"
        return "submitted"

    outcomes = _run_together(6, start_and_submit)

    attempts = Attempt.objects.filter(quiz=quiz, user=mentee)
    assert attempts.count() <= 2
    assert sorted(attempts.values_list("number", flat=True)) == list(range(1, attempts.count() + 1))
    assert QuizProgress.objects.get(quiz=quiz, user=mentee).attempts_started == attempts.count()
    assert outcomes.count("submitted") == attempts.filter(status="submitted").count()
    assert set(outcomes) <= {"submitted", "attempts_used", "start-ok/already_submitted"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_attempt_score_once(hospital, program, coordinator, mentee):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises writers anyway.")
    quiz = make_quiz(program, coordinator)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    answers = answers_for(attempt, correct=3)

    def submit():
        quizzes.attempt_submit(attempt=attempt, user=mentee, answers=answers)
        return "submitted"

    outcomes = _run_together(4, submit)
    assert sorted(outcomes) == ["already_submitted"] * 3 + ["submitted"]
    assert attempt.answers.count() == 3
