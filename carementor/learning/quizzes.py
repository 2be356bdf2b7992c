"""Every change to quizzes, their question banks and attempts.

Integrity rules, all enforced here and in the database rather than in pages:
- an attempt draws its questions once, when it starts, and keeps them (Attempt.question_ids);
- starting locks the person's QuizProgress row, so the attempt limit holds under concurrent
  starts; (quiz, user, number) is unique and only one attempt may be open at a time;
- submitting locks the attempt: a submitted or expired attempt never changes (409);
- the deadline is the server's: a submission later than deadline + GRACE is refused and the
  attempt is closed as expired.
"""

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.learning.library import LibraryEntry
from carementor.learning.models import Answer, Attempt, Choice, Question, Quiz, QuizProgress
from carementor.learning.permissions import participant_role
from carementor.learning.services import LearningError, announce_progress
from carementor.notifications.services import notify
from carementor.programs.models import Program

if TYPE_CHECKING:
    from carementor.accounts.models import User

# Network latency and a slow phone should not cost anyone an attempt.
GRACE = timedelta(seconds=30)
QUIZ_FIELDS = (
    "title",
    "instructions",
    "audience",
    "required",
    "draw_count",
    "time_limit_minutes",
    "max_attempts",
    "pass_mark",
    "feedback",
    "is_open",
)
_SYSTEM_RANDOM = random.SystemRandom()


# --- Quizzes and questions ----------------------------------------------------------------


@transaction.atomic
def quiz_create(*, program: Program, actor: "User", data: dict[str, Any]) -> Quiz:
    quiz = Quiz.objects.create(
        program=program, created_by=actor, **{f: data[f] for f in QUIZ_FIELDS if f in data}
    )
    record(
        actor,
        "learning.quiz_created",
        quiz,
        organization=program.organization,
        detail={"title": quiz.title},
    )
    return quiz


@transaction.atomic
def quiz_update(*, quiz: Quiz, actor: "User", data: dict[str, Any]) -> Quiz:
    # Changing rules mid-way applies to attempts started afterwards; started ones keep their
    # drawn questions and deadline.
    quiz = Quiz.objects.select_for_update().select_related("program__organization").get(pk=quiz.pk)
    changed = [f for f in QUIZ_FIELDS if f in data and getattr(quiz, f) != data[f]]
    for field in changed:
        setattr(quiz, field, data[field])
    if changed:
        quiz.save(update_fields=changed)
        record(
            actor,
            "learning.quiz_updated",
            quiz,
            organization=quiz.program.organization,
            detail={"fields": changed},
        )
    return quiz


def _check_question(
    kind: str, prompt: str, choices: Sequence[tuple[str, bool]], answer: Decimal | None
) -> None:
    if not prompt.strip():
        raise LearningError(_("Write the question."), status=422, code="invalid_question")
    if kind == Question.Kind.NUMERIC:
        if answer is None:
            raise LearningError(_("Give the correct number."), status=422, code="invalid_question")
        return
    if kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        raise LearningError(_("Unknown kind of question."), status=422, code="invalid_question")
    correct = sum(1 for _text, is_correct in choices if is_correct)
    if len(choices) < 2 or any(not text.strip() for text, _c in choices):
        raise LearningError(
            _("Give at least two choices, none of them empty."),
            status=422,
            code="invalid_question",
        )
    if correct == 0 or (kind == Question.Kind.SINGLE and correct != 1):
        raise LearningError(
            _("Mark exactly one correct choice.")
            if kind == Question.Kind.SINGLE
            else _("Mark at least one correct choice."),
            status=422,
            code="invalid_question",
        )


def _create_question(
    quiz: Quiz,
    *,
    kind: str,
    prompt: str,
    choices: Sequence[tuple[str, bool]],
    answer: Decimal | None,
    tolerance: Decimal,
    explanation: str,
    position: int,
) -> Question:
    question = Question.objects.create(
        quiz=quiz,
        kind=kind,
        prompt=prompt.strip(),
        numeric_answer=answer if kind == Question.Kind.NUMERIC else None,
        tolerance=abs(tolerance) if kind == Question.Kind.NUMERIC else Decimal(0),
        explanation=explanation.strip(),
        position=position,
    )
    if kind != Question.Kind.NUMERIC:
        Choice.objects.bulk_create(
            [
                Choice(question=question, text=text.strip(), is_correct=is_correct, position=n)
                for n, (text, is_correct) in enumerate(choices, start=1)
            ]
        )
    return question


@transaction.atomic
def question_add(
    *,
    quiz: Quiz,
    actor: "User",
    kind: str,
    prompt: str,
    choices: Sequence[tuple[str, bool]] = (),
    answer: Decimal | None = None,
    tolerance: Decimal = Decimal(0),
    explanation: str = "",
) -> Question:
    _check_question(kind, prompt, choices, answer)
    quiz = Quiz.objects.select_for_update().select_related("program__organization").get(pk=quiz.pk)
    top = quiz.questions.aggregate(top=Max("position"))["top"] or 0
    question = _create_question(
        quiz,
        kind=kind,
        prompt=prompt,
        choices=choices,
        answer=answer,
        tolerance=tolerance,
        explanation=explanation,
        position=top + 1,
    )
    record(
        actor,
        "learning.question_added",
        question,
        organization=quiz.program.organization,
        detail={"quiz": quiz.code, "kind": kind},
    )
    return question


