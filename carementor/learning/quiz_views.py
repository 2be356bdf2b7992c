"""Quiz pages: the quiz, taking an attempt, its result, and the coordinator's editor and results.

The attempt page renders questions and choice texts only: nothing marks a choice as correct
until the attempt is closed, and then only as much as the quiz's feedback setting allows.
"""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.learning import quizzes
from carementor.learning.forms import QuestionForm, QuizForm
from carementor.learning.models import Attempt, Question, Quiz, QuizProgress
from carementor.learning.permissions import (
    get_attempt_for,
    get_learning_program_for,
    get_quiz_for,
    participant_role,
)
from carementor.learning.results import item_statistics
from carementor.learning.services import LearningError
from carementor.lib.http import AuthedRequest
from carementor.programs.permissions import can_manage

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def quiz_create(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_learning_program_for(request.user, code, manage=True)
    form = QuizForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quiz = quizzes.quiz_create(program=program, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Quiz created. Add questions to its bank."))
        return redirect("learning:quiz_edit", quiz.code)
    return render(
        request,
        "learning/quiz_form.html",
        {"program": program, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def quiz_detail(request: AuthedRequest, code: str) -> HttpResponse:
    quiz = get_quiz_for(request.user, code)
    attempts = list(Attempt.objects.filter(quiz=quiz, user=request.user).order_by("-number"))
    progress = QuizProgress.objects.filter(quiz=quiz, user=request.user).first()
    used = progress.attempts_started if progress else 0
    open_attempt = next((a for a in attempts if a.is_open), None)
    return render(
        request,
        "learning/quiz.html",
        {
            "quiz": quiz,
            "program": quiz.program,
            "attempts": attempts,
            "progress": progress,
            "open_attempt": open_attempt,
            "attempts_left": max(quiz.max_attempts - used, 0) if quiz.max_attempts else None,
            "bank_size": quiz.questions.count(),
            "participant": participant_role(request.user, quiz.program) is not None,
            "manager": can_manage(request.user, quiz.program),
        },
    )


@login_required
@require_POST
def attempt_start(request: AuthedRequest, code: str) -> HttpResponse:
    quiz = get_quiz_for(request.user, code)
    try:
        attempt = quizzes.attempt_start(quiz=quiz, user=request.user, request=request)
    except LearningError as exc:
        messages.error(request, exc.message)
        return redirect("learning:quiz", quiz.code)
    return redirect("learning:attempt", attempt.code)


def review_rows(attempt: Attempt) -> list[dict[str, Any]]:
    """Each drawn question with the person's answer and (for closed attempts) the key."""
    answers = {a.question_id: a for a in attempt.answers.all()}
    rows = []
    for question in quizzes.drawn_questions(attempt):
        answer = answers.get(question.pk)
        rows.append(
            {
                "question": question,
                "choices": list(question.choices.all()),
                "chosen": set(answer.choice_ids) if answer else set(),
                "number": answer.numeric_value if answer else None,
                "is_correct": bool(answer and answer.is_correct),
            }
        )
    return rows


def _attempt_page(request: AuthedRequest, attempt: Attempt, *, status: int = 200) -> HttpResponse:
    quiz = attempt.quiz
    mine = attempt.user_id == request.user.pk
    manager = can_manage(request.user, quiz.program)
    feedback = Quiz.Feedback.ANSWERS if manager and not mine else quiz.feedback
    context: dict[str, Any] = {
        "attempt": attempt,
        "quiz": quiz,
        "program": quiz.program,
        "mine": mine,
        "feedback": feedback,
    }
    if attempt.is_open:
        # Questions and choice texts only: the key stays on the server until submission.
        context["questions"] = [
            {"question": q, "choices": list(q.choices.all())}
            for q in quizzes.drawn_questions(attempt)
        ]
        return render(request, "learning/attempt.html", context, status=status)
    if feedback == Quiz.Feedback.ANSWERS:
        context["rows"] = review_rows(attempt)
    return render(request, "learning/attempt_result.html", context, status=status)


@login_required
@never_cache
@require_GET
def attempt_detail(request: AuthedRequest, code: str) -> HttpResponse:
    attempt = get_attempt_for(request.user, code)
    if quizzes.is_overdue(attempt):
        attempt = quizzes.attempt_close_if_overdue(attempt=attempt)
    return _attempt_page(request, attempt)


def answers_from_post(request: AuthedRequest, attempt: Attempt) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in Question.objects.filter(pk__in=attempt.question_ids).only("code", "kind"):
        if question.kind == Question.Kind.NUMERIC:
            value = request.POST.get(question.code, "").strip()
            if value:
                answers[question.code] = value
        else:
            picked = [c for c in request.POST.getlist(question.code) if c]
            if picked:
                answers[question.code] = picked
    return answers


@login_required
@require_POST
def attempt_submit(request: AuthedRequest, code: str) -> HttpResponse:
    attempt = get_attempt_for(request.user, code)
    try:
        attempt = quizzes.attempt_submit(
            attempt=attempt,
            user=request.user,
            answers=answers_from_post(request, attempt),
            request=request,
        )
    except LearningError as exc:
        messages.error(request, exc.message)
        attempt.refresh_from_db()
        return _attempt_page(request, attempt, status=exc.status)
    return redirect("learning:attempt", attempt.code)


# --- The coordinator's side ---------------------------------------------------------------


def _quiz_editor(
    request: AuthedRequest,
    quiz: Quiz,
    *,
    form: QuizForm | None = None,
    question_form: QuestionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "learning/quiz_edit.html",
        {
            "quiz": quiz,
            "program": quiz.program,
            "form": form or QuizForm(instance=quiz),
            "question_form": question_form or QuestionForm(),
            "questions": quiz.questions.prefetch_related("choices"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request: AuthedRequest, code: str) -> HttpResponse:
    quiz = get_quiz_for(request.user, code, manage=True)
    if request.method == "GET":
        return _quiz_editor(request, quiz)
    form = QuizForm(request.POST, instance=Quiz.objects.get(pk=quiz.pk))
    if not form.is_valid():
        return _quiz_editor(request, quiz, form=form, status=400)
    quizzes.quiz_update(quiz=quiz, actor=request.user, data=form.cleaned_data)
    messages.success(request, _("Quiz saved."))
    return redirect("learning:quiz_edit", quiz.code)


@login_required
@require_POST
def question_add(request: AuthedRequest, code: str) -> HttpResponse:
    quiz = get_quiz_for(request.user, code, manage=True)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _quiz_editor(request, quiz, question_form=form, status=400)
    data = form.cleaned_data
    try:
        quizzes.question_add(
            quiz=quiz,
            actor=request.user,
            kind=data["kind"],
            prompt=data["prompt"],
            choices=form.parsed_choices(),
            answer=data.get("answer"),
            tolerance=data.get("tolerance") or Decimal(0),
            explanation=data.get("explanation", ""),
        )
    except LearningError as exc:
        form.add_error(None, exc.message)
        return _quiz_editor(request, quiz, question_form=form, status=exc.status)
    messages.success(request, _("Question added to the bank."))
    return redirect("learning:quiz_edit", quiz.code)


@login_required
@require_POST
def question_delete(request: AuthedRequest, code: str, question_code: str) -> HttpResponse:
    quiz = get_quiz_for(request.user, code, manage=True)
    question = quiz.questions.filter(code=question_code).first()
    if question is None:
        raise Http404
    try:
        quizzes.question_delete(question=question, actor=request.user)
    except LearningError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question removed."))
    return redirect("learning:quiz_edit", quiz.code)


@login_required
@require_GET
def quiz_results(request: AuthedRequest, code: str) -> HttpResponse:
    quiz = get_quiz_for(request.user, code, manage=True)
    people = Paginator(
        QuizProgress.objects.filter(quiz=quiz)
        .select_related("user")
        .order_by("user__full_name", "user_id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/quiz_results.html",
        {
            "quiz": quiz,
            "program": quiz.program,
            "items": item_statistics(quiz),
            "page": people,
        },
    )
