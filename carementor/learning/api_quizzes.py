"""Quiz API: quizzes and their banks, attempts (start, submit), my attempts, and results.

An open attempt is answered with its drawn questions and choice texts only; the key appears
after submission, and only if the quiz shows correct answers (or to the programme's managers).
"""

from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from carementor.accounts.models import User
from carementor.learning import quizzes
from carementor.learning.models import Attempt, Question, Quiz, QuizProgress
from carementor.learning.permissions import (
    get_attempt_for,
    get_learning_program_for,
    get_quiz_for,
)
from carementor.learning.results import item_statistics
from carementor.learning.schemas import (
    AttemptOut,
    AttemptSummaryOut,
    PageParams,
    QuestionIn,
    QuestionManageOut,
    QuizIn,
    QuizOut,
    QuizPageOut,
    QuizUpdateIn,
    ResultsOut,
    SubmitIn,
)
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS
from carementor.programs.permissions import can_manage

router = Router(tags=["learning"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def quiz_out(quiz: Quiz, progress: QuizProgress | None, bank_size: int) -> dict[str, Any]:
    return {
        "code": quiz.code,
        "program": quiz.program.code,
        "title": quiz.title,
        "instructions": quiz.instructions,
        "audience": quiz.audience,
        "required": quiz.required,
        "draw_count": quiz.draw_count,
        "bank_size": bank_size,
        "time_limit_minutes": quiz.time_limit_minutes,
        "max_attempts": quiz.max_attempts,
        "pass_mark": quiz.pass_mark,
        "feedback": quiz.feedback,
        "is_open": quiz.is_open,
        "attempts_used": progress.attempts_started if progress else 0,
        "passed": bool(progress and progress.passed_at),
    }


def _one_quiz(quiz: Quiz, user: User) -> dict[str, Any]:
    progress = QuizProgress.objects.filter(quiz=quiz, user=user).first()
    return quiz_out(quiz, progress, quiz.questions.count())


def question_manage_out(question: Question) -> dict[str, Any]:
    return {
        "code": question.code,
        "kind": question.kind,
        "prompt": question.prompt,
        "choices": [
            {"code": c.code, "text": c.text, "is_correct": c.is_correct}
            for c in question.choices.all()
        ],
        "answer": question.numeric_answer,
        "tolerance": question.tolerance,
        "explanation": question.explanation,
    }


def attempt_out(attempt: Attempt, viewer: User) -> dict[str, Any]:
    quiz = attempt.quiz
    questions = quizzes.drawn_questions(attempt)
    shown = [
        {
            "code": q.code,
            "kind": q.kind,
            "prompt": q.prompt,
            "choices": [{"code": c.code, "text": c.text} for c in q.choices.all()],
        }
        for q in questions
    ]
    out: dict[str, Any] = {
        "code": attempt.code,
        "quiz": quiz.code,
        "user": attempt.user.code,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "questions": shown,
        "score": None,
        "max_score": None,
        "percent": None,
        "passed": None,
        "review": None,
    }
    if attempt.is_open:
        return out
    manager = attempt.user_id != viewer.pk and can_manage(viewer, quiz.program)
    feedback = Quiz.Feedback.ANSWERS if manager else quiz.feedback
    if feedback == Quiz.Feedback.NONE:
        return out
    out.update(
        score=attempt.score,
        max_score=attempt.max_score,
        percent=attempt.percent,
        passed=attempt.passed,
    )
    if feedback == Quiz.Feedback.ANSWERS:
        answers = {a.question_id: a for a in attempt.answers.all()}
        review = []
        for q in questions:
            answer = answers.get(q.pk)
            chosen = set(answer.choice_ids) if answer else set()
            numeric = q.kind == Question.Kind.NUMERIC
            review.append(
                {
                    "question": q.code,
                    "correct": bool(answer and answer.is_correct),
                    "your_choices": [c.code for c in q.choices.all() if c.pk in chosen],
                    "your_number": answer.numeric_value if answer else None,
                    "correct_choices": [c.code for c in q.choices.all() if c.is_correct],
                    "correct_number": q.numeric_answer if numeric else None,
                    "tolerance": q.tolerance if numeric else None,
                    "explanation": q.explanation,
                }
            )
        out["review"] = review
    return out


def summary_out(attempt: Attempt) -> dict[str, Any]:
    scored = attempt.status != Attempt.Status.IN_PROGRESS and (
        attempt.quiz.feedback != Quiz.Feedback.NONE
    )
    return {
        "code": attempt.code,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "percent": attempt.percent if scored else None,
        "passed": attempt.passed if scored else None,
    }


@router.get("/programs/{code}/quizzes", response={200: QuizPageOut, **READ_ERRORS})
def list_quizzes(request: HttpRequest, code: str, params: Query[PageParams]) -> dict[str, Any]:
    program = get_learning_program_for(_user(request), code)
    qs = (
        Quiz.objects.filter(program=program)
        .select_related("program")
        .annotate(bank=Count("questions"))
        .order_by("created_at", "id")
    )
    items = list(qs[params.offset : params.offset + params.limit])
    progress = {
        p.quiz_id: p for p in QuizProgress.objects.filter(user=_user(request), quiz__in=items)
    }
    return {
        "count": qs.count(),
        "items": [quiz_out(q, progress.get(q.pk), q.bank) for q in items],  # type: ignore[attr-defined]
    }


@router.post("/programs/{code}/quizzes", response={201: QuizOut, **WRITE_ERRORS})
def create_quiz(request: HttpRequest, code: str, payload: QuizIn) -> Status:
    program = get_learning_program_for(_user(request), code, manage=True)
    quiz = quizzes.quiz_create(program=program, actor=_user(request), data=payload.dict())
    return Status(201, quiz_out(quiz, None, 0))


@router.get("/quizzes/{code}", response={200: QuizOut, **READ_ERRORS})
def get_quiz(request: HttpRequest, code: str) -> dict[str, Any]:
    quiz = get_quiz_for(_user(request), code)
    return _one_quiz(quiz, _user(request))


@router.patch("/quizzes/{code}", response={200: QuizOut, **WRITE_ERRORS})
def update_quiz(request: HttpRequest, code: str, payload: QuizUpdateIn) -> dict[str, Any]:
    quiz = get_quiz_for(_user(request), code, manage=True)
    quiz = quizzes.quiz_update(
        quiz=quiz, actor=_user(request), data=payload.dict(exclude_none=True)
    )
    return _one_quiz(quiz, _user(request))


@router.get("/quizzes/{code}/questions", response={200: list[QuestionManageOut], **READ_ERRORS})
def list_questions(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The whole bank with its key: managers only."""
    quiz = get_quiz_for(_user(request), code, manage=True)
    return [question_manage_out(q) for q in quiz.questions.prefetch_related("choices")]


@router.post("/quizzes/{code}/questions", response={201: QuestionManageOut, **WRITE_ERRORS})
def add_question(request: HttpRequest, code: str, payload: QuestionIn) -> Status:
    quiz = get_quiz_for(_user(request), code, manage=True)
    question = quizzes.question_add(
        quiz=quiz,
        actor=_user(request),
        kind=payload.kind,
        prompt=payload.prompt,
        choices=[(c.text, c.correct) for c in payload.choices],
        answer=payload.answer,
        tolerance=payload.tolerance,
        explanation=payload.explanation,
    )
    return Status(201, question_manage_out(question))


@router.delete("/quizzes/{code}/questions/{question_code}", response={204: None, **WRITE_ERRORS})
def delete_question(request: HttpRequest, code: str, question_code: str) -> Status:
    quiz = get_quiz_for(_user(request), code, manage=True)
    question = quiz.questions.filter(code=question_code).first()
    if question is None:
        raise Http404
    quizzes.question_delete(question=question, actor=_user(request))
    return Status(204, None)


@router.post("/quizzes/{code}/attempts", response={201: AttemptOut, **WRITE_ERRORS})
def start_attempt(request: HttpRequest, code: str) -> Status:
    """Start an attempt (or get the open one back): its drawn questions, without answers."""
    quiz = get_quiz_for(_user(request), code)
    attempt = quizzes.attempt_start(quiz=quiz, user=_user(request), request=request)
    attempt = Attempt.objects.select_related("quiz__program", "user").get(pk=attempt.pk)
    return Status(201, attempt_out(attempt, _user(request)))


@router.get("/quizzes/{code}/attempts/mine", response={200: list[AttemptSummaryOut], **READ_ERRORS})
def my_attempts(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    quiz = get_quiz_for(_user(request), code)
    attempts = Attempt.objects.filter(quiz=quiz, user=_user(request)).select_related("quiz")
    return [summary_out(a) for a in attempts.order_by("-number")]


@router.get("/attempts/{code}", response={200: AttemptOut, **READ_ERRORS})
def get_attempt(request: HttpRequest, code: str) -> dict[str, Any]:
    attempt = get_attempt_for(_user(request), code)
    if quizzes.is_overdue(attempt):
        quizzes.attempt_close_if_overdue(attempt=attempt)
        attempt.refresh_from_db()
    return attempt_out(attempt, _user(request))


@router.post("/attempts/{code}/submit", response={200: AttemptOut, **WRITE_ERRORS})
def submit_attempt(request: HttpRequest, code: str, payload: SubmitIn) -> dict[str, Any]:
    """Submit answers once: question code → list of choice codes, or the number as text.
    409 if already submitted or if time ran out (the attempt is then closed)."""
    attempt = get_attempt_for(_user(request), code)
    attempt = quizzes.attempt_submit(
        attempt=attempt, user=_user(request), answers=payload.answers, request=request
    )
    return attempt_out(attempt, _user(request))


@router.get("/quizzes/{code}/results", response={200: ResultsOut, **READ_ERRORS})
def quiz_results(request: HttpRequest, code: str, params: Query[PageParams]) -> dict[str, Any]:
    """Per question (difficulty, discrimination) and per person (paged): managers only."""
    quiz = get_quiz_for(_user(request), code, manage=True)
    people = QuizProgress.objects.filter(quiz=quiz).select_related("user").order_by("user_id")
    return {
        "items": [
            {
                "question": s.question.code,
                "prompt": s.question.prompt,
                "answered": s.answered,
                "correct": s.correct,
                "difficulty": s.difficulty,
                "discrimination": s.discrimination,
            }
            for s in item_statistics(quiz)
        ],
        "count": people.count(),
        "people": [
            {
                "user": p.user.code,
                "full_name": p.user.full_name,
                "attempts": p.attempts_started,
                "best_percent": p.best_percent,
                "passed_at": p.passed_at,
            }
            for p in people[params.offset : params.offset + params.limit]
        ],
    }