@transaction.atomic
def question_delete(*, question: Question, actor: "User") -> None:
    quiz = (
        Quiz.objects.select_for_update()
        .select_related("program__organization")
        .get(pk=question.quiz_id)
    )
    # Results and open attempts point at the question: keep it while anyone depends on it.
    if question.answers.exists() or quiz.attempts.in_progress().exists():
        raise LearningError(
            _("People have answered or are answering this question; it can no longer be removed."),
            code="in_use",
        )
    record(
        actor,
        "learning.question_deleted",
        question,
        organization=quiz.program.organization,
        detail={"quiz": quiz.code},
    )
    question.delete()


def quiz_from_library(*, program: Program, actor: "User | None", entry: LibraryEntry) -> Quiz:
    """Called by services.library_add inside its transaction."""
    data = entry.data
    quiz = Quiz.objects.create(
        program=program,
        created_by=actor,
        library_slug=entry.slug,
        **{f: data[f] for f in QUIZ_FIELDS if f in data},
    )
    for position, row in enumerate(data["questions"], start=1):
        _create_question(
            quiz,
            kind=row["kind"],
            prompt=row["prompt"],
            choices=[(text, bool(ok)) for text, ok in row.get("choices", [])],
            answer=Decimal(row["answer"]) if "answer" in row else None,
            tolerance=Decimal(row.get("tolerance", "0")),
            explanation=row.get("explanation", ""),
            position=position,
        )
    return quiz


# --- Attempts -----------------------------------------------------------------------------


def _expire(attempt: Attempt, *, request: Any = None) -> None:
    """Close an open attempt whose time ran out. The caller holds the lock."""
    attempt.status = Attempt.Status.EXPIRED
    attempt.score = 0
    attempt.percent = 0
    attempt.passed = False
    attempt.max_score = len(attempt.question_ids)
    attempt.save(update_fields=["status", "score", "percent", "passed", "max_score"])
    record(
        attempt.user,
        "learning.attempt_expired",
        attempt,
        organization=attempt.quiz.program.organization,
        request=request,
        detail={"quiz": attempt.quiz.code, "number": attempt.number},
    )


def is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        attempt.status == Attempt.Status.IN_PROGRESS
        and attempt.deadline is not None
        and now > attempt.deadline + GRACE
    )


@transaction.atomic
def attempt_close_if_overdue(*, attempt: Attempt) -> Attempt:
    attempt = Attempt.objects.select_for_update().select_related("quiz__program").get(pk=attempt.pk)
    if is_overdue(attempt):
        _expire(attempt)
    return attempt


def attempts_expire_overdue() -> int:
    """Close every attempt past its deadline (run periodically; safe to run twice)."""
    closed = 0
    now = timezone.now()
    candidates = Attempt.objects.in_progress().filter(deadline__lt=now - GRACE)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update()
                .select_related("quiz__program__organization", "user")
                .get(pk=pk)
            )
            if is_overdue(attempt, now):
                _expire(attempt)
                closed += 1
    return closed


@transaction.atomic
def attempt_start(*, quiz: Quiz, user: "User", request: Any = None) -> Attempt:
    """Start an attempt, or return the one already open. Draws the questions now."""
    quiz = Quiz.objects.select_related("program__organization").get(pk=quiz.pk)
    if participant_role(user, quiz.program) is None:
        raise LearningError(
            _("Only people taking part in the programme can take its quizzes."),
            status=403,
            code="not_participant",
        )
    QuizProgress.objects.get_or_create(quiz=quiz, user=user)
    # The lock every start takes: attempt numbers and the limit are decided under it.
    progress = QuizProgress.objects.select_for_update().get(quiz=quiz, user=user)
    open_attempt = Attempt.objects.in_progress().filter(quiz=quiz, user=user).first()
    if open_attempt is not None:
        if not is_overdue(open_attempt):
            return open_attempt
        _expire(open_attempt, request=request)
    if not quiz.is_open:
        raise LearningError(_("This quiz is closed for now."), code="closed")
    if quiz.max_attempts and progress.attempts_started >= quiz.max_attempts:
        raise LearningError(
            _("You have used all %(n)s attempts at this quiz.") % {"n": quiz.max_attempts},
            code="attempts_used",
        )
    bank = list(quiz.questions.order_by("position", "id").values_list("pk", flat=True))
    if not bank:
        raise LearningError(_("This quiz has no questions yet."), code="empty")
    if quiz.draw_count and quiz.draw_count < len(bank):
        drawn = _SYSTEM_RANDOM.sample(bank, quiz.draw_count)
    else:
        drawn = bank
    now = timezone.now()
    progress.attempts_started += 1
    progress.save(update_fields=["attempts_started"])
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=progress.attempts_started,
        question_ids=drawn,
        started_at=now,
        deadline=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
        max_score=len(drawn),
    )
    record(
        user,
        "learning.attempt_started",
        attempt,
        organization=quiz.program.organization,
        request=request,
        detail={"quiz": quiz.code, "number": attempt.number},
    )
    return attempt


