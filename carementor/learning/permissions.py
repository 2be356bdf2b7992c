"""Access gates for learning modules, quizzes and attempts, shared by pages and API.

Who may do what:
- managers (coordinators and admins of the programme's organization, see
  carementor.programs.permissions.can_manage) create, edit and reorder modules and quizzes and
  see everyone's results;
- participants (an approved enrolment) open modules, mark them done, and take quizzes;
- a member who can see the programme but is not taking part gets 403;
- anyone else gets 404, whether or not the object exists.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from carementor.learning.models import Attempt, Module, Quiz
from carementor.programs.models import Enrollment, Program
from carementor.programs.permissions import (
    can_manage,
    managed_organization_ids,
    programs_visible_to,
)

if TYPE_CHECKING:
    from carementor.accounts.models import User


def participant_role(user: "User", program: Program) -> str | None:
    """The role of a person's approved enrolment ("mentor", "mentee", "both"), or None."""
    return (
        Enrollment.objects.approved()
        .filter(program=program, user=user)
        .values_list("role", flat=True)
        .first()
    )


def learning_programs_for(user: "User") -> "QuerySet[Program]":
    """Programmes whose learning a person may open: approved enrolments and managed ones."""
    enrolled = Enrollment.objects.approved().filter(user=user).values("program_id")
    return (
        programs_visible_to(user)
        .filter(Q(pk__in=enrolled) | Q(organization_id__in=managed_organization_ids(user)))
        .select_related("organization")
        .annotate(module_count=Count("learning_modules", distinct=True))
        .annotate(quiz_count=Count("quizzes", distinct=True))
        .order_by("-created_at")
    )


def _visible(user: "User", program_id: int) -> bool:
    return programs_visible_to(user).filter(pk=program_id).exists()


def _check(user: "User", program: Program, *, manage: bool) -> None:
    if not getattr(user, "is_authenticated", False) or not _visible(user, program.pk):
        raise Http404
    if can_manage(user, program):
        return
    if manage or participant_role(user, program) is None:
        raise PermissionDenied


def get_learning_program_for(user: "User", code: str, *, manage: bool = False) -> Program:
    program = Program.objects.select_related("organization").filter(code=code).first()
    if program is None:
        raise Http404
    _check(user, program, manage=manage)
    return program


def get_module_for(user: "User", code: str, *, manage: bool = False) -> Module:
    module = Module.objects.select_related("program__organization").filter(code=code).first()
    if module is None:
        raise Http404
    _check(user, module.program, manage=manage)
    return module


def get_quiz_for(user: "User", code: str, *, manage: bool = False) -> Quiz:
    quiz = Quiz.objects.select_related("program__organization").filter(code=code).first()
    if quiz is None:
        raise Http404
    _check(user, quiz.program, manage=manage)
    return quiz


def get_attempt_for(user: "User", code: str) -> Attempt:
    """One's own attempt, or any attempt at a quiz of a programme one manages."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    attempt = (
        Attempt.objects.select_related("quiz__program__organization", "user")
        .filter(code=code)
        .first()
    )
    if attempt is None:
        raise Http404
    if attempt.user_id != user.pk and not can_manage(user, attempt.quiz.program):
        raise Http404
    if not _visible(user, attempt.quiz.program_id):
        raise Http404
    return attempt
