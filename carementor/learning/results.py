"""Quiz results per question: item difficulty and discrimination (read-only).

Difficulty is the classical p-value: the proportion of submitted answers to the question that
were correct (higher means easier). Discrimination is the point-biserial correlation between
answering the item correctly and the attempt's score on the *other* drawn questions (the
"corrected" item-rest correlation), so an item does not correlate with itself. Because each
attempt draws its own questions, the rest score is a proportion of the other drawn items.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass

from carementor.learning.models import Answer, Attempt, Question, Quiz


@dataclass(frozen=True)
class ItemStat:
    question: Question
    answered: int  # submitted attempts that drew the question
    correct: int
    difficulty: float | None  # proportion correct, None before anyone answered
    discrimination: float | None  # None when it cannot be computed (too few, no variance)


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3:
        return None
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:  # one of the two is constant
        return None


def item_statistics(quiz: Quiz) -> list[ItemStat]:
    """One row per question of the bank, in bank order. Two queries."""
    rows = Answer.objects.filter(
        attempt__quiz=quiz, attempt__status=Attempt.Status.SUBMITTED
    ).values_list("question_id", "is_correct", "attempt__score", "attempt__max_score")
    by_question: dict[int, list[tuple[bool, int, int]]] = defaultdict(list)
    for question_id, is_correct, score, max_score in rows:
        by_question[question_id].append((is_correct, score, max_score))
    stats = []
    for question in quiz.questions.order_by("position", "id"):
        answers = by_question.get(question.pk, [])
        correct = sum(1 for ok, _s, _m in answers if ok)
        items: list[float] = []
        rests: list[float] = []
        for ok, score, max_score in answers:
            if max_score > 1:
                items.append(1.0 if ok else 0.0)
                rests.append((score - int(ok)) / (max_score - 1))
        stats.append(
            ItemStat(
                question=question,
                answered=len(answers),
                correct=correct,
                difficulty=correct / len(answers) if answers else None,
                discrimination=_correlation(items, rests),
            )
        )
    return stats
