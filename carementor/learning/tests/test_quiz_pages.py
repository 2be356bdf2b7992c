"""The coordinator's quiz editor and a participant's quiz and attempt pages."""

from carementor.learning import quizzes
from carementor.learning.models import Attempt, Question, Quiz
from carementor.learning.tests.helpers import make_quiz


def test_coordinator_creates_a_quiz_and_fills_its_bank(login, program, coordinator):
    client = login(coordinator)
    assert client.get(f"/learning/programs/{program.code}/quizzes/new/").status_code == 200
    response = client.post(
        f"/learning/programs/{program.code}/quizzes/new/",
        {
            "title": "Handover safety",
            "audience": "everyone",
            "draw_count": 2,
            "time_limit_minutes": 10,
            "max_attempts": 2,
            "pass_mark": 150,
            "feedback": "score",
        },
    )
    assert response.status_code == 400 and not Quiz.objects.exists()
    response = client.post(
        f"/learning/programs/{program.code}/quizzes/new/",
        {
            "title": "Handover safety",
            "audience": "everyone",
            "draw_count": 2,
            "time_limit_minutes": 10,
            "max_attempts": 2,
            "pass_mark": 80,
            "feedback": "score",
            "is_open": "on",
        },
    )
    quiz = Quiz.objects.get()
    assert response.status_code == 302
    url = f"/learning/quizzes/{quiz.code}/questions/"
    response = client.post(
        url, {"kind": "single", "prompt": "Who leads?", "choices": "* The mentee\nThe mentor"}
    )
    assert response.status_code == 302
    response = client.post(url, {"kind": "single", "prompt": "No key", "choices": "a\nb"})
    assert response.status_code == 422
    response = client.post(
        url, {"kind": "numeric", "prompt": "How many?", "answer": "9", "tolerance": "0"}
    )
    assert response.status_code == 302
    assert list(quiz.questions.values_list("kind", flat=True)) == ["single", "numeric"]
    page = client.get(f"/learning/quizzes/{quiz.code}/edit/")
    assert page.status_code == 200 and "The mentee" in page.content.decode()
    question = quiz.questions.get(kind="numeric")
    response = client.post(f"/learning/quizzes/{quiz.code}/questions/{question.code}/delete/")
    assert response.status_code == 302 and not Question.objects.filter(pk=question.pk).exists()


def test_participant_takes_a_quiz_through_the_pages(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, questions=2, feedback="answers", time_limit_minutes=5)
    client = login(mentee)
    page = client.get(f"/learning/quizzes/{quiz.code}/")
    assert "Start the quiz" in page.content.decode()
    client.post(f"/learning/quizzes/{quiz.code}/start/")
    attempt = Attempt.objects.get()
    page = client.get(f"/learning/attempts/{attempt.code}/").content.decode()
    assert "Submit by" in page and "correct</span>" not in page
    first, second = quizzes.drawn_questions(attempt)
    right = first.choices.get(is_correct=True)
    wrong = second.choices.filter(is_correct=False).first()
    response = client.post(
        f"/learning/attempts/{attempt.code}/submit/",
        {first.code: right.code, second.code: wrong.code},
    )
    assert response.status_code == 302
    page = client.get(f"/learning/attempts/{attempt.code}/").content.decode()
    assert "1 of 2 correct (50%)." in page and "Not passed" in page
    assert "correct</span>" in page  # feedback "answers": the key after submission


def test_manager_sees_a_participants_attempt_with_answers(login, program, coordinator, mentee):
    quiz = make_quiz(program, coordinator, feedback="none")
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    quizzes.attempt_submit(attempt=attempt, user=mentee, answers={})
    page = login(coordinator).get(f"/learning/attempts/{attempt.code}/")
    assert page.status_code == 200 and "0 of 3 correct" in page.content.decode()


def test_deadline_is_shown_in_the_persons_timezone(login, program, coordinator, mentee):
    import datetime

    import time_machine

    quiz = make_quiz(program, coordinator, time_limit_minutes=15)
    with time_machine.travel(datetime.datetime(2030, 1, 15, 8, 0, tzinfo=datetime.UTC)):
        attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
        page = login(mentee).get(f"/learning/attempts/{attempt.code}/").content.decode()
    assert "Submit by 13:45 (your time)" in page  # 08:15 UTC in Asia/Kolkata
