"""Item difficulty and discrimination, on the page and in the API."""

import pytest
from scipy import stats

from carementor.learning import quizzes
from carementor.learning.models import Question
from carementor.learning.results import item_statistics
from carementor.learning.tests.helpers import enroll, make_quiz
from carementor.lib.testing import add_member, make_user


@pytest.fixture
def people(program, hospital):
    users = []
    for n in range(5):
        user = make_user(f"p{n}@example.org", full_name=f"Person {n}")
        add_member(user, hospital)
        enroll(program, user, "mentee")
        users.append(user)
    return users


def _take(quiz, user, right: set[str]):
    attempt = quizzes.attempt_start(quiz=quiz, user=user)
    answers = {}
    for q in quizzes.drawn_questions(attempt):
        choice = next(c for c in q.choices.all() if c.is_correct == (q.prompt in right))
        answers[q.code] = [choice.code]
    return quizzes.attempt_submit(attempt=attempt, user=user, answers=answers)


# Who gets which of Q1..Q3 right: Q1 is easy, Q3 is hard.
PATTERN = [{"Q1", "Q2", "Q3"}, {"Q1", "Q2"}, {"Q1", "Q2"}, {"Q1"}, set()]


def test_item_difficulty_is_the_proportion_correct(program, coordinator, people):
    quiz = make_quiz(program, coordinator, questions=3)
    for user, right in zip(people, PATTERN, strict=True):
        _take(quiz, user, right)
    items = {s.question.prompt: s for s in item_statistics(quiz)}
    assert (items["Q1"].answered, items["Q1"].correct, items["Q1"].difficulty) == (5, 4, 0.8)
    assert items["Q2"].difficulty == pytest.approx(0.6)
    assert items["Q3"].difficulty == pytest.approx(0.2)
    # Discrimination: item-rest point-biserial correlation, checked against SciPy.
    q2 = [1 if "Q2" in r else 0 for r in PATTERN]
    rest = [(len(r) - ("Q2" in r)) / 2 for r in PATTERN]
    expected = stats.pointbiserialr(q2, rest).statistic
    assert items["Q2"].discrimination == pytest.approx(expected)
    assert items["Q2"].discrimination > 0


def test_no_answers_means_no_numbers(program, coordinator):
    quiz = make_quiz(program, coordinator, questions=1)
    (item,) = item_statistics(quiz)
    assert item.answered == 0 and item.difficulty is None and item.discrimination is None


def test_results_page_and_api(login, program, coordinator, people, mentee):
    quiz = make_quiz(program, coordinator, questions=3)
    for user, right in zip(people, PATTERN, strict=True):
        _take(quiz, user, right)
    client = login(coordinator)
    page = client.get(f"/learning/quizzes/{quiz.code}/results/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "0.80" in body and "0.60" in body and "0.20" in body
    assert "Person 0" in body
    data = client.get(f"/api/v1/learning/quizzes/{quiz.code}/results").json()
    assert [i["difficulty"] for i in data["items"]] == pytest.approx([0.8, 0.6, 0.2])
    assert data["count"] == 5
    # Participants may not see results.
    assert login(mentee).get(f"/learning/quizzes/{quiz.code}/results/").status_code == 403
    assert login(mentee).get(f"/api/v1/learning/quizzes/{quiz.code}/results").status_code == 403


def test_questions_in_use_cannot_be_removed(program, coordinator, people):
    quiz = make_quiz(program, coordinator, questions=2)
    _take(quiz, people[0], {"Q1"})
    question = quiz.questions.get(prompt="Q1")
    with pytest.raises(quizzes.LearningError):
        quizzes.question_delete(question=question, actor=coordinator)
    assert Question.objects.filter(pk=question.pk).exists()
