"""Quiz integrity: no key before submission, immutable submissions, server-side time limits,
attempt limits, and draws fixed per attempt."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.learning import quizzes
from carementor.learning.models import Answer, Attempt, Choice, Question, QuizProgress
from carementor.learning.services import LearningError
from carementor.learning.tests.helpers import add_numeric, answers_for, make_quiz
from carementor.notifications.models import Notification


def _correct_codes(quiz):
    return set(
        Choice.objects.filter(question__quiz=quiz, is_correct=True).values_list("code", flat=True)
    )


def test_attempt_page_and_api_do_not_reveal_the_key(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, questions=4, feedback="answers")
    add_numeric(quiz, coordinator, answer="13")
    client = login(mentee)
    response = client.post(f"/learning/quizzes/{quiz.code}/start/")
    attempt = Attempt.objects.get(quiz=quiz, user=mentee)
    assert response.status_code == 302
    page = client.get(f"/learning/attempts/{attempt.code}/").content.decode()
    api = client.get(f"/api/v1/learning/attempts/{attempt.code}")
    started = client.post(f"/api/v1/learning/quizzes/{quiz.code}/attempts")
    assert api.status_code == 200 and started.status_code == 201
    for text in (page, api.content.decode(), started.content.decode()):
        assert "is_correct" not in text
        assert "correct_choices" not in text and "correct</span>" not in text
        assert "13.0000" not in text and "numeric_answer" not in text
    # Choice codes are shown (that is how people answer), but nothing marks which is right:
    payload = api.json()
    assert payload["review"] is None and payload["score"] is None
    assert set(payload["questions"][0]["choices"][0]) == {"code", "text"}
    # Participants cannot read the bank either.
    assert client.get(f"/api/v1/learning/quizzes/{quiz.code}/questions").status_code == 403
    assert client.get(f"/learning/quizzes/{quiz.code}/edit/").status_code == 403


def test_submitting_scores_and_shows_feedback_as_configured(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, questions=3, feedback="score")
    client = login(mentee)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    body = {"answers": answers_for(attempt, correct=2)}
    response = client.post(
        f"/api/v1/learning/attempts/{attempt.code}/submit",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 200
    result = response.json()
    assert (result["score"], result["max_score"], result["percent"], result["passed"]) == (
        2,
        3,
        67,
        True,
    )
    assert result["review"] is None  # score only: the key stays hidden
    assert "is_correct" not in response.content.decode()
    assert QuizProgress.objects.get(quiz=quiz, user=mentee).passed_at is not None
    assert AuditEvent.objects.filter(action="learning.attempt_submitted").exists()
    note = Notification.objects.get(recipient=mentee, kind="learning_quiz_result")
    assert note.title == "You passed “Mentoring essentials”"


def test_feedback_none_hides_the_score(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, feedback="none")
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    quizzes.attempt_submit(attempt=attempt, user=mentee, answers=answers_for(attempt, correct=3))
    client = login(mentee)
    data = client.get(f"/api/v1/learning/attempts/{attempt.code}").json()
    assert data["score"] is None and data["percent"] is None and data["review"] is None
    page = client.get(f"/learning/attempts/{attempt.code}/").content.decode()
    assert "Your answers were received." in page and "100%" not in page


def test_feedback_answers_shows_the_key_after_submission(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, questions=2, feedback="answers")
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    quizzes.attempt_submit(attempt=attempt, user=mentee, answers=answers_for(attempt, correct=1))
    data = login(mentee).get(f"/api/v1/learning/attempts/{attempt.code}").json()
    assert {c for r in data["review"] for c in r["correct_choices"]} == _correct_codes(quiz)
    assert [r["correct"] for r in data["review"]] == [True, False]


def test_submitted_attempt_cannot_be_changed(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    quizzes.attempt_submit(attempt=attempt, user=mentee, answers=answers_for(attempt, correct=0))
    client = login(mentee)
    response = client.post(
        f"/api/v1/learning/attempts/{attempt.code}/submit",
        json.dumps({"answers": answers_for(attempt, correct=3)}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_submitted"
    page = client.post(f"/learning/attempts/{attempt.code}/submit/", {})
    assert page.status_code == 409
    attempt.refresh_from_db()
    assert attempt.score == 0 and not attempt.passed
    assert Answer.objects.filter(attempt=attempt).count() == 3


def test_late_submission_is_refused_and_the_attempt_closed(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, time_limit_minutes=10)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    answers = answers_for(attempt, correct=3)
    client = login(mentee)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        response = client.post(
            f"/api/v1/learning/attempts/{attempt.code}/submit",
            json.dumps({"answers": answers}),
            content_type="application/json",
        )
    assert response.status_code == 409
    assert response.json()["code"] == "late"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED and attempt.score == 0
    assert not Answer.objects.filter(attempt=attempt).exists()
    assert AuditEvent.objects.filter(action="learning.attempt_expired").exists()


def test_submission_within_grace_is_accepted(program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, time_limit_minutes=10)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=20), tick=False):
        attempt = quizzes.attempt_submit(
            attempt=attempt, user=mentee, answers=answers_for(attempt, correct=3)
        )
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.passed


def test_overdue_attempts_are_closed_by_the_sweep_and_on_view(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, time_limit_minutes=5)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        assert quizzes.attempts_expire_overdue() == 1
        assert quizzes.attempts_expire_overdue() == 0
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED


def test_attempt_limit(program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, max_attempts=2)
    for _n in range(2):
        attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
        quizzes.attempt_submit(attempt=attempt, user=mentee, answers={})
    with pytest.raises(LearningError) as exc:
        quizzes.attempt_start(quiz=quiz, user=mentee)
    assert exc.value.code == "attempts_used"
    assert list(Attempt.objects.filter(quiz=quiz).values_list("number", flat=True)) == [1, 2]


def test_starting_twice_resumes_the_open_attempt(program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, max_attempts=1)
    first = quizzes.attempt_start(quiz=quiz, user=mentee)
    again = quizzes.attempt_start(quiz=quiz, user=mentee)
    assert first.pk == again.pk
    assert QuizProgress.objects.get(quiz=quiz, user=mentee).attempts_started == 1


def test_random_draw_is_fixed_per_attempt(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, questions=10, draw_count=4, max_attempts=0)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    assert len(attempt.question_ids) == 4
    client = login(mentee)
    shown = [
        [
            q["code"]
            for q in client.get(f"/api/v1/learning/attempts/{attempt.code}").json()["questions"]
        ]
        for _n in range(3)
    ]
    assert shown[0] == shown[1] == shown[2]
    # Answering a question that was not drawn is refused and writes nothing.
    other = quiz.questions.exclude(pk__in=attempt.question_ids).first()
    choice = other.choices.first()
    with pytest.raises(LearningError) as exc:
        quizzes.attempt_submit(attempt=attempt, user=mentee, answers={other.code: [choice.code]})
    assert exc.value.status == 422
    attempt.refresh_from_db()
    assert attempt.is_open and not Answer.objects.filter(attempt=attempt).exists()
    # Different attempts draw independently (ten draws of 4 from 10 are not all the same).
    draws = {tuple(attempt.question_ids)}
    quizzes.attempt_submit(attempt=attempt, user=mentee, answers={})
    for _n in range(9):
        a = quizzes.attempt_start(quiz=quiz, user=mentee)
        draws.add(tuple(a.question_ids))
        quizzes.attempt_submit(attempt=a, user=mentee, answers={})
    assert len(draws) > 1


def test_numeric_answers_use_the_tolerance(program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, questions=0, max_attempts=0)
    question = add_numeric(quiz, coordinator, answer="13", tolerance="1")
    results = []
    for given in ["12", "14.0", "13,5", "15", ""]:
        attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
        attempt = quizzes.attempt_submit(
            attempt=attempt, user=mentee, answers={question.code: given} if given else {}
        )
        results.append(attempt.score)
    assert results == [1, 1, 1, 0, 0]
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    with pytest.raises(LearningError) as exc:
        quizzes.attempt_submit(attempt=attempt, user=mentee, answers={question.code: "lots"})
    assert exc.value.status == 422


def test_multiple_choice_needs_the_exact_set(program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, questions=0, max_attempts=0)
    question = quizzes.question_add(
        quiz=quiz,
        actor=coordinator,
        kind=Question.Kind.MULTIPLE,
        prompt="Which build safety?",
        choices=[("a", True), ("b", True), ("c", False)],
    )
    a, b, c = question.choices.all()
    scores = []
    for picked in ([a.code, b.code], [a.code], [a.code, b.code, c.code]):
        attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
        scores.append(
            quizzes.attempt_submit(
                attempt=attempt, user=mentee, answers={question.code: picked}
            ).score
        )
    assert scores == [1, 0, 0]


def test_question_validation(program, coordinator):
    quiz = make_quiz(program, coordinator, questions=0)
    with pytest.raises(LearningError):
        quizzes.question_add(
            quiz=quiz,
            actor=coordinator,
            kind="single",
            prompt="Two right?",
            choices=[("a", True), ("b", True)],
        )
    with pytest.raises(LearningError):
        quizzes.question_add(quiz=quiz, actor=coordinator, kind="numeric", prompt="How many?")
    assert not quiz.questions.exists()


def test_only_participants_take_quizzes(login, program, coordinator, reviewer):
    quiz = make_quiz(program, coordinator)
    with pytest.raises(LearningError) as exc:
        quizzes.attempt_start(quiz=quiz, user=coordinator)
    assert exc.value.status == 403
    assert login(reviewer).post(f"/learning/quizzes/{quiz.code}/start/").status_code == 403


def test_someone_else_cannot_submit_or_see_my_attempt(login, program, coordinator, mentee, mentor):
    quiz = make_quiz(program, coordinator)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    client = login(mentor)
    assert client.get(f"/learning/attempts/{attempt.code}/").status_code == 404
    response = client.post(
        f"/api/v1/learning/attempts/{attempt.code}/submit",
        json.dumps({"answers": {}}),
        content_type="application/json",
    )
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_outsider_gets_404_on_every_quiz_url(login, program, coordinator, mentee, outsider):
    quiz = make_quiz(program, coordinator)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    question = quiz.questions.first()
    client = login(outsider)
    for url in [
        f"/learning/quizzes/{quiz.code}/",
        f"/learning/quizzes/{quiz.code}/edit/",
        f"/learning/quizzes/{quiz.code}/results/",
        f"/learning/attempts/{attempt.code}/",
        f"/learning/programs/{program.code}/quizzes/new/",
        f"/api/v1/learning/quizzes/{quiz.code}",
        f"/api/v1/learning/quizzes/{quiz.code}/questions",
        f"/api/v1/learning/quizzes/{quiz.code}/results",
        f"/api/v1/learning/quizzes/{quiz.code}/attempts/mine",
        f"/api/v1/learning/attempts/{attempt.code}",
        f"/api/v1/learning/programs/{program.code}/quizzes",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/learning/quizzes/{quiz.code}/start/",
        f"/learning/attempts/{attempt.code}/submit/",
        f"/learning/quizzes/{quiz.code}/questions/{question.code}/delete/",
        f"/api/v1/learning/quizzes/{quiz.code}/attempts",
        f"/api/v1/learning/attempts/{attempt.code}/submit",
    ]:
        assert client.post(url, "{}", content_type="application/json").status_code == 404, url
    assert not Attempt.objects.filter(user=outsider).exists()
    attempt.refresh_from_db()
    assert attempt.is_open


def test_close_overdue_command(program, coordinator, mentee):
    from io import StringIO

    from django.core.management import call_command

    quiz = make_quiz(program, coordinator, time_limit_minutes=5)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    out = StringIO()
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        call_command("learning_close_overdue", "--dry-run", stdout=out)
        attempt.refresh_from_db()
        assert attempt.is_open
        call_command("learning_close_overdue", stdout=out)
    assert "Would close 1" in out.getvalue() and "Closed 1" in out.getvalue()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
