"""Demo data for learning: the shipped modules and quizzes in the main published programmes,
progress rows, and quiz attempts (Asha passed "Mentoring essentials"; some others failed).

Rows are written directly (no notifications, no e-mail), drawn from a generator seeded by the
demo seed and stable keys, so the result is the same on every run. Safe to run twice: a
programme that already has its library modules is left alone.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.demo.rng import rng_for
from carementor.learning import services
from carementor.learning.models import (
    Answer,
    Attempt,
    Module,
    ModuleProgress,
    Question,
    Quiz,
    QuizProgress,
)
from carementor.organizations.models import Membership
from carementor.programs.models import Enrollment, Program

PLAN: dict[str, tuple[str, ...]] = {
    "career-one-to-one": (
        "mentee-finding-mentors",
        "mentee-leading-the-agenda",
        "mentee-building-a-network",
        "mentor-setting-expectations",
        "mentor-psychological-safety",
        "mentor-support-and-challenge",
        "mentoring-essentials",
    ),
    "digital-adoption": (
        "digital-ehr",
        "digital-telehealth",
        "digital-ai-tools",
        "mentee-leading-the-agenda",
        "mentor-psychological-safety",
        "telehealth-basics",
        "mentoring-essentials",
    ),
}
ASHA = "asha@example.org"
TAKERS = 12  # participants per programme with progress and attempts


def seed_learning(*, organizations: dict[str, Any], seed: int) -> None:
    for organization in organizations.values():
        coordinator = (
            User.objects.filter(
                pk__in=Membership.objects.filter(
                    organization=organization, is_coordinator=True
                ).values("user_id")
            )
            .order_by("pk")
            .first()
        )
        programs = Program.objects.filter(
            organization=organization, template__in=PLAN, status=Program.Status.PUBLISHED
        ).order_by("pk")
        for program in programs:
            if Module.objects.filter(program=program).exclude(library_slug="").exists():
                continue
            with transaction.atomic():
                for slug in PLAN[program.template]:
                    services.library_add(program=program, actor=coordinator, slug=slug)
                _progress(program, seed=seed, key=f"{organization.slug}:{program.template}")


def _participants(program: Program) -> list[tuple[User, str]]:
    rows = (
        Enrollment.objects.approved()
        .filter(program=program)
        .select_related("user")
        .order_by("user__email")
    )
    people = [(e.user, e.role) for e in rows]
    # Asha first, so her story is always told; then a fixed slice of the others.
    people.sort(key=lambda pair: pair[0].email != ASHA)
    return people[:TAKERS]


def _progress(program: Program, *, seed: int, key: str) -> None:
    rng = rng_for("learning", seed, key)
    now = timezone.now().replace(microsecond=0)
    modules = list(Module.objects.filter(program=program).prefetch_related("blocks"))
    quizzes = list(Quiz.objects.filter(program=program).prefetch_related("questions__choices"))
    progress_rows: list[ModuleProgress] = []
    for n, (user, role) in enumerate(_participants(program)):
        mine = [m for m in modules if m.audience in ("everyone", role + "s") or role == "both"]
        is_asha = user.email == ASHA
        done = len(mine) if is_asha else rng.randint(0, len(mine))
        for index, module in enumerate(mine):
            opened = now - timedelta(days=30 - index, hours=rng.randint(0, 12))
            if index < done:
                progress_rows.append(
                    ModuleProgress(
                        module=module,
                        user=user,
                        opened_at=opened,
                        completed_at=opened + timedelta(minutes=module.minutes),
                        blocks_done=[b.code for b in module.blocks.all()],
                    )
                )
            elif index == done and rng.random() < 0.6:
                progress_rows.append(ModuleProgress(module=module, user=user, opened_at=opened))
        for quiz in quizzes:
            # Asha passes at the second try; others pass, fail, or have not started.
            if is_asha:
                skills = [0.2, 1.0] if quiz.library_slug == "mentoring-essentials" else [1.0]
            elif n % 4 == 3:
                continue
            else:
                skills = [rng.choice([0.3, 0.5, 0.7, 0.9])]
                if skills[0] < 0.6 and rng.random() < 0.5:
                    skills.append(min(skills[0] + 0.3, 1.0))
            skills = skills[: quiz.max_attempts or len(skills)]
            for number, skill in enumerate(skills, start=1):
                started = now - timedelta(days=20 - 3 * number, hours=n)
                _attempt(quiz, user, number, skill, started, rng)
    ModuleProgress.objects.bulk_create(progress_rows, ignore_conflicts=True)


def _attempt(
    quiz: Quiz, user: User, number: int, skill: float, started: datetime, rng: Any
) -> None:
    bank = sorted(quiz.questions.all(), key=lambda q: q.position)
    drawn = rng.sample(bank, quiz.draw_count) if 0 < quiz.draw_count < len(bank) else bank
    answers = []
    for question in drawn:
        right = rng.random() < skill
        choices = list(question.choices.all())
        if question.kind == Question.Kind.NUMERIC:
            assert question.numeric_answer is not None
            value = question.numeric_answer if right else question.numeric_answer + Decimal(5)
            answers.append(Answer(question=question, numeric_value=value, is_correct=right))
            continue
        correct = [c.pk for c in choices if c.is_correct]
        wrong = [c.pk for c in choices if not c.is_correct][:1]
        answers.append(
            Answer(question=question, choice_ids=correct if right else wrong, is_correct=right)
        )
    score = sum(1 for a in answers if a.is_correct)
    percent = round(100 * score / len(drawn))
    submitted = started + timedelta(minutes=rng.randint(4, max(quiz.time_limit_minutes, 5)))
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        question_ids=[q.pk for q in drawn],
        status=Attempt.Status.SUBMITTED,
        started_at=started,
        deadline=started + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
        submitted_at=submitted,
        score=score,
        max_score=len(drawn),
        percent=percent,
        passed=percent >= quiz.pass_mark,
    )
    for answer in answers:
        answer.attempt = attempt
    Answer.objects.bulk_create(answers)
    progress, _created = QuizProgress.objects.get_or_create(quiz=quiz, user=user)
    progress.attempts_started = number
    progress.best_percent = max(progress.best_percent or 0, percent)
    if attempt.passed and progress.passed_at is None:
        progress.passed_at = submitted
    progress.save()
