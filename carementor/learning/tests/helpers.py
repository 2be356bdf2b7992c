"""Explicit test-data helpers for learning."""

from decimal import Decimal
from typing import Any

from carementor.learning import quizzes
from carementor.learning.models import Question, Quiz
from carementor.programs.models import Enrollment, Program


def make_program(organization: Any, **extra: Any) -> Program:
    extra.setdefault("name", "Paediatric career mentoring")
    extra.setdefault("status", Program.Status.PUBLISHED)
    return Program.objects.create(organization=organization, **extra)


def enroll(program: Program, user: Any, role: str = "mentee") -> Enrollment:
    return Enrollment.objects.create(
        program=program,
        user=user,
        role=role,
        status=Enrollment.Status.APPROVED,
        capacity=2 if role != "mentee" else 0,
    )


def make_quiz(program: Program, actor: Any, *, questions: int = 3, **extra: Any) -> Quiz:
    """A quiz with `questions` single-choice questions ("Q1"…) whose correct choice is "right",
    plus whatever settings `extra` gives."""
    data: dict[str, Any] = {"title": "Mentoring essentials", "pass_mark": 60, "max_attempts": 3}
    data.update(extra)
    quiz = quizzes.quiz_create(program=program, actor=actor, data=data)
    for n in range(1, questions + 1):
        quizzes.question_add(
            quiz=quiz,
            actor=actor,
            kind=Question.Kind.SINGLE,
            prompt=f"Q{n}",
            choices=[("right", True), ("wrong", False), ("also wrong", False)],
        )
    return quiz


def add_numeric(quiz: Quiz, actor: Any, answer: str = "13", tolerance: str = "1") -> Question:
    return quizzes.question_add(
        quiz=quiz,
        actor=actor,
        kind=Question.Kind.NUMERIC,
        prompt="About how many meetings?",
        answer=Decimal(answer),
        tolerance=Decimal(tolerance),
    )


def answers_for(attempt: Any, *, correct: int) -> dict[str, Any]:
    """Answers to an attempt: the first `correct` drawn questions right, the rest wrong."""
    result: dict[str, Any] = {}
    for n, question in enumerate(quizzes.drawn_questions(attempt)):
        if question.kind == Question.Kind.NUMERIC:
            value = question.numeric_answer if n < correct else Decimal(-999)
            result[question.code] = str(value)
            continue
        want = n < correct
        choice = next(c for c in question.choices.all() if c.is_correct == want)
        result[question.code] = [choice.code]
    return result