def drawn_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions, with their choices, in the order drawn."""
    by_id = {
        q.pk: q
        for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
    }
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


def _parse_answer(question: Question, given: Any) -> tuple[list[int], Decimal | None, bool]:
    """(choice ids, number, correct) for one answer; raises LearningError on bad input."""
    if question.kind == Question.Kind.NUMERIC:
        text = str(given[0] if isinstance(given, list) and given else given or "").strip()
        if not text:
            return [], None, False
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or abs(value) >= Decimal("1e8"):
            raise LearningError(
                _("“%(value)s” is not a number.") % {"value": text[:40]},
                status=422,
                code="invalid_answer",
            )
        assert question.numeric_answer is not None
        return [], value, abs(value - question.numeric_answer) <= question.tolerance
    codes = [given] if isinstance(given, str) else list(given or [])
    choices = {c.code: c for c in question.choices.all()}
    if any(not isinstance(code, str) or code not in choices for code in codes):
        raise LearningError(
            _("An answer names a choice that is not part of its question."),
            status=422,
            code="invalid_answer",
        )
    if question.kind == Question.Kind.SINGLE and len(set(codes)) > 1:
        raise LearningError(
            _("Choose only one answer to a single-choice question."),
            status=422,
            code="invalid_answer",
        )
    picked = {choices[code].pk for code in codes}
    correct = {c.pk for c in choices.values() if c.is_correct}
    return sorted(picked), None, bool(picked) and picked == correct


def attempt_submit(
    *,
    attempt: Attempt,
    user: "User",
    answers: Mapping[str, Any],
    request: Any = None,
) -> Attempt:
    """Score and close an attempt. `answers` maps question codes to a list of choice codes
    (or one code) or, for numeric questions, the number as text. Unanswered questions score 0.
    """
    late = False
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update()
            .select_related("quiz__program__organization", "user")
            .get(pk=attempt.pk)
        )
        if attempt.user_id != user.pk:
            raise LearningError(
                _("Only the person taking an attempt can submit it."),
                status=403,
                code="forbidden",
            )
        if attempt.status != Attempt.Status.IN_PROGRESS:
            raise LearningError(
                _("This attempt was already submitted or closed; it cannot be changed."),
                code="already_submitted",
            )
        if is_overdue(attempt):
            _expire(attempt, request=request)
            late = True
        else:
            _score(attempt, answers, request=request)
    if late:
        raise LearningError(
            _("Time ran out before this attempt was submitted, so it was closed unscored."),
            code="late",
        )
    return attempt


def _score(attempt: Attempt, answers: Mapping[str, Any], *, request: Any) -> None:
    questions = drawn_questions(attempt)
    by_code = {q.code: q for q in questions}
    unknown = set(answers) - set(by_code)
    if unknown:
        raise LearningError(
            _("Some answers are for questions that are not part of this attempt."),
            status=422,
            code="invalid_answer",
        )
    rows = []
    score = 0
    for question in questions:
        choice_ids, number, correct = _parse_answer(question, answers.get(question.code))
        score += int(correct)
        rows.append(
            Answer(
                attempt=attempt,
                question=question,
                choice_ids=choice_ids,
                numeric_value=number,
                is_correct=correct,
            )
        )
    Answer.objects.bulk_create(rows)
    quiz = attempt.quiz
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.score = score
    attempt.max_score = len(questions)
    attempt.percent = round(100 * score / len(questions)) if questions else 0
    attempt.passed = attempt.percent >= quiz.pass_mark
    attempt.save(
        update_fields=["status", "submitted_at", "score", "max_score", "percent", "passed"]
    )
    progress = QuizProgress.objects.select_for_update().get(quiz=quiz, user=attempt.user)
    first_pass = attempt.passed and progress.passed_at is None
    progress.best_percent = max(progress.best_percent or 0, attempt.percent)
    if first_pass:
        progress.passed_at = attempt.submitted_at
    progress.save(update_fields=["best_percent", "passed_at"])
    record(
        attempt.user,
        "learning.attempt_submitted",
        attempt,
        organization=quiz.program.organization,
        request=request,
        detail={
            "quiz": quiz.code,
            "number": attempt.number,
            "percent": attempt.percent,
            "passed": attempt.passed,
        },
    )
    notify(
        [attempt.user],
        "learning_quiz_result",
        target=attempt,
        context={
            "quiz": quiz.title,
            "outcome": "received"
            if quiz.feedback == Quiz.Feedback.NONE
            else ("passed" if attempt.passed else "not_passed"),
            "url": reverse("learning:attempt", args=[attempt.code]),
        },
        organization=quiz.program.organization,
    )
    if first_pass:
        announce_progress(user=attempt.user, program=quiz.program)
